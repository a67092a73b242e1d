import { describe, expect, it } from 'vitest';
import { curvePoint, curvenessThrough } from './edge-curve';

describe('curvenessThrough', () => {
  it('bends the curve so that its middle is the given point', () => {
    const [a, b] = [{ x: 0, y: 0 }, { x: 300, y: 20 }];
    for (const via of [{ x: 150, y: 40 }, { x: 150, y: -30 }, { x: 150, y: 10 }]) {
      const m = curvePoint(a, b, curvenessThrough(a, b, via), 0.5);
      // Off the chord's normal through the midpoint only as far as the chord is not horizontal.
      expect(Math.abs(m.x - 150)).toBeLessThan(3);
      expect(Math.abs(m.y - via.y)).toBeLessThan(0.5);
    }
    expect(curvenessThrough(a, b, { x: 150, y: 10 })).toBeCloseTo(0);
    expect(curvenessThrough(a, a, { x: 1, y: 1 })).toBe(0);
  });
});
