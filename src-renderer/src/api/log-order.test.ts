import { describe, expect, it } from 'vitest';
import type { LogLine } from '../../../src-main/contract/types';
import { mergeByTime, timeKey } from './log-order';

const line = (seq: number, ts: string, pod = 'p'): LogLine => ({ seq, ts, namespace: 'n', pod, container: 'c', msg: String(seq), format: 'plain', bytes: 1 });

describe('timeKey', () => {
  it('pads trimmed RFC3339Nano fractions so strings compare as times', () => {
    expect(timeKey('2024-01-02T15:04:05.1Z') < timeKey('2024-01-02T15:04:05.12Z')).toBe(true);
    expect(timeKey('2024-01-02T15:04:05Z') < timeKey('2024-01-02T15:04:05.000000001Z')).toBe(true);
    expect(timeKey('2024-01-02T15:04:05.123456789Z')).toBe('2024-01-02T15:04:05.123456789');
  });
});

describe('mergeByTime', () => {
  it('appends ordered batches and merges a late stream history into place', () => {
    const lines = [line(1, '2024-01-02T15:00:01Z'), line(2, '2024-01-02T15:00:03Z')];
    mergeByTime(lines, [line(3, '2024-01-02T15:00:04Z')]);
    mergeByTime(lines, [line(5, '2024-01-02T15:00:02.5Z', 'q'), line(4, '2024-01-02T15:00:00Z', 'q')]);
    expect(lines.map((l) => l.seq)).toEqual([4, 1, 5, 2, 3]);
  });
  it('keeps delivery order for equal timestamps and matches a full sort (fuzz)', () => {
    let seed = 3;
    const rnd = (n: number) => ((seed = (seed * 48271) % 2147483647), seed % n);
    const all: LogLine[] = [];
    const lines: LogLine[] = [];
    let seq = 0;
    for (let round = 0; round < 200; round++) {
      const batch = Array.from({ length: 1 + rnd(20) }, () => line(++seq, `2024-01-02T15:00:${String(rnd(60)).padStart(2, '0')}.${rnd(1000)}Z`));
      all.push(...batch);
      mergeByTime(lines, batch);
    }
    const expected = [...all].sort((a, b) => (timeKey(a.ts) < timeKey(b.ts) ? -1 : timeKey(a.ts) > timeKey(b.ts) ? 1 : a.seq - b.seq));
    expect(lines.map((l) => l.seq)).toEqual(expected.map((l) => l.seq));
  });
});
