// One watch cache per context, created on first use. Its client delegates to the connection
// manager's current client, so a kubeconfig edit (new token, new CA) applies to the next request
// without tearing the cache down.
import type { IncomingMessage } from 'node:http';
import { WatchCache, type CacheHandle, type WatchTelemetry } from './cache/cache';
import type { IndexFn, ObjectStoreOptions } from './cache/store';
import { slimKinds } from './kinds/slim';
import type { KindInfo } from '../../contract/types';
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
    let latest = await this.connections.client(context); // throws for an unusable context
    const connections = this.connections;
    const client: WatchClient = {
      context,
      server: latest.server,
      async send(req: KubeRequest): Promise<IncomingMessage> {
        latest = await connections.client(context);
        return latest.send(req);
      },
      // Errors are explained with the credential the failed request used.
      credentialKind: () => latest.credentialKind(),
      execCommand: () => latest.execCommand(),
      credentialDetails: () => latest.credentialDetails(),
    };
    cache = this.caches.get(context) ?? new WatchCache(client, { telemetry: this.telemetry });
    this.caches.set(context, cache);
    return cache;
  }

  client(context: string) {
    return this.connections.client(context);
  }

  /** A kind's cache handle, always with the same store options (indexes are fixed at first use).
   *  Kinds shown with the server's printer columns are cached as Tables. */
  async acquire(context: string, kind: Pick<KindInfo, 'group' | 'version' | 'resource'> & { serverTable?: boolean | 'metadata' }): Promise<CacheHandle> {
    const cache = await this.cache(context);
    return cache.acquire({ group: kind.group, version: kind.version, resource: kind.resource }, { store: storeOptionsFor(kind.resource), ...(kind.serverTable ? { table: true } : {}), ...(kind.serverTable === 'metadata' ? { metadataOnly: true } : {}) });
  }

  async dispose() {
    await Promise.all([...this.caches.values()].map((c) => c.close()));
    this.caches.clear();
  }
}

/** How the cache stores a resource: extra indexes, and a slimming transform for the big kinds. */
export function storeOptionsFor(resource: string): Omit<ObjectStoreOptions, 'schedule'> {
  const indexers = extraIndexers[resource];
  const transform = slimKinds[resource];
  return { ...(indexers ? { indexers } : {}), ...(transform ? { transform } : {}) };
}

/** Indexes some kinds need beyond namespace/label/owner/node. */
const extraIndexers: Record<string, Record<string, IndexFn>> = {
  // Events of one object, for detail pages.
  events: { involved: (o) => (o as { involvedObject?: { uid?: string } }).involvedObject?.uid },
};
