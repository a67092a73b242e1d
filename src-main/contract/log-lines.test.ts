// Column batches of the tail stream: decoded into TailLines whose message and fields are parsed
// from the text on first use, as a full LogLine when asked.
import { describe, expect, it } from 'vitest';
import { LogLineDecoder, toLogLine, type LogLineBatch } from './log-lines';

const batch = (over: Partial<LogLineBatch>): LogLineBatch => ({ seq: [], ts: [], src: [], text: '', ...over });

describe('LogLineDecoder', () => {
  it('keeps announced sources across batches and parses message and fields lazily', () => {
    const d = new LogLineDecoder();
    const json = '{"level":"error","msg":"boom","trace_id":"t1","span_id":"s1","route":"/x"}';
    const [a, b] = d.decode(
      batch({
        sources: [{ id: 0, namespace: 'shop', pod: 'api-1', container: 'app' }, { id: 4, context: 'east', namespace: 'shop', pod: 'api-2', container: 'app' }],
        seq: [1, 2],
        ts: ['2024-01-01T00:00:00.1Z', '2024-01-01T00:00:00.2Z'],
        src: [0, 4],
        text: `${json}\nplain words`,
      }),
    );
    expect(a).toMatchObject({ seq: 1, pod: 'api-1', level: 'error', format: 'json', text: json, truncated: false, msg: 'boom', traceId: 't1', spanId: 's1', fields: { route: '/x' } });
    expect(b).toMatchObject({ context: 'east', pod: 'api-2', level: undefined, msg: 'plain words', fields: undefined });
    const [c] = d.decode(batch({ seq: [9], ts: ['2024-01-01T00:00:01Z'], src: [4], text: 'x'.repeat(10), cut: [[0, 70_000]] }));
    expect(c).toMatchObject({ seq: 9, pod: 'api-2', truncated: true, cutBytes: 70_000 });
    expect(toLogLine(c!)).toEqual({ seq: 9, ts: '2024-01-01T00:00:01Z', context: 'east', namespace: 'shop', pod: 'api-2', container: 'app', msg: 'x'.repeat(10), format: 'plain', bytes: 70_000, truncated: true });
    expect(toLogLine(a!)).toEqual({ seq: 1, ts: '2024-01-01T00:00:00.1Z', namespace: 'shop', pod: 'api-1', container: 'app', level: 'error', msg: 'boom', fields: { route: '/x' }, traceId: 't1', spanId: 's1', format: 'json', bytes: json.length });
  });

  it('counts UTF-8 bytes of multi-byte text, and refuses a line of an unannounced source or a text count that does not match', () => {
    const d = new LogLineDecoder();
    const [l] = d.decode(batch({ sources: [{ id: 1, namespace: 'n', pod: 'p', container: 'c' }], seq: [1], ts: [''], src: [1], text: 'é✓😀' }));
    expect(toLogLine(l!).bytes).toBe(Buffer.byteLength('é✓😀'));
    expect(() => d.decode(batch({ seq: [2], ts: [''], src: [7], text: 'x' }))).toThrow(/unknown source 7/);
    expect(() => d.decode(batch({ seq: [3, 4], ts: ['', ''], src: [1, 1], text: 'one line' }))).toThrow(/2 lines carries 1 texts/);
  });
});
