import { expect, it } from 'vitest';
import { parseGoDuration } from './duration';

it('reads Go durations as metrics-server writes them', () => {
  expect(parseGoDuration('15s')).toBe(15);
  expect(parseGoDuration('1m0s')).toBe(60);
  expect(parseGoDuration('10.512s')).toBeCloseTo(10.512);
  expect(parseGoDuration('1h2m3.5s')).toBeCloseTo(3723.5);
  expect(parseGoDuration('500ms')).toBeCloseTo(0.5);
  expect(parseGoDuration('1.5µs')).toBeCloseTo(1.5e-6);
  expect(parseGoDuration('0')).toBe(0);
  for (const bad of ['', '15', 's', '1x', '1m 0s', 'abc', undefined, 15]) expect(parseGoDuration(bad)).toBeNaN();
});
