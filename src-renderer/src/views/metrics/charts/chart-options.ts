// Turns series, a unit and the theme into one echarts option. Pure: the same inputs give the
// same option, so a refresh with new data keeps colors, hidden series and axes as they were.
import { assignColors, referenceColors } from './colors';
import { lttb } from './lttb';
import type { ChartOption, LineSeriesOption } from './echarts';
import type { ChartSeries } from './series';
import { formatValue, type Unit } from './units';

/** Something that happened, drawn on the time axis: a line at `time`, or an area to `end`. */
export interface Annotation {
  time: number;
  end?: number;
  kind: 'rollout' | 'restart' | 'event';
  title: string;
}

export interface ChartTheme {
  mode: 'light' | 'dark';
  text: string;
  muted: string;
  border: string;
  panel: string;
}

export interface ChartConfig {
  unit: Unit;
  stacked?: boolean;
  /** The x axis spans exactly this (ms), whatever the data covers. */
  start: number;
  end: number;
  annotations?: Annotation[];
  /** Tooltip rows shown at most (sorted by value); the rest are counted. */
  tooltipRows?: number;
  /** Width of the chart in px, for the point budget (default 1000). */
  widthPx?: number;
}

/** Points drawn at most over all series; beyond it each series is downsampled (LTTB). Past a
 *  few dozen overlapping lines, more points per line add drawing time, not information. */
const POINT_BUDGET = 50_000;

/**
 * How many points a series keeps: one per pixel when few series share the chart; with many,
 * the budget is shared, but never below one per 4 pixels (a line still shows its shape).
 */
export function pointsPerSeries(series: number, widthPx: number): number {
  return Math.max(Math.round(widthPx / 4), Math.min(widthPx, Math.floor(POINT_BUDGET / Math.max(1, series))));
}

const sampled = new WeakMap<Float64Array, { cap: number; points: Float64Array }>();

function downsample(points: Float64Array, cap: number): Float64Array {
  if (points.length / 2 <= cap) return points;
  const hit = sampled.get(points);
  if (hit?.cap === cap) return hit.points;
  const out = lttb(points, cap);
  sampled.set(points, { cap, points: out });
  return out;
}

export const annotationColors: Record<Annotation['kind'], string> = { rollout: '#8b5cf6', restart: '#ef4444', event: '#f59e0b' };

interface AxisTooltipParam {
  seriesId?: string;
  seriesName?: string;
  color?: string;
  value?: unknown;
  axisValue?: unknown;
}

/** The tooltip as DOM nodes (not an HTML string): the CSP forbids inline style attributes, and
 *  each row's swatch needs its series' color, which the CSSOM may set. */
function tooltipContent(params: AxisTooltipParam[], unit: Unit, maxRows: number): HTMLElement {
  const root = document.createElement('div');
  root.className = 'chart-tooltip';
  const first = params[0];
  const time = document.createElement('div');
  time.className = 'chart-tooltip-time';
  time.textContent = first ? new Date(Number(first.axisValue)).toLocaleString() : '';
  root.append(time);
  const rows = params
    .map((p) => ({ p, v: Array.isArray(p.value) ? (p.value[1] as number | null) : null }))
    .filter((r) => typeof r.v === 'number' && !Number.isNaN(r.v) && r.p.seriesId !== '__annotations')
    .sort((a, b) => (b.v as number) - (a.v as number));
  for (const { p, v } of rows.slice(0, maxRows)) {
    const row = document.createElement('div');
    row.className = 'chart-tooltip-row';
    const swatch = document.createElement('span');
    swatch.className = 'swatch';
    swatch.style.background = p.color ?? '';
    const name = document.createElement('span');
    name.className = 'chart-tooltip-name';
    name.textContent = p.seriesName ?? '';
    const value = document.createElement('span');
    value.className = 'chart-tooltip-value';
    value.textContent = formatValue(v, unit);
    row.append(swatch, name, value);
    root.append(row);
  }
  if (rows.length > maxRows) {
    const more = document.createElement('div');
    more.className = 'muted';
    more.textContent = `and ${rows.length - maxRows} more`;
    root.append(more);
  }
  return root;
}

function annotationSeries(list: Annotation[], theme: ChartTheme): LineSeriesOption {
  const lines = list.filter((a) => a.end === undefined);
  const areas = list.filter((a) => a.end !== undefined);
  return {
    id: '__annotations',
    name: '__annotations',
    type: 'line',
    data: [],
    silent: false,
    tooltip: { show: false },
    markLine: {
      symbol: 'none',
      silent: false,
      animation: false,
      // The line says what kind of event; its full text is in the tooltip.
      label: { show: true, position: 'insideEndTop', color: theme.muted, fontSize: 10, formatter: (p) => String((p as { data?: { kind?: string } }).data?.kind ?? '') },
      tooltip: { show: true, trigger: 'item', formatter: (p) => String((p as { name?: string }).name ?? '') },
      data: lines.map((a) => ({ xAxis: a.time, name: a.title, kind: a.kind, lineStyle: { color: annotationColors[a.kind], type: 'dashed', width: 1 } })),
    },
    markArea: {
      silent: false,
      animation: false,
      label: { show: true, position: 'insideTop', color: theme.muted, fontSize: 10 },
      data: areas.map((a) => [
        { xAxis: a.time, name: a.title, itemStyle: { color: annotationColors[a.kind], opacity: 0.12 } },
        { xAxis: a.end! },
      ]),
    },
  };
}

/** Each series' color: references their fixed one, the rest from their labels (assignColors). */
export function seriesColors(series: ChartSeries[], mode: 'light' | 'dark'): Map<string, string> {
  const colors = assignColors(series.filter((s) => !s.reference).map((s) => s.key), mode);
  for (const s of series) if (s.reference) colors.set(s.key, referenceColors[mode][s.reference]);
  return colors;
}

/** A tick interval for byte axes in powers of two (32 MiB, not 28.6 MiB): about five ticks up to `max`. */
export function binaryInterval(max: number): number | undefined {
  if (!(max > 0) || !Number.isFinite(max)) return undefined;
  return 2 ** Math.ceil(Math.log2(max / 5));
}

/** The largest value drawn (for stacked charts, the sum of each series' largest: an upper bound). */
function largest(series: ChartSeries[], stacked: boolean | undefined): number {
  let total = 0;
  let top = -Infinity;
  for (const s of series) {
    let m = -Infinity;
    for (let i = 1; i < s.points.length; i += 2) if (s.points[i]! > m) m = s.points[i]!;
    if (m === -Infinity) continue;
    top = Math.max(top, m);
    total += Math.max(0, m);
  }
  return stacked ? total : top;
}

export function buildChartOption(series: ChartSeries[], hidden: ReadonlySet<string>, config: ChartConfig, theme: ChartTheme): ChartOption {
  const visible = series.filter((s) => !hidden.has(s.key));
  const cap = pointsPerSeries(visible.length, config.widthPx ?? 1000);
  const points = visible.reduce((n, s) => n + Math.min(cap, s.points.length / 2), 0);
  // Colors over all series, hidden ones too: hiding one never recolors the others.
  const colors = seriesColors(series, theme.mode);
  const lines: LineSeriesOption[] = visible.map((s) => {
    const color = colors.get(s.key)!;
    return {
      id: s.key,
      name: s.name,
      type: 'line',
      // Interleaved [x, y] in a Float64Array: echarts reads it as typed-array source.
      data: downsample(s.points, cap) as unknown as LineSeriesOption['data'],
      dimensions: ['x', 'y'],
      color,
      // The axis tooltip does not need per-series hit testing.
      silent: true,
      // A line of a few points (a series that just appeared) would be invisible without them.
      showSymbol: !s.reference && s.points.length / 2 < 30,
      symbol: 'circle',
      symbolSize: 4,
      // Still more points than pixels (a narrow chart): echarts samples the rest the same way.
      sampling: 'lttb',
      connectNulls: false,
      lineStyle: s.reference ? { width: 1, type: 'dashed' } : { width: 1.25 },
      emphasis: { disabled: true },
      ...(config.stacked && !s.reference ? { stack: 'total', areaStyle: { opacity: 0.35 } } : {}),
    };
  });
  if (config.annotations?.length) lines.push(annotationSeries(config.annotations, theme));
  const byteTick = config.unit === 'bytes' || config.unit === 'bytes/s' ? binaryInterval(largest(visible, config.stacked)) : undefined;
  return {
    // Animating 200 lines costs frames and says nothing; small charts still ease in.
    animation: points < 5000,
    backgroundColor: 'transparent',
    textStyle: { color: theme.text },
    grid: { left: 8, right: 16, top: 12, bottom: 8, outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' },
    tooltip: {
      trigger: 'axis',
      confine: true,
      backgroundColor: theme.panel,
      borderColor: theme.border,
      textStyle: { color: theme.text, fontSize: 12 },
      axisPointer: { type: 'line', lineStyle: { color: theme.muted } },
      formatter: (params) => tooltipContent((Array.isArray(params) ? params : [params]) as AxisTooltipParam[], config.unit, config.tooltipRows ?? 12),
    },
    xAxis: {
      type: 'time',
      min: config.start,
      max: config.end,
      axisLine: { lineStyle: { color: theme.border } },
      axisLabel: { color: theme.muted, hideOverlap: true },
      splitLine: { show: false },
    },
    yAxis: {
      type: 'value',
      min: config.stacked ? 0 : undefined,
      interval: byteTick,
      // The top tick on the interval too, not at the data's maximum (a "1.12 GiB" above "1 GiB").
      max: byteTick ? (extent: { max: number }) => Math.max(byteTick, Math.ceil(extent.max / byteTick) * byteTick) : undefined,
      axisLabel: { color: theme.muted, formatter: (v: number) => formatValue(v, config.unit) },
      splitLine: { lineStyle: { color: theme.border, opacity: 0.6 } },
    },
    series: lines,
  };
}
