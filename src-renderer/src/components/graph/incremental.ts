// Keeps a layout stable across updates: known nodes keep their positions, new ones are placed
// next to the neighbours they connect to (right of their callers or owners, left of what they
// point at), moved down until they overlap nothing, and only a user's "re-layout" moves the rest.
import { LAYER_GAP, NODE_GAP, type LayoutEdge, type LayoutNode, type Point } from './layout-types';

export function placeNewNodes(nodes: readonly LayoutNode[], edges: readonly LayoutEdge[], known: ReadonlyMap<string, Point>): Map<string, Point> {
  const out = new Map<string, Point>();
  const size = new Map(nodes.map((n) => [n.id, n]));
  for (const n of nodes) {
    const p = known.get(n.id);
    if (p) out.set(n.id, p);
  }
  const fresh = nodes.filter((n) => !out.has(n.id));
  if (fresh.length === 0) return out;

  // A coarse grid of occupied cells makes the overlap test constant time per probe.
  const cell = 40;
  const occupied = new Set<string>();
  const cellsOf = (p: Point, n: LayoutNode) => {
    const keys: string[] = [];
    for (let gx = Math.floor((p.x - n.width / 2) / cell); gx <= Math.floor((p.x + n.width / 2) / cell); gx++) {
      for (let gy = Math.floor((p.y - n.height / 2) / cell); gy <= Math.floor((p.y + n.height / 2) / cell); gy++) keys.push(`${gx},${gy}`);
    }
    return keys;
  };
  const occupy = (p: Point, n: LayoutNode) => cellsOf(p, n).forEach((k) => occupied.add(k));
  for (const [id, p] of out) occupy(p, size.get(id)!);

  const preds = new Map<string, string[]>();
  const succs = new Map<string, string[]>();
  for (const e of edges) {
    (preds.get(e.target) ?? preds.set(e.target, []).get(e.target)!).push(e.source);
    (succs.get(e.source) ?? succs.set(e.source, []).get(e.source)!).push(e.target);
  }
  let minX = Infinity;
  let maxY = -Infinity;
  for (const p of out.values()) {
    minX = Math.min(minX, p.x);
    maxY = Math.max(maxY, p.y);
  }
  if (!Number.isFinite(minX)) [minX, maxY] = [0, 0];

  // New nodes connected to placed ones first (repeatedly, so chains of new nodes follow).
  let pending = fresh;
  while (pending.length) {
    const next: LayoutNode[] = [];
    let progressed = false;
    for (const n of pending) {
      const before = (preds.get(n.id) ?? []).map((id) => out.get(id)).filter((p): p is Point => !!p);
      const after = (succs.get(n.id) ?? []).map((id) => out.get(id)).filter((p): p is Point => !!p);
      let p: Point | undefined;
      const mean = (ps: Point[]) => ps.reduce((s, q) => s + q.y, 0) / ps.length;
      if (before.length) p = { x: Math.max(...before.map((q) => q.x)) + n.width + LAYER_GAP, y: mean(before) };
      else if (after.length) p = { x: Math.min(...after.map((q) => q.x)) - n.width - LAYER_GAP, y: mean(after) };
      if (!p) {
        next.push(n);
        continue;
      }
      progressed = true;
      settle(n, p);
    }
    if (!progressed) {
      // Unconnected to anything placed: below everything, in a row.
      let x = minX;
      for (const n of next) {
        settle(n, { x, y: maxY + n.height + NODE_GAP * 3 });
        x += n.width + NODE_GAP;
      }
      break;
    }
    pending = next;
  }
  return out;

  function settle(n: LayoutNode, p: Point) {
    let q = p;
    for (let i = 0; i < 400 && cellsOf(q, n).some((k) => occupied.has(k)); i++) q = { x: p.x, y: p.y + (i % 2 ? -1 : 1) * Math.ceil((i + 1) / 2) * (n.height / 2 + NODE_GAP) };
    out.set(n.id, q);
    occupy(q, n);
    maxY = Math.max(maxY, q.y);
  }
}
