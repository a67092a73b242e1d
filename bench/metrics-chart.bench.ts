// A query_range result of 200 series x 1,000 points drawn as a chart in Chromium (target: under
// 150 ms from the data's arrival in the page to echarts' 'finished' event), beside echarts alone
// drawing the same data in a bare page, measured in the same run and the same browser.
// bench/metrics-chart/page.ts is bundled by Vite (as the renderer is) and served with the app's
// CSP; each measurement is a fresh page, so every render is a first render (cold code included).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { chromium } from 'playwright-core';
import { build } from 'vite';
import { contentSecurityPolicy } from '../src-main/hosts/csp';
import { report } from './report';
import { chromiumPath } from './stack';

const SERIES = 200;
const POINTS = 1000;
const RUNS = Number(process.env.ORRERY_BENCH_RUNS ?? 9);
const TARGET_MS = 150;

/** What prometheus.queryRange answers (PromRange: columns of unix seconds and values) for a 1 h
 *  range at a 3.6 s step: working-set-like byte values. */
function rangeResponse(): string {
  const end = 1_700_000_000;
  const step = 3.6;
  const series = Array.from({ length: SERIES }, (_, i) => {
    const base = 50e6 + i * 3e6;
    return {
      metric: { namespace: `ns-${i % 10}`, pod: `pod-${i}-7d9f8b6c4-x${i}`, container: `c${i % 3}` },
      t: Array.from({ length: POINTS }, (_, j) => Number((end - (POINTS - 1 - j) * step).toFixed(1))),
      v: Array.from({ length: POINTS }, (_, j) => Math.round(base + Math.sin((i + j) / 25) * 5e6 + ((i * 7919 + j * 104729) % 1e6))),
    };
  });
  return JSON.stringify({ resultType: 'matrix', series, start: end - (POINTS - 1) * step, end, step });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main() {
  const out = mkdtempSync(join(tmpdir(), 'orrery-chart-bench-'));
  try {
    await build({ root: join(import.meta.dirname, 'metrics-chart'), logLevel: 'warn', build: { outDir: out, emptyOutDir: true, chunkSizeWarningLimit: 2000 } });
    const data = rangeResponse();
    const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };
    const server = createServer((req, res) => {
      const path = req.url === '/' ? '/index.html' : (req.url ?? '/');
      if (path === '/favicon.ico') return res.writeHead(204).end();
      if (path === '/data.json') {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        return res.end(data);
      }
      try {
        const body = readFileSync(join(out, path));
        res.writeHead(200, { 'Content-Type': types[extname(path)] ?? 'application/octet-stream', 'Content-Security-Policy': contentSecurityPolicy });
        res.end(body);
      } catch {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;

    const browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'] });
    const times: Record<'orrery' | 'bare', number[]> = { orrery: [], bare: [] };
    const problems: string[] = [];
    try {
      // Run -1 warms the browser (its first page is slow whatever it draws) and is not counted.
      for (let i = -1; i < RUNS; i++) {
        for (const kind of i % 2 ? (['bare', 'orrery'] as const) : (['orrery', 'bare'] as const)) {
          const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
          page.on('console', (m) => (m.type() === 'error' ? problems.push(m.text()) : console.log(m.text())));
          page.on('pageerror', (e) => problems.push(e.message));
          await page.goto(`http://127.0.0.1:${port}/`);
          const ms = await page.evaluate((k) => window.renderChart(k), kind);
          if (i >= 0) times[kind].push(ms);
          await page.close();
        }
      }
    } finally {
      await browser.close();
      server.close();
    }
    if (problems.length) throw new Error(`page errors (CSP?): ${problems.join('; ')}`);
    const ours = median(times.orrery);
    const bare = median(times.bare);
    const f = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(', ');
    console.log(`${SERIES} series x ${POINTS} points, ${RUNS} fresh pages each`);
    console.log(`Orrery chart (lttb, colors, tooltips, brush): median ${ours.toFixed(1)} ms  [${f(times.orrery)}]`);
    console.log(`bare echarts (full build, animation off):     median ${bare.toFixed(1)} ms  [${f(times.bare)}]`);
    console.log(`target < ${TARGET_MS} ms: ${ours < TARGET_MS ? 'met' : 'MISSED'}`);
    report([{ name: `chart: ${SERIES}x${POINTS} query_range, data to 'finished'`, unit: 'ms', figure: ours, baseline: bare, baselineName: 'bare echarts, same data', better: 'lower' }]);
    if (ours >= TARGET_MS) process.exitCode = 1;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

await main();
