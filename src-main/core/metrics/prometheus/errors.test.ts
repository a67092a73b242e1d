import { describe, expect, it } from 'vitest';
import { ContractError } from '../../../contract/errors';
import type { PrometheusErrorDetails } from '../../../contract/metrics-types';
import { errorTypeOf, fromErrorBody, offsetOf, parsePosition } from './errors';

/** Prometheus's ParseErr.Error() (promql/parser/parse.go): line and byte column of a byte position. */
function goPosition(query: string, bytePos: number): string {
  const bytes = Buffer.from(query, 'utf8');
  let line = 1;
  let lastLineBreak = -1;
  for (let i = 0; i < bytePos; i++) {
    if (bytes[i] === 10) {
      lastLineBreak = i;
      line++;
    }
  }
  return `${line}:${bytePos - lastLineBreak}:`;
}

/** A random query mixing ASCII, newlines, and 2-, 3- and 4-byte UTF-8 characters. */
function randomQuery(rand: () => number): string {
  const pieces = ['sum(', 'rate(', 'x', '{job="', 'é', '日本', '😀', '\n', ' ', '"', '}', ')', '[5m]', 'ü', '\t'];
  let q = '';
  const n = Math.floor(rand() * 30);
  for (let i = 0; i < n; i++) q += pieces[Math.floor(rand() * pieces.length)];
  return q;
}

function mulberry32(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('parse error positions', () => {
  it('points at the character Prometheus names (fuzzed against its algorithm)', () => {
    const rand = mulberry32(42);
    for (let round = 0; round < 5000; round++) {
      const query = randomQuery(rand);
      // Prometheus positions fall on character boundaries: pick a character (or the end).
      const chars = [...query];
      const k = Math.floor(rand() * (chars.length + 1));
      const utf16 = chars.slice(0, k).join('').length;
      const bytePos = Buffer.byteLength(chars.slice(0, k).join(''), 'utf8');
      const message = `invalid parameter "query": ${goPosition(query, bytePos)} parse error: unexpected character`;
      const position = parsePosition(message, query);
      expect(position, `${JSON.stringify(query)} at ${k}`).toBeDefined();
      expect(position!.offset).toBe(utf16);
      const lineStart = query.lastIndexOf('\n', utf16 - 1) + 1;
      expect(position!.column).toBe(utf16 - lineStart + 1);
      expect(position!.line).toBe(query.slice(0, utf16).split('\n').length);
    }
  });

  it('never throws and stays inside the query on arbitrary messages', () => {
    const rand = mulberry32(7);
    const alphabet = ['1', '2', '9', ':', ' ', 'parse error', 'at char ', 'line ', ', ', '\n', 'é', '😀', '99999999999', '-1', '0'];
    for (let round = 0; round < 20000; round++) {
      let message = '';
      const n = Math.floor(rand() * 12);
      for (let i = 0; i < n; i++) message += alphabet[Math.floor(rand() * alphabet.length)];
      const query = randomQuery(rand);
      const position = parsePosition(message, query);
      if (position) {
        expect(position.offset).toBeGreaterThanOrEqual(0);
        expect(position.offset).toBeLessThanOrEqual(query.length);
        expect(position.line).toBeGreaterThanOrEqual(1);
        expect(position.column).toBeGreaterThanOrEqual(1);
      }
    }
  });

  it('reads the real messages of Prometheus 2.42 and older versions', () => {
    expect(parsePosition('1:5: parse error: unexpected character: \'~\'', 'sum(~x)')).toEqual({ line: 1, column: 5, offset: 4 });
    expect(parsePosition('2:3: parse error: unclosed left parenthesis', 'sum(\n  x')).toEqual({ line: 2, column: 3, offset: 7 });
    expect(parsePosition('parse error at char 5: unexpected "}"', 'up{a}}')).toEqual({ line: 1, column: 5, offset: 4 });
    expect(parsePosition('parse error at line 2, char 1: x', 'a\nb')).toEqual({ line: 2, column: 1, offset: 2 });
    // Positions outside the query, or none: no position.
    expect(parsePosition('1:50: parse error: x', 'up')).toBeUndefined();
    expect(parsePosition('invalid position: parse error: x', 'up')).toBeUndefined();
    expect(parsePosition('many-to-many matching not allowed', 'up')).toBeUndefined();
  });

  it('counts bytes the way Prometheus does', () => {
    expect(offsetOf('é=x', 1, 3)).toBe(1); // é is 2 bytes
    expect(offsetOf('😀x', 1, 5)).toBe(2); // a surrogate pair, 4 bytes
    expect(offsetOf('ab', 1, 3)).toBe(2); // the end is a position
    expect(offsetOf('ab', 1, 4)).toBeUndefined();
    expect(offsetOf('a\nb', 3, 1)).toBeUndefined();
  });
});

describe('error answers', () => {
  it('become typed contract errors with errorType and position', () => {
    const query = 'sum(rate(x[5m])';
    const body = JSON.stringify({ status: 'error', errorType: 'bad_data', error: 'invalid parameter "query": 1:16: parse error: unclosed left parenthesis' });
    const err = fromErrorBody(body, 400, query, 'service:monitoring/prometheus:9090/');
    expect(err).toBeInstanceOf(ContractError);
    expect(err!.code).toBe('BAD_INPUT');
    expect(err!.details).toEqual({
      source: 'prometheus',
      errorType: 'bad_data',
      message: '1:16: parse error: unclosed left parenthesis',
      status: 400,
      position: { line: 1, column: 16, offset: 15 },
      candidate: 'service:monitoring/prometheus:9090/',
    } satisfies PrometheusErrorDetails);
  });

  it('map each errorType to a code', () => {
    const code = (errorType: string, status: number) => fromErrorBody(JSON.stringify({ status: 'error', errorType, error: 'x' }), status, 'up', undefined)!.code;
    expect(code('execution', 422)).toBe('BAD_INPUT');
    expect(code('timeout', 503)).toBe('UNAVAILABLE');
    expect(code('canceled', 499)).toBe('CANCELLED');
    expect(code('internal', 500)).toBe('UNAVAILABLE');
    expect((fromErrorBody(JSON.stringify({ status: 'error', errorType: 'timeout', error: 'query timed out in expression evaluation' }), 503, 'up', undefined)!.details as PrometheusErrorDetails).errorType).toBe('timeout');
  });

  it('take the type from the status when the body has an unknown one (VictoriaMetrics sends "422")', () => {
    expect(errorTypeOf('422', 422)).toBe('execution');
    expect(errorTypeOf(undefined, 400)).toBe('bad_data');
    expect(errorTypeOf('weird', 503)).toBe('timeout');
  });

  it('are not made up from bodies that are not Prometheus errors', () => {
    expect(fromErrorBody('<html>502</html>', 502, 'up', undefined)).toBeUndefined();
    expect(fromErrorBody('{"kind":"Status","code":403}', 403, 'up', undefined)).toBeUndefined();
    expect(fromErrorBody('{"status":"success","data":{}}', 200, 'up', undefined)).toBeUndefined();
  });
});
