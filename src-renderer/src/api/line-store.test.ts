// The renderer's line store: time order across batches (a late stream's history lands in place,
// equal times keep delivery order), lines given back whole, bounded with 5% steps, time lookup.
import { describe, expect, it } from 'vitest';
import { LogLineDecoder, type LogLineBatch } from '../../../src-main/contract/log-lines';
import { LineStore } from './line-store';

const sources = [
  { id: 0, namespace: 'n', pod: 'p', container: 'c' },
  { id: 1, context: 'east', namespace: 'n', pod: 'q', container: 'c' },
];

function batch(lines: Array<{ seq: number; ts: string; text?: string; src?: number }>, cut?: Array<[number, number]>): LogLineBatch {
  return {
    sources,
    seq: lines.map((l) => l.seq),
    ts: lines.map((l) => l.ts),
    src: lines.map((l) => l.src ?? 0),
    text: lines.map((l) => l.text ?? `line ${l.seq}`).join('\n'),
    ...(cut ? { cut } : {}),
  };
}

const put = (s: LineStore, b: LogLineBatch) => {
  s.add(b);
  s.commit();
};
const seqs = (s: LineStore) => Array.from({ length: s.length }, (_, i) => s.seqAt(i));

describe('LineStore', () => {
  it('appends ordered batches and merges a late stream history into place', () => {
    const s = new LineStore(new LogLineDecoder(), 100);
    put(s, batch([{ seq: 1, ts: '2024-01-02T15:00:01Z' }, { seq: 2, ts: '2024-01-02T15:00:03Z' }]));
    put(s, batch([{ seq: 3, ts: '2024-01-02T15:00:04Z' }]));
    put(s, batch([{ seq: 5, ts: '2024-01-02T15:00:02.5Z', src: 1 }, { seq: 4, ts: '2024-01-02T15:00:00Z', src: 1 }]));
    expect(seqs(s)).toEqual([4, 1, 5, 2, 3]);
  });

  it('keeps delivery order for equal timestamps and matches a full sort (fuzz)', () => {
    let seed = 3;
    const rnd = (n: number) => ((seed = (seed * 48271) % 2147483647), seed % n);
    const s = new LineStore(new LogLineDecoder(), 100_000);
    const all: Array<{ seq: number; ms: number; ns: number }> = [];
    let seq = 0;
    for (let round = 0; round < 300; round++) {
      const lines = Array.from({ length: 1 + rnd(40) }, () => {
        const frac = String(rnd(1_000_000_000)).padStart(9, '0').slice(0, rnd(10)).replace(/0+$/, '');
        const sec = rnd(60);
        all.push({ seq: ++seq, ms: sec, ns: Number((frac || '0').padEnd(9, '0')) });
        return { seq, ts: `2024-01-02T15:00:${String(sec).padStart(2, '0')}${frac ? `.${frac}` : ''}Z` };
      });
      s.add(batch(lines));
      // Several batches per commit, as several frames arrive between two animation frames.
      if (round % 3 === 2) s.commit();
    }
    s.commit();
    const expected = [...all].sort((a, b) => a.ms - b.ms || a.ns - b.ns || a.seq - b.seq).map((l) => l.seq);
    expect(seqs(s)).toEqual(expected);
  });

  it('places a few late lines deep among many held ones (moved in runs) exactly as a full sort', () => {
    let seed = 5;
    const rnd = (n: number) => ((seed = (seed * 48271) % 2147483647), seed % n);
    const s = new LineStore(new LogLineDecoder(), 100_000);
    const all: Array<{ seq: number; ms: number }> = [];
    const ts = (ms: number) => new Date(Date.UTC(2024, 0, 2) + ms).toISOString();
    let seq = 0;
    const held = Array.from({ length: 5000 }, (_, i) => ({ seq: ++seq, ts: ts(i * 10) }));
    for (const l of held) all.push({ seq: l.seq, ms: Date.parse(l.ts) });
    put(s, batch(held));
    for (let round = 0; round < 200; round++) {
      // 1-20 lines anywhere in the last 50 s, several equal to held times.
      const lines = Array.from({ length: 1 + rnd(20) }, () => ({ seq: ++seq, ts: ts(rnd(5000) * 10) }));
      for (const l of lines) all.push({ seq: l.seq, ms: Date.parse(l.ts) });
      put(s, batch(lines));
    }
    expect(seqs(s)).toEqual([...all].sort((a, b) => a.ms - b.ms || a.seq - b.seq).map((l) => l.seq));
    expect(s.line(s.length - 1).text).toBe(`line ${s.seqAt(s.length - 1)}`);
  });

  it('gives each line back whole, the same object while shown, odd timestamps as sent', () => {
    const s = new LineStore(new LogLineDecoder(), 100);
    const json = '{"level":"warn","msg":"slow","trace_id":"t1"}';
    put(
      s,
      batch(
        [
          { seq: 1, ts: '2024-01-02T15:00:01.120000001Z', text: json, src: 1 },
          { seq: 2, ts: '2024-01-02T16:00:01+01:00', text: 'é✓ plain' },
          { seq: 3, ts: '', text: 'x'.repeat(20) },
        ],
        [[2, 90_000]],
      ),
    );
    // 16:00:01+01:00 is 15:00:01Z: before 15:00:01.12Z.
    expect(seqs(s)).toEqual([2, 1, 3]);
    const a = s.line(1);
    expect(a).toMatchObject({ seq: 1, ts: '2024-01-02T15:00:01.120000001Z', text: json, level: 'warn', format: 'json', context: 'east', pod: 'q', msg: 'slow', traceId: 't1', truncated: false });
    expect(s.line(1)).toBe(a);
    expect(s.line(0)).toMatchObject({ seq: 2, ts: '2024-01-02T16:00:01+01:00', text: 'é✓ plain', level: undefined });
    // No timestamp: placed with the newest line seen so far, in delivery order.
    expect(s.line(2)).toMatchObject({ seq: 3, ts: '', truncated: true, cutBytes: 90_000 });
  });

  it('lets go of the oldest lines in 5% steps, counting them, and finds lines by time', () => {
    const s = new LineStore(new LogLineDecoder(), 1000);
    const ts = (i: number) => new Date(Date.UTC(2024, 0, 2) + i * 10).toISOString();
    for (let b = 0; b < 30; b++) put(s, batch(Array.from({ length: 50 }, (_, k) => ({ seq: b * 50 + k + 1, ts: ts(b * 50 + k) }))));
    expect(s.trim()).toBe(1500 - 1000 + 50);
    expect([s.length, s.trimmed, s.seqAt(0)]).toEqual([950, 550, 551]);
    expect(s.trim()).toBe(0);
    expect(s.line(0).text).toBe('line 551');
    expect(s.line(949).text).toBe('line 1500');
    expect(s.indexAt(Date.parse(ts(700)))).toBe(700 - 550);
    expect(s.indexAt(Date.parse(ts(700)) - 5)).toBe(700 - 550);
    expect(s.indexAt(Date.parse(ts(5000)))).toBe(-1);
    s.clear();
    expect([s.length, s.trimmed]).toEqual([0, 0]);
  });

  it('refuses a batch whose texts do not match its lines, keeping what it held', () => {
    const s = new LineStore(new LogLineDecoder(), 100);
    put(s, batch([{ seq: 1, ts: '2024-01-02T15:00:01Z' }]));
    const short = { ...batch([{ seq: 2, ts: '2024-01-02T15:00:02Z' }, { seq: 3, ts: '2024-01-02T15:00:03Z' }]), text: 'only one' };
    const long = { ...batch([{ seq: 4, ts: '2024-01-02T15:00:04Z' }]), text: 'one\ntwo' };
    expect(() => s.add(short)).toThrow(/2 lines carries 1 texts/);
    expect(() => s.add(long)).toThrow(/1 lines carries more texts/);
    put(s, batch([{ seq: 5, ts: '2024-01-02T15:00:05Z', text: '' }, { seq: 6, ts: '2024-01-02T15:00:06Z', text: '' }]));
    expect(seqs(s)).toEqual([1, 5, 6]);
    expect([s.line(1).text, s.line(2).text]).toEqual(['', '']);
  });
});
