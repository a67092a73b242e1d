// What of a built graph is shown: the neighbourhood of a focused object, the kinds asked for, the
// health levels asked for (with the matching nodes' neighbours kept as dimmed context), and at
// most maxNodes nodes (workloads and Services before the rest).
import type { HealthLevel } from '../../contract/types';
import type { TopologyEdge, TopologyKind, TopologyNode } from '../../contract/topology-types';
import type { BuiltGraph } from './build';

export interface ViewOptions {
  kinds?: ReadonlySet<TopologyKind>;
  health?: ReadonlySet<HealthLevel>;
  /** Only nodes within `depth` hops of this node id (edges in either direction). */
  focus?: { id: string; depth: number };
  maxNodes?: number;
}

export interface GraphView {
  nodes: TopologyNode[];
  edges: TopologyEdge[];
  truncated?: { total: number };
}

const rank: Record<TopologyKind, number> = {
  Ingress: 0, Service: 0, Deployment: 0, StatefulSet: 0, DaemonSet: 0, CronJob: 0, Job: 1, PodGroup: 1,
  HorizontalPodAutoscaler: 2, NetworkPolicy: 2, ReplicaSet: 2, ConfigMap: 3, Secret: 3, PersistentVolumeClaim: 3, ServiceAccount: 3, Node: 3, Pod: 4,
};

function adjacency(edges: Iterable<TopologyEdge>): Map<string, string[]> {
  const adj = new Map<string, string[]>();
  const link = (a: string, b: string) => {
    let l = adj.get(a);
    if (!l) adj.set(a, (l = []));
    l.push(b);
  };
  for (const e of edges) {
    link(e.source, e.target);
    link(e.target, e.source);
  }
  return adj;
}

export function viewOf(graph: BuiltGraph, opts: ViewOptions): GraphView {
  let keep = new Set<string>();
  for (const [id, n] of graph.nodes) if (!opts.kinds || opts.kinds.has(n.kind)) keep.add(id);
  const edgesAmong = () => [...graph.edges.values()].filter((e) => keep.has(e.source) && keep.has(e.target));

  if (opts.focus) {
    const adj = adjacency(edgesAmong());
    const seen = new Set<string>();
    let frontier = keep.has(opts.focus.id) ? [opts.focus.id] : [];
    frontier.forEach((id) => seen.add(id));
    for (let d = 0; d < opts.focus.depth && frontier.length; d++) {
      const next: string[] = [];
      for (const id of frontier) {
        for (const m of adj.get(id) ?? []) {
          if (seen.has(m)) continue;
          seen.add(m);
          next.push(m);
        }
      }
      frontier = next;
    }
    keep = seen;
  }

  const context = new Set<string>();
  if (opts.health) {
    const matched = new Set<string>();
    for (const id of keep) {
      const level = graph.nodes.get(id)!.health?.level;
      if (level && opts.health.has(level)) matched.add(id);
    }
    const adj = adjacency(edgesAmong());
    for (const id of matched) for (const m of adj.get(id) ?? []) if (!matched.has(m)) context.add(m);
    keep = new Set([...matched, ...context]);
  }

  let ids = [...keep];
  let truncated: GraphView['truncated'];
  if (opts.maxNodes !== undefined && ids.length > opts.maxNodes) {
    truncated = { total: ids.length };
    ids = ids.sort((a, b) => rank[graph.nodes.get(a)!.kind] - rank[graph.nodes.get(b)!.kind] || (a < b ? -1 : 1)).slice(0, opts.maxNodes);
    keep = new Set(ids);
  }
  const nodes = ids.map((id) => (context.has(id) ? { ...graph.nodes.get(id)!, context: true } : graph.nodes.get(id)!));
  return { nodes, edges: edgesAmong(), ...(truncated ? { truncated } : {}) };
}
