import { expect, it } from 'vitest';
import { resourceTotals } from './pod-resources';

it('sums requests and limits; a limit only when every container has one; limits stand in for missing requests', () => {
  expect(resourceTotals({ containers: [{ resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '1', memory: '128Mi' } } }, { resources: { requests: { cpu: '250m' }, limits: { cpu: '500m', memory: '1Gi' } } }] })).toEqual([
    0.35,
    64 * 2 ** 20 + 2 ** 30,
    1.5,
    128 * 2 ** 20 + 2 ** 30,
  ]);
  expect(resourceTotals({ containers: [{ resources: { limits: { memory: '1Gi' } } }, {}] })).toEqual([NaN, 2 ** 30, NaN, NaN]);
  expect(resourceTotals({ containers: [] })).toEqual([NaN, NaN, NaN, NaN]);
  expect(resourceTotals(undefined)).toEqual([NaN, NaN, NaN, NaN]);
});
