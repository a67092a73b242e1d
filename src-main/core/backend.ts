// The backend: implements every procedure and stream of the contract. It has no idea which
// host (Electron or the browser-mode server) carries it.
import type { Api } from '../contract/api';
import type { Handlers } from '../contract/server';
import type { AppInfo, HostKind } from '../contract/types';
import { ClusterCaches } from './kube/clusters';
import { ConnectionManager } from './kube/connections';
import { kindInfos } from './kube/kinds/kinds';
import { summarizeContexts } from './kube/kubeconfig';
import { KubeconfigSource } from './kube/kubeconfig-source';
import { ResourceViews } from './kube/resource-views';
import { streamDetail } from './kube/detail-streams';
import { permissions, resolveTarget, runAction } from './kube/actions';
import { streamOverview } from './kube/overview';
import { Discovery } from './kube/discovery';
import { ContractError } from '../contract/errors';
import { LogViews } from './logs/views';
import { streamTopology } from './topology/stream';
import { serviceGraphHandlers } from './topology/traffic/handlers';
import type { Telemetry } from './telemetry/telemetry';
import { createMetrics, type MetricsDeps } from './metrics/handlers';
import { Settings } from './settings';

export interface BackendOptions {
  host: HostKind;
  version: string;
  kubeconfigPaths: string[];
  telemetry: Telemetry;
  /** Where remembered choices are kept (Electron's userData, the server's --data-dir); none: in memory. */
  dataDir?: string;
  /** Tuning of resource usage polling and Prometheus discovery (tests, benchmarks). */
  metrics?: Pick<MetricsDeps, 'resource' | 'prometheus'>;
}

export interface Backend {
  handlers: Handlers<Api>;
  dispose(): void;
}

export function createBackend(options: BackendOptions): Backend {
  const info: AppInfo = {
    name: 'Orrery',
    version: options.version,
    host: options.host,
    platform: `${process.platform}-${process.arch}`,
    nodeVersion: process.versions.node,
    startedAt: new Date().toISOString(),
  };
  const kubeconfig = new KubeconfigSource(options.kubeconfigPaths);
  const connections = new ConnectionManager(kubeconfig);
  const caches = new ClusterCaches(connections, {
    onWatchOpen: (context, r) => options.telemetry.watchConnections.inc({ context, resource: r.resource }),
    onWatchClose: (context, r) => options.telemetry.watchConnections.dec({ context, resource: r.resource }),
  });
  const discovery = new Discovery((context) => connections.client(context), caches);
  const resolveKind = (context: string, id: string) => discovery.resolve(context, id);
  const views = new ResourceViews(caches, resolveKind);
  const logs = new LogViews(caches);
  const clientFor = (context: string) =>
    connections.client(context).catch((err: Error) => {
      throw new ContractError('UNAVAILABLE', err.message);
    });
  const metrics = createMetrics({
    caches,
    clientFor: (context) => connections.client(context),
    settings: new Settings(options.dataDir),
    ...(options.metrics?.prometheus ? { prometheus: options.metrics.prometheus } : {}),
    resource: { ...options.metrics?.resource, namespaceOf: async (context) => summarizeContexts(await kubeconfig.current()).contexts.find((c) => c.name === context)?.namespace },
  });

  const serviceGraph = serviceGraphHandlers(caches, metrics.prometheuses);

  const handlers: Handlers<Api> = {
    'app.info': () => info,
    'contexts.list': async () => summarizeContexts(await kubeconfig.current()),
    'contexts.watch': (_input, sink) => {
      const unsubscribe = kubeconfig.subscribe((config) => sink.push(summarizeContexts(config)));
      sink.signal.addEventListener('abort', unsubscribe);
    },
    'cluster.connection': ({ context }, sink) => {
      const unsubscribe = connections.watch(context, (state) => sink.push(state));
      sink.signal.addEventListener('abort', unsubscribe);
      // The context in use: keep its usage history (metrics-server keeps none).
      sink.signal.addEventListener('abort', metrics.resource.use(context));
    },
    'cluster.overview': (input, sink) => streamOverview(caches, connections, input, sink),
    // Kinds Orrery defines, plus what the context's discovery adds (CRDs...); an unreachable
    // cluster still gets the defined kinds.
    'resources.kinds': async ({ context }) => [...kindInfos(), ...(context ? await discovery.kinds(context).catch(() => []) : [])],
    'resources.kindsWatch': ({ context }, sink) => {
      const stop = discovery.watch(
        context,
        (found) => sink.push([...kindInfos(), ...found]),
        () => sink.push(kindInfos()), // unreachable: the defined kinds still list (and say why)
      );
      sink.signal.addEventListener('abort', stop);
    },
    'resources.window': (input, sink) => views.open(input, sink),
    'resources.detail': (input, sink) => streamDetail(caches, input, sink, resolveKind),
    'resources.permissions': async ({ context, kind, namespace, name }) => {
      const def = await resolveKind(context, kind).catch(() => undefined); // a custom kind
      return permissions(await clientFor(context), resolveTarget(kind, namespace, name, def));
    },
    'resources.action': async ({ context, kind, namespace, name, ...rest }) => {
      const def = await resolveKind(context, kind).catch(() => undefined);
      return runAction(await clientFor(context), resolveTarget(kind, namespace, name, def), rest);
    },
    'resources.scroll': ({ viewId, offset, limit }) => views.scroll(viewId, offset, limit),
    'cluster.namespaces': async ({ context }, sink) => {
      const handle = await caches.acquire(context, { group: '', version: 'v1', resource: 'namespaces' }).catch((err: Error) => {
        throw new ContractError('UNAVAILABLE', err.message);
      });
      const publish = () => sink.push([...handle.store.items()].map(([, o]) => o.metadata.name ?? '').sort());
      const unsubscribe = handle.store.subscribe(publish);
      void handle.synced(sink.signal).then(publish, () => undefined);
      sink.signal.addEventListener('abort', () => {
        unsubscribe();
        handle.release();
      });
    },
    'diagnostics.metrics': () => options.telemetry.snapshot(),
    'logs.tail': (input, sink) => logs.tail(input, sink),
    'logs.filter': (input) => logs.filter(input),
    'logs.previous': (input) => logs.previous(input),
    'logs.fullLine': ({ viewId, seq }) => logs.fullLine(viewId, seq),
    'logs.export': ({ viewId, format }, sink) => logs.export(viewId, format, sink),
    ...metrics.handlers,
    'topology.graph': (input, sink) => streamTopology(caches, input, sink),
    'servicegraph.graph': (input, { signal }) => serviceGraph.graph(input, signal),
    'servicegraph.history': (input, { signal }) => serviceGraph.history(input, signal),
    'servicegraph.latency': (input, { signal }) => serviceGraph.latency(input, signal),
  };

  return {
    handlers,
    dispose: () => {
      metrics.dispose();
      void caches.dispose();
      connections.dispose();
      kubeconfig.dispose();
    },
  };
}
