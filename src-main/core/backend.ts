// The backend: implements every procedure and stream of the contract. It has no idea which
// host (Electron or the browser-mode server) carries it.
import type { Api } from '../contract/api';
import type { Handlers } from '../contract/server';
import type { AppInfo, ContextsSnapshot, HostKind } from '../contract/types';
import { watchFiles } from './kube/file-watch';
import { loadKubeconfig, summarizeContexts } from './kube/kubeconfig';
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
  const contexts = new ContextsSource(options.kubeconfigPaths);

  const handlers: Handlers<Api> = {
    'app.info': () => info,
    'contexts.list': () => contexts.current(),
    'contexts.watch': (_input, sink) => {
      const unsubscribe = contexts.subscribe((snapshot) => sink.push(snapshot));
      sink.signal.addEventListener('abort', unsubscribe);
    },
    'diagnostics.metrics': () => options.telemetry.snapshot(),
  };

  return { handlers, dispose: () => contexts.dispose() };
}

/** The merged kubeconfig, re-read when one of its files changes, shared by all subscribers. */
class ContextsSource {
  private listeners = new Set<(s: ContextsSnapshot) => void>();
  private latest: Promise<ContextsSnapshot> | undefined;
  private stopWatching: (() => void) | undefined;

  constructor(private readonly paths: string[]) {}

  current(): Promise<ContextsSnapshot> {
    if (this.listeners.size === 0) return this.load(); // unwatched: a cached copy could be stale
    this.latest ??= this.load();
    return this.latest;
  }

  subscribe(listener: (s: ContextsSnapshot) => void): () => void {
    this.listeners.add(listener);
    this.stopWatching ??= watchFiles(this.paths, () => void this.reload());
    void this.current().then(listener);
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) {
        this.stopWatching?.();
        this.stopWatching = undefined;
        this.latest = undefined; // nobody watches: the next read must hit the files again
      }
    };
  }

  private load() {
    return loadKubeconfig(this.paths).then(summarizeContexts);
  }

  private async reload() {
    this.latest = this.load();
    const snapshot = await this.latest;
    for (const listener of this.listeners) listener(snapshot);
  }

  dispose() {
    this.stopWatching?.();
    this.listeners.clear();
  }
}
