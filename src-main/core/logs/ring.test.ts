// The compact line buffer: eviction and lookup by seq, texts and timestamps back byte for byte
// (multi-byte, empty, long), chunks freed as lines leave, and the memory a line costs.
import { describe, expect, it } from 'vitest';
import { LineRing } from './ring';
import type { StreamIdentity } from './stored';

const a = { namespace: 'n', pod: 'a', container: 'c' };
const b = { namespace: 'n', pod: 'b', container: 'c' };

const push = (r: LineRing, src: StreamIdentity, ts: string, text: string, cut = false) => r.push(r.sourceId(src), ts, text, cut);

describe('LineRing', () => {
  it('evicts the oldest lines and finds lines by seq', () => {
    const r = new LineRing(3);
    for (const s of [1, 2, 3, 4, 5]) push(r, a, `2024-01-01T00:00:0${s}Z`, `raw${s}`);
    expect(r.evictedTotal).toBe(2);
    expect([r.firstSeq, r.lastSeq, r.size]).toEqual([3, 5, 3]);
    expect(r.get(2)).toBeUndefined();
    expect(r.raw(2)).toBeUndefined();
    expect(r.raw(4)).toBe('raw4');
    expect(r.get(5)).toEqual({ seq: 5, ts: '2024-01-01T00:00:05Z', src: a, format: 'plain', bytes: 4 });
    const seen: number[] = [];
    r.forEachFrom(0, (l) => seen.push(l.seq));
    expect(seen).toEqual([3, 4, 5]);
  });

  it('gives back source, flags, sizes and texts exactly, and level and format classified from the text', () => {
    const r = new LineRing(10);
    const long = 'x'.repeat(100_000);
    const lines = [
      { src: a, ts: '2024-01-01T00:00:00.123456789Z', text: '{"level":"warn","msg":"héllo ✓ 😀"}', format: 'json', level: 'warn', cut: false },
      { src: b, ts: '', text: '', format: 'plain', level: undefined, cut: false },
      { src: a, ts: '2024-01-01T00:00:01Z', text: long, format: 'plain', level: undefined, cut: true },
      { src: b, ts: '2024-01-01T00:00:02+01:00', text: 'level=fatal msg=x', format: 'logfmt', level: 'fatal', cut: false },
      { src: a, ts: '2024-01-01T00:00:03Z', text: 'E0102 15:04:05.000000 1 x.go:1] y', format: 'klog', level: 'error', cut: false },
      { src: a, ts: '2200-01-01T00:00:00.5Z', text: 'after 2106: kept as text', format: 'plain', level: undefined, cut: false },
    ] as const;
    const bytes = lines.map((l) => push(r, l.src, l.ts, l.text, l.cut));
    expect(bytes).toEqual(lines.map((l) => Buffer.byteLength(l.text)));
    lines.forEach((l, i) => {
      const got = r.get(i + 1)!;
      expect(got).toEqual({ seq: i + 1, ts: l.ts, src: l.src, format: l.format, bytes: bytes[i], ...(l.level ? { level: l.level } : {}), ...(l.cut ? { truncated: true } : {}) });
      expect(got.src).toBe(l.src);
      expect(r.raw(i + 1)).toBe(l.text);
    });
    const heads: string[] = [];
    r.scan(2, (seq, head, text) => heads.push(`${seq} ${head.src.pod} ${head.level ?? '-'} ${text().length}`));
    expect(heads).toEqual(['2 b - 0', `3 a - ${long.length}`, '4 b fatal 17', '5 a error 33', '6 a - 24']);
  });

  it('keeps texts across chunk boundaries and frees chunks as lines are evicted', async () => {
    const r = new LineRing(5000);
    const text = (i: number) => `${i} ${'é'.repeat(i % 700)} end`;
    for (let i = 0; i < 20_000; i++) push(r, a, `2024-01-01T00:00:00.${String(i).padStart(9, '0')}Z`, text(i));
    expect(r.firstSeq).toBe(15_001);
    for (const seq of [15_001, 17_777, 20_000]) {
      expect(r.raw(seq)).toBe(text(seq - 1));
      expect(r.get(seq)!.ts).toBe(`2024-01-01T00:00:00.${String(seq - 1).padStart(9, '0')}Z`);
    }
    await r.packed();
    // 5,000 lines of ~700 bytes on average: a few MiB, not the 14 MiB written in all.
    expect(r.footprint).toBeLessThan(6 * 2 ** 20);
  });

  it('costs its columns and its deflated text per line, outside the JS heap, and reads back any line', async () => {
    const r = new LineRing(100_000);
    const text = (i: number) => `{"seq":${i},"level":"info","msg":"request handled","route":"/api/items/{id}","status":200}`;
    for (let i = 0; i < 100_000; i++) push(r, a, '2024-01-01T00:00:00.123456789Z', text(i));
    // Lines are readable while their chunks are being deflated.
    expect(r.raw(50_000)).toBe(text(49_999));
    await r.packed();
    // 27 bytes of columns; the text (~90 bytes) shrinks several times once its chunk is full.
    expect(r.footprint / 100_000).toBeLessThan(27 + 30);
    for (const seq of [1, 4_321, 50_000, 99_999, 100_000, 2, 77_777]) expect(r.raw(seq)).toBe(text(seq - 1));
    const seen: number[] = [];
    r.scan(0, (seq, _head, t) => seq % 10_007 === 0 && seen.push(Number(/"seq":(\d+)/.exec(t())![1]) + 1));
    expect(seen).toEqual([10_007, 20_014, 30_021, 40_028, 50_035, 60_042, 70_049, 80_056, 90_063]);
  });
});
