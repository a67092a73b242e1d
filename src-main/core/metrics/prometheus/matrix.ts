// Prometheus results as the contract sends them: series as columns (t[], v[]) with numbers
// instead of ["1712345678.1","0.25"] pairs of strings.
//
// A range query of 200 series x 1,000 points is ~6 MB of JSON. Parsing it into objects in the
// backend and serializing it again would cost several times the client's own parse, so range
// results take a fast path: one scan over the text that copies each timestamp and value (checked
// to be JSON numbers) into the column format, and checks each series' labels with JSON.parse on
// that small piece. The output is JSON text (sent as RawJson, parsed once by the client). Bodies
// of any other shape (whitespace, native histograms, unexpected keys) take the slow path:
// JSON.parse and convert; both paths give the same result.
import type { PromInstant, PromRange, PromSeries, PromValue } from '../../../contract/metrics-types';

export class BadResponse extends Error {}

interface Envelope {
  status?: unknown;
  data?: { resultType?: unknown; result?: unknown };
  warnings?: unknown;
  infos?: unknown;
}

/** A value string as Prometheus formats it -> number, or its non-finite spelling. */
export function toValue(s: unknown): PromValue {
  if (s === 'NaN' || s === '+Inf' || s === '-Inf') return s;
  const n = typeof s === 'string' && s.trim() !== '' ? Number(s) : NaN;
  if (!Number.isFinite(n)) throw new BadResponse(`not a sample value: ${JSON.stringify(s)?.slice(0, 40)}`);
  return n;
}

function toTime(t: unknown): number {
  if (typeof t !== 'number' || !Number.isFinite(t)) throw new BadResponse(`not a timestamp: ${JSON.stringify(t)?.slice(0, 40)}`);
  return t;
}

function labelsOf(m: unknown): Record<string, string> {
  if (!m || typeof m !== 'object' || Array.isArray(m)) throw new BadResponse('series without a metric object');
  for (const v of Object.values(m)) if (typeof v !== 'string') throw new BadResponse('label value is not a string');
  return m as Record<string, string>;
}

function stringList(x: unknown): string[] | undefined {
  return Array.isArray(x) && x.length > 0 ? x.map(String) : undefined;
}

function successData(body: string): Envelope & { data: { resultType?: unknown; result?: unknown } } {
  let env: Envelope;
  try {
    env = JSON.parse(body) as Envelope;
  } catch {
    throw new BadResponse(`the answer is not JSON: ${body.slice(0, 120)}`);
  }
  if (!env || typeof env !== 'object' || env.status !== 'success' || !env.data || typeof env.data !== 'object') throw new BadResponse(`not a Prometheus success answer: ${body.slice(0, 120)}`);
  return env as Envelope & { data: { resultType?: unknown; result?: unknown } };
}

function seriesOf(raw: unknown): PromSeries {
  const s = raw as { metric?: unknown; values?: unknown; histograms?: unknown };
  if (!s || typeof s !== 'object') throw new BadResponse('series is not an object');
  const values = Array.isArray(s.values) ? (s.values as unknown[]) : [];
  const t = new Array<number>(values.length);
  const v = new Array<PromValue>(values.length);
  for (let i = 0; i < values.length; i++) {
    const pair = values[i] as unknown[];
    if (!Array.isArray(pair) || pair.length !== 2) throw new BadResponse('sample is not a [time, value] pair');
    t[i] = toTime(pair[0]);
    v[i] = toValue(pair[1]);
  }
  const out: PromSeries = { metric: labelsOf(s.metric), t, v };
  if (Array.isArray(s.histograms) && s.histograms.length) out.histograms = s.histograms as Array<[number, unknown]>;
  return out;
}

/** The slow path, and the reference for the fast one: parse, check, convert. */
export function parseRange(body: string): Omit<PromRange, 'start' | 'end' | 'step'> {
  const env = successData(body);
  if (env.data.resultType !== 'matrix' || !Array.isArray(env.data.result)) throw new BadResponse(`expected a matrix, got ${String(env.data.resultType)}`);
  const warnings = stringList(env.warnings);
  const infos = stringList(env.infos);
  return { resultType: 'matrix', series: env.data.result.map(seriesOf), ...(warnings ? { warnings } : {}), ...(infos ? { infos } : {}) };
}

export function parseInstant(body: string): PromInstant {
  const env = successData(body);
  const { resultType, result } = env.data;
  const warnings = stringList(env.warnings);
  const infos = stringList(env.infos);
  const extra = { ...(warnings ? { warnings } : {}), ...(infos ? { infos } : {}) };
  const scalarPair = (r: unknown): [number, unknown] => {
    if (!Array.isArray(r) || r.length !== 2) throw new BadResponse(`${String(resultType)} result is not a [time, value] pair`);
    return [toTime(r[0]), r[1]];
  };
  switch (resultType) {
    case 'vector': {
      if (!Array.isArray(result)) throw new BadResponse('vector result is not a list');
      const samples = result.map((raw) => {
        const s = raw as { metric?: unknown; value?: unknown; histogram?: unknown };
        if (s?.histogram !== undefined) {
          const [t, h] = scalarPair(s.histogram);
          return { metric: labelsOf(s.metric), t, v: 'NaN' as PromValue, histogram: h };
        }
        const [t, v] = scalarPair(s?.value);
        return { metric: labelsOf(s?.metric), t, v: toValue(v) };
      });
      return { resultType, samples, ...extra };
    }
    case 'matrix':
      if (!Array.isArray(result)) throw new BadResponse('matrix result is not a list');
      return { resultType, series: result.map(seriesOf), ...extra };
    case 'scalar': {
      const [t, v] = scalarPair(result);
      return { resultType, t, v: toValue(v), ...extra };
    }
    case 'string': {
      const [t, v] = scalarPair(result);
      return { resultType, t, v: String(v), ...extra };
    }
    default:
      throw new BadResponse(`unknown resultType ${JSON.stringify(resultType)}`);
  }
}

// ---- the fast path ----
// It works on the bytes as they came off the socket (no UTF-8 decoding of the bulk), copying
// number bytes into one output buffer.

const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const LBRACKET = 91;
const RBRACKET = 93;
const LBRACE = 123;
const RBRACE = 125;
const MINUS = 45;
const DOT = 46;
const D0 = 48;
const D9 = 57;

/** End (exclusive) of a plain decimal at i, or -1: -?(0|[1-9]\d*)(\.\d+)? with at most 308 integer
 *  digits. That is what Prometheus writes (Go's 'f' format) and always a finite JSON number;
 *  exponents and longer numbers (which could overflow to Infinity) go to the slow path. */
function numberEnd(b: Uint8Array, i: number, end: number): number {
  if (i < end && b[i] === MINUS) i++;
  if (i >= end) return -1;
  let c = b[i]!;
  const intStart = i;
  if (c === D0) i++;
  else if (c > D0 && c <= D9) {
    i++;
    while (i < end && (c = b[i]!) >= D0 && c <= D9) i++;
    if (i - intStart > 308) return -1;
  } else return -1;
  if (i < end && b[i] === DOT) {
    i++;
    const digits = i;
    while (i < end && (c = b[i]!) >= D0 && c <= D9) i++;
    if (i === digits) return -1;
  }
  return i;
}

function bytesAt(b: Uint8Array, i: number, lit: Uint8Array): boolean {
  if (i + lit.length > b.length) return false;
  for (let k = 0; k < lit.length; k++) if (b[i + k] !== lit[k]) return false;
  return true;
}

const enc = (s: string) => new TextEncoder().encode(s);
const RESULT_KEY = enc('"result":[');
const SERIES_START = enc('{"metric":{');
const VALUES_KEY = enc(',"values":[');
const NAN = enc('NaN"');
const PINF = enc('+Inf"');
const NINF = enc('-Inf"');
const T_KEY = enc(',"t":[');
const V_KEY = enc('],"v":[');

/** A growable byte buffer (sized up front so that growing is rare). */
class Out {
  buf: Uint8Array;
  len = 0;
  constructor(size: number) {
    this.buf = new Uint8Array(Math.max(64, size));
  }
  private grow(extra: number) {
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.len + extra));
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }
  byte(c: number) {
    if (this.len === this.buf.length) this.grow(1);
    this.buf[this.len++] = c;
  }
  copy(src: Uint8Array, from: number, to: number) {
    if (this.len + to - from > this.buf.length) this.grow(to - from);
    const buf = this.buf;
    let len = this.len;
    for (let k = from; k < to; k++) buf[len++] = src[k]!;
    this.len = len;
  }
  bytes(src: Uint8Array) {
    this.copy(src, 0, src.length);
  }
  text(): string {
    return Buffer.from(this.buf.buffer, this.buf.byteOffset, this.len).toString('utf8');
  }
}

/**
 * Range-query JSON (bytes) -> PromRange JSON text (with `tail`, e.g. start/end/step, appended as
 * extra keys). Returns undefined when the body is not in the shape this path handles (the caller
 * takes the slow path then). Never returns text that is not valid JSON: every copied token is
 * checked, labels are checked by JSON.parse, and the rest is our own punctuation.
 */
export function transcodeRange(input: Uint8Array | string, tail: Record<string, number>): string | undefined {
  const b = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  const n = b.length;
  const at = Buffer.from(b.buffer, b.byteOffset, n).indexOf(RESULT_KEY);
  if (at < 0) return undefined;
  let i = at + RESULT_KEY.length;
  // Output is smaller than input (fewer brackets and quotes): one allocation each, usually.
  const out = new Out(n + 1024);
  const vals = new Out(Math.min(n, 1 << 20));
  out.bytes(enc('{"resultType":"matrix","series":['));
  let first = true;
  if (b[i] !== RBRACKET) {
    for (;;) {
      if (!bytesAt(b, i, SERIES_START)) return undefined;
      // The label set: a flat object of strings. Find its end, skipping over strings.
      const mStart = i + 10;
      let j = mStart + 1;
      for (;;) {
        if (j >= n) return undefined;
        const c = b[j];
        if (c === QUOTE) {
          j++;
          for (;;) {
            if (j >= n) return undefined;
            const d = b[j];
            if (d === BACKSLASH) j += 2;
            else if (d === QUOTE) break;
            else j++;
          }
        } else if (c === RBRACE) break;
        else if (c === LBRACE || c === LBRACKET) return undefined;
        j++;
      }
      try {
        labelsOf(JSON.parse(Buffer.from(b.buffer, b.byteOffset + mStart, j + 1 - mStart).toString('utf8')));
      } catch {
        return undefined;
      }
      if (!first) out.byte(COMMA);
      first = false;
      out.copy(b, i, j + 1); // {"metric":{...}
      i = j + 1;
      if (!bytesAt(b, i, VALUES_KEY)) return undefined;
      i += VALUES_KEY.length;
      out.bytes(T_KEY);
      vals.len = 0;
      if (b[i] !== RBRACKET) {
        for (;;) {
          if (b[i] !== LBRACKET) return undefined;
          const tEnd = numberEnd(b, i + 1, n);
          if (tEnd < 0 || b[tEnd] !== COMMA || b[tEnd + 1] !== QUOTE) return undefined;
          if (vals.len) {
            out.byte(COMMA);
            vals.byte(COMMA);
          }
          out.copy(b, i + 1, tEnd);
          const vStart = tEnd + 2;
          const vEnd = numberEnd(b, vStart, n);
          if (vEnd >= 0 && b[vEnd] === QUOTE) {
            vals.copy(b, vStart, vEnd);
            i = vEnd + 1;
          } else if (bytesAt(b, vStart, NAN) || bytesAt(b, vStart, PINF) || bytesAt(b, vStart, NINF)) {
            const end = vStart + (b[vStart] === 78 ? 4 : 5);
            vals.copy(b, vStart - 1, end); // with its quotes: "NaN"
            i = end;
          } else return undefined;
          if (b[i] !== RBRACKET) return undefined;
          i++;
          const c = b[i];
          if (c === COMMA) i++;
          else if (c === RBRACKET) break;
          else return undefined;
        }
      }
      i++; // past the values' ]
      if (b[i] !== RBRACE) return undefined; // e.g. native histograms follow
      i++;
      out.bytes(V_KEY);
      out.copy(vals.buf, 0, vals.len);
      out.byte(RBRACKET);
      out.byte(RBRACE);
      const c = b[i];
      if (c === COMMA) i++;
      else if (c === RBRACKET) break;
      else return undefined;
    }
  }
  // The envelope around the result: status, resultType, warnings... checked by parsing it with
  // the result replaced by a marker, which also proves the cut was exactly data.result.
  const whole = Buffer.from(b.buffer, b.byteOffset, n);
  let env: Envelope;
  try {
    env = JSON.parse(`${whole.toString('utf8', 0, at)}"result":0${whole.toString('utf8', i + 1)}`) as Envelope;
  } catch {
    return undefined;
  }
  if (!env || env.status !== 'success' || env.data?.resultType !== 'matrix' || env.data.result !== 0) return undefined;
  const warnings = stringList(env.warnings);
  const infos = stringList(env.infos);
  let extra = ']';
  for (const [k, v] of Object.entries(tail)) extra += `,${JSON.stringify(k)}:${JSON.stringify(v)}`;
  if (warnings) extra += `,"warnings":${JSON.stringify(warnings)}`;
  if (infos) extra += `,"infos":${JSON.stringify(infos)}`;
  out.bytes(enc(`${extra}}`));
  return out.text();
}

/** A range result as JSON text of PromRange: the fast path, else parse and convert. */
export function rangeResultText(body: Uint8Array | string, range: { start: number; end: number; step: number }): string {
  const fast = transcodeRange(body, range);
  if (fast !== undefined) return fast;
  const text = typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.length).toString('utf8');
  return JSON.stringify({ ...parseRange(text), ...range } satisfies PromRange);
}
