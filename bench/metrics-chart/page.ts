// The bench page: renders a prometheus.queryRange result (the contract's columns of times and
// values) the way the explorer does (parse, convert to chart series, build the option, draw)
// with Orrery's chart code, or with echarts alone (the baseline: the full echarts build, the
// same data as [ms, value] pairs, animation off). Either way the time runs from the response
// text's arrival to echarts' 'finished' event.
import * as echartsFull from 'echarts';
import { ChartController } from '../../src-renderer/src/views/metrics/charts/chart-controller';
import type { PromRange } from '../../src-main/contract/metrics-types';
import { toChartSeries } from '../../src-renderer/src/views/metrics/charts/series';

const theme = { mode: 'light' as const, text: '#1b2330', muted: '#667085', border: '#d8dde5', panel: '#ffffff' };
const el = document.getElementById('chart')!;
el.style.width = '1200px';
el.style.height = '400px';


function orrery(text: string): Promise<number> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const body = JSON.parse(text) as PromRange;
    const t1 = performance.now();
    const series = toChartSeries(body.series, { stepS: body.step });
    const t2 = performance.now();
    let t3 = NaN;
    const c = new ChartController(el, { onRendered: (ms) => { console.log(`phases parse ${(t1 - t0).toFixed(0)} convert ${(t2 - t1).toFixed(0)} setOption ${(t3 - t2).toFixed(0)} render ${(performance.now() - t2).toFixed(0)}`); resolve(ms); } });
    c.update(series, new Set(), { unit: 'bytes', start: body.start * 1000, end: body.end * 1000 }, theme, t0);
    t3 = performance.now();
  });
}

function bare(text: string): Promise<number> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const body = JSON.parse(text) as PromRange;
    const chart = echartsFull.init(el);
    chart.on('finished', () => resolve(performance.now() - t0));
    chart.setOption({
      animation: false,
      xAxis: { type: 'time' },
      yAxis: { type: 'value' },
      series: body.series.map((s) => ({ type: 'line', showSymbol: false, data: s.t.map((t, i) => [t * 1000, Number(s.v[i])]) })),
    });
  });
}

declare global {
  interface Window {
    renderChart(kind: 'orrery' | 'bare'): Promise<number>;
  }
}

window.renderChart = async (kind) => {
  const text = await (await fetch('/data.json')).text();
  return kind === 'orrery' ? orrery(text) : bare(text);
};
