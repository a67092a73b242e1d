// Timestamps as numbers: the exact text comes back; other forms are refused, not mangled.
import { describe, expect, it } from 'vitest';
import { decodeTime, encodeTime, type CompactTime } from './compact-time';

const roundTrip = (ts: string) => {
  const t: CompactTime = { seconds: 0, nanos: 0, digits: 0 };
  return encodeTime(ts, t) ? decodeTime(t.seconds, t.nanos, t.digits) : undefined;
};

describe('compact time', () => {
  it('gives back every kubelet timestamp exactly (random, all fraction lengths, leap days)', () => {
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 48271) % 2147483647), seed % n);
    for (let i = 0; i < 20_000; i++) {
      const ms = Date.UTC(1970 + rnd(130), 0, 1) + rnd(366 * 86400) * 1000;
      // Trimmed as the kubelet writes them, or not (trailing zeros kept: other writers).
      const digits = String(rnd(1_000_000_000)).padStart(9, '0').slice(0, rnd(10));
      const frac = rnd(2) ? digits.replace(/0+$/, '') : digits;
      const ts = `${new Date(ms).toISOString().slice(0, 19)}${frac ? `.${frac}` : ''}Z`;
      expect(roundTrip(ts)).toBe(ts);
    }
    for (const ts of ['2024-02-29T23:59:59.999999999Z', '2000-02-29T00:00:00Z', '1970-01-01T00:00:00.1Z', '2026-11-26T15:41:52.000000001Z', '2024-01-01T00:00:00.10Z', '2024-01-01T00:00:00.000Z', '2024-01-01T00:00:00.123456000Z'])
      expect(roundTrip(ts)).toBe(ts);
  });

  it('refuses what it could not give back exactly', () => {
    for (const ts of ['', 'hello', '2023-02-29T00:00:00Z', '2024-01-01T24:00:00Z', '2024-01-01T00:00:60Z', '2024-01-01T00:00:00+01:00', '2024-01-01T00:00:00.Z', '2024-01-01 00:00:00Z', '2024-13-01T00:00:00Z', '2024-01-01T00:00:00.1234567890Z'])
      expect(roundTrip(ts)).toBeUndefined();
  });

  it('reads the fraction only for a timestamp in the same second as the last, with the same results', () => {
    let seed = 5;
    const rnd = (n: number) => ((seed = (seed * 48271) % 2147483647), seed % n);
    for (let i = 0; i < 2000; i++) {
      const second = new Date(Date.UTC(2000 + rnd(50), rnd(12), 1 + rnd(28), rnd(24), rnd(60), rnd(60))).toISOString().slice(0, 19);
      for (let k = 0; k < 5; k++) {
        const frac = String(1 + rnd(999_999_999)).padStart(9, '0').slice(0, 1 + rnd(9)).replace(/0+$/, '');
        const ts = `${second}${frac ? `.${frac}` : ''}Z`;
        expect(roundTrip(ts)).toBe(ts);
        // The same second in forms that are refused, between ones that are not.
        const bad = [`${second}.${frac}0000000000Z`, `${second}.Z`, `${second}+01:00`, `${second}.1234567890Z`, `${second}x5Z`][rnd(5)]!;
        expect(roundTrip(bad)).toBeUndefined();
      }
    }
  });
});
