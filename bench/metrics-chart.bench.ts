// A query_range result of 200 series x 1,000 points drawn as a chart in Chromium (target: under
// 150 ms from the data's arrival in the page to echarts' 'finished' event), beside echarts alone
// drawing the same data in a bare page, measured in the same run and the same browser.
// bench/metrics-chart/page.ts is bundled by Vite (as the renderer is) and served with the app's
// CSP; each measurement is a fresh page. Two cases: the first chart of a page (the chart code
// still cold: parsed and compiled on first use), the same after the app's idle-time warm-up (a
// small chart drawn off screen once the renderer is idle, as the app does at start: what a user
// opening the explorer gets), and a new result into a chart already drawn (what a query, a range
// change or a refresh in the app does); the target is checked on the last two.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { chromium } from 'playwright-core';
import { build } from 'vite';
import { contentSecurityPolicy } from '../src-main/hosts/csp';
import { report, type BenchResult } from './report';
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
    type Kind = 'orrery' | 'bare';
    type Mode = 'cold' | 'prewarmed' | 'warm';
    const times: Record<Mode, Record<Kind, number[]>> = { cold: { orrery: [], bare: [] }, prewarmed: { orrery: [], bare: [] }, warm: { orrery: [], bare: [] } };
    const problems: string[] = [];
    const phases: string[] = [];
    try {
      // Run -1 warms the browser (its first page is slow whatever it draws) and is not counted.
      for (let i = -1; i < RUNS; i++) {
        for (const mode of ['cold', 'prewarmed', 'warm'] as const) {
          for (const kind of i % 2 ? (['bare', 'orrery'] as const) : (['orrery', 'bare'] as const)) {
            const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
            page.on('console', (m) => (m.type() === 'error' ? problems.push(m.text()) : m.text().startsWith('phases') && phases.push(`${mode} ${m.text()}`)));
            page.on('pageerror', (e) => problems.push(e.message));
            await page.goto(`http://127.0.0.1:${port}/`);
            const ms = await page.evaluate(({ k, m }) => (m === 'cold' ? window.renderChart(k) : m === 'prewarmed' ? window.renderChartAfterWarmUp(k) : window.renderChartWarm(k)), { k: kind, m: mode });
            if (i >= 0) times[mode][kind].push(ms);
            await page.close();
          }
        }
      }
    } finally {
      await browser.close();
      server.close();
    }
    if (problems.length) throw new Error(`page errors (CSP?): ${problems.join('; ')}`);
    const f = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(', ');
    console.log(`${SERIES} series x ${POINTS} points, ${RUNS} pages each, load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
    for (const p of phases.slice(-6)) console.log(`  ${p}`);
    const title: Record<Mode, string> = { cold: 'first chart of a page (cold code)', prewarmed: "first chart of a page after the app's idle-time warm-up", warm: 'new result into a drawn chart' };
    for (const mode of ['cold', 'prewarmed', 'warm'] as const) {
      const ours = median(times[mode].orrery);
      const bare = median(times[mode].bare);
      console.log(`${title[mode]}: Orrery median ${ours.toFixed(1)} ms [${f(times[mode].orrery)}]; bare echarts median ${bare.toFixed(1)} ms [${f(times[mode].bare)}]${mode === 'cold' ? '' : `; target < ${TARGET_MS} ms: ${ours < TARGET_MS ? 'met' : 'MISSED'}`}`);
    }
    const results: BenchResult[] = (['warm', 'prewarmed', 'cold'] as const).map((mode) => ({
      name: `chart: ${SERIES}x${POINTS} query_range, arrival to 'finished' (${title[mode]})`,
      unit: 'ms',
      figure: median(times[mode].orrery),
      baseline: median(times[mode].bare),
      baselineName: 'bare echarts, same data',
      better: 'lower',
    }));
    report(results);
    if (results[0]!.figure >= TARGET_MS || results[1]!.figure >= TARGET_MS) process.exitCode = 1;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

await main();
