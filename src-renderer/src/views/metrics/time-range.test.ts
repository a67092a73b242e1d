import { describe, expect, it } from 'vitest';
import { parseDuration, rangeFromParams, rangeToParams, resolveRange, stepFor } from './time-range';

describe('time ranges', () => {
  it('parses Prometheus-style durations', () => {
    expect(parseDuration('5m')).toBe(300);
    expect(parseDuration('1h30m')).toBe(5400);
    expect(parseDuration('7d')).toBe(604800);
    expect(parseDuration('abc')).toBeUndefined();
    expect(parseDuration('')).toBeUndefined();
  });
  it('round-trips relative and absolute ranges through the URL', () => {
    const rel = new URLSearchParams(rangeToParams({ kind: 'relative', range: '6h' }) as Record<string, string>);
    expect(rangeFromParams(rel)).toEqual({ kind: 'relative', range: '6h' });
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(rangeToParams({ kind: 'absolute', from: 1000, to: 5000 }))) if (v) p.set(k, v);
    expect(rangeFromParams(p)).toEqual({ kind: 'absolute', from: 1000, to: 5000 });
    expect(rangeFromParams(new URLSearchParams('from=5&to=1'))).toEqual({ kind: 'relative', range: '1h' });
    expect(resolveRange({ kind: 'relative', range: '5m' }, 1_000_000)).toEqual({ start: 700_000, end: 1_000_000 });
  });
  it('chooses a step of about one point per pixel, never past 11,000 points', () => {
    expect(stepFor(3600_000, 1000)).toBe(5);
    expect(stepFor(300_000, 1000, 5)).toBe(5);
    expect(stepFor(7 * 86400_000, 1000)).toBe(900);
    expect((7 * 86400) / stepFor(7 * 86400_000, 100_000)).toBeLessThanOrEqual(11_000);
  });
});
