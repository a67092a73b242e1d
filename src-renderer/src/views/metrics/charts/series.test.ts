import { describe, expect, it } from 'vitest';
import { lastValue, legendName, pointPairs, toChartSeries } from './series';

describe('matrix to chart series', () => {
  it('names series by template or by their labels', () => {
    expect(legendName({ __name__: 'up', job: 'x', instance: 'a:1' })).toBe('up{instance="a:1", job="x"}');
    expect(legendName({ pod: 'cart-1', container: 'cart' }, '{{pod}} / {{ container }}')).toBe('cart-1 / cart');
    expect(legendName({})).toBe('{}');
  });
  it('turns NaN into gaps, and breaks lines across missing samples', () => {
    const [s] = toChartSeries([{ metric: { pod: 'a' }, t: [100, 115, 130, 190], v: [1, 'NaN', 3, 4] }], { stepS: 15 });
    expect(pointPairs(s!)).toEqual([[100_000, 1], [115_000, null], [130_000, 3], [160_000, null], [190_000, 4]]);
    expect(lastValue(s!)).toBe(4);
  });
});
