// A time series chart: echarts canvas plus an HTML legend whose entries toggle their series
// (shift-click shows only that one). Colors come from the series' labels, so they do not move
// when the data refreshes; hidden series stay hidden across refreshes for the same reason.
import { useEffect, useMemo, useRef, useState } from 'react';
import { ChartController } from './chart-controller';
import { seriesColors, type Annotation } from './chart-options';
import { useChartTheme } from './chart-theme';
import { lastValue, type ChartSeries } from './series';
import { formatValue, type Unit } from './units';

export interface TimeSeriesChartProps {
  series: ChartSeries[];
  unit: Unit;
  start: number;
  end: number;
  stacked?: boolean;
  annotations?: Annotation[];
  /** performance.now() when the data arrived; the render time is measured from it. */
  arrivedAt?: number;
  height?: number;
  legend?: boolean;
  onZoom?(start: number, end: number): void;
  testId?: string;
}

export function TimeSeriesChart({ series, unit, start, end, stacked, annotations, arrivedAt, height = 260, legend = true, onZoom, testId }: TimeSeriesChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const controller = useRef<ChartController | null>(null);
  const theme = useChartTheme();
  const [hidden, setHidden] = useState<ReadonlySet<string>>(() => new Set());
  const [renderedMs, setRenderedMs] = useState<number>();

  useEffect(() => {
    const el = box.current!;
    const c = new ChartController(el);
    controller.current = c;
    const observer = new ResizeObserver(() => c.resize());
    observer.observe(el);
    return () => {
      observer.disconnect();
      c.dispose();
      controller.current = null;
    };
  }, []);

  useEffect(() => {
    controller.current?.setHandlers({ onZoom, onRendered: (ms) => setRenderedMs(Math.round(ms)) });
  }, [onZoom]);

  useEffect(() => {
    controller.current?.update(series, hidden, { unit, stacked, start, end, annotations }, theme, arrivedAt);
  }, [series, hidden, unit, stacked, start, end, annotations, theme, arrivedAt]);

  const toggle = (key: string, only: boolean) =>
    setHidden((h) => {
      if (only) {
        const alreadyOnly = !h.has(key) && series.every((s) => s.key === key || h.has(s.key));
        return alreadyOnly ? new Set() : new Set(series.filter((s) => s.key !== key).map((s) => s.key));
      }
      const next = new Set(h);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });

  const legendRows = useMemo(() => {
    const colors = seriesColors(series, theme.mode);
    return series.map((s) => ({ key: s.key, name: s.name, last: lastValue(s), color: colors.get(s.key)!, reference: !!s.reference }));
  }, [series, theme.mode]);

  return (
    <div className="ts-chart" data-testid={testId} data-series={series.length} data-rendered-ms={renderedMs}>
      <div ref={box} className="ts-chart-canvas" style={{ height }} />
      {legend && series.length > 0 && (
        <ul className="ts-legend" aria-label="Series">
          {legendRows.map((row) => (
            <li key={row.key} className={hidden.has(row.key) ? 'off' : undefined}>
              <button type="button" className="ts-legend-item" title={`${row.name}\nClick: show/hide · Shift-click: only this`} aria-pressed={!hidden.has(row.key)} onClick={(e) => toggle(row.key, e.shiftKey || e.metaKey || e.ctrlKey)}>
                <span className={row.reference ? 'swatch dashed' : 'swatch'} style={{ background: row.color }} />
                <span className="ts-legend-name">{row.name}</span>
                <span className="ts-legend-value">{formatValue(row.last, unit)}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
