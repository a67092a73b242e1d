import { describe, expect, it } from 'vitest';
import { JsonLineSplitter } from './json-lines';

describe('JsonLineSplitter', () => {
  it('reassembles lines cut at any byte, including inside multi-byte characters', () => {
    const events = [{ type: 'ADDED', object: { metadata: { name: 'café-☕' } } }, { type: 'BOOKMARK', object: { metadata: { resourceVersion: '7' } } }];
    const bytes = Buffer.from(events.map((e) => JSON.stringify(e)).join('\n') + '\n\n');
    for (let cut = 1; cut < bytes.length; cut++) {
      const out: unknown[] = [];
      const s = new JsonLineSplitter((v) => out.push(v));
      s.push(bytes.subarray(0, cut));
      s.push(bytes.subarray(cut));
      s.end();
      expect(out).toEqual(events);
    }
  });

  it('handles a multi-megabyte line in many small chunks and a last line without newline', () => {
    const big = { type: 'ADDED', object: { metadata: { name: 'big' }, data: { blob: 'x'.repeat(5_000_000) } } };
    const bytes = Buffer.from(`${JSON.stringify(big)}\n{"type":"DELETED","object":{"metadata":{}}}`);
    const out: unknown[] = [];
    const s = new JsonLineSplitter((v) => out.push(v));
    for (let i = 0; i < bytes.length; i += 16 * 1024) s.push(bytes.subarray(i, i + 16 * 1024));
    s.end();
    expect(out).toHaveLength(2);
    expect((out[0] as typeof big).object.data.blob.length).toBe(5_000_000);
  });
});
