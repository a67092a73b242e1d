import { describe, expect, it } from 'vitest';
import { chooseStep, MAX_POINTS, niceStep } from './step';

function mulberry32(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('step selection', () => {
  it('picks a round step for about maxPoints points and aligns start and end to it', () => {
    const r = chooseStep({ start: 1_700_000_007.3, end: 1_700_003_607.3, maxPoints: 1000 });
    expect(r.step).toBe(5); // 3600 s / 999 = 3.6 s -> 5 s
    expect(r.start % 5).toBe(0);
    expect(r.end % 5).toBe(0);
    expect(r.start).toBeLessThanOrEqual(1_700_000_007.3);
    expect(r.end).toBeLessThanOrEqual(1_700_003_607.3);
    expect(r.points).toBe((r.end - r.start) / 5 + 1);
  });

  it('is stable across refreshes: the same instants are evaluated', () => {
    const a = chooseStep({ start: 1000, end: 4600, maxPoints: 500 });
    const b = chooseStep({ start: 1003, end: 4603, maxPoints: 500 });
    expect(b.step).toBe(a.step);
    expect((b.start - a.start) % a.step).toBe(0);
  });

  it('keeps an explicit step unless it would exceed 11,000 points', () => {
    expect(chooseStep({ start: 0, end: 3600, step: 1 }).step).toBe(1);
    const week = chooseStep({ start: 0, end: 7 * 86400, step: 1 });
    expect(week.step).toBe(60);
    expect(week.points).toBeLessThanOrEqual(MAX_POINTS);
    expect(week.adjusted).toMatch(/more than 11000 points/);
  });

  it('never goes under minStep', () => {
    expect(chooseStep({ start: 0, end: 60, maxPoints: 1000, minStep: 15 }).step).toBe(15);
    expect(chooseStep({ start: 0, end: 60, step: 1, minStep: 15 }).adjusted).toMatch(/minimum step 15s/);
  });

  it('never exceeds 11,000 points, for any range, step or width (fuzzed)', () => {
    const rand = mulberry32(1);
    for (let i = 0; i < 20000; i++) {
      const start = Math.floor(rand() * 2e9 * 1000) / 1000;
      const range = rand() < 0.1 ? 0 : 10 ** (rand() * 9 - 2);
      const req = { start, end: start + range, ...(rand() < 0.5 ? { step: 10 ** (rand() * 6 - 3) } : { maxPoints: Math.floor(rand() * 20000) + 1 }) };
      const r = chooseStep(req);
      expect(r.points, JSON.stringify(req)).toBeLessThanOrEqual(MAX_POINTS);
      // What Prometheus checks: (end - start) / step <= 11000.
      expect((r.end - r.start) / r.step).toBeLessThanOrEqual(MAX_POINTS);
      expect(r.step).toBeGreaterThan(0);
      expect(r.start).toBeLessThanOrEqual(start);
      expect(r.end).toBeGreaterThanOrEqual(r.start);
      expect(r.end).toBeLessThanOrEqual(req.end + 1e-6);
      // Aligned: start and end are whole multiples of the step (to the millisecond).
      expect(Math.abs(Math.round(r.start / r.step) * r.step - r.start)).toBeLessThan(0.002);
    }
  });

  it('rejects nonsense with a clear message', () => {
    expect(() => chooseStep({ start: 10, end: 5 })).toThrow(/end \(5\) is before start \(10\)/);
    expect(() => chooseStep({ start: 0, end: 5, step: 0 })).toThrow(/step must be positive/);
    expect(() => chooseStep({ start: NaN, end: 5 })).toThrow(/finite/);
  });

  it('rounds up to nice steps', () => {
    expect(niceStep(3.6)).toBe(5);
    expect(niceStep(15)).toBe(15);
    expect(niceStep(16)).toBe(30);
    expect(niceStep(0.0004)).toBe(0.001);
    expect(niceStep(1e6)).toBe(1209600);
  });
});
