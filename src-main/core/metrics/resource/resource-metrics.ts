// Resource usage for every context in use: a context starts being polled when something uses
// it (its connection is shown, a usage view opens) and is stopped, its history freed, an hour
// after the last use ends (history only has value for that long). Views get a history snapshot
// and then live points, the target's requests/limits/allocatable, and the polling status.
import type { ResourceSpec, UsageFrame, UsageHistory, UsageTarget } from '../../../contract/metrics-types';
import type { StreamSink } from '../../../contract/server';
import type { CacheHandle } from '../../kube/cache/cache';
import type { ClusterCaches } from '../../kube/clusters';
import { findKind } from '../../kube/kinds/kinds';
import { ContextUsage, seriesKey } from './context-usage';
import type { PollerOptions } from './poller';
import type { UsageStoreOptions } from './usage-store';

export interface ResourceMetricsOptions {
  store?: UsageStoreOptions;
  poller?: PollerOptions;
  /** How long a context is kept polling after its last use ends (default 1 hour). */
  lingerMs?: number;
  /** The context's default namespace (polled on its own when cluster-wide listing is forbidden). */
  namespaceOf?: (context: string) => Promise<string | undefined>;
  /** Clusters with more pods than this keep pod usage only for the namespaces in view (5,000). */
  allPodsUpTo?: number;
}

interface Entry {
  usage: Promise<ContextUsage>;
  users: number;
  linger?: NodeJS.Timeout;
}

const HANDLE_KINDS = ['pods', 'nodes', 'replicasets', 'jobs'] as const;

export class ResourceMetrics {
  private readonly contexts = new Map<string, Entry>();

  constructor(
    private readonly caches: ClusterCaches,
    private readonly opts: ResourceMetricsOptions = {},
  ) {}

  private async start(context: string): Promise<ContextUsage> {
    const handles: Partial<Record<(typeof HANDLE_KINDS)[number], CacheHandle>> = {};
    for (const id of HANDLE_KINDS) {
      try {
        handles[id] = await this.caches.acquire(context, findKind(id)!);
      } catch {
        // Without a cache, usage still works; requests/limits and workloads stay empty.
      }
    }
    const defaultNamespace = await this.opts.namespaceOf?.(context).catch(() => undefined);
    return new ContextUsage({ kube: () => this.caches.client(context), handles }, { ...(this.opts.store ? { store: this.opts.store } : {}), ...(this.opts.poller ? { poller: this.opts.poller } : {}), ...(defaultNamespace ? { defaultNamespace } : {}), ...(this.opts.allPodsUpTo !== undefined ? { allPodsUpTo: this.opts.allPodsUpTo } : {}) });
  }

  /** Starts (or keeps) polling the context; call the returned function when done. */
  use(context: string): () => void {
    let entry = this.contexts.get(context);
    if (!entry) {
      entry = { usage: this.start(context), users: 0 };
      this.contexts.set(context, entry);
    }
    const e = entry;
    e.users++;
    clearTimeout(e.linger);
    e.linger = undefined;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--e.users > 0) return;
      e.linger = setTimeout(() => {
        if (e.users > 0 || this.contexts.get(context) !== e) return;
        this.contexts.delete(context);
        void e.usage.then((u) => u.stop());
      }, this.opts.lingerMs ?? 3600_000);
      e.linger.unref?.();
    };
  }

  async history(context: string, target: UsageTarget): Promise<UsageHistory> {
    const release = this.use(context);
    try {
      const usage = await this.contexts.get(context)!.usage;
      return snapshot(usage, target);
    } finally {
      release();
    }
  }

  /** A history frame, then a point per poll, the spec when it changes, and status changes. */
  async stream(context: string, target: UsageTarget, sink: StreamSink<UsageFrame>): Promise<void> {
    const release = this.use(context);
    sink.signal.addEventListener('abort', release);
    const usage = await this.contexts.get(context)!.usage;
    if (sink.signal.aborted) return;
    const key = seriesKey(target);
    const first = snapshot(usage, target);
    sink.push({ type: 'history', ...first });
    let spec = JSON.stringify(first.spec);
    // A round recorded again at the same time with the same values (the scope grew) is not sent
    // twice; a slot still filling (a new average) is.
    let sent = '';
    const unsubscribe = usage.subscribe(
      target,
      (round) => {
        const latest = usage.store.latest(key);
        const point = latest ? `${latest.t} ${latest.cpu} ${latest.memory}` : '';
        if (latest && latest.t === round.slotT && point !== sent) {
          sent = point;
          const containers = round.containers.get(key);
          sink.push({ type: 'point', ...latest, ...(containers ? { containers } : {}) });
        }
        const next = usage.spec(target);
        const text = JSON.stringify(next);
        if (text !== spec) {
          spec = text;
          sink.push({ type: 'spec', spec: next });
        }
      },
      (status) => sink.push({ type: 'status', status }),
    );
    sink.signal.addEventListener('abort', unsubscribe);
  }

  dispose() {
    for (const e of this.contexts.values()) {
      clearTimeout(e.linger);
      void e.usage.then((u) => u.stop());
    }
    this.contexts.clear();
  }
}

function snapshot(usage: ContextUsage, target: UsageTarget): UsageHistory {
  const spec: ResourceSpec = usage.spec(target);
  return { target, points: usage.store.series(seriesKey(target)), spec, status: usage.currentStatus() };
}
