// Range results (a matrix, as the contract carries it: columns of unix seconds and values) as
// chart series: a readable name per series, and gaps where samples are missing instead of lines
// drawn across them.
import type { PromSeries } from '../../../../../src-main/contract/metrics-types';
import { seriesKey } from './colors';

export interface ChartSeries {
  /** Stable identity (all labels), for colors and legend state. */
  key: string;
  /** What the legend and tooltip show. */
  name: string;
  labels: Record<string, string>;
  /** Interleaved ms, value, ms, value…; a NaN value marks a gap. A typed array, because echarts
   *  reads it without copying per point and the garbage collector sees one object, not 1,000. */
  points: Float64Array;
  /** A bound drawn for comparison (a request, a limit, a capacity): dashed, in a fixed color. */
  reference?: Reference;
}

export type Reference = 'request' | 'limit' | 'capacity';

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

/**
 * Converts a matrix. Values are numbers or "NaN", "+Inf", "-Inf": anything not finite becomes
 * a gap. Where two samples are further apart than 1.5 steps, a gap is put between them so the
 * line breaks (a pod that was gone for a while, a scrape that failed).
 */
export function toChartSeries(matrix: PromSeries[], opts: { stepS?: number; legend?: string; reference?: Reference } = {}): ChartSeries[] {
  const gapMs = opts.stepS ? opts.stepS * 1500 : Infinity;
  return matrix.map((s) => {
    const ts = s.t;
    const vs = s.v;
    const n = ts.length;
    let gaps = 0;
    for (let i = 1; i < n; i++) if ((ts[i]! - ts[i - 1]!) * 1000 > gapMs) gaps++;
    const points = new Float64Array((n + gaps) * 2);
    let o = 0;
    let prev = NaN;
    for (let i = 0; i < n; i++) {
      const ms = ts[i]! * 1000;
      if (ms - prev > gapMs) {
        points[o++] = prev + (ms - prev) / 2;
        points[o++] = NaN;
      }
      const v = vs[i];
      points[o++] = ms;
      points[o++] = typeof v === 'number' && v - v === 0 ? v : NaN; // finite numbers only
      prev = ms;
    }
    // A panel's queries may each give one label-less series ("requests", "limits"): the legend
    // template is part of the identity, so they do not share a key or a color.
    const key = opts.legend ? `${opts.legend}${seriesKey(s.metric)}` : seriesKey(s.metric);
    return { key, name: legendName(s.metric, opts.legend), labels: s.metric, points, ...(opts.reference ? { reference: opts.reference } : {}) };
  });
}

/** Pairs of [ms, value] (null for gaps), for tables and tests. */
export function pointPairs(s: ChartSeries): Array<[number, number | null]> {
  const out: Array<[number, number | null]> = [];
  for (let i = 0; i < s.points.length; i += 2) out.push([s.points[i]!, Number.isNaN(s.points[i + 1]!) ? null : s.points[i + 1]!]);
  return out;
}

/** The last non-null value of a series, for legends and tables. */
export function lastValue(s: ChartSeries): number | null {
  for (let i = s.points.length - 1; i > 0; i -= 2) {
    const v = s.points[i]!;
    if (!Number.isNaN(v)) return v;
  }
  return null;
}
