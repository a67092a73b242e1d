// Parser, splitter and filter units, plus fuzz: random bytes, huge and invalid UTF-8 lines.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { ContractError } from '../../contract/errors';
import { compileFilter, compileRegex } from './filter';
import { detached } from '../../contract/detached';
import { LineSplitter, MAX_LINE_BYTES, type RawLine } from './line-splitter';
import { parseLine } from './parse';
import { compareTs, parseDuration, sinceQuery, wholeSecond } from './time';

describe('parseLine', () => {
  it('extracts level, message, trace and span ids and fields from JSON', () => {
    const p = parseLine('{"level":"warn","msg":"slow query","trace_id":"abc","spanId":"def","time":"2024-01-01T00:00:00Z","ms":812}');
    expect(p).toEqual({ format: 'json', level: 'warn', msg: 'slow query', traceId: 'abc', spanId: 'def', fields: { ms: 812 } });
    expect(parseLine('{"severity":"ERROR","message":"boom"}')).toMatchObject({ level: 'error', msg: 'boom' });
    expect(parseLine('{"level":30,"msg":"pino"}')).toMatchObject({ level: 'info' });
    expect(parseLine('{"lvl":"dbg","traceID":"t1"}')).toMatchObject({ level: 'debug', traceId: 't1', msg: '{"lvl":"dbg","traceID":"t1"}' });
  });

  it('extracts from logfmt, keeping prose with an = plain', () => {
    expect(parseLine('time=2024-01-01T00:00:00Z level=error msg="connection \\"refused\\"" trace_id=a1 retries=3')).toEqual({
      format: 'logfmt', level: 'error', msg: 'connection "refused"', traceId: 'a1', fields: { retries: '3' },
    });
    expect(parseLine('retrying with x=1').format).toBe('plain');
    expect(parseLine('level=info').format).toBe('logfmt');
  });

  it('recognizes klog and plain levels', () => {
    expect(parseLine('E0102 15:04:05.000000    1234 controller.go:42] sync failed')).toMatchObject({ format: 'klog', level: 'error' });
    expect(parseLine('I1231 23:59:59.999999 1 main.go:1] ok')).toMatchObject({ format: 'klog', level: 'info' });
    expect(parseLine('2024-01-01 12:00:00 WARN disk almost full')).toMatchObject({ format: 'plain', level: 'warn' });
    expect(parseLine('[error] upstream timed out')).toMatchObject({ level: 'error' });
    expect(parseLine('just some information here').level).toBeUndefined();
    expect(parseLine('{not json}')).toMatchObject({ format: 'plain' });
  });
});

describe('detached', () => {
  it('copies a slice without keeping its chunk alive', () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const heap = () => (gc(), gc(), process.memoryUsage().heapUsed);
    const keep: string[] = [];
    const before = heap();
    for (let i = 0; i < 20; i++) keep.push(`${i} `.padEnd(1 << 20, 'x').slice(100, 200));
    const sliced = heap() - before;
    for (let i = 0; i < 20; i++) keep[i] = detached(keep[i]!);
    const copied = heap() - before;
    expect(sliced).toBeGreaterThan(15 * 2 ** 20); // 20 chunks of 1 MB kept by 100-character slices
    expect(copied).toBeLessThan(3 * 2 ** 20); // the copies, and noise
    expect(keep[7]).toBe('x'.repeat(100));
  });
});

describe('LineSplitter', () => {
  const split = (chunks: Buffer[]) => {
    const s = new LineSplitter();
    const out: RawLine[] = [];
    for (const c of chunks) s.push(c, out);
    s.end(out);
    return out;
  };

  it('splits timestamps off and joins lines across chunks, including split multi-byte characters', () => {
    const text = Buffer.from('2024-01-01T00:00:00.1Z héllo wörld\n2024-01-01T00:00:00.2Z second\r\n2024-01-01T00:00:00.3Z no newline');
    for (let cut = 1; cut < text.length; cut += 3) {
      expect(split([text.subarray(0, cut), text.subarray(cut)])).toEqual([
        { ts: '2024-01-01T00:00:00.1Z', text: 'héllo wörld' },
        { ts: '2024-01-01T00:00:00.2Z', text: 'second' },
        { ts: '2024-01-01T00:00:00.3Z', text: 'no newline' },
      ]);
    }
  });

  it('replaces invalid UTF-8 and survives random bytes', () => {
    expect(split([Buffer.from([0x32, 0x20, 0xff, 0xfe, 0x41, 0x0a])])).toEqual([{ ts: '2', text: '\ufffd\ufffdA' }]);
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    for (let round = 0; round < 200; round++) {
      const chunks = Array.from({ length: 1 + Math.floor(rnd() * 5) }, () => Buffer.from(Array.from({ length: Math.floor(rnd() * 2000) }, () => Math.floor(rnd() * 256))));
      const lines = split(chunks);
      const total = Buffer.concat(chunks);
      const newlines = total.filter((b) => b === 0x0a).length;
      expect(lines.length).toBe(newlines + (total.length > 0 && total[total.length - 1] !== 0x0a ? 1 : 0));
      for (const l of lines) expect(() => parseLine(l.text)).not.toThrow();
    }
  });

  it('gives the same lines however the bytes are cut into chunks (random lines, timestamps, CRLF, multi-byte)', () => {
    let seed = 3;
    const rnd = (n: number) => ((seed = (seed * 48271) % 2147483647), seed % n);
    const pieces = ['a', ' ', 'é', '✓', '😀', '\r', '{"k":"v"}', '1', 'Z'];
    // The reference: the whole text decoded at once, cut at newlines, the timestamp (a digit
    // first, up to the first space within 40 characters) split off, a trailing CR dropped.
    const reference = (text: string) => {
      const lines = text.split('\n');
      if (lines[lines.length - 1] === '') lines.pop();
      return lines.map((l) => {
        if (l.endsWith('\r')) l = l.slice(0, -1);
        const sp = l.indexOf(' ');
        return sp > 0 && sp <= 40 && /^[0-9]/.test(l) ? { ts: l.slice(0, sp), text: l.slice(sp + 1) } : { ts: '', text: l };
      });
    };
    for (let round = 0; round < 300; round++) {
      const lines = Array.from({ length: 1 + rnd(30) }, () => {
        const ts = rnd(4) ? `2024-01-01T00:00:0${rnd(10)}.${rnd(1000)}Z ` : rnd(2) ? `${'9'.repeat(rnd(60))} ` : '';
        return ts + Array.from({ length: rnd(40) }, () => pieces[rnd(pieces.length)]).join('');
      });
      const text = lines.join('\n') + (rnd(2) ? '\n' : '');
      const bytes = Buffer.from(text);
      const chunks: Buffer[] = [];
      for (let at = 0; at < bytes.length; ) {
        const n = 1 + rnd(Math.min(200, bytes.length - at));
        chunks.push(bytes.subarray(at, at + n));
        at += n;
      }
      expect(split(chunks)).toEqual(reference(text));
    }
  });

  it('handles a 10 MB single line in many chunks and cuts endless lines at MAX_LINE_BYTES', () => {
    const big = Buffer.alloc(10 * 1024 * 1024, 0x61);
    const chunks = [Buffer.from('2024-01-01T00:00:00Z ')];
    for (let i = 0; i < big.length; i += 65536) chunks.push(big.subarray(i, i + 65536));
    chunks.push(Buffer.from('\n2024-01-01T00:00:01Z next\n'));
    const lines = split(chunks);
    expect(lines).toHaveLength(2);
    expect(lines[0]!.text.length).toBe(big.length);
    expect(lines[1]!.text).toBe('next');
    const endless = new LineSplitter();
    const out: RawLine[] = [];
    for (let i = 0; i < 20; i++) endless.push(Buffer.alloc(1024 * 1024, 0x62), out);
    endless.push(Buffer.from('\n'), out);
    expect(out[0]!.text.length).toBe(MAX_LINE_BYTES);
  });
});

describe('filters', () => {
  it('rejects invalid regexes with BAD_INPUT, message and position', () => {
    const err = (() => {
      try {
        compileRegex('include', 'ab*+(');
      } catch (e) {
        return e as ContractError;
      }
    })();
    expect(err).toBeInstanceOf(ContractError);
    expect(err!.code).toBe('BAD_INPUT');
    expect(err!.details).toMatchObject({ field: 'include', position: 3 });
    expect(err!.message).toMatch(/Nothing to repeat/);
    expect(() => compileRegex('include', '(abc')).toThrow(/position 4.*Unterminated group/);
  });

  it('combines levels, pods, containers, regexes and text', () => {
    const f = compileFilter({ levels: ['error', 'unknown'], pods: ['shop/a'], include: 'fail', exclude: 'ignore', text: 'DISK' })!;
    const line = { src: { namespace: 'shop', pod: 'a', container: 'c' } };
    expect(f({ ...line, level: 'error' }, 'disk fail')).toBe(true);
    expect(f(line, 'disk fail')).toBe(true);
    expect(f({ ...line, level: 'info' }, 'disk fail')).toBe(false);
    expect(f({ ...line, level: 'error' }, 'disk fail ignore')).toBe(false);
    expect(f({ level: 'error', src: { ...line.src, pod: 'b' } }, 'disk fail')).toBe(false);
  });

  it('picks a pod in every context, or in one context (whose name may hold slashes)', () => {
    const eks = 'arn:aws:eks:eu-west-1:123456789012:cluster/prod';
    const one = compileFilter({ pods: [`${eks}/shop/a`], containers: ['c'] })!;
    const src = (context: string | undefined, container = 'c') => ({ level: undefined, src: { ...(context ? { context } : {}), namespace: 'shop', pod: 'a', container } });
    expect(one(src(eks), 'x')).toBe(true);
    expect(one(src('staging'), 'x')).toBe(false);
    expect(one(src(eks, 'sidecar'), 'x')).toBe(false);
    const any = compileFilter({ pods: ['shop/a'] })!;
    expect(any(src(eks), 'x')).toBe(true);
    expect(any(src('staging'), 'x')).toBe(true);
    expect(any(src(undefined), 'x')).toBe(true);
  });
});

describe('time', () => {
  it('compares kubelet timestamps with trimmed fractions and resumes on whole seconds', () => {
    expect(compareTs('2024-01-01T00:00:05.1Z', '2024-01-01T00:00:05.12Z')).toBe(-1);
    expect(compareTs('2024-01-01T00:00:05.2Z', '2024-01-01T00:00:05.12Z')).toBe(1);
    expect(compareTs('2024-01-01T00:00:05Z', '2024-01-01T00:00:05.000Z')).toBe(0);
    expect(wholeSecond('2024-01-01T00:00:05.987654321Z')).toBe('2024-01-01T00:00:05Z');
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(sinceQuery('5m')).toEqual({ sinceSeconds: 300 });
    expect(sinceQuery('2024-01-01T00:00:00.5Z')).toEqual({ sinceTime: '2024-01-01T00:00:00Z' });
  });
});
