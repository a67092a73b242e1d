import ELK from 'elkjs/lib/elk.bundled.js';
import { describe, expect, it } from 'vitest';
import { curvePoint } from './edge-curve';
import { components, elkLayout, layoutGroups, splitIsolated } from './elk-layout';
import { EDGE_CURVENESS, GROUP_PAD, GROUP_PAD_TOP, type LayoutEdge, type LayoutNode, type Point } from './layout-types';

const elk = new ELK();
const node = (id: string): LayoutNode => ({ id, width: 70, height: 40, ...(id.includes('/') ? { group: id.split('/')[0] } : {}) });
// The sandbox's constellation as the service graph shows it, and three silent monitoring nodes.
const NODES = ['unknown', 'edge/gateway', 'edge/frontend', 'shop/catalog', 'shop/cart', 'shop/checkout', 'shop/payments', 'shop/inventory', 'data/cache', 'monitoring/prometheus', 'monitoring/kube-state-metrics', 'monitoring/node-exporter'].map(node);
const EDGES: LayoutEdge[] = [
  ['unknown', 'edge/gateway'], ['edge/gateway', 'edge/frontend'], ['edge/frontend', 'shop/catalog'], ['edge/frontend', 'shop/checkout'], ['edge/frontend', 'shop/cart'], ['shop/catalog', 'shop/inventory'],
  ['shop/catalog', 'data/cache'], ['shop/checkout', 'shop/inventory'], ['shop/checkout', 'shop/payments'], ['shop/checkout', 'shop/cart'], ['shop/cart', 'data/cache'],
].map(([source, target]) => ({ source: source!, target: target! }));

/** A group's box as the canvas draws it: its nodes' boxes and the padding. */
function box(nodes: LayoutNode[], p: Record<string, Point>, group: string) {
  const ms = nodes.filter((n) => n.group === group);
  return {
    x0: Math.min(...ms.map((n) => p[n.id]!.x - n.width / 2)) - GROUP_PAD,
    x1: Math.max(...ms.map((n) => p[n.id]!.x + n.width / 2)) + GROUP_PAD,
    y0: Math.min(...ms.map((n) => p[n.id]!.y - n.height / 2)) - GROUP_PAD_TOP,
    y1: Math.max(...ms.map((n) => p[n.id]!.y + n.height / 2)) + GROUP_PAD,
  };
}
const apart = (a: ReturnType<typeof box>, b: ReturnType<typeof box>) => a.x1 <= b.x0 || b.x1 <= a.x0 || a.y1 <= b.y0 || b.y1 <= a.y0;

describe('elkLayout', () => {
  it('lays the constellation out left to right with each namespace in a box of its own and the silent ones below', async () => {
    const { positions: p, curveness } = await elkLayout(elk, NODES, EDGES, EDGE_CURVENESS);
    expect(Object.keys(p).sort()).toEqual(NODES.map((n) => n.id).sort());
    for (const e of EDGES) expect(p[e.target]!.x, `${e.source} > ${e.target}`).toBeGreaterThan(p[e.source]!.x);
    // The canvas draws each edge as one curve (bent where the layout says): none runs through
    // another node's box.
    expect(Object.keys(curveness)).toEqual(['shop/catalog>data/cache']);
    for (const e of EDGES) {
      const [a, b] = [p[e.source]!, p[e.target]!];
      const k = curveness[`${e.source}>${e.target}`] ?? EDGE_CURVENESS;
      for (const n of NODES.filter((x) => x.id !== e.source && x.id !== e.target)) {
        const q = p[n.id]!;
        for (let t = 0.05; t < 1; t += 0.05) {
          const c = curvePoint(a, b, k, t);
          expect(Math.abs(c.x - q.x) < n.width / 2 && Math.abs(c.y - q.y) < n.height / 2, `${e.source} > ${e.target} through ${n.id}`).toBe(false);
        }
      }
    }
    const groups = [...layoutGroups(NODES)];
    expect(groups.sort()).toEqual(['data', 'edge', 'monitoring', 'shop']);
    const boxes = groups.map((g) => box(NODES, p, g));
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) expect(apart(boxes[i]!, boxes[j]!), `${groups[i]} and ${groups[j]}`).toBe(true);
    // No box holds a node of another group.
    for (const [i, g] of groups.entries()) {
      for (const n of NODES.filter((x) => x.group !== g)) {
        const b = boxes[i]!;
        const q = p[n.id]!;
        expect(q.x > b.x0 && q.x < b.x1 && q.y > b.y0 && q.y < b.y1, `${n.id} in ${g}`).toBe(false);
      }
    }
    // The silent monitoring stack is out of the way of the flow.
    const linked = NODES.filter((n) => n.group !== 'monitoring');
    const flow = {
      x0: Math.min(...linked.map((n) => p[n.id]!.x - n.width / 2)),
      x1: Math.max(...linked.map((n) => p[n.id]!.x + n.width / 2)),
      y0: Math.min(...linked.map((n) => p[n.id]!.y - n.height / 2)),
      y1: Math.max(...linked.map((n) => p[n.id]!.y + n.height / 2)),
    };
    expect(apart(box(NODES, p, 'monitoring'), flow)).toBe(true);
  });

  it('gives the same picture whatever order the nodes and edges come in', async () => {
    const a = (await elkLayout(elk, NODES, EDGES)).positions;
    const b = (await elkLayout(elk, [...NODES].reverse(), [...EDGES].reverse())).positions;
    expect(b).toEqual(a);
  });

  it('shelves everything per group when there is no edge yet', async () => {
    const p = (await elkLayout(elk, NODES, [])).positions;
    const groups = [...layoutGroups(NODES)];
    const boxes = groups.map((g) => box(NODES, p, g));
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) expect(apart(boxes[i]!, boxes[j]!)).toBe(true);
    // Rows, not one column of twelve.
    const ys = new Set(Object.values(p).map((q) => Math.round(q.y)));
    expect(ys.size).toBeLessThan(6);
  });

  it('keeps silent nodes of a namespace with traffic in its box, and uses no boxes for a single namespace', () => {
    const nodes = [...NODES, node('shop/legacy')];
    const { main, shelf } = splitIsolated(nodes, EDGES, layoutGroups(nodes));
    expect(main.map((n) => n.id)).toContain('shop/legacy');
    expect(shelf.map((n) => n.id).sort()).toEqual(['monitoring/kube-state-metrics', 'monitoring/node-exporter', 'monitoring/prometheus']);
    expect(layoutGroups(NODES.filter((n) => n.group === 'shop')).size).toBe(0);
  });

  it('lays out namespaces no edge joins side by side rather than in one column', async () => {
    const nodes = ['a', 'b', 'c', 'd'].flatMap((ns) => [node(`${ns}/svc`), node(`${ns}/deploy`)]);
    const edges = ['a', 'b', 'c', 'd'].map((ns) => ({ source: `${ns}/svc`, target: `${ns}/deploy` }));
    const parts = components(nodes, edges, layoutGroups(nodes));
    expect(parts).toHaveLength(4);
    const p = (await elkLayout(elk, nodes, edges)).positions;
    const boxes = ['a', 'b', 'c', 'd'].map((g) => box(nodes, p, g));
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) expect(apart(boxes[i]!, boxes[j]!)).toBe(true);
    for (const e of edges) expect(p[e.target]!.x).toBeGreaterThan(p[e.source]!.x);
    const width = Math.max(...boxes.map((b) => b.x1)) - Math.min(...boxes.map((b) => b.x0));
    const height = Math.max(...boxes.map((b) => b.y1)) - Math.min(...boxes.map((b) => b.y0));
    expect(width).toBeGreaterThan(height);
  });

  it('lays out a single namespace without groups', async () => {
    const shop = NODES.filter((n) => n.group === 'shop');
    const p = (await elkLayout(elk, shop, EDGES)).positions;
    expect(Object.keys(p)).toHaveLength(shop.length);
    expect(p['shop/payments']!.x).toBeGreaterThan(p['shop/checkout']!.x);
  });
});
