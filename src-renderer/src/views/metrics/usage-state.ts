// The state of a metrics.usage stream: the history frame, then points appended (or replacing the
// last slot while it fills), spec and status updates. Columns stay columns; charts read them.
import type { ResourceMetricsStatus, ResourceSpec, UsageFrame, UsagePoints } from '../../../../src-main/contract/metrics-types';
import type { ChartSeries, Reference } from './charts/series';

export interface UsageState {
  points: UsagePoints;
  spec?: ResourceSpec;
  status?: ResourceMetricsStatus;
  loaded: boolean;
}

export const emptyUsage: UsageState = { points: { t: [], cpu: [], memory: [] }, loaded: false };

/** Keeps the history bounded to `retentionMs` behind the newest point. */
export function applyUsageFrame(state: UsageState, frame: UsageFrame, retentionMs = 3 * 3600_000): UsageState {
  switch (frame.type) {
    case 'history':
      return { points: frame.points, spec: frame.spec, status: frame.status, loaded: true };
    case 'spec':
      return { ...state, spec: frame.spec };
    case 'status':
      return { ...state, status: frame.status };
    case 'point': {
      const { t, cpu, memory } = state.points;
      const n = t.length;
      if (n > 0 && t[n - 1] === frame.t) {
        return { ...state, points: { t, cpu: [...cpu.slice(0, -1), frame.cpu], memory: [...memory.slice(0, -1), frame.memory] } };
      }
      let from = 0;
      while (from < n && t[from]! < frame.t - retentionMs) from++;
      return { ...state, points: { t: [...t.slice(from), frame.t], cpu: [...cpu.slice(from), frame.cpu], memory: [...memory.slice(from), frame.memory] } };
    }
  }
}

function column(name: string, t: number[], values: Array<number | null>): ChartSeries {
  const points = new Float64Array(t.length * 2);
  for (let i = 0; i < t.length; i++) {
    points[2 * i] = t[i]!;
    points[2 * i + 1] = values[i] ?? NaN;
  }
  return { key: name, name, labels: {}, points };
}

function flat(name: string, reference: Reference, start: number, end: number, value: number | undefined): ChartSeries[] {
  return value === undefined ? [] : [{ key: name, name, labels: {}, points: Float64Array.from([start, value, end, value]), reference }];
}

/** CPU or memory usage with the target's request, limit and (nodes, cluster) allocatable as lines. */
export function usageSeries(state: UsageState, resource: 'cpu' | 'memory', start: number, end: number): ChartSeries[] {
  const spec = state.spec;
  return [
    column('usage', state.points.t, state.points[resource]),
    ...flat('requests', 'request', start, end, spec?.requests[resource]),
    ...flat('limits', 'limit', start, end, spec?.limits[resource]),
    ...flat('allocatable', 'capacity', start, end, spec?.allocatable?.[resource]),
  ];
}
