// Packing outgoing lines: batches of a fixed size, each stream announced once, again after a
// discard dropped its announcement, long lines cut with their full size.
import { describe, expect, it } from 'vitest';
import { BatchPacker } from './batch';
import { DISPLAY_LIMIT } from './parse';

const sources = [
  { namespace: 'n', pod: 'a', container: 'c' },
  { context: 'east', namespace: 'n', pod: 'b', container: 'c' },
];

describe('BatchPacker', () => {
  it('cuts batches at their size and announces a stream only in its first batch', () => {
    const p = new BatchPacker(2, (id) => sources[id]!);
    for (let i = 1; i <= 5; i++) p.add(i, `t${i}`, i % 2, `line ${i}`, 6, false);
    expect(p.lines).toBe(5);
    const batches = p.take();
    expect(batches.map((b) => b.seq)).toEqual([[1, 2], [3, 4], [5]]);
    expect(batches[0]!.sources).toEqual([{ id: 1, context: 'east', namespace: 'n', pod: 'b', container: 'c' }, { id: 0, namespace: 'n', pod: 'a', container: 'c' }]);
    expect(batches[1]!.sources).toBeUndefined();
    expect(batches[0]).toMatchObject({ ts: ['t1', 't2'], src: [1, 0], text: 'line 1\nline 2' });
    expect(p.lines).toBe(0);
  });

  it('announces again what a discarded batch announced, and cuts long lines for display', () => {
    const p = new BatchPacker(10, (id) => sources[id]!);
    p.add(1, 't', 0, 'x', 1, false);
    p.discard();
    const long = 'y'.repeat(DISPLAY_LIMIT + 10);
    p.add(2, 't', 0, long, long.length, true);
    const [b] = p.take();
    expect(b!.sources?.map((s) => s.id)).toEqual([0]);
    expect(b!.text).toHaveLength(DISPLAY_LIMIT);
    expect(b!.cut).toEqual([[0, DISPLAY_LIMIT + 10]]);
  });
});
