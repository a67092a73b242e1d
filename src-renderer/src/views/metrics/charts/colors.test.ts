import { describe, expect, it } from 'vitest';
import { assignColors, palettes, seriesColor, seriesKey } from './colors';

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
  it('gives every series of a small chart its own color, the same on every refresh', () => {
    const keys = Array.from({ length: 12 }, (_, i) => seriesKey({ pod: `cart-${i}` }));
    const a = assignColors(keys, 'light');
    expect(new Set(a.values()).size).toBe(12);
    expect(assignColors([...keys].reverse(), 'light')).toEqual(a);
  });
});
