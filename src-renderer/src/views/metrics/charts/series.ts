// Prometheus range results (a matrix) as chart series: numbers parsed once, a readable name per
// series, and gaps where samples are missing instead of lines drawn across them.
import { seriesKey } from './colors';

/** One series of a query_range result, as Prometheus returns it: [unix seconds, "value"]. */
export interface MatrixSeries {
  metric: Record<string, string>;
  values: Array<[number, string]>;
}

export interface ChartSeries {
  /** Stable identity (all labels), for colors and legend state. */
  key: string;
  /** What the legend and tooltip show. */
  name: string;
  labels: Record<string, string>;
  /** [ms, value] pairs; value null marks a gap. */
  points: Array<[number, number | null]>;
}

/** "{{pod}} {{container}}" style template; missing labels read as empty. */
export function legendName(labels: Record<string, string>, template?: string): string {
  if (template) return template.replace(/\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}/g, (_, name: string) => labels[name] ?? '');
  const { __name__: metric, ...rest } = labels;
  const inner = Object.keys(rest)
    .sort()
    .map((k) => `${k}="${rest[k]}"`)
    .join(', ');
  if (!inner) return metric ?? '{}';
  return `${metric ?? ''}{${inner}}`;
}

/** Prometheus values are strings ("NaN", "+Inf" included); the chart wants numbers or gaps. */
function parseSample(v: string): number | null {
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

/**
 * Converts a matrix. Where two samples are further apart than 1.5 steps, a null point is put
 * between them so the line breaks (a pod that was gone for a while, a scrape that failed).
 */
export function toChartSeries(matrix: MatrixSeries[], opts: { stepS?: number; legend?: string } = {}): ChartSeries[] {
  const gapMs = opts.stepS ? opts.stepS * 1500 : Infinity;
  return matrix.map((s) => {
    const points: Array<[number, number | null]> = [];
    let prev = -Infinity;
    for (const [t, v] of s.values) {
      const ms = t * 1000;
      if (prev !== -Infinity && ms - prev > gapMs) points.push([prev + (ms - prev) / 2, null]);
      points.push([ms, parseSample(v)]);
      prev = ms;
    }
    return { key: seriesKey(s.metric), name: legendName(s.metric, opts.legend), labels: s.metric, points };
  });
}

/** The last non-null value of a series, for legends and tables. */
export function lastValue(s: ChartSeries): number | null {
  for (let i = s.points.length - 1; i >= 0; i--) {
    const v = s.points[i]![1];
    if (v !== null) return v;
  }
  return null;
}
