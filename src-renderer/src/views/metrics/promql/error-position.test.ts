import { describe, expect, it } from 'vitest';
import { errorPosition } from './error-position';

describe('errorPosition', () => {
  it('reads line:col from a Prometheus parse error', () => {
    const q = 'sum(rate(x[5m])';
    expect(errorPosition(q, 'invalid parameter "query": 1:16: parse error: unclosed left parenthesis')).toEqual({ start: 15, end: 15 });
    expect(errorPosition('rate(x[5m]))', '1:12: parse error: unexpected right parenthesis \')\'')).toEqual({ start: 11, end: 12 });
  });
  it('reads ranges and multi-line positions', () => {
    const q = 'sum(\n  foo{a=~"("}\n)';
    expect(errorPosition(q, '2:3-2:14: parse error: invalid regular expression')).toEqual({ start: 7, end: 18 });
  });
  it('reads the old "at char" form, and gives nothing when there is no position', () => {
    expect(errorPosition('up +', 'parse error at char 5: unexpected end of input')).toEqual({ start: 4, end: 4 });
    expect(errorPosition('up', 'query timed out in expression evaluation')).toBeUndefined();
  });
});
