import { describe, expect, it } from 'vitest';
import { UsageStore } from './usage-store';

const HOUR = 3600_000;

describe('UsageStore', () => {
  it('keeps one point per sample for at least an hour at metrics-server resolution', () => {
    const store = new UsageStore({ resolutionS: 15 });
    const t0 = 1_700_000_000_000;
    for (let k = 0; k < 2 * 240; k++) {
      store.begin(t0 + k * 15_000);
      store.put('pod/shop/web', k, k * 1000);
    }
    const s = store.series('pod/shop/web');
    expect(s.t.length).toBeGreaterThanOrEqual(240);
    expect(s.t.at(-1)! - s.t[0]!).toBeGreaterThanOrEqual(HOUR);
    expect(s.t.at(-1)).toBe(t0 + 479 * 15_000);
    expect(s.cpu.at(-1)).toBe(479);
    // One slot per sample: consecutive points 15 s apart.
    expect(s.t[1]! - s.t[0]!).toBe(15_000);
    expect(store.stats().retentionS).toBeGreaterThanOrEqual(3600);
  });

  it('averages samples that land in the same slot, and a slot still filling is the latest', () => {
    const store = new UsageStore({ resolutionS: 60 });
    store.begin(1000);
    store.put('a', 1, 10);
    store.begin(11_000);
    store.put('a', 3, 30);
    expect(store.latest('a')).toEqual({ t: 1000, cpu: 2, memory: 20 });
    store.begin(62_000);
    store.put('a', 5, 50);
    expect(store.series('a')).toEqual({ t: [1000, 62_000], cpu: [2, 5], memory: [20, 50] });
  });

  it('stays within its memory budget with 100,000 series and still covers an hour', () => {
    const budget = 16 * 2 ** 20;
    const store = new UsageStore({ resolutionS: 60, budgetBytes: budget });
    const t0 = 1_700_000_000_000;
    const N = 100_000;
    const keys = Array.from({ length: N }, (_, i) => `pod/ns-${i % 50}/p-${i}`);
    for (let k = 0; k < 75; k++) {
      store.begin(t0 + k * 60_000);
      for (let i = 0; i < N; i++) store.put(keys[i]!, i % 7, i);
      store.put('cluster', k, k);
    }
    const st = store.stats();
    expect(st.series).toBe(N + 1);
    expect(st.bytes).toBeLessThanOrEqual(budget);
    expect(st.retentionS).toBeGreaterThanOrEqual(3600);
    const s = store.series('cluster');
    expect(s.t.at(-1)! - s.t[0]!).toBeGreaterThanOrEqual(HOUR - st.slotS * 1000);
    expect(store.series(keys[12_345]!).cpu.every((c) => c === 12_345 % 7)).toBe(true);
  });

  it('keeps the history when it grows: early slots are merged, values averaged', () => {
    // 64 series: 10 B each of bookkeeping, then 32 slots of 64 x 8 B (+ 8 B for the slot's time).
    const budget = 64 * 10 + 32 * (64 * 8 + 8);
    const store = new UsageStore({ resolutionS: 15, budgetBytes: budget, initialCapacity: 64 });
    expect(store.stats().slots).toBe(32);
    expect(store.stats().bytes).toBeLessThanOrEqual(budget);
    for (let k = 0; k < 20; k++) {
      store.begin(k * 15_000);
      store.put('a', k, k);
    }
    const before = store.series('a');
    for (let i = 0; i < 100; i++) store.put(`b${i}`, 1, 1);
    const after = store.series('a');
    // 128 series in the same budget: half the slots (less the bigger bookkeeping).
    expect(store.stats().slots).toBe(15);
    expect(store.stats().bytes).toBeLessThanOrEqual(budget);
    expect(after.t.length).toBeLessThan(before.t.length);
    // Same overall average (each merged slot is the mean of the slots it replaced, equal sizes).
    const mean = (xs: Array<number | null>) => xs.reduce<number>((a, b) => a + (b ?? 0), 0) / xs.length;
    expect(mean(after.cpu)).toBeCloseTo(mean(before.cpu), 0);
    expect(after.t[0]).toBe(before.t[0]);
  });

  it('forgets a series once its samples have left the ring, and reuses its id clean', () => {
    const store = new UsageStore({ resolutionS: 15, retentionS: 150 });
    const slots = store.stats().slots;
    store.begin(0);
    store.put('gone', 1, 1);
    for (let k = 1; k <= slots; k++) {
      store.begin(k * 15_000);
      store.put('stays', 2, 2);
    }
    expect(store.has('gone')).toBe(false);
    expect(store.series('gone').t).toEqual([]);
    store.put('new', 3, 3);
    expect(store.series('new').cpu).toEqual([3]);
    expect(store.stats().series).toBe(2);
  });
});
