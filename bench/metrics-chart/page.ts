// The bench page: renders a query_range response the way the explorer does (parse, convert to
// chart series, build the option, draw) with Orrery's chart code, or with echarts alone (the
// baseline: the full echarts build, the same data as plain numbers, animation off). Either way
// the time runs from the response text's arrival to echarts' 'finished' event.
import * as echartsFull from 'echarts';
import { ChartController } from '../../src-renderer/src/views/metrics/charts/chart-controller';
import { toChartSeries, type MatrixSeries } from '../../src-renderer/src/views/metrics/charts/series';

const theme = { mode: 'light' as const, text: '#1b2330', muted: '#667085', border: '#d8dde5', panel: '#ffffff' };
const el = document.getElementById('chart')!;
el.style.width = '1200px';
el.style.height = '400px';

interface Response {
  data: { resultType: 'matrix'; result: MatrixSeries[] };
}

function orrery(text: string): Promise<number> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const body = JSON.parse(text) as Response;
    const t1 = performance.now();
    const result = body.data.result;
    const series = toChartSeries(result, { stepS: 3.6 });
    const t2 = performance.now();
    const first = result[0]!.values;
    let t3 = NaN;
    const c = new ChartController(el, { onRendered: (ms) => { console.log(`phases parse ${(t1 - t0).toFixed(0)} convert ${(t2 - t1).toFixed(0)} setOption ${(t3 - t2).toFixed(0)} render ${(performance.now() - t2).toFixed(0)}`); resolve(ms); } });
    c.update(series, new Set(), { unit: 'bytes', start: first[0]![0] * 1000, end: first.at(-1)![0] * 1000 }, theme, t0);
    t3 = performance.now();
  });
}

function bare(text: string): Promise<number> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const body = JSON.parse(text) as Response;
    const chart = echartsFull.init(el);
    chart.on('finished', () => resolve(performance.now() - t0));
    chart.setOption({
      animation: false,
      xAxis: { type: 'time' },
      yAxis: { type: 'value' },
      series: body.data.result.map((s) => ({ type: 'line', showSymbol: false, data: s.values.map(([t, v]) => [t * 1000, Number(v)]) })),
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
