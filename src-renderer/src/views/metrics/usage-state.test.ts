import { describe, expect, it } from 'vitest';
import { pointPairs } from './charts/series';
import { applyUsageFrame, emptyUsage, usageSeries } from './usage-state';

const status = { state: 'ok' as const };

describe('usage stream state', () => {
  it('starts from the history, appends points, replaces a slot still filling, and drops what is past retention', () => {
    let s = applyUsageFrame(emptyUsage, { type: 'history', target: { kind: 'cluster' }, points: { t: [1000, 2000], cpu: [0.1, 0.2], memory: [10, 20] }, spec: { requests: {}, limits: {} }, status });
    s = applyUsageFrame(s, { type: 'point', t: 3000, cpu: 0.3, memory: 30 });
    s = applyUsageFrame(s, { type: 'point', t: 3000, cpu: 0.35, memory: 35 });
    expect(s.points).toEqual({ t: [1000, 2000, 3000], cpu: [0.1, 0.2, 0.35], memory: [10, 20, 35] });
    s = applyUsageFrame(s, { type: 'point', t: 5000, cpu: null, memory: 50 }, 2500);
    expect(s.points).toEqual({ t: [3000, 5000], cpu: [0.35, null], memory: [35, 50] });
  });
  it('draws usage with request, limit and allocatable lines; missing samples are gaps', () => {
    const s = applyUsageFrame(emptyUsage, { type: 'history', target: { kind: 'node', name: 'n' }, points: { t: [1000, 2000], cpu: [0.5, null], memory: [1, 2] }, spec: { requests: { cpu: 1 }, limits: {}, allocatable: { cpu: 4, memory: 8 } }, status });
    const series = usageSeries(s, 'cpu', 0, 3000);
    expect(series.map((x) => x.name)).toEqual(['usage', 'requests', 'allocatable']);
    expect(pointPairs(series[0]!)).toEqual([[1000, 0.5], [2000, null]]);
    expect(pointPairs(series[2]!)).toEqual([[0, 4], [3000, 4]]);
  });
});
