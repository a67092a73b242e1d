// When the graph is laid out again. Until the user touches the graph (pans, zooms, selects or
// focuses a node), a change of the node or edge set lays everything out again, so the picture is
// always the layered one of what is there now (traffic appears edge by edge in the first minutes
// of a service graph); once they have, the picture stays put (new nodes are placed beside their
// neighbours) until they ask for a re-layout. Refreshes with the same sets change nothing.

export interface LaidOut {
  /** The re-layout request the last full layout answered. */
  relayout: number;
  /** Whether the last full layout was made without any edge. */
  withoutEdges: boolean;
  /** The node and edge sets the current positions are for (`setKey`). */
  nodeKey: string;
  edgeKey: string;
}

export interface LayoutInputs {
  relayout: number;
  nodeKey: string;
  edgeKey: string;
  edgeCount: number;
  /** Pan, zoom, selection or focus since the last full layout. */
  interacted: boolean;
}

export type LayoutAction = 'full' | 'incremental' | 'keep';

export function layoutAction(done: LaidOut | undefined, next: LayoutInputs): LayoutAction {
  if (!done || done.relayout !== next.relayout) return 'full';
  if (done.nodeKey === next.nodeKey && done.edgeKey === next.edgeKey) return 'keep';
  // A layout made before any edge existed says nothing about the graph: redo it once edges arrive.
  if (done.withoutEdges && next.edgeCount > 0) return 'full';
  return next.interacted ? 'incremental' : 'full';
}

/** An order-independent key of a set of ids. */
export function setKey(ids: Iterable<string>): string {
  return [...new Set(ids)].sort().join('\n');
}
