// classify() must agree with parseLine on format and level for every line: random JSON objects
// (nested values, level keys with words, numbers, escapes, duplicates, odd whitespace) and
// random corruptions of them, plus logfmt, klog and plain lines.
import { describe, expect, it } from 'vitest';
import { classify } from './classify';
import { parseLine } from './parse';

let seed = 11;
const rnd = (n: number) => ((seed = (seed * 48271) % 2147483647), seed % n);
const pick = <T>(xs: readonly T[]): T => xs[rnd(xs.length)]!;

const LEVEL_KEYS = ['level', 'lvl', 'severity', 'loglevel', 'log.level', 'severity_text', 'severityText'];
const OTHER_KEYS = ['msg', 'message', 'ts', 'time', 'trace_id', 'pod', 'n', '1', '__proto__', 'lev\\u0065l', 'a"b', 'é'];
const WORDS = ['info', 'INFO', 'Warn', 'warning', 'error', 'err', 'fatal', 'debug', 'trace', 'nope', '', 'i', 'E', 'wa\\u0072n', 'x\\"y'];
const ws = () => pick(['', '', '', ' ', '\n', '\t', ' \r\n ']);

function scalar(): string {
  switch (rnd(8)) {
    case 0:
      return `"${pick(WORDS)}"`;
    case 1:
      return String(pick([10, 20, 30, 40, 50, 60, 1, 9, 24, 25, 0, -3, 2.5, 1e3]));
    case 2:
      return pick(['true', 'false', 'null']);
    case 3:
      return pick(['1e400', '-0', '0.5e-3', '12E+2']);
    default:
      return `"${'x'.repeat(rnd(5))}${pick(['', '\\n', '\\u00e9', '\\\\', '/'])}"`;
  }
}

function value(depth: number): string {
  if (depth > 2 || rnd(3) > 0) return scalar();
  if (rnd(2)) return `[${ws()}${Array.from({ length: rnd(3) }, () => value(depth + 1)).join(`${ws()},${ws()}`)}${ws()}]`;
  return object(depth + 1);
}

function object(depth = 0): string {
  const members = Array.from({ length: rnd(6) }, () => {
    const key = rnd(2) ? pick(LEVEL_KEYS) : pick(OTHER_KEYS);
    const v = depth === 0 && LEVEL_KEYS.includes(key) && rnd(2) ? pick([`"${pick(WORDS)}"`, String(pick([30, 50, 13, 7]))]) : value(depth);
    return `${ws()}"${key}"${ws()}:${ws()}${v}${ws()}`;
  });
  return `{${members.join(',')}}`;
}

function corrupt(s: string): string {
  const i = rnd(s.length);
  switch (rnd(4)) {
    case 0:
      return s.slice(0, i) + s.slice(i + 1);
    case 1:
      return s.slice(0, i) + pick(['"', ',', ':', '{', '}', '[', ']', '\\', '\u0001', 'x', ' ']) + s.slice(i);
    case 2:
      return s.slice(0, i) + s.slice(i + 1, i + 2) + s.slice(i, i + 1) + s.slice(i + 2);
    default:
      return `{${s.slice(1, -1)},}`;
  }
}

const expected = (t: string) => {
  const p = parseLine(t);
  return { format: p.format, level: p.level };
};

describe('classify', () => {
  it('agrees with parseLine on random JSON lines and their corruptions', () => {
    for (let k = 0; k < 5000; k++) {
      const good = object();
      expect(classify(good), good).toEqual(expected(good));
      const bad = corrupt(good);
      expect(classify(bad), bad).toEqual(expected(bad));
    }
  });

  it('agrees with parseLine on other formats', () => {
    for (const t of ['{}', '{"level":"warn"}', '{not json}', '{"a":1} {"b":2}', '{"level":"info","level":"error"}', 'level=warn msg=x', 'E0102 15:04:05.000000 1 x.go:1] boom', 'plain ERROR here', '', '{', '}', '{"severity":"ERROR","lvl":"debug"}', '{"lvl":42,"level":"warn"}'])
      expect(classify(t), t).toEqual(expected(t));
  });
});
