// topology.graph: watches the kinds the graph needs, sends a snapshot once they are listed (or
// after a grace period, saying which are still loading), then rebuilds on every cache change at
// a pace that follows the build's cost and sends only the difference.
import type { Api } from '../../contract/api';
import type { ParsedInputOf } from '../../contract/define';
import { ContractError } from '../../contract/errors';
import type { StreamSink } from '../../contract/server';
import { DEFAULT_TOPOLOGY_KINDS, type TopologyFrame, type TopologyKind } from '../../contract/topology-types';
import type { CacheHandle } from '../kube/cache/cache';
import type { ClusterCaches } from '../kube/clusters';
import { findKind } from '../kube/kinds/kinds';
import { toSyncState } from '../kube/sync-state';
import { buildTopology, nodeId, TOPOLOGY_SOURCES, type TopologySourceKind, type TopologyStores } from './build';
import { GraphVersions } from './diff';
import { viewOf } from './filter';

export type TopologyRequest = ParsedInputOf<Api['topology.graph']>;

/** Needed whatever is shown: pods and the owners they are grouped into. */
const ALWAYS = new Set<TopologySourceKind>(['pods', 'deployments', 'replicasets', 'statefulsets', 'daemonsets', 'jobs', 'cronjobs']);
/** How long the first snapshot waits for kinds still listing. */
const FIRST_SNAPSHOT_WAIT_MS = 10_000;

export function sourcesFor(kinds: ReadonlySet<TopologyKind>): TopologySourceKind[] {
  return (Object.entries(TOPOLOGY_SOURCES) as Array<[TopologySourceKind, TopologyKind]>).filter(([id, kind]) => ALWAYS.has(id) || kinds.has(kind)).map(([id]) => id);
}

export async function streamTopology(caches: ClusterCaches, req: TopologyRequest, sink: StreamSink<TopologyFrame>): Promise<void> {
  const kinds = new Set<TopologyKind>(req.kinds ?? DEFAULT_TOPOLOGY_KINDS);
  const handles = new Map<TopologySourceKind, CacheHandle>();
  const releaseAll = () => handles.forEach((h) => h.release());
  try {
    // The same handles the list views use (one watch per kind): ConfigMaps and Secrets are cached
    // as metadata only there, so no Secret value is in memory for the graph either.
    for (const id of sourcesFor(kinds)) handles.set(id, await caches.acquire(req.context, findKind(id)!));
  } catch (err) {
    releaseAll();
    throw new ContractError('UNAVAILABLE', (err as Error).message);
  }
  if (sink.signal.aborted) return releaseAll();

  const stores: TopologyStores = {};
  for (const [id, h] of handles) stores[id] = h.store;
  const namespaces = req.namespaces?.length ? req.namespaces : req.focus?.namespace ? [req.focus.namespace] : undefined;
  const focus = req.focus ? { id: nodeId(req.focus.kind, req.focus.namespace, req.focus.name), depth: req.focus.depth } : undefined;
  const expand = new Set(req.expand ?? []);
  const health = req.health ? new Set(req.health) : undefined;
  const versions = new GraphVersions();

  type StateFrame = Extract<TopologyFrame, { type: 'state' }>;
  const state = (): StateFrame => {
    const loading: string[] = [];
    const problems: Array<{ kind: string; message: string }> = [];
    for (const [id, h] of handles) {
      const s = toSyncState(h.state());
      if (!s.synced && s.phase !== 'forbidden') loading.push(id);
      if (s.phase === 'forbidden' || s.phase === 'backoff') problems.push({ kind: id, message: s.message ?? s.phase });
    }
    return { type: 'state', loading, problems };
  };
  let lastState = '';
  const pushState = () => {
    const frame = state();
    const text = JSON.stringify(frame);
    if (text !== lastState) sink.push(frame);
    lastState = text;
  };

  let started = false;
  let lastBuildMs = 0;
  let timer: NodeJS.Timeout | undefined;
  let lastRun = 0;
  const publish = () => {
    timer = undefined;
    lastRun = Date.now();
    const t0 = performance.now();
    const graph = buildTopology(stores, { namespaces, expand, expandAll: req.expandAll });
    const view = viewOf(graph, { kinds, health, focus, maxNodes: req.maxNodes });
    lastBuildMs = performance.now() - t0;
    const stats = { pods: graph.pods, nodes: view.nodes.length, edges: view.edges.length, buildMs: Math.round(lastBuildMs * 10) / 10, ...(view.truncated ? { truncated: view.truncated } : {}) };
    if (!started) {
      started = true;
      sink.push(versions.snapshot(view, stats));
      return;
    }
    const delta = versions.delta(view, stats);
    if (delta) sink.push(delta);
  };
  // Rebuilds follow changes, no more often than every 250 ms nor than 4x the last build's cost
  // (at 100k pods under churn the stream stays live without taking the backend's whole time).
  const schedule = () => {
    if (!started || timer) return;
    const gap = Math.max(250, 4 * lastBuildMs);
    timer = setTimeout(publish, Math.max(0, lastRun + gap - Date.now()));
  };

  const unsubscribes = [...handles.values()].flatMap((h) => [h.store.subscribe(schedule), h.onState(() => pushState())]);
  sink.signal.addEventListener('abort', () => {
    clearTimeout(timer);
    unsubscribes.forEach((u) => u());
    releaseAll();
  });

  pushState();
  // The first snapshot waits for every kind's first list; forbidden kinds do not hold it up, and
  // neither does a kind still failing after the grace period (the state frame says which).
  const loading = () => state().loading.length > 0;
  const offs: Array<() => void> = [];
  const listed = new Promise<void>((resolve) => {
    const check = () => {
      if (!loading()) resolve();
    };
    for (const h of handles.values()) offs.push(h.onState(check));
    check();
  });
  let graceTimer: NodeJS.Timeout | undefined;
  const grace = new Promise<void>((r) => (graceTimer = setTimeout(r, FIRST_SNAPSHOT_WAIT_MS)));
  const aborted = new Promise<void>((r) => sink.signal.addEventListener('abort', () => r()));
  await Promise.race([listed, grace, aborted]);
  clearTimeout(graceTimer);
  offs.forEach((o) => o());
  if (sink.signal.aborted) return;
  pushState();
  publish();
}
