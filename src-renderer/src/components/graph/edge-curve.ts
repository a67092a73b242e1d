// Edges are drawn as one quadratic curve each (echarts' graph series: control point at the
// chord's midpoint plus `curveness` times the chord turned a quarter). The layout routes long
// edges around the nodes in between; bending the curve so that its middle passes where the route
// is half way across keeps it off those nodes.
import type { Point } from './layout-types';

/** The curveness whose curve's middle is `via` (as far as a point off the chord's normal allows). */
export function curvenessThrough(p1: Point, p2: Point, via: Point): number {
  const d = { x: p2.y - p1.y, y: p1.x - p2.x };
  const l2 = d.x * d.x + d.y * d.y;
  if (l2 === 0) return 0;
  const mid = { x: (p1.x + p2.x) / 2, y: (p1.y + p2.y) / 2 };
  // Control point c = mid + k·d; the curve's middle is (p1 + 2c + p2) / 4 = mid + k·d / 2.
  return (2 * ((via.x - mid.x) * d.x + (via.y - mid.y) * d.y)) / l2;
}

/** The point of echarts' curve at t (for tests and hit checks). */
export function curvePoint(p1: Point, p2: Point, curveness: number, t: number): Point {
  const c = { x: (p1.x + p2.x) / 2 - (p1.y - p2.y) * curveness, y: (p1.y + p2.y) / 2 - (p2.x - p1.x) * curveness };
  const u = 1 - t;
  return { x: u * u * p1.x + 2 * u * t * c.x + t * t * p2.x, y: u * u * p1.y + 2 * u * t * c.y + t * t * p2.y };
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** How many of the boxes (centred on x, y) the curve runs through. */
export function curveHits(p1: Point, p2: Point, curveness: number, boxes: readonly Box[]): number {
  let hits = 0;
  for (const b of boxes) {
    for (let t = 0.04; t < 1; t += 0.04) {
      const c = curvePoint(p1, p2, curveness, t);
      if (Math.abs(c.x - b.x) < b.width / 2 && Math.abs(c.y - b.y) < b.height / 2) {
        hits++;
        break;
      }
    }
  }
  return hits;
}

/**
 * The curveness to draw an edge with when the usual one (`usual`) runs through other nodes and
 * the one through `via` runs through fewer; undefined when the usual one will do.
 */
export function bendAround(p1: Point, p2: Point, via: Point | undefined, usual: number, others: readonly Box[]): number | undefined {
  if (!via) return undefined;
  // Only boxes near the chord can be in the way.
  const [x0, x1] = [Math.min(p1.x, p2.x), Math.max(p1.x, p2.x)];
  const [y0, y1] = [Math.min(p1.y, p2.y, via.y), Math.max(p1.y, p2.y, via.y)];
  const near = others.filter((b) => b.x + b.width / 2 > x0 && b.x - b.width / 2 < x1 && b.y + b.height / 2 > y0 - 40 && b.y - b.height / 2 < y1 + 40);
  const before = curveHits(p1, p2, usual, near);
  if (before === 0) return undefined;
  const k = curvenessThrough(p1, p2, via);
  return curveHits(p1, p2, k, near) < before ? k : undefined;
}
