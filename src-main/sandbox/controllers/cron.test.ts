import { describe, expect, it } from 'vitest';
import { parseCron } from './cron';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

describe('cron schedules', () => {
  it('steps, ranges, lists and names', () => {
    expect(iso(parseCron('*/5 * * * *').next(at('2026-01-01T10:02:30Z')))).toBe('2026-01-01T10:05:00.000Z');
    expect(iso(parseCron('*/5 * * * *').next(at('2026-01-01T10:05:00Z')))).toBe('2026-01-01T10:10:00.000Z');
    expect(iso(parseCron('30 9-17/4 * * MON-FRI').next(at('2026-01-02T17:31:00Z')))).toBe('2026-01-05T09:30:00.000Z'); // Fri -> Mon
    expect(iso(parseCron('0 0 1,15 JAN,jul *').next(at('2026-01-15T00:00:00Z')))).toBe('2026-07-01T00:00:00.000Z');
    expect(iso(parseCron('15 * * * *').next(at('2026-12-31T23:20:00Z')))).toBe('2027-01-01T00:15:00.000Z');
  });

  it('macros, Sunday as 7, and the day-of-month OR day-of-week rule', () => {
    expect(iso(parseCron('@hourly').next(at('2026-03-01T10:00:00Z')))).toBe('2026-03-01T11:00:00.000Z');
    expect(iso(parseCron('@weekly').next(at('2026-03-02T00:00:00Z')))).toBe('2026-03-08T00:00:00.000Z'); // a Sunday
    expect(iso(parseCron('0 12 * * 7').next(at('2026-03-02T00:00:00Z')))).toBe('2026-03-08T12:00:00.000Z');
    // 13th of the month or any Friday, whichever comes first.
    expect(iso(parseCron('0 0 13 * 5').next(at('2026-03-01T00:00:00Z')))).toBe('2026-03-06T00:00:00.000Z');
    expect(iso(parseCron('0 0 29 2 *').next(at('2026-03-01T00:00:00Z')))).toBe('2028-02-29T00:00:00.000Z');
  });

  it('rejects what kube rejects', () => {
    expect(() => parseCron('* * * *')).toThrow(/exactly 5 fields/);
    expect(() => parseCron('61 * * * *')).toThrow(/above maximum/);
    expect(() => parseCron('*/0 * * * *')).toThrow(/invalid step/);
    expect(() => parseCron('x * * * *')).toThrow(/failed to parse int/);
    expect(parseCron('0 0 31 2 *').next(at('2026-01-01T00:00:00Z'))).toBeUndefined();
  });
});
