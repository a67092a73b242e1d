import { describe, expect, it } from 'vitest';
import { BadResponse, parseInstant, parseRange, rangeResultText, transcodeRange } from './matrix';

function mulberry32(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const tail = { start: 1, end: 2, step: 1 };

/** A body as Prometheus (Go, jsoniter) writes it: no whitespace, values as strings. */
function promBody(rand: () => number, opts: { series?: number; points?: number } = {}): string {
  const labelChars = ['a', 'é', '"', '\\', '}', '{', ']', ',', ':', '\n', '😀', ' ', '[', 'x'];
  const series = [];
  const count = opts.series ?? Math.floor(rand() * 6);
  for (let s = 0; s < count; s++) {
    const metric: Record<string, string> = { __name__: 'm' };
    const labels = Math.floor(rand() * 4);
    for (let l = 0; l < labels; l++) {
      let v = '';
      for (let k = 0; k < Math.floor(rand() * 6); k++) v += labelChars[Math.floor(rand() * labelChars.length)];
      metric[`l${l}`] = v;
    }
    const values: Array<[number, string]> = [];
    const points = opts.points ?? Math.floor(rand() * 8);
    for (let p = 0; p < points; p++) {
      const r = rand();
      const v = r < 0.05 ? 'NaN' : r < 0.08 ? '+Inf' : r < 0.1 ? '-Inf' : r < 0.2 ? '0' : r < 0.3 ? String(-Math.floor(rand() * 1000)) : String(rand() * 10 ** Math.floor(rand() * 12));
      values.push([1_700_000_000 + p * 15 + (rand() < 0.5 ? 0.5 : 0), v]);
    }
    series.push({ metric, values });
  }
  const env: Record<string, unknown> = { status: 'success', data: { resultType: 'matrix', result: series } };
  if (rand() < 0.2) env.warnings = ['some warning'];
  if (rand() < 0.1) env.infos = ['an info'];
  return JSON.stringify(env);
}

describe('range results', () => {
  it('fast path and slow path agree (fuzzed)', () => {
    const rand = mulberry32(3);
    let fast = 0;
    for (let round = 0; round < 3000; round++) {
      const body = promBody(rand);
      const text = transcodeRange(body, tail);
      expect(text, body).toBeDefined();
      fast++;
      expect(JSON.parse(text!)).toEqual({ ...parseRange(body), ...tail });
    }
    expect(fast).toBe(3000);
  });

  it('converts values to numbers and keeps non-finite spellings', () => {
    const body = '{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"a":"b"},"values":[[1.5,"0.25"],[3,"NaN"],[4.5,"+Inf"],[6,"-Inf"],[7,"-0.5"]]}]},"warnings":["w"]}';
    expect(JSON.parse(transcodeRange(body, tail)!)).toEqual({ resultType: 'matrix', series: [{ metric: { a: 'b' }, t: [1.5, 3, 4.5, 6, 7], v: [0.25, 'NaN', '+Inf', '-Inf', -0.5] }], warnings: ['w'], ...tail });
  });

  it('leaves other shapes to the slow path, which gives the same result', () => {
    const pretty = JSON.stringify(JSON.parse(promBody(mulberry32(5), { series: 3, points: 4 })), null, 2);
    expect(transcodeRange(pretty, tail)).toBeUndefined();
    expect(JSON.parse(rangeResultText(pretty, tail))).toEqual({ ...parseRange(pretty), ...tail });
    // VictoriaMetrics adds keys around data.
    const vm = '{"status":"success","isPartial":false,"data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,"2"]]}]},"stats":{"seriesFetched":"1"}}';
    expect(JSON.parse(rangeResultText(vm, tail))).toEqual({ resultType: 'matrix', series: [{ metric: {}, t: [1], v: [2] }], ...tail });
    // Native histograms.
    const hist = '{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"histograms":[[1,{"count":"2","sum":"3"}]]}]}}';
    expect(transcodeRange(hist, tail)).toBeUndefined();
    expect(JSON.parse(rangeResultText(hist, tail)).series[0]).toEqual({ metric: {}, t: [], v: [], histograms: [[1, { count: '2', sum: '3' }]] });
  });

  it('never produces invalid JSON or a different result from damaged bodies (fuzzed mutations)', () => {
    const rand = mulberry32(11);
    const junk = ['"', '\\', ']', '[', '}', '{', ',', ':', '0', '-', '.', 'e', 'N', ' ', '"result":[', '"t":1'];
    for (let round = 0; round < 20000; round++) {
      let body = promBody(rand, { series: 2, points: 3 });
      const edits = 1 + Math.floor(rand() * 3);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(rand() * body.length);
        const r = rand();
        if (r < 0.4) body = body.slice(0, at) + body.slice(at + 1);
        else if (r < 0.8) body = body.slice(0, at) + junk[Math.floor(rand() * junk.length)] + body.slice(at);
        else body = body.slice(0, at) + junk[Math.floor(rand() * junk.length)] + body.slice(at + 1);
      }
      // Bodies arrive as bytes (a cut surrogate pair becomes U+FFFD on the way).
      const bytes = Buffer.from(body, 'utf8');
      const text = transcodeRange(bytes, tail);
      if (text === undefined) continue;
      const parsed = JSON.parse(text) as unknown; // must not throw
      let reference: unknown;
      try {
        reference = { ...parseRange(bytes.toString('utf8')), ...tail };
      } catch {
        reference = 'slow path rejects';
      }
      expect(parsed, body).toEqual(reference);
    }
  });

  it('rejects answers that are not matrices with a clear error', () => {
    expect(() => rangeResultText('<html>', tail)).toThrow(BadResponse);
    expect(() => rangeResultText('{"status":"success","data":{"resultType":"vector","result":[]}}', tail)).toThrow(/expected a matrix, got vector/);
    expect(() => rangeResultText('{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,"abc"]]}]}}', tail)).toThrow(/not a sample value/);
  });
});

describe('instant results', () => {
  it('converts vectors, scalars and strings', () => {
    expect(parseInstant('{"status":"success","data":{"resultType":"vector","result":[{"metric":{"job":"a"},"value":[1.5,"1"]}]}}')).toEqual({ resultType: 'vector', samples: [{ metric: { job: 'a' }, t: 1.5, v: 1 }] });
    expect(parseInstant('{"status":"success","data":{"resultType":"scalar","result":[2,"+Inf"]}}')).toEqual({ resultType: 'scalar', t: 2, v: '+Inf' });
    expect(parseInstant('{"status":"success","data":{"resultType":"string","result":[2,"hi"]},"warnings":["w"]}')).toEqual({ resultType: 'string', t: 2, v: 'hi', warnings: ['w'] });
  });
});
