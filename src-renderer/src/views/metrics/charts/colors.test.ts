import { describe, expect, it } from 'vitest';
import { palettes, seriesColor, seriesKey } from './colors';

describe('series colors', () => {
  it('keys a series by its labels in name order', () => {
    expect(seriesKey({ pod: 'a', namespace: 'shop' })).toBe(seriesKey({ namespace: 'shop', pod: 'a' }));
    expect(seriesKey({ pod: 'a' })).not.toBe(seriesKey({ pod: 'b' }));
  });
  it('gives a series the same color whatever else is in the result', () => {
    const key = seriesKey({ namespace: 'shop', pod: 'cart-1' });
    expect(seriesColor(key, 'light')).toBe(seriesColor(key, 'light'));
    expect(palettes.light.indexOf(seriesColor(key, 'light') as never)).toBe(palettes.dark.indexOf(seriesColor(key, 'dark') as never));
  });
  it('spreads many series over the palette', () => {
    const used = new Set(Array.from({ length: 200 }, (_, i) => seriesColor(seriesKey({ pod: `pod-${i}` }), 'light')));
    expect(used.size).toBe(palettes.light.length);
  });
});
