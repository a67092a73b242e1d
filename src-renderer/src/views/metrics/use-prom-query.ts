// Runs a PromQL query for a view: range queries for charts (step from the chart's width),
// instant queries for tables. Cancelled when the view closes or the query changes; refreshed
// on an interval; transient failures (Prometheus down or slow) retried with backoff, query
// errors (bad_data) not.
import { useQuery } from '@tanstack/react-query';
import { toChartSeries, type ChartSeries } from './charts/series';
import type { PromApi, PromInstant, QueryFailure } from './promql/prom-api';
import { toFailure } from './promql/failure';
import { resolveRange, stepFor, type TimeRange } from './time-range';

export interface RangeResult {
  series: ChartSeries[];
  start: number;
  end: number;
  stepS: number;
  warnings: string[];
  /** performance.now() when the answer arrived (render time is measured from here). */
  arrivedAt: number;
  tookMs: number;
}

const transient = (f: QueryFailure) => ['unavailable', 'timeout', 'disconnected', 'internal'].includes(f.kind);

const retry = (count: number, e: QueryFailure) => transient(e) && count < 3;
const retryDelay = (attempt: number) => Math.min(30_000, 1000 * 2 ** attempt);

function rangeKey(r: TimeRange): string {
  return r.kind === 'relative' ? r.range : `${r.from}-${r.to}`;
}

export function useRangeQuery(api: PromApi | undefined, o: { scope: string; query: string; range: TimeRange; points: number; refreshMs?: number; legend?: string; minStepS?: number }) {
  const enabled = !!api && o.query.trim() !== '';
  return useQuery<RangeResult, QueryFailure>({
    queryKey: ['promql-range', o.scope, o.query, rangeKey(o.range), o.points, o.legend, o.minStepS],
    enabled,
    refetchInterval: o.refreshMs || false,
    retry,
    retryDelay,
    // Keep showing the previous chart while a refresh or a new range loads.
    placeholderData: (prev) => prev,
    queryFn: async ({ signal }) => {
      const { start, end } = resolveRange(o.range, Date.now());
      const stepS = stepFor(end - start, o.points, o.minStepS);
      const t0 = performance.now();
      try {
        const res = await api!.queryRange({ query: o.query, start, end, stepS }, signal);
        const arrivedAt = performance.now();
        return { series: toChartSeries(res.series, { stepS: res.step, legend: o.legend }), start, end, stepS: res.step, warnings: [...(res.warnings ?? []), ...(res.infos ?? [])], arrivedAt, tookMs: arrivedAt - t0 };
      } catch (e) {
        throw toFailure(e, o.query);
      }
    },
  });
}

export interface InstantResult {
  data: PromInstant;
  time: number;
  warnings: string[];
  tookMs: number;
}

export function useInstantQuery(api: PromApi | undefined, o: { scope: string; query: string; time?: number; refreshMs?: number }) {
  return useQuery<InstantResult, QueryFailure>({
    queryKey: ['promql-instant', o.scope, o.query, o.time ?? 'now'],
    enabled: !!api && o.query.trim() !== '',
    refetchInterval: o.refreshMs || false,
    retry,
    retryDelay,
    placeholderData: (prev) => prev,
    queryFn: async ({ signal }) => {
      const time = o.time ?? Date.now();
      const t0 = performance.now();
      try {
        const res = await api!.query({ query: o.query, time }, signal);
        return { data: res, time, warnings: [...(res.warnings ?? []), ...(res.infos ?? [])], tookMs: performance.now() - t0 };
      } catch (e) {
        throw toFailure(e, o.query);
      }
    },
  });
}
