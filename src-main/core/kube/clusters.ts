// One watch cache per context, created on first use. Its client delegates to the connection
// manager's current client, so a kubeconfig edit (new token, new CA) applies to the next request
// without tearing the cache down.
import type { IncomingMessage } from 'node:http';
import { WatchCache, type WatchTelemetry } from './cache/cache';
import type { WatchClient } from './cache/reflector';
import type { ConnectionManager } from './connections';
import type { KubeRequest } from './kube-client';

export class ClusterCaches {
  private caches = new Map<string, WatchCache>();

  constructor(
    private readonly connections: ConnectionManager,
    private readonly telemetry?: WatchTelemetry,
  ) {}

  async cache(context: string): Promise<WatchCache> {
    let cache = this.caches.get(context);
    if (cache) return cache;
    const first = await this.connections.client(context); // throws for an unusable context
    const connections = this.connections;
    const client: WatchClient = {
      context,
      server: first.server,
      async send(req: KubeRequest): Promise<IncomingMessage> {
        return (await connections.client(context)).send(req);
      },
      credentialKind: () => first.credentialKind(),
      execCommand: () => first.execCommand(),
    };
    cache = this.caches.get(context) ?? new WatchCache(client, { telemetry: this.telemetry });
    this.caches.set(context, cache);
    return cache;
  }

  async dispose() {
    await Promise.all([...this.caches.values()].map((c) => c.close()));
    this.caches.clear();
  }
}
