// Assembles the sandbox: store, API server, controllers, kubelet, constellation, load, Prometheus,
// scenarios and scale mode. index.ts is the public entry.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Store } from './apiserver/store';
import { storeResources } from './apiserver/resources';
import type { MetricsProvider } from './apiserver/providers';
import { startApiServer, type ApiServer } from './apiserver/server';
import { writeKubeconfig } from './apiserver/kubeconfig';
import { constellationManifests, createWorkloadRuntime, startLoadGenerator, type LoadGenerator } from './workloads';
import { constellationCrds, constellationCustomResources } from './workloads/custom-resources';
import {
  DeploymentController,
  EndpointsController,
  CronJobController,
  EventRecorder,
  JobController,
  Kubelet,
  NamespaceDefaults,
  NODE_NAMES,
  NodeHeartbeat,
  PodNetwork,
  ReplicaSetController,
  Scheduler,
  makeProviders,
  registerNodes,
} from './controllers';
import { HpaController } from './controllers/hpa';
import { WorkloadStatusController } from './controllers/workloads';
import { startMonitoring, type Monitoring } from './monitoring';
import { ScenarioRunner, SCENARIOS } from './scenarios';
import { startScale, type ScaleMode } from './scale';
import type { Sandbox, SandboxOptions } from './options';

export const SCENARIO_USER = 'orrery-scenario';

export interface InternalOptions {
  /** CrashLoopBackOff base/max (tests scale these down). */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Load generator requests per second (default 3). */
  rps?: number;
  /** At most this many changes kept per resource (default: by time, 5 min); tests shrink it to reach 410 Gone. */
  historySize?: number;
}

/** What HPAs see on a cluster without metrics-server: no samples. */
const NO_METRICS: MetricsProvider = { podUsage: () => undefined, nodeUsage: () => undefined };

export async function startSandboxImpl(opts: SandboxOptions & InternalOptions): Promise<Sandbox> {
  const log = opts.log ?? (() => {});
  const started = Date.now();
  const auditLogPath = opts.auditLogPath ?? `${opts.kubeconfigPath}.audit.log`;
  // The kubeconfig's (and audit log's) directory may not exist yet (`--kubeconfig /tmp/new/kc`).
  for (const p of [opts.kubeconfigPath, auditLogPath]) mkdirSync(dirname(p), { recursive: true });
  const store = new Store(storeResources(), { gracefulPodDeletion: true, ...(opts.historySize !== undefined ? { historySize: opts.historySize } : {}) });
  const runtime = createWorkloadRuntime();
  const network = new PodNetwork();
  const recorder = new EventRecorder(store);
  const stops: (() => unknown)[] = [];
  const ca = { pem: '' };
  const nsDefaults = new NamespaceDefaults(store, () => ca.pem);
  stops.push(() => nsDefaults.stop());

  registerNodes(store, NODE_NAMES);
  const kubelet = new Kubelet(store, recorder, runtime, network, {
    nodes: NODE_NAMES,
    ...(opts.backoffBaseMs !== undefined ? { backoffBaseMs: opts.backoffBaseMs } : {}),
    ...(opts.backoffMaxMs !== undefined ? { backoffMaxMs: opts.backoffMaxMs } : {}),
  });
  const extra: Parameters<typeof makeProviders>[3] = [];
  const providers = makeProviders(store, kubelet, network, extra);

  const server: ApiServer = await startApiServer({
    store,
    ...(opts.port !== undefined ? { port: opts.port } : {}),
    users: [{ name: 'admin', groups: ['system:masters'] }, { name: 'viewer' }, { name: SCENARIO_USER, groups: ['system:masters'] }],
    auditPath: auditLogPath,
    ...providers,
    ...(opts.metricsServer === false ? { metricsServer: false } : {}),
  });
  const api = server;
  ca.pem = api.caPem;
  writeKubeconfig(opts.kubeconfigPath, { url: api.url, caPem: api.caPem, users: api.users.filter((u) => u.name !== SCENARIO_USER) });

  const heartbeat = new NodeHeartbeat(store, NODE_NAMES);
  const controllers = [new Scheduler(store, recorder), new ReplicaSetController(store, recorder), new DeploymentController(store, recorder), new EndpointsController(store, network), new HpaController(store, recorder, opts.metricsServer === false ? NO_METRICS : providers.metrics), new WorkloadStatusController(store, recorder), new JobController(store, recorder), new CronJobController(store, recorder)];

  // Prometheus starts in parallel with the constellation.
  const monitoringP: Promise<Monitoring | undefined> = opts.prometheus === 'off' ? Promise.resolve(undefined) : startMonitoring({ store, kubelet, network, log, metrics: providers.metrics, extra });

  for (const m of constellationManifests()) {
    const resource = { Namespace: 'namespaces', ServiceAccount: 'serviceaccounts', ConfigMap: 'configmaps', Service: 'services', Deployment: 'deployments' }[m.kind];
    if (!resource) continue;
    if (!store.get(resource, m.metadata.namespace, m.metadata.name)) store.create(resource, m as any);
  }
  // cert-manager's CRDs and a few objects: established at once, so the objects can follow.
  for (const crd of constellationCrds()) if (!store.get('customresourcedefinitions', undefined, crd.metadata.name!)) store.create('customresourcedefinitions', crd);
  for (const { resource, object } of constellationCustomResources()) if (!store.get(resource, object.metadata.namespace, object.metadata.name!)) store.create(resource, object);

  let scaleMode: ScaleMode | undefined;
  if (opts.scalePods || opts.churn || opts.logRate) {
    scaleMode = startScale(store, { pods: opts.scalePods ?? 0, churn: opts.churn ?? 0, logRate: opts.logRate ?? 0, log });
    extra.push(scaleMode.provider);
  }

  const load: LoadGenerator = startLoadGenerator({ resolveService: (ns, name) => kubelet.resolveService(ns, name), rps: opts.rps ?? 3 });
  const monitoring = await monitoringP;

  const scenarios = new ScenarioRunner({ api, user: SCENARIO_USER, store, runtime, kubelet, heartbeat, recorder, log });
  log(`sandbox: API server ${api.url} up in ${Date.now() - started} ms`);
  if (opts.scenario) await scenarios.start(opts.scenario);

  let stopping: Promise<void> | undefined;
  return {
    url: api.url,
    kubeconfigPath: opts.kubeconfigPath,
    auditLogPath,
    ...(monitoring?.url ? { prometheusUrl: monitoring.url } : {}),
    scenarios: [...SCENARIOS],
    startScenario: (name) => scenarios.start(name),
    stopScenario: (name) => scenarios.stop(name),
    stop() {
      stopping ??= (async () => {
        await scenarios.stopAll().catch(() => {});
        scaleMode?.stop();
        await load.stop();
        controllers.forEach((c) => c.stop());
        heartbeat.stop();
        recorder.stop();
        for (const s of stops) s();
        await Promise.all([kubelet.stop(), monitoring?.stop()]);
        await runtime.stopAll();
        await api.stop();
      })();
      return stopping;
    },
  };
}
