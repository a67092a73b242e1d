// The merged kubeconfig, re-read when one of its files changes, shared by everything that needs
// contexts or credentials. Files are watched only while someone listens.
import { watchFiles } from './file-watch';
import { loadKubeconfig, type MergedKubeconfig } from './kubeconfig';

export class KubeconfigSource {
  private listeners = new Set<(config: MergedKubeconfig) => void>();
  private latest: Promise<MergedKubeconfig> | undefined;
  private stopWatching: (() => void) | undefined;

  constructor(readonly paths: string[]) {}

  current(): Promise<MergedKubeconfig> {
    if (this.listeners.size === 0) return loadKubeconfig(this.paths); // unwatched: a cached copy could be stale
    this.latest ??= loadKubeconfig(this.paths);
    return this.latest;
  }

  /** Calls the listener with the current config, then after every change. */
  subscribe(listener: (config: MergedKubeconfig) => void): () => void {
    this.listeners.add(listener);
    this.stopWatching ??= watchFiles(this.paths, () => void this.reload());
    void this.current().then((config) => this.listeners.has(listener) && listener(config));
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) {
        this.stopWatching?.();
        this.stopWatching = undefined;
        this.latest = undefined;
      }
    };
  }

  private async reload() {
    this.latest = loadKubeconfig(this.paths);
    const config = await this.latest;
    for (const listener of this.listeners) listener(config);
  }

  dispose() {
    this.stopWatching?.();
    this.stopWatching = undefined;
    this.listeners.clear();
  }
}
