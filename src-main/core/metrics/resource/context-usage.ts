// Resource usage of one context: the poller's rounds go into the history store as pod and node
// series plus sums per namespace, per workload and for the cluster (recorded as samples arrive,
// so a workload's history includes pods replaced since). Views subscribe to hear of new rounds.
import type { ContainerUsage, ResourceMetricsStatus, UsageTarget } from '../../../contract/metrics-types';
import type { CacheHandle } from '../../kube/cache/cache';
import type { KubeClient } from '../../kube/kube-client';
import { containersOf } from './metrics-api';
import { workloadKey, workloadOfPod, type OwnerStores } from './owners';
import { UsagePoller, type PollerOptions, type PollRound } from './poller';
import { specOf, type SpecStores } from './spec';
import { UsageStore, type UsageStoreOptions } from './usage-store';

export function seriesKey(t: UsageTarget): string {
  switch (t.kind) {
    case 'pod':
      return `pod/${t.namespace}/${t.name}`;
    case 'node':
      return `node/${t.name}`;
    case 'namespace':
      return `namespace/${t.name}`;
    case 'workload':
      return `workload/${workloadKey(t.workloadKind, t.namespace, t.name)}`;
    case 'cluster':
      return 'cluster';
  }
}

/** Clusters with more pods have usage history only for the namespaces in view (at 100k pods a
 *  cluster-wide poll costs ~1.4 s of CPU; at 5,000 about 0.07 s). */
const ALL_PODS_UP_TO = 5000;

export interface RoundEvent {
  slotT: number;
  /** Per-container usage of the pods someone watches (key: pod series key). */
  containers: Map<string, ContainerUsage[]>;
}

export interface ContextUsageDeps {
  kube(): Promise<KubeClient>;
  /** Watch-cache handles (pods, nodes, replicasets, jobs); each may be missing. */
  handles: Partial<Record<'pods' | 'nodes' | 'replicasets' | 'jobs', CacheHandle>>;
}

export class ContextUsage {
  readonly store: UsageStore;
  private status: ResourceMetricsStatus = { state: 'starting' };
  private readonly poller: UsagePoller;
  private readonly roundListeners = new Set<(e: RoundEvent) => void>();
  private readonly statusListeners = new Set<(s: ResourceMetricsStatus) => void>();
  /** Pods whose containers someone watches, and namespaces views look at (polled on their own
   *  when cluster-wide listing is forbidden, or when the cluster is too large to poll whole). */
  private readonly watchedPods = new Map<string, number>();
  private readonly watchedNamespaces = new Map<string, number>();
  private readonly defaultNamespace: string | undefined;
  private readonly allPodsUpTo: number;
  private stopped = false;
  private stopWaiting: (() => void) | undefined;
  /** Pod series key -> workload key (null: none), for pods seen in the last round. */
  private workloads = new Map<string, string | null>();
  private lastSampleAt: number | undefined;

  constructor(
    private readonly deps: ContextUsageDeps,
    opts: { store?: UsageStoreOptions; poller?: PollerOptions; defaultNamespace?: string; allPodsUpTo?: number } = {},
  ) {
    this.store = new UsageStore(opts.store);
    this.defaultNamespace = opts.defaultNamespace;
    this.allPodsUpTo = opts.allPodsUpTo ?? ALL_PODS_UP_TO;
    this.poller = new UsagePoller(
      {
        kube: deps.kube,
        onRound: (r) => this.ingest(r),
        onStatus: (s) => this.setStatus(s),
        namespaces: () => [...new Set([...(this.defaultNamespace ? [this.defaultNamespace] : []), ...this.watchedNamespaces.keys()])],
        podScope: () => this.podScope(),
      },
      opts.poller,
    );
    // Polling starts at once; until the pods cache has listed the cluster its size is unknown,
    // so pods are polled in the default and viewed namespaces only (a 100k-pod cluster is not
    // polled whole while it is being listed), and the round after the listing has the full scope.
    const pods = deps.handles.pods;
    this.poller.start();
    if (pods && !pods.state().synced) {
      const off = pods.onState((s) => {
        if (!s.synced) return;
        off();
        if (!this.stopped) this.poller.pokeSoon();
      });
      this.stopWaiting = off;
    }
  }

  /** Every pod while the cluster is small; beyond that only the namespaces views look at. */
  private podScope(): { all: true } | { namespaces: string[]; why: string } {
    const state = this.deps.handles.pods?.state();
    // Pods cannot be listed cluster-wide: their number is unknowable, and the poller falls back
    // to the namespaces it may read if pods.metrics.k8s.io is refused cluster-wide too.
    if (!state || state.phase === 'forbidden') return { all: true };
    if (!state.synced) {
      const namespaces = [...new Set([...(this.defaultNamespace ? [this.defaultNamespace] : []), ...this.watchedNamespaces.keys()])];
      return { namespaces, why: `the cluster's pods are still being listed, so pod usage is polled for namespace${namespaces.length === 1 ? '' : 's'} ${namespaces.join(', ') || '(none)'} until then` };
    }
    const count = this.deps.handles.pods?.store.size ?? 0;
    if (count <= this.allPodsUpTo) return { all: true };
    const namespaces = [...this.watchedNamespaces.keys()];
    const where = namespaces.length ? `namespace${namespaces.length > 1 ? 's' : ''} ${namespaces.join(', ')}` : 'no namespace (none is in view)';
    return { namespaces, why: `${count.toLocaleString('en-US')} pods: more than ${this.allPodsUpTo.toLocaleString('en-US')}, so pod usage history is kept only for the namespaces in view; now ${where}` };
  }

  stop() {
    this.stopped = true;
    this.stopWaiting?.();
    this.poller.stop();
    for (const h of Object.values(this.deps.handles)) h?.release();
  }

  private get stores(): SpecStores | undefined {
    const pods = this.deps.handles.pods?.store;
    if (!pods) return undefined;
    return { pods, ...(this.deps.handles.replicasets ? { replicasets: this.deps.handles.replicasets.store } : {}), ...(this.deps.handles.jobs ? { jobs: this.deps.handles.jobs.store } : {}), ...(this.deps.handles.nodes ? { nodes: this.deps.handles.nodes.store } : {}) };
  }

  currentStatus(): ResourceMetricsStatus {
    const st = this.store.stats();
    return {
      ...this.status,
      slotS: st.slotS,
      retentionS: st.retentionS,
      series: st.series,
      historyBytes: st.bytes,
      ...(this.lastSampleAt ? { lastSampleAt: this.lastSampleAt } : {}),
      ...(this.poller.intervalMs ? { pollS: Math.round(this.poller.intervalMs / 100) / 10 } : {}),
    };
  }

  private setStatus(s: ResourceMetricsStatus) {
    this.status = s;
    const full = this.currentStatus();
    for (const l of this.statusListeners) l(full);
  }

  /** Listens for new rounds and status changes while a view is open; `watch` names the target so
   *  its namespace is polled even without cluster-wide access, and a pod's containers are kept. */
  subscribe(target: UsageTarget, onRound: (e: RoundEvent) => void, onStatus: (s: ResourceMetricsStatus) => void): () => void {
    const podKey = target.kind === 'pod' ? seriesKey(target) : undefined;
    const ns = target.kind === 'pod' || target.kind === 'workload' ? target.namespace : target.kind === 'namespace' ? target.name : undefined;
    const inc = (m: Map<string, number>, k: string | undefined) => k !== undefined && m.set(k, (m.get(k) ?? 0) + 1);
    const dec = (m: Map<string, number>, k: string | undefined) => {
      if (k === undefined) return;
      const n = (m.get(k) ?? 1) - 1;
      if (n <= 0) m.delete(k);
      else m.set(k, n);
    };
    const isNewNamespace = ns !== undefined && !this.watchedNamespaces.has(ns);
    inc(this.watchedPods, podKey);
    inc(this.watchedNamespaces, ns);
    if (isNewNamespace && (this.poller.byNamespace || !('all' in this.podScope()))) this.poller.pokeSoon();
    this.roundListeners.add(onRound);
    this.statusListeners.add(onStatus);
    return () => {
      dec(this.watchedPods, podKey);
      dec(this.watchedNamespaces, ns);
      this.roundListeners.delete(onRound);
      this.statusListeners.delete(onStatus);
    };
  }

  spec(target: UsageTarget) {
    const stores = this.stores;
    return stores ? specOf(stores, target) : { requests: {}, limits: {} };
  }

  private workloadOf(stores: OwnerStores | undefined, key: string, namespace: string, name: string, previous: Map<string, string | null>, ownersListed: boolean): string | null | undefined {
    const known = previous.get(key);
    if (known !== undefined) return known;
    // While pods, ReplicaSets or Jobs are still being listed, a pod's owner may not be known yet
    // (it would be remembered as its ReplicaSet for its life): attributed once they are listed.
    return stores && ownersListed ? workloadOfPod(stores, namespace, name) : undefined;
  }

  /** The caches a pod's workload is read from have listed (or cannot list). */
  private ownersListed(): boolean {
    const h = this.deps.handles;
    return [h.pods, h.replicasets, h.jobs].every((c) => {
      const state = c?.state();
      return !state || state.synced || state.phase === 'forbidden';
    });
  }

  private ingest(round: PollRound) {
    const store = this.store;
    store.setResolution(round.resolutionS);
    const slotT = store.begin(round.timestampMs);
    const stores = this.stores;
    const previous = this.workloads;
    const ownersListed = this.ownersListed();
    const workloads = new Map<string, string | null>();
    const byNamespace = new Map<string, [number, number]>();
    const byWorkload = new Map<string, [number, number]>();
    const containers = new Map<string, ContainerUsage[]>();
    const add = (m: Map<string, [number, number]>, k: string, cpu: number, mem: number) => {
      const s = m.get(k);
      if (s) {
        s[0] += cpu;
        s[1] += mem;
      } else m.set(k, [cpu, mem]);
    };
    let podCpu = 0;
    let podMem = 0;
    for (const p of round.pods ?? []) {
      const ns = p.namespace ?? '';
      const key = `pod/${ns}/${p.name}`;
      store.put(key, p.cpu, p.memory);
      podCpu += p.cpu;
      podMem += p.memory;
      add(byNamespace, ns, p.cpu, p.memory);
      const w = this.workloadOf(stores, key, ns, p.name, previous, ownersListed);
      if (w !== undefined) workloads.set(key, w);
      if (w) add(byWorkload, w, p.cpu, p.memory);
      if (this.watchedPods.has(key)) {
        const cs = containersOf(p);
        if (cs) containers.set(key, cs);
      }
    }
    this.workloads = workloads;
    for (const [ns, [c, m]] of byNamespace) store.put(`namespace/${ns}`, c, m);
    for (const [w, [c, m]] of byWorkload) store.put(`workload/${w}`, c, m);
    let nodeCpu = 0;
    let nodeMem = 0;
    for (const n of round.nodes ?? []) {
      store.put(`node/${n.name}`, n.cpu, n.memory);
      nodeCpu += n.cpu;
      nodeMem += n.memory;
    }
    // The cluster: what the nodes report (system daemons included), else the sum of all pods.
    if (round.nodes?.length) store.put('cluster', nodeCpu, nodeMem);
    else if (round.pods && !round.namespaces) store.put('cluster', podCpu, podMem);
    this.lastSampleAt = round.timestampMs;
    this.setStatus({ state: 'ok', resolutionS: round.resolutionS, ...(round.partial ? { message: round.partial } : {}) });
    const event = { slotT, containers };
    for (const l of this.roundListeners) l(event);
  }
}
