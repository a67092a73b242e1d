// The bench page: renders a prometheus.queryRange result (the contract's columns of times and
// values) the way the explorer does (parse, convert to chart series, build the option, draw)
// with Orrery's chart code, or with echarts alone (the baseline: the full echarts build, the
// same data as [ms, value] pairs, animation off). Either way the time runs from the response
// text's arrival to echarts' 'finished' event.
//
// renderChart: the first chart of a fresh page (cold code). renderChartAfterWarmUp: the first
// chart of a page after the app's idle-time warm-up (a small chart drawn off screen; for bare
// echarts, the same small chart drawn and disposed). renderChartWarm: a first render, then the
// measured one into the same chart, as when a chart in the app gets a new result.
import * as echartsFull from 'echarts';
import type { PromRange } from '../../src-main/contract/metrics-types';
import { ChartController } from '../../src-renderer/src/views/metrics/charts/chart-controller';
import { toChartSeries } from '../../src-renderer/src/views/metrics/charts/series';
import { warmUpCharts } from '../../src-renderer/src/views/metrics/charts/warm-up';

const theme = { mode: 'light' as const, text: '#1b2330', muted: '#667085', border: '#d8dde5', panel: '#ffffff' };
const el = document.getElementById('chart')!;
el.style.width = '1200px';
el.style.height = '400px';

let controller: ChartController | undefined;
let resolveOrrery: ((ms: number) => void) | undefined;
let bareChart: echartsFull.ECharts | undefined;

function orrery(text: string): Promise<number> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const body = JSON.parse(text) as PromRange;
    const t1 = performance.now();
    const series = toChartSeries(body.series, { stepS: body.step });
    const t2 = performance.now();
    resolveOrrery = (ms) => {
      console.log(`phases: parse ${(t1 - t0).toFixed(0)} ms, convert ${(t2 - t1).toFixed(0)} ms, option+draw ${(performance.now() - t2).toFixed(0)} ms`);
      resolve(ms);
    };
    controller ??= new ChartController(el, { onRendered: (ms) => resolveOrrery?.(ms) });
    controller.update(series, new Set(), { unit: 'bytes', start: body.start * 1000, end: body.end * 1000 }, theme, t0);
  });
}

function bare(text: string): Promise<number> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const body = JSON.parse(text) as PromRange;
    bareChart ??= echartsFull.init(el);
    bareChart.off('finished');
    bareChart.on('finished', () => resolve(performance.now() - t0));
    bareChart.setOption(
      {
        animation: false,
        xAxis: { type: 'time' },
        yAxis: { type: 'value' },
        series: body.series.map((s) => ({ type: 'line', showSymbol: false, data: s.t.map((t, i) => [t * 1000, Number(s.v[i])]) })),
      },
      { notMerge: true },
    );
  });
}

/** bare echarts drawing a small chart (8 x 600 points) off screen, then disposing it. */
function bareWarmUp(): Promise<void> {
  const small = document.createElement('div');
  small.style.cssText = 'position:fixed;left:-10000px;top:0;width:800px;height:240px';
  document.body.append(small);
  const chart = echartsFull.init(small);
  return new Promise((resolve) => {
    chart.on('finished', () => {
      chart.dispose();
      small.remove();
      resolve();
    });
    const end = Date.now();
    chart.setOption({ animation: false, xAxis: { type: 'time' }, yAxis: { type: 'value' }, series: Array.from({ length: 8 }, (_, i) => ({ type: 'line', showSymbol: false, data: Array.from({ length: 600 }, (_, j) => [end - (599 - j) * 6000, i * 1e6 + j]) })) });
  });
}

declare global {
  interface Window {
    renderChart(kind: 'orrery' | 'bare'): Promise<number>;
    renderChartAfterWarmUp(kind: 'orrery' | 'bare'): Promise<number>;
    renderChartWarm(kind: 'orrery' | 'bare'): Promise<number>;
  }
}

const fetchText = async () => (await fetch('/data.json')).text();

window.renderChart = async (kind) => {
  const text = await fetchText();
  return kind === 'orrery' ? orrery(text) : bare(text);
};

window.renderChartAfterWarmUp = async (kind) => {
  await (kind === 'orrery' ? warmUpCharts(theme) : bareWarmUp());
  await new Promise((r) => setTimeout(r, 100));
  return window.renderChart(kind);
};

window.renderChartWarm = async (kind) => {
  await window.renderChart(kind);
  await new Promise((r) => setTimeout(r, 100));
  return window.renderChart(kind);
};
