import { describe, expect, it } from 'vitest';
import { formatValue } from './units';

describe('formatValue', () => {
  it('scales bytes by 1024 with IEC suffixes', () => {
    expect(formatValue(0, 'bytes')).toBe('0 B');
    expect(formatValue(512, 'bytes')).toBe('512 B');
    expect(formatValue(1536, 'bytes')).toBe('1.5 KiB');
    expect(formatValue(250 * 1024 ** 2, 'bytes')).toBe('250 MiB');
    expect(formatValue(3 * 1024 ** 3, 'bytes/s')).toBe('3 GiB/s');
  });
  it('reads seconds as the nearest human duration', () => {
    expect(formatValue(0.000_25, 'seconds')).toBe('250 µs');
    expect(formatValue(0.0123, 'seconds')).toBe('12.3 ms');
    expect(formatValue(42, 'seconds')).toBe('42 s');
    expect(formatValue(90, 'seconds')).toBe('1.5 min');
    expect(formatValue(7200, 'seconds')).toBe('2 h');
  });
  it('shows ratios and percents as percent', () => {
    expect(formatValue(0.423, 'ratio')).toBe('42.3%');
    expect(formatValue(99.5, 'percent')).toBe('99.5%');
  });
  it('shows request rates with SI prefixes and cores as millicores below one', () => {
    expect(formatValue(12.5, 'reqps')).toBe('12.5 req/s');
    expect(formatValue(12_500, 'reqps')).toBe('12.5k req/s');
    expect(formatValue(0.25, 'cores')).toBe('250m');
    expect(formatValue(2, 'cores')).toBe('2 cores');
    expect(formatValue(0, 'cores')).toBe('0');
  });
  it('keeps small numbers readable and says what is not a number', () => {
    expect(formatValue(0.00123)).toBe('0.00123');
    expect(formatValue(1_500_000)).toBe('1.5M');
    expect(formatValue(NaN)).toBe('NaN');
    expect(formatValue(Infinity)).toBe('+Inf');
    expect(formatValue(null)).toBe('–');
  });
});
