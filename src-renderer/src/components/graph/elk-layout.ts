// ELK's layered layout with namespace groups. Nodes of one group (a namespace) become children of
// one compound node, laid out with everything else in one layered pass (hierarchyHandling
// INCLUDE_CHILDREN), so a namespace's nodes sit in one box while the graph still reads left to
// right; the box's padding leaves room for its name. Groups are used only when there are at least
// two. ELK would stack everything no edge joins in its first layer, one above the other, so the
// pieces no edge joins are laid out one by one and packed in rows; nodes without any edge whose
// whole group has none either (a monitoring stack without traffic, or everything before edges
// are known) go on a shelf after them, a grid per group.
import type { ELK, ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api';
import { bendAround } from './edge-curve';
import { GROUP_PAD, GROUP_PAD_TOP, LAYER_GAP, NODE_GAP, type LayoutEdge, type LayoutNode, type Point } from './layout-types';

const GROUP_PREFIX = 'group\u0000';

/** The groups worth drawing and laying out as boxes: only when there are at least two. */
export function layoutGroups(nodes: readonly LayoutNode[]): Set<string> {
  const groups = new Set<string>();
  for (const n of nodes) if (n.group) groups.add(n.group);
  return groups.size >= 2 ? groups : new Set();
}

/** Edges between two known, distinct nodes, once each. */
function usableEdges(nodes: readonly LayoutNode[], edges: readonly LayoutEdge[]): LayoutEdge[] {
  const ids = new Set(nodes.map((n) => n.id));
  const seen = new Set<string>();
  const out: LayoutEdge[] = [];
  for (const e of edges) {
    if (!ids.has(e.source) || !ids.has(e.target) || e.source === e.target) continue;
    const key = `${e.source}\u0000${e.target}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(e);
  }
  return out;
}

/** Which nodes ELK lays out and which are shelved (no edge, and none in their whole group). */
export function splitIsolated(nodes: readonly LayoutNode[], edges: readonly LayoutEdge[], groups: ReadonlySet<string>): { main: LayoutNode[]; shelf: LayoutNode[] } {
  const linked = new Set<string>();
  for (const e of edges) {
    linked.add(e.source);
    linked.add(e.target);
  }
  const linkedGroups = new Set<string>();
  for (const n of nodes) if (linked.has(n.id) && n.group && groups.has(n.group)) linkedGroups.add(n.group);
  const main: LayoutNode[] = [];
  const shelf: LayoutNode[] = [];
  for (const n of nodes) {
    const inLinkedGroup = !!n.group && linkedGroups.has(n.group);
    (linked.has(n.id) || inLinkedGroup ? main : shelf).push(n);
  }
  return { main, shelf };
}

const spacing = {
  'elk.spacing.nodeNode': String(NODE_GAP),
  'elk.layered.spacing.nodeNodeBetweenLayers': String(LAYER_GAP),
  'elk.layered.spacing.edgeNodeBetweenLayers': String(NODE_GAP),
};

export function elkGraph(nodes: readonly LayoutNode[], edges: readonly LayoutEdge[], groups: ReadonlySet<string>): ElkNode {
  const members = new Map<string, ElkNode[]>();
  const top: ElkNode[] = [];
  for (const n of nodes) {
    const child: ElkNode = { id: n.id, width: n.width, height: n.height };
    if (n.group && groups.has(n.group)) {
      let list = members.get(n.group);
      if (!list) {
        list = [];
        members.set(n.group, list);
        // The group takes the place of its first node in the model order.
        top.push({
          id: GROUP_PREFIX + n.group,
          layoutOptions: { ...spacing, 'elk.padding': `[top=${GROUP_PAD_TOP},left=${GROUP_PAD},bottom=${GROUP_PAD},right=${GROUP_PAD}]` },
          children: list,
        });
      }
      list.push(child);
    } else top.push(child);
  }
  const elkEdges: ElkExtendedEdge[] = usableEdges(nodes, edges).map((e, i) => ({ id: `e${i}`, sources: [e.source], targets: [e.target] }));
  return {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      'elk.padding': '[top=0,left=0,bottom=0,right=0]',
      ...spacing,
      // Crossings are minimised freely (the input is sorted, so the result does not depend on
      // the order the server listed things in); network simplex placement keeps long edges
      // straight, which matters as the canvas draws every edge as one straight line.
      'elk.layered.considerModelOrder.strategy': 'NONE',
      'elk.layered.nodePlacement.strategy': 'NETWORK_SIMPLEX',
    },
    children: top,
    edges: elkEdges,
  };
}

/** The point of a polyline half way across in x (where it crosses x = (first.x + last.x) / 2). */
function halfWay(points: readonly Point[]): Point | undefined {
  if (points.length < 2) return undefined;
  const mx = (points[0]!.x + points[points.length - 1]!.x) / 2;
  for (let i = 1; i < points.length; i++) {
    const [a, b] = [points[i - 1]!, points[i]!];
    if ((a.x - mx) * (b.x - mx) > 0) continue;
    const t = b.x === a.x ? 0.5 : (mx - a.x) / (b.x - a.x);
    return { x: mx, y: a.y + t * (b.y - a.y) };
  }
  return undefined;
}

/** Each edge's half way point (`halfWay`) in the root's coordinates (an edge's route is relative to the node that contains it). */
export function elkVias(graph: ElkNode): Record<string, Point> {
  const offsets = new Map<string, Point>([[graph.id, { x: 0, y: 0 }]]);
  for (const c of graph.children ?? []) offsets.set(c.id, { x: c.x ?? 0, y: c.y ?? 0 });
  const via: Record<string, Point> = {};
  const edges = [...(graph.edges ?? []), ...(graph.children ?? []).flatMap((c) => c.edges ?? [])] as ElkExtendedEdge[];
  for (const e of edges) {
    const section = e.sections?.[0];
    if (!section) continue;
    const o = offsets.get((e as { container?: string }).container ?? graph.id) ?? { x: 0, y: 0 };
    const p = halfWay([section.startPoint, ...(section.bendPoints ?? []), section.endPoint]);
    if (p) via[`${e.sources[0]}>${e.targets[0]}`] = { x: p.x + o.x, y: p.y + o.y };
  }
  return via;
}

/** Centres of the real nodes, in the root's coordinates (children of a group are relative to it). */
export function elkPositions(graph: ElkNode): Record<string, Point> {
  const positions: Record<string, Point> = {};
  const walk = (n: ElkNode, dx: number, dy: number) => {
    for (const c of n.children ?? []) {
      const x = dx + (c.x ?? 0);
      const y = dy + (c.y ?? 0);
      if (c.id.startsWith(GROUP_PREFIX)) walk(c, x, y);
      else positions[c.id] = { x: x + (c.width ?? 0) / 2, y: y + (c.height ?? 0) / 2 };
    }
  };
  walk(graph, 0, 0);
  return positions;
}

interface Block {
  width: number;
  height: number;
  /** Relative to the block's top left corner, as are `via`. */
  positions: Record<string, Point>;
  via?: Record<string, Point>;
}

/**
 * The parts of the graph no edge joins, counting a group as one piece (its nodes share a box):
 * each is laid out on its own and the pieces packed in rows (ELK would put them all in its first
 * layer, one above the other, when groups are laid out with their contents).
 */
export function components(nodes: readonly LayoutNode[], edges: readonly LayoutEdge[], groups: ReadonlySet<string>): Array<{ nodes: LayoutNode[]; edges: LayoutEdge[] }> {
  const keyOf = (n: LayoutNode) => (n.group && groups.has(n.group) ? `g\u0000${n.group}` : `n\u0000${n.id}`);
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const parent = new Map<string, string>();
  const find = (k: string): string => {
    let r = k;
    while (parent.get(r) !== r) r = parent.get(r)!;
    parent.set(k, r);
    return r;
  };
  for (const n of nodes) parent.set(keyOf(n), keyOf(n));
  for (const e of edges) {
    const a = byId.get(e.source);
    const b = byId.get(e.target);
    if (a && b) parent.set(find(keyOf(a)), find(keyOf(b)));
  }
  const out = new Map<string, { nodes: LayoutNode[]; edges: LayoutEdge[] }>();
  for (const n of nodes) {
    const r = find(keyOf(n));
    (out.get(r) ?? out.set(r, { nodes: [], edges: [] }).get(r)!).nodes.push(n);
  }
  for (const e of edges) {
    const a = byId.get(e.source);
    if (a) out.get(find(keyOf(a)))!.edges.push(e);
  }
  // Biggest first (it goes top left); the sort is stable, so equals keep the model order.
  return [...out.values()].sort((a, b) => b.nodes.length - a.nodes.length);
}

/** Shelved nodes: a block per group (its box's padding around a grid about three times as wide as high). */
function shelfBlocks(shelf: readonly LayoutNode[], groups: ReadonlySet<string>): Block[] {
  const byGroup = new Map<string, LayoutNode[]>();
  for (const n of shelf) {
    const key = n.group && groups.has(n.group) ? n.group : '';
    (byGroup.get(key) ?? byGroup.set(key, []).get(key)!).push(n);
  }
  return [...byGroup].map(([key, list]) => {
    const cols = Math.min(list.length, Math.max(1, Math.ceil(Math.sqrt(list.length * 3))));
    const rows = Math.ceil(list.length / cols);
    const cw = Math.max(...list.map((n) => n.width));
    const ch = Math.max(...list.map((n) => n.height));
    const [padX, padTop, padBottom] = key ? [GROUP_PAD, GROUP_PAD_TOP, GROUP_PAD] : [0, 0, 0];
    const positions: Record<string, Point> = {};
    list.forEach((n, i) => {
      positions[n.id] = { x: padX + (i % cols) * (cw + NODE_GAP) + cw / 2, y: padTop + Math.floor(i / cols) * (ch + NODE_GAP) + ch / 2 };
    });
    return { width: padX * 2 + cols * cw + (cols - 1) * NODE_GAP, height: padTop + padBottom + rows * ch + (rows - 1) * NODE_GAP, positions };
  });
}

/** Blocks left to right in rows, wrapped where the whole comes closest to twice as wide as high. */
export function packBlocks(blocks: readonly Block[]): { positions: Record<string, Point>; via: Record<string, Point> } {
  const gap = LAYER_GAP / 2;
  const place = (maxWidth: number) => {
    const at: Point[] = [];
    let [x, y, rowHeight, width] = [0, 0, 0, 0];
    for (const b of blocks) {
      if (x > 0 && x + b.width > maxWidth) {
        x = 0;
        y += rowHeight + gap;
        rowHeight = 0;
      }
      at.push({ x, y });
      width = Math.max(width, x + b.width);
      x += b.width + gap;
      rowHeight = Math.max(rowHeight, b.height);
    }
    return { at, aspect: width / Math.max(1, y + rowHeight) };
  };
  // Every row width worth trying: each run of blocks from the first one on.
  let best = place(Infinity);
  let sum = -gap;
  for (const b of blocks) {
    sum += b.width + gap;
    const tried = place(sum);
    if (Math.abs(Math.log(tried.aspect / 2)) < Math.abs(Math.log(best.aspect / 2))) best = tried;
  }
  const positions: Record<string, Point> = {};
  const via: Record<string, Point> = {};
  blocks.forEach((b, i) => {
    const o = best.at[i]!;
    for (const [id, p] of Object.entries(b.positions)) positions[id] = { x: o.x + p.x, y: o.y + p.y };
    for (const [id, p] of Object.entries(b.via ?? {})) via[id] = { x: o.x + p.x, y: o.y + p.y };
  });
  return { positions, via };
}

/** The whole layout: ELK for each connected piece (with its groups), shelved nodes after them. */
export async function elkLayout(elk: ELK, unsorted: readonly LayoutNode[], unsortedEdges: readonly LayoutEdge[], usualCurveness = 0): Promise<{ positions: Record<string, Point>; curveness: Record<string, number> }> {
  const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const nodes = [...unsorted].sort((a, b) => byId(a.id, b.id));
  const edges = [...unsortedEdges].sort((a, b) => byId(a.source, b.source) || byId(a.target, b.target));
  const groups = layoutGroups(nodes);
  const usable = usableEdges(nodes, edges);
  const { main, shelf } = splitIsolated(nodes, usable, groups);
  const blocks: Block[] = [];
  for (const part of components(main, usable, groups)) {
    const g = await elk.layout(elkGraph(part.nodes, part.edges, groups));
    blocks.push({ width: g.width ?? 0, height: g.height ?? 0, positions: elkPositions(g), via: elkVias(g) });
  }
  blocks.push(...shelfBlocks(shelf, groups));
  const { positions, via } = packBlocks(blocks);
  return { positions, curveness: bends(nodes, usable, positions, via, usualCurveness) };
}

/**
 * Edges the canvas should bend: ELK routes long edges around the nodes in between, but the canvas
 * draws each edge as one curve from centre to centre, which can run through them; where it would,
 * and the curve through the route's half way point runs through fewer, that curve is drawn.
 */
function bends(nodes: readonly LayoutNode[], edges: readonly LayoutEdge[], positions: Record<string, Point>, via: Record<string, Point>, usual: number): Record<string, number> {
  const boxes = nodes.map((n) => ({ id: n.id, x: positions[n.id]!.x, y: positions[n.id]!.y, width: n.width, height: n.height }));
  const out: Record<string, number> = {};
  for (const e of edges) {
    const key = `${e.source}>${e.target}`;
    const k = bendAround(positions[e.source]!, positions[e.target]!, via[key], usual, boxes.filter((b) => b.id !== e.source && b.id !== e.target));
    if (k !== undefined) out[key] = k;
  }
  return out;
}
