// Applies topology.graph frames to a graph held by the client (the renderer, tests): a snapshot
// replaces it, a delta changes it in place when it follows the version held.
import type { TopologyEdge, TopologyFrame, TopologyNode, TopologyStats } from './topology-types';

export interface TopologyState {
  version: number;
  nodes: Map<string, TopologyNode>;
  edges: Map<string, TopologyEdge>;
  stats?: TopologyStats;
  loading: string[];
  problems: Array<{ kind: string; message: string }>;
}

export const emptyTopology = (): TopologyState => ({ version: 0, nodes: new Map(), edges: new Map(), loading: [], problems: [] });

/** Returns a new state (the maps are new when the graph changed). Throws on a delta that does
 *  not follow the version held: the stream must be reopened. */
export function applyTopologyFrame(s: TopologyState, f: TopologyFrame): TopologyState {
  if (f.type === 'state') return { ...s, loading: f.loading, problems: f.problems };
  if (f.type === 'snapshot') {
    return { ...s, version: f.version, nodes: new Map(f.nodes.map((n) => [n.id, n])), edges: new Map(f.edges.map((e) => [e.id, e])), stats: f.stats };
  }
  if (f.version !== s.version + 1) throw new Error(`topology delta ${f.version} does not follow version ${s.version}`);
  const nodes = new Map(s.nodes);
  const edges = new Map(s.edges);
  for (const id of f.removedNodes) nodes.delete(id);
  for (const n of f.addedNodes) nodes.set(n.id, n);
  for (const n of f.changedNodes) nodes.set(n.id, n);
  for (const id of f.removedEdges) edges.delete(id);
  for (const e of f.addedEdges) edges.set(e.id, e);
  return { ...s, version: f.version, nodes, edges, stats: f.stats };
}
