import { describe, expect, it } from 'vitest';
import { lttb } from './lttb';

const interleave = (ys: number[]) => Float64Array.from(ys.flatMap((y, i) => [i * 1000, y]));
const ys = (f: Float64Array) => Array.from({ length: f.length / 2 }, (_, i) => f[2 * i + 1]!);

describe('lttb', () => {
  it('keeps the first and last points and the extremes', () => {
    const values = Array.from({ length: 1000 }, (_, i) => Math.sin(i / 50));
    values[333] = 25; // a spike must survive
    values[777] = -25;
    const out = lttb(interleave(values), 100);
    expect(out.length / 2).toBeLessThanOrEqual(100);
    expect(out[0]).toBe(0);
    expect(out.at(-2)).toBe(999_000);
    expect(ys(out)).toContain(25);
    expect(ys(out)).toContain(-25);
    const xs = Array.from({ length: out.length / 2 }, (_, i) => out[2 * i]!);
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
  });
  it('keeps gaps in place and returns short series unchanged', () => {
    const values = Array.from({ length: 400 }, (_, i) => (i >= 200 && i < 210 ? NaN : i % 7));
    const out = lttb(interleave(values), 100);
    const gapXs = Array.from({ length: out.length / 2 }, (_, i) => i).filter((i) => Number.isNaN(out[2 * i + 1]!)).map((i) => out[2 * i]!);
    expect(gapXs).toEqual(Array.from({ length: 10 }, (_, i) => (200 + i) * 1000));
    const short = interleave([1, 2, 3]);
    expect(lttb(short, 100)).toBe(short);
  });
});
