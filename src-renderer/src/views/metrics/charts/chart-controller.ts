// One echarts instance on one element: draws series, reports each finished render with how long
// it took, and turns a horizontal drag across the plot into a zoom request.
//
// The drag is ours (zrender mouse events and a plain overlay element), not echarts' brush
// component: arming the brush takes a global-cursor action that re-runs the whole chart update
// after every setOption, doubling the cost of each refresh of a large chart.
import { buildChartOption, type ChartConfig, type ChartTheme } from './chart-options';
import { init, type ECharts } from './echarts';
import type { ChartSeries } from './series';

export interface ChartHandlers {
  /** The user dragged across [start, end] (ms). */
  onZoom?(start: number, end: number): void;
  /** A render finished, `ms` after its data was handed to update(). */
  onRendered?(ms: number): void;
}

interface ZrMouse {
  offsetX: number;
  offsetY: number;
}

const MIN_DRAG_PX = 5;

export class ChartController {
  private readonly chart: ECharts;
  private readonly selection: HTMLDivElement;
  private pendingSince: number | undefined;
  private dragFrom: number | undefined;

  constructor(
    private readonly element: HTMLElement,
    private handlers: ChartHandlers = {},
  ) {
    this.chart = init(element, undefined, { renderer: 'canvas' });
    this.chart.on('finished', () => {
      if (this.pendingSince === undefined) return;
      const ms = performance.now() - this.pendingSince;
      this.pendingSince = undefined;
      this.handlers.onRendered?.(ms);
    });
    this.selection = document.createElement('div');
    this.selection.className = 'chart-selection';
    this.selection.hidden = true;
    element.append(this.selection);
    const zr = this.chart.getZr();
    zr.on('mousedown', (e: ZrMouse) => this.dragStart(e));
    zr.on('mousemove', (e: ZrMouse) => this.dragMove(e));
    zr.on('mouseup', (e: ZrMouse) => this.dragEnd(e));
    zr.on('globalout', () => this.dragCancel());
  }

  private inPlot(x: number, y: number): boolean {
    return this.chart.containPixel({ gridIndex: 0 }, [x, y]);
  }

  private timeAt(x: number): number {
    return Number(this.chart.convertFromPixel({ xAxisIndex: 0 }, x));
  }

  private dragStart(e: ZrMouse): void {
    if (!this.inPlot(e.offsetX, e.offsetY)) return;
    this.dragFrom = e.offsetX;
  }

  private dragMove(e: ZrMouse): void {
    if (this.dragFrom === undefined) return;
    const left = Math.min(this.dragFrom, e.offsetX);
    const width = Math.abs(e.offsetX - this.dragFrom);
    if (width < MIN_DRAG_PX) return;
    const grid = this.chart.convertToPixel({ gridIndex: 0 }, [0, 0]) as unknown as number[] | undefined;
    this.selection.hidden = false;
    this.selection.style.left = `${left}px`;
    this.selection.style.width = `${width}px`;
    this.selection.style.top = '0px';
    this.selection.style.height = `${grid ? Math.max(0, grid[1]!) : this.element.clientHeight}px`;
  }

  private dragEnd(e: ZrMouse): void {
    const from = this.dragFrom;
    this.dragCancel();
    if (from === undefined || Math.abs(e.offsetX - from) < MIN_DRAG_PX) return;
    const a = this.timeAt(Math.min(from, e.offsetX));
    const b = this.timeAt(Math.max(from, e.offsetX));
    if (Number.isFinite(a) && Number.isFinite(b) && b - a > 1000) this.handlers.onZoom?.(Math.round(a), Math.round(b));
  }

  private dragCancel(): void {
    this.dragFrom = undefined;
    this.selection.hidden = true;
  }

  setHandlers(handlers: ChartHandlers): void {
    this.handlers = handlers;
  }

  /** Draws; `since` is when the data arrived (performance.now()), for onRendered. */
  update(series: ChartSeries[], hidden: ReadonlySet<string>, config: ChartConfig, theme: ChartTheme, since = performance.now()): void {
    this.pendingSince = since;
    // notMerge: series that left the result must leave the chart too.
    this.chart.setOption(buildChartOption(series, hidden, { widthPx: this.chart.getWidth(), ...config }, theme), { notMerge: true, lazyUpdate: false });
  }

  resize(): void {
    this.chart.resize();
  }

  dispose(): void {
    this.chart.dispose();
    this.selection.remove();
  }
}
