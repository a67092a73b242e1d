// What the graph layout takes and gives, shared by the worker and the page.

export interface LayoutNode {
  id: string;
  /** Box the node and its label take, px at zoom 1. */
  width: number;
  height: number;
  /** Nodes of one group (a namespace) are kept together within a layer. */
  group?: string;
}

export interface LayoutEdge {
  source: string;
  target: string;
}

export interface Point {
  x: number;
  y: number;
}

export interface LayoutRequest {
  id: number;
  nodes: LayoutNode[];
  edges: LayoutEdge[];
}

export interface LayoutResult {
  id: number;
  positions: Record<string, Point>;
  /** Per edge (`source>target`) the canvas should draw bent (around nodes in the way), its
   *  curveness; the others get the usual one. */
  curveness?: Record<string, number>;
  engine: 'elk' | 'layered-fast';
  ms: number;
  error?: string;
}

/** ELK's layered layout is the better picture but costs seconds past a few hundred nodes (and
 *  minutes at 1,000 nodes and 5,000 edges); beyond these sizes the fast layered layout runs. */
export const ELK_MAX_NODES = 150;
export const ELK_MAX_EDGES = 400;

export const LAYER_GAP = 90;
/** The curveness edges are drawn with unless the layout says otherwise (apart from straight, so
 *  that calls both ways between two nodes are two lines). */
export const EDGE_CURVENESS = 0.06;
export const NODE_GAP = 18;
/** Space between a group's box and its nodes, and above them for the group's name. */
export const GROUP_PAD = 12;
export const GROUP_PAD_TOP = 26;
