// The backend: implements every procedure and stream of the contract. It has no idea which
// host (Electron or the browser-mode server) carries it.
import type { Api } from '../contract/api';
import type { Handlers } from '../contract/server';
import type { AppInfo, HostKind } from '../contract/types';
import { ConnectionManager } from './kube/connections';
import { summarizeContexts } from './kube/kubeconfig';
import { KubeconfigSource } from './kube/kubeconfig-source';
import type { Telemetry } from './telemetry/telemetry';

export interface BackendOptions {
  host: HostKind;
  version: string;
  kubeconfigPaths: string[];
  telemetry: Telemetry;
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
    },
    'diagnostics.metrics': () => options.telemetry.snapshot(),
  };

  return {
    handlers,
    dispose: () => {
      connections.dispose();
      kubeconfig.dispose();
    },
  };
}
