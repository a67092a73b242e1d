import { describe, expect, it } from 'vitest';
import { parseQuantity } from './quantity';

describe('parseQuantity', () => {
  it('parses the forms the API serves', () => {
    expect(parseQuantity('250m')).toBeCloseTo(0.25);
    expect(parseQuantity('2')).toBe(2);
    expect(parseQuantity('1500000n')).toBeCloseTo(0.0015);
    expect(parseQuantity('128Mi')).toBe(128 * 2 ** 20);
    expect(parseQuantity('1.5Gi')).toBe(1.5 * 2 ** 30);
    expect(parseQuantity('500k')).toBe(500_000);
    expect(parseQuantity('1e3')).toBe(1000);
    expect(parseQuantity('12E')).toBe(12e18);
    expect(parseQuantity('.5')).toBe(0.5);
  });
  it('gives NaN for anything else, without throwing (fuzz)', () => {
    for (const bad of ['', 'abc', '1.2.3', '5 Mi', 'Mi', '--1', '1e', null, undefined, {}, '1Kb']) expect(parseQuantity(bad)).toBeNaN();
    const alphabet = '0123456789.eE+-mMkKiGnu ';
    let seed = 7;
    for (let i = 0; i < 2000; i++) {
      let s = '';
      for (let j = 0; j < (i % 9) + 1; j++) s += alphabet[(seed = (seed * 48271) % 2147483647) % alphabet.length];
      const v = parseQuantity(s);
      expect(typeof v).toBe('number');
    }
  });
});
