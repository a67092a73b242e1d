import { describe, expect, it } from 'vitest';
import { fastLayeredLayout } from './fast-layout';
import { placeNewNodes } from './incremental';
import type { LayoutEdge, LayoutNode, Point } from './layout-types';

const node = (id: string, group?: string): LayoutNode => ({ id, width: 60, height: 30, ...(group ? { group } : {}) });
const overlaps = (a: Point, b: Point) => Math.abs(a.x - b.x) < 60 && Math.abs(a.y - b.y) < 30;

describe('fastLayeredLayout', () => {
  it('puts every edge left to right, cycles included, without overlaps', () => {
    const nodes = ['gw', 'fe', 'cat', 'cart', 'cache', 'inv'].map((id) => node(id));
    const edges: LayoutEdge[] = [
      { source: 'gw', target: 'fe' },
      { source: 'fe', target: 'cat' },
      { source: 'fe', target: 'cart' },
      { source: 'cat', target: 'cache' },
      { source: 'cart', target: 'cache' },
      { source: 'cat', target: 'inv' },
      { source: 'inv', target: 'fe' }, // a cycle
    ];
    const p = fastLayeredLayout(nodes, edges);
    expect(Object.keys(p).sort()).toEqual(nodes.map((n) => n.id).sort());
    for (const e of edges.slice(0, 6)) expect(p[e.target]!.x).toBeGreaterThan(p[e.source]!.x);
    const list = Object.values(p);
    for (let i = 0; i < list.length; i++) for (let j = i + 1; j < list.length; j++) expect(overlaps(list[i]!, list[j]!)).toBe(false);
  });

  it('keeps a group together within a layer', () => {
    const nodes = [node('r'), node('a1', 'a'), node('b1', 'b'), node('a2', 'a'), node('b2', 'b')];
    const edges = nodes.slice(1).map((n) => ({ source: 'r', target: n.id }));
    const p = fastLayeredLayout(nodes, edges);
    const order = ['a1', 'a2', 'b1', 'b2'].sort((x, y) => p[x]!.y - p[y]!.y);
    expect(order.slice(0, 2).sort()).toEqual(order[0]!.startsWith('a') ? ['a1', 'a2'] : ['b1', 'b2']);
  });

  it('lays out 1,000 nodes and 5,000 edges in well under a second', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const nodes = Array.from({ length: 1000 }, (_, i) => node(`n${i}`, `ns-${i % 20}`));
    const edges = Array.from({ length: 5000 }, () => ({ source: `n${Math.floor(rnd() * 1000)}`, target: `n${Math.floor(rnd() * 1000)}` }));
    const t0 = performance.now();
    const p = fastLayeredLayout(nodes, edges);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(Object.keys(p)).toHaveLength(1000);
  });
});

describe('placeNewNodes', () => {
  it('keeps known positions and puts a new node right of its caller, on free ground', () => {
    const nodes = [node('a'), node('b'), node('c')];
    const known = new Map<string, Point>([
      ['a', { x: 0, y: 0 }],
      ['b', { x: 200, y: 0 }],
    ]);
    const p = placeNewNodes(nodes, [{ source: 'a', target: 'c' }], known);
    expect(p.get('a')).toEqual({ x: 0, y: 0 });
    expect(p.get('b')).toEqual({ x: 200, y: 0 });
    const c = p.get('c')!;
    expect(c.x).toBeGreaterThan(0);
    expect(overlaps(c, p.get('b')!)).toBe(false);
  });

  it('places a new node left of what it points at, and unconnected ones below everything', () => {
    const nodes = [node('svc'), node('ing'), node('lonely')];
    const p = placeNewNodes(nodes, [{ source: 'ing', target: 'svc' }], new Map([['svc', { x: 300, y: 100 }]]));
    expect(p.get('ing')!.x).toBeLessThan(300);
    expect(p.get('lonely')!.y).toBeGreaterThan(100);
  });
});
