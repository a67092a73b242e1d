// One echarts instance on one element: draws series, reports each finished render with how long
// it took, and turns a horizontal drag (a brush on the x axis) into a zoom request.
import { buildChartOption, type ChartConfig, type ChartTheme } from './chart-options';
import { init, type ECharts } from './echarts';
import type { ChartSeries } from './series';

export interface ChartHandlers {
  /** The user dragged across [start, end] (ms). */
  onZoom?(start: number, end: number): void;
  /** A render finished, `ms` after its data was handed to update(). */
  onRendered?(ms: number): void;
}

export class ChartController {
  private readonly chart: ECharts;
  private pendingSince: number | undefined;

  constructor(element: HTMLElement, private handlers: ChartHandlers = {}) {
    this.chart = init(element, undefined, { renderer: 'canvas' });
    this.chart.on('finished', () => {
      if (this.pendingSince === undefined) return;
      const ms = performance.now() - this.pendingSince;
      this.pendingSince = undefined;
      this.handlers.onRendered?.(ms);
    });
    this.chart.on('brushEnd', (e) => {
      const area = (e as { areas?: Array<{ coordRange?: [number, number] }> }).areas?.[0];
      this.chart.dispatchAction({ type: 'brush', areas: [] });
      const range = area?.coordRange;
      if (range && range[1] - range[0] > 1000) this.handlers.onZoom?.(Math.round(range[0]), Math.round(range[1]));
    });
  }

  setHandlers(handlers: ChartHandlers): void {
    this.handlers = handlers;
  }

  /** Draws; `since` is when the data arrived (performance.now()), for onRendered. */
  update(series: ChartSeries[], hidden: ReadonlySet<string>, config: ChartConfig, theme: ChartTheme, since = performance.now()): void {
    this.pendingSince = since;
    // notMerge: series that left the result must leave the chart too.
    this.chart.setOption(buildChartOption(series, hidden, { widthPx: this.chart.getWidth(), ...config }, theme), { notMerge: true, lazyUpdate: false });
    // Dragging always brushes the x axis; re-armed after every setOption (which resets it).
    this.chart.dispatchAction({ type: 'takeGlobalCursor', key: 'brush', brushOption: { brushType: 'lineX', brushMode: 'single' } });
  }

  resize(): void {
    this.chart.resize();
  }

  dispose(): void {
    this.chart.dispose();
  }
}
