import { expect, it } from 'vitest';
import { containersOf, parseSample, SampleParser } from './metrics-api';

it('reads NodeMetrics and PodMetrics into cores, bytes and unix ms', () => {
  expect(parseSample({ metadata: { name: 'n1' }, timestamp: '2024-01-02T03:04:05Z', window: '20.5s', usage: { cpu: '250m', memory: '1Gi' } })).toEqual({ name: 'n1', timestamp: Date.parse('2024-01-02T03:04:05Z'), windowS: 20.5, cpu: 0.25, memory: 2 ** 30 });
  const pod = parseSample({
    metadata: { name: 'p', namespace: 'ns' },
    timestamp: '2024-01-02T03:04:05Z',
    window: '1m0s',
    containers: [
      { name: 'a', usage: { cpu: '12500000n', memory: '49152Ki' } },
      { name: 'b', usage: { cpu: '1', memory: '128974848' } },
    ],
  })!;
  expect(pod).toMatchObject({ name: 'p', namespace: 'ns', windowS: 60, memory: 48 * 2 ** 20 + 128974848 });
  expect(pod.cpu).toBeCloseTo(1.0125);
  expect(containersOf(pod)).toEqual([
    { name: 'a', cpu: 0.0125, memory: 48 * 2 ** 20 },
    { name: 'b', cpu: 1, memory: 128974848 },
  ]);
  // Unusable items are skipped, not guessed; unparseable quantities count as 0.
  expect(parseSample({ metadata: { name: 'x' }, timestamp: 'yesterday' })).toBeUndefined();
  expect(parseSample({ timestamp: '2024-01-02T03:04:05Z' })).toBeUndefined();
  expect(parseSample({ metadata: { name: 'x' }, timestamp: '2024-01-02T03:04:05Z', usage: { cpu: 'lots', memory: '5Mi' } })).toMatchObject({ cpu: 0, memory: 5 * 2 ** 20, windowS: NaN });
});

it('reuses parsed timestamps and windows across a list, without mixing them up', () => {
  const p = new SampleParser();
  const a = p.parse({ metadata: { name: 'a' }, timestamp: '2024-01-02T03:04:05Z', window: '15s', usage: {} })!;
  const b = p.parse({ metadata: { name: 'b' }, timestamp: '2024-01-02T03:04:20Z', window: '15s', usage: {} })!;
  const c = p.parse({ metadata: { name: 'c' }, timestamp: '2024-01-02T03:04:20Z', usage: {} })!;
  expect(b.timestamp - a.timestamp).toBe(15_000);
  expect(c.windowS).toBeNaN();
});
