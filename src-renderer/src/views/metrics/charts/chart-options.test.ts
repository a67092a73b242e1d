import { describe, expect, it } from 'vitest';
import { binaryInterval, pointsPerSeries } from './chart-options';

describe('point budget', () => {
  it('draws one point per pixel for a few series and shares 50k points among many', () => {
    expect(pointsPerSeries(3, 1200)).toBe(1200);
    expect(pointsPerSeries(100, 1200)).toBe(500);
    expect(pointsPerSeries(200, 1200)).toBe(300);
  });
});

describe('byte axes', () => {
  it('tick in powers of two', () => {
    expect(binaryInterval(143 * 1024 ** 2)).toBe(32 * 1024 ** 2);
    expect(binaryInterval(3 * 1024 ** 3)).toBe(1024 ** 3);
    expect(binaryInterval(0)).toBeUndefined();
  });
});
