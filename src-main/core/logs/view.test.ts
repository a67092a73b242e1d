// LogView alone: back-pressure toward producers, replay after a filter change before newer
// lines, eviction counts.
import { describe, expect, it } from 'vitest';
import type { StreamSink } from '../../contract/server';
import { LogLineDecoder } from '../../contract/log-lines';
import type { LogFrame } from '../../contract/types';
import { LogView } from './view';

function fakeSink(highWater: number) {
  const frames: LogFrame[] = [];
  let buffered = 0;
  let waiters: Array<() => void> = [];
  const ac = new AbortController();
  const sink: StreamSink<LogFrame> = {
    push: (f) => {
      frames.push(f);
      buffered++;
      return buffered < highWater;
    },
    drained: () => (buffered < highWater / 2 ? Promise.resolve() : new Promise((r) => waiters.push(r))),
    end: () => undefined,
    error: () => undefined,
    signal: ac.signal,
  };
  return {
    sink,
    frames,
    /** The renderer took everything. */
    drain() {
      buffered = 0;
      for (const w of waiters) w();
      waiters = [];
    },
    lines: () => {
      const decoder = new LogLineDecoder();
      return frames.flatMap((f) => (f.type === 'lines' ? decoder.decode(f.batch).map((l) => l.msg) : f.type === 'reset' ? ['<reset>'] : []));
    },
  };
}

const src = { namespace: 'ns', pod: 'p', container: 'c' };
const tick = () => new Promise((r) => setImmediate(r));

describe('LogView', () => {
  it('blocks producers while the sink is past its high-water mark, and releases them on drain', async () => {
    const s = fakeSink(2);
    const v = new LogView(s.sink, 1000);
    v.append(src, Array.from({ length: 600 }, (_, i) => ({ ts: 't', text: `l${i}` })));
    const wait = v.writable();
    expect(wait).toBeInstanceOf(Promise);
    let released = false;
    void wait!.then(() => (released = true));
    await tick();
    expect(released).toBe(false);
    s.drain();
    await tick();
    expect(released).toBe(true);
    expect(v.writable()).toBeUndefined();
    expect(s.lines()).toHaveLength(600);
  });

  it('sends the re-filtered buffer after a reset and before newer lines', async () => {
    const s = fakeSink(10_000);
    const v = new LogView(s.sink, 1000);
    v.append(src, [{ ts: 't', text: 'ERROR a' }, { ts: 't', text: 'INFO b' }, { ts: 't', text: 'ERROR c' }]);
    await tick();
    expect(v.setFilter({ levels: ['error'] })).toEqual({ matched: 2, buffered: 3 });
    v.append(src, [{ ts: 't', text: 'ERROR d' }, { ts: 't', text: 'INFO e' }]);
    await tick();
    await tick();
    expect(s.lines()).toEqual(['ERROR a', 'INFO b', 'ERROR c', '<reset>', 'ERROR a', 'ERROR c', 'ERROR d']);
  });

  it('announces a stream again when a re-filter drops the queued lines that announced it', async () => {
    const s = fakeSink(1); // every push is past the high-water mark: a replay waits for a drain
    const v = new LogView(s.sink, 1000);
    v.append(src, [{ ts: 't', text: 'a1' }, { ts: 't', text: 'a2' }]);
    await tick();
    v.setFilter({ text: 'a' }); // replaying, so live lines wait
    const other = { namespace: 'ns', pod: 'q', container: 'c' };
    v.append(other, [{ ts: 't', text: 'qa1' }]); // the first line of q: announces it
    v.setFilter({ text: 'a2' }); // drops the waiting qa1
    s.drain();
    await tick();
    v.append(other, [{ ts: 't', text: 'qa2' }]);
    await tick();
    s.drain();
    await tick();
    expect(s.lines()).toEqual(['a1', 'a2', '<reset>', 'a1', 'a2', '<reset>', 'a2', 'qa2']);
  });

  it('counts evictions in dropped frames', async () => {
    const s = fakeSink(10_000);
    const v = new LogView(s.sink, 100);
    for (let i = 0; i < 5; i++) v.append(src, Array.from({ length: 50 }, (_, j) => ({ ts: 't', text: `x${i * 50 + j}` })));
    await new Promise((r) => setTimeout(r, 300));
    const dropped = s.frames.filter((f) => f.type === 'dropped');
    expect(dropped.reduce((n, f) => n + (f.type === 'dropped' ? f.count : 0), 0)).toBe(150);
    expect(dropped.at(-1)).toMatchObject({ total: 150 });
    expect(v.fullText(151)).toBe('x150');
    expect(v.fullText(150)).toBeUndefined();
    v.dispose();
  });
});
