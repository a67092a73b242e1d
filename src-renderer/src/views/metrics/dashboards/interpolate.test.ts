import { describe, expect, it } from 'vitest';
import { interpolate, rateInterval, usedVariables } from './interpolate';
import { ALL } from './types';

describe('dashboard variables', () => {
  it('fills values escaped for a regex matcher, and All as any value', () => {
    const q = 'sum(rate(x{namespace=~"$namespace", pod=~"$pod"}[$__rate_interval]))';
    expect(interpolate(q, { namespace: 'shop', pod: ALL }, { stepS: 15 })).toBe('sum(rate(x{namespace=~"shop", pod=~".+"}[120s]))');
    expect(interpolate('x{pod=~"$pod"}', { pod: 'cart-1.a' }, { stepS: 15 })).toBe('x{pod=~"cart-1\\\\.a"}');
  });
  it('leaves unknown variables in place and lists used ones', () => {
    expect(interpolate('x{a="$missing"}', {}, { stepS: 15 })).toBe('x{a="$missing"}');
    expect(usedVariables('x{a=~"$namespace",b=~"$pod"}[$__rate_interval]')).toEqual(['namespace', 'pod']);
  });
  it('chooses a rate interval of four scrapes or a step plus a scrape', () => {
    expect(rateInterval(15)).toBe('120s');
    expect(rateInterval(300)).toBe('330s');
    expect(rateInterval(5, 5)).toBe('20s');
  });
});
