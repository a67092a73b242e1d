// The watch cache of one context: one reflector + store per resource, started when a view
// acquires the resource and stopped a little after the last handle is released (a view that
// re-opens within the linger finds its data still warm).
import { Reflector, type ReflectorOptions, type ReflectorState, type WatchClient } from './reflector';
import { ObjectStore, type ObjectStoreOptions } from './store';
import { resourceKey, type ResourceId } from './types';

export interface WatchTelemetry {
  onWatchOpen?(context: string, resource: ResourceId): void;
  onWatchClose?(context: string, resource: ResourceId): void;
}

export interface AcquireOptions {
  /** Metadata-only objects (PartialObjectMetadata); cached separately from full objects. */
  metadataOnly?: boolean;
  /** Objects listed and watched as Tables, each carrying the server's cells (table-rows.ts);
   *  cached separately from plain objects. */
  table?: boolean;
  /** Store options for this resource (extra indexes, another transform). Used on first acquire. */
  store?: Omit<ObjectStoreOptions, 'schedule'>;
}

export interface WatchCacheOptions {
  /** How long a resource stays watched after its last handle is released. */
  lingerMs?: number;
  telemetry?: WatchTelemetry;
  /** Reflector tuning (backoff, page size, timeouts), for tests and special servers. */
  reflector?: Pick<ReflectorOptions, 'pageSize' | 'watchTimeoutSeconds' | 'backoff' | 'forbiddenRetryMs' | 'requestTimeoutMs' | 'random' | 'now'>;
}

export interface CacheHandle {
  readonly resource: ResourceId;
  readonly store: ObjectStore;
  state(): ReflectorState;
  /** Called on every state change; returns an unsubscribe function. */
  onState(listener: (state: ReflectorState) => void): () => void;
  /** Resolves once the first list has completed (rejects if the signal aborts first). */
  synced(signal?: AbortSignal): Promise<void>;
  /** Gives the handle back; idempotent. */
  release(): void;
}

export interface ResourceStatus {
  resource: ResourceId;
  metadataOnly: boolean;
  handles: number;
  size: number;
  state: ReflectorState;
}

interface Slot {
  resource: ResourceId;
  metadataOnly: boolean;
  store: ObjectStore;
  reflector: Reflector;
  state: ReflectorState;
  listeners: Set<(s: ReflectorState) => void>;
  handles: number;
  linger?: NodeJS.Timeout;
}

export class WatchCache {
  private readonly slots = new Map<string, Slot>();
  private readonly statusListeners = new Set<(status: ResourceStatus) => void>();
  private closed = false;

  constructor(
    private readonly client: WatchClient,
    private readonly opts: WatchCacheOptions = {},
  ) {}

  get context(): string {
    return this.client.context;
  }

  acquire(resource: ResourceId, options: AcquireOptions = {}): CacheHandle {
    if (this.closed) throw new Error(`the watch cache of context "${this.client.context}" is closed`);
    const metadataOnly = options.metadataOnly ?? false;
    const key = `${resourceKey(resource)}${options.table ? '#table' : ''}${metadataOnly ? '#meta' : ''}`;
    let slot = this.slots.get(key);
    if (!slot) {
      slot = this.createSlot(key, resource, metadataOnly, options);
      this.slots.set(key, slot);
      slot.reflector.start();
    }
    if (slot.linger) {
      clearTimeout(slot.linger);
      slot.linger = undefined;
    }
    slot.handles++;
    return this.handleFor(key, slot);
  }

  status(resource: ResourceId, metadataOnly = false): ResourceStatus | undefined {
    const slot = this.slots.get(`${resourceKey(resource)}${metadataOnly ? '#meta' : ''}`);
    return slot && this.statusOf(slot);
  }

  statuses(): ResourceStatus[] {
    return [...this.slots.values()].map((s) => this.statusOf(s));
  }

  /** Every state change of every resource (sync status for the UI). */
  onStatus(listener: (status: ResourceStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => {
      this.statusListeners.delete(listener);
    };
  }

  /** Stops every watch now (the context was disconnected). */
  async close(): Promise<void> {
    this.closed = true;
    const slots = [...this.slots.keys()];
    await Promise.all(slots.map((k) => this.drop(k)));
  }

  private statusOf(slot: Slot): ResourceStatus {
    return { resource: slot.resource, metadataOnly: slot.metadataOnly, handles: slot.handles, size: slot.store.size, state: slot.state };
  }

  private createSlot(key: string, resource: ResourceId, metadataOnly: boolean, options: AcquireOptions): Slot {
    const store = new ObjectStore(options.store);
    const telemetry = this.opts.telemetry;
    const context = this.client.context;
    const slot: Slot = {
      resource,
      metadataOnly,
      store,
      handles: 0,
      listeners: new Set(),
      state: { phase: 'stopped', synced: false },
      reflector: new Reflector({
        ...this.opts.reflector,
        client: this.client,
        resource,
        sink: store,
        metadataOnly,
        table: options.table ?? false,
        onWatchOpen: () => telemetry?.onWatchOpen?.(context, resource),
        onWatchClose: () => telemetry?.onWatchClose?.(context, resource),
        onState: (state) => {
          slot.state = state;
          for (const l of slot.listeners) l(state);
          if (this.slots.get(key) === slot) for (const l of this.statusListeners) l(this.statusOf(slot));
        },
      }),
    };
    return slot;
  }

  private handleFor(key: string, slot: Slot): CacheHandle {
    let released = false;
    return {
      resource: slot.resource,
      store: slot.store,
      state: () => slot.state,
      onState: (listener) => {
        slot.listeners.add(listener);
        return () => {
          slot.listeners.delete(listener);
        };
      },
      synced: (signal) =>
        new Promise<void>((resolve, reject) => {
          if (slot.state.synced) return resolve();
          const onAbort = () => {
            off();
            reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
          };
          const listener = (s: ReflectorState) => {
            if (!s.synced) return;
            off();
            resolve();
          };
          const off = () => {
            slot.listeners.delete(listener);
            signal?.removeEventListener('abort', onAbort);
          };
          slot.listeners.add(listener);
          signal?.addEventListener('abort', onAbort);
        }),
      release: () => {
        if (released) return;
        released = true;
        if (--slot.handles > 0) return;
        const linger = this.opts.lingerMs ?? 30_000;
        slot.linger = setTimeout(() => void this.drop(key), linger);
        slot.linger.unref?.();
      },
    };
  }

  private async drop(key: string): Promise<void> {
    const slot = this.slots.get(key);
    if (!slot) return;
    this.slots.delete(key);
    if (slot.linger) clearTimeout(slot.linger);
    await slot.reflector.stop();
    slot.store.clear();
  }
}
