// Draws one chart off screen while the app is idle, so that the first chart a user opens does not
// pay for compiling echarts' drawing code: a first 200-series draw in a fresh page takes ~300 ms,
// the same draw once the code is warm ~120 ms (bench/metrics-chart).
import { ChartController } from './chart-controller';
import type { ChartTheme } from './chart-options';
import { toChartSeries } from './series';

const SERIES = 8;
const POINTS = 600;
let started = false;

/** Once per page; resolves when the off-screen chart has drawn and is gone. */
export function warmUpCharts(theme: ChartTheme): Promise<void> {
  if (started) return Promise.resolve();
  started = true;
  const end = Math.floor(Date.now() / 1000);
  const matrix = Array.from({ length: SERIES }, (_, i) => ({
    metric: { pod: `warm-up-${i}` },
    t: Array.from({ length: POINTS }, (_, j) => end - (POINTS - 1 - j) * 6),
    v: Array.from({ length: POINTS }, (_, j) => 1e6 * (i + 1) + Math.sin(j / 20) * 1e5),
  }));
  const el = document.createElement('div');
  el.setAttribute('aria-hidden', 'true');
  el.style.cssText = 'position:fixed;left:-10000px;top:0;width:800px;height:240px;pointer-events:none';
  document.body.append(el);
  return new Promise((resolve) => {
    const controller = new ChartController(el, {
      onRendered: () => {
        controller.dispose();
        el.remove();
        resolve();
      },
    });
    controller.update(toChartSeries(matrix, { stepS: 6 }), new Set(), { unit: 'bytes', start: (end - POINTS * 6) * 1000, end: end * 1000 }, theme);
  });
}

/** Warms up when the renderer is next idle (after the first screen is drawn). */
export function warmUpChartsWhenIdle(theme: () => ChartTheme): void {
  const run = () => void warmUpCharts(theme());
  if ('requestIdleCallback' in window) window.requestIdleCallback(run, { timeout: 5000 });
  else setTimeout(run, 1000);
}
