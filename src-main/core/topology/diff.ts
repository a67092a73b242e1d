// Versioned snapshots and deltas of a graph view, so the renderer updates in place (and keeps
// its layout) instead of receiving a new graph on every change.
import type { TopologyEdge, TopologyFrame, TopologyNode, TopologyStats } from '../../contract/topology-types';
import type { GraphView } from './filter';

type Delta = Extract<TopologyFrame, { type: 'delta' }>;

const edgeSig = (e: TopologyEdge) => String(e.pods ?? 0);

export class GraphVersions {
  private nodes = new Map<string, string>();
  private edges = new Map<string, string>();
  private version = 0;

  snapshot(view: GraphView, stats: TopologyStats): Extract<TopologyFrame, { type: 'snapshot' }> {
    this.nodes = new Map(view.nodes.map((n) => [n.id, JSON.stringify(n)]));
    this.edges = new Map(view.edges.map((e) => [e.id, edgeSig(e)]));
    return { type: 'snapshot', version: ++this.version, nodes: view.nodes, edges: view.edges, stats };
  }

  /** The change from the last graph sent; undefined when nothing changed. */
  delta(view: GraphView, stats: TopologyStats): Delta | undefined {
    const nodes = new Map<string, string>();
    const addedNodes: TopologyNode[] = [];
    const changedNodes: TopologyNode[] = [];
    for (const n of view.nodes) {
      const sig = JSON.stringify(n);
      nodes.set(n.id, sig);
      const before = this.nodes.get(n.id);
      if (before === undefined) addedNodes.push(n);
      else if (before !== sig) changedNodes.push(n);
    }
    const removedNodes = [...this.nodes.keys()].filter((id) => !nodes.has(id));
    const edges = new Map<string, string>();
    const addedEdges: TopologyEdge[] = [];
    const removedEdges: string[] = [];
    for (const e of view.edges) {
      const sig = edgeSig(e);
      edges.set(e.id, sig);
      const before = this.edges.get(e.id);
      if (before === sig) continue;
      // A changed edge (its pod count moved with scaling) is sent as remove + add of the same id.
      if (before !== undefined) removedEdges.push(e.id);
      addedEdges.push(e);
    }
    for (const id of this.edges.keys()) if (!edges.has(id)) removedEdges.push(id);
    this.nodes = nodes;
    this.edges = edges;
    if (!addedNodes.length && !changedNodes.length && !removedNodes.length && !addedEdges.length && !removedEdges.length) return undefined;
    return { type: 'delta', version: ++this.version, removedNodes, addedNodes, changedNodes, removedEdges, addedEdges, stats };
  }
}
