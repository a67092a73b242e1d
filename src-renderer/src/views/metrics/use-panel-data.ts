// A dashboard panel's data: each of its queries as a range query, merged into one set of series.
// A query that fails does not take the others down (the panel says which failed and why);
// Prometheus down or slow is retried with backoff, like the explorer's queries.
import { useQuery } from '@tanstack/react-query';
import { toChartSeries, type ChartSeries } from './charts/series';
import { interpolate } from './dashboards/interpolate';
import type { Panel, VariableValues } from './dashboards/types';
import { toFailure } from './promql/failure';
import type { PromApi, QueryFailure } from './promql/prom-api';
import { resolveRange, stepFor, type TimeRange } from './time-range';

export interface PanelData {
  series: ChartSeries[];
  start: number;
  end: number;
  stepS: number;
  /** Queries that failed while others answered. */
  failures: Array<{ expr: string; failure: QueryFailure }>;
  warnings: string[];
  arrivedAt: number;
}

const transient = (f: QueryFailure) => ['unavailable', 'timeout', 'disconnected', 'internal'].includes(f.kind);

export function usePanelData(api: PromApi | undefined, o: { scope: string; panel: Panel; values: VariableValues; ready: boolean; range: TimeRange; points: number; refreshMs: number; scrapeS?: number }) {
  const { panel } = o;
  const rangeKey = o.range.kind === 'relative' ? o.range.range : `${o.range.from}-${o.range.to}`;
  return useQuery<PanelData, QueryFailure>({
    queryKey: ['panel', o.scope, panel.id, panel.queries, o.values, rangeKey, o.points],
    enabled: !!api && o.ready,
    refetchInterval: o.refreshMs || false,
    retry: (count, e) => transient(e) && count < 3,
    retryDelay: (attempt) => Math.min(30_000, 1000 * 2 ** attempt),
    placeholderData: (prev) => prev,
    queryFn: async ({ signal }) => {
      const { start, end } = resolveRange(o.range, Date.now());
      const stepS = stepFor(end - start, o.points, 5);
      const exprs = panel.queries.map((q) => interpolate(q.expr, o.values, { stepS, scrapeS: o.scrapeS }));
      const settled = await Promise.allSettled(exprs.map((query) => api!.queryRange({ query, start, end, stepS }, signal)));
      const arrivedAt = performance.now();
      const series: ChartSeries[] = [];
      const failures: PanelData['failures'] = [];
      const warnings: string[] = [];
      settled.forEach((r, i) => {
        const q = panel.queries[i]!;
        if (r.status === 'rejected') return failures.push({ expr: exprs[i]!, failure: toFailure(r.reason, exprs[i]!) });
        warnings.push(...(r.value.warnings ?? []));
        series.push(...toChartSeries(r.value.series, { stepS: r.value.step, legend: q.legend, reference: q.reference }));
      });
      if (failures.length === settled.length) throw failures[0]!.failure;
      return { series, start, end, stepS, failures, warnings, arrivedAt };
    },
  });
}
