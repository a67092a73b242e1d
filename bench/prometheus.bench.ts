// A query_range of 200 series x 1,000 points through Orrery (contract client over WebSocket ->
// the server host's backend -> the API server's services/proxy -> Prometheus) against the same
// query sent straight to Prometheus with a plain HTTP client (node:http + JSON.parse), measured
// in the same run, alternating. Target (issue 6): within 1.2x.
//
// The data is real: 200 series of 1,000 samples each (15 s apart, the last a minute ago)
// backfilled into a real Prometheus with `promtool tsdb create-blocks-from openmetrics`, so both
// paths ask Prometheus the very same thing. The API server (sandbox) and Orrery run in their own
// processes, as they would (the API server is another machine, Orrery another process).
// Also reported: the backend's transcoding of the answer vs parsing and re-serializing it.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ContractClient } from '../src-main/contract/client';
import type { Api } from '../src-main/contract/api';
import type { PromRange } from '../src-main/contract/metrics-types';
import { rangeResultText, parseRange } from '../src-main/core/metrics/prometheus/matrix';
import { startPrometheus } from '../src-main/sandbox/workloads/prometheus';
import { startNode, stopAll } from './processes';
import { report } from './report';
import { wsTransport } from './stack';

const SERIES = 200;
const POINTS = 1000;
const STEP = 15;
const ROUNDS = Number(process.env.ROUNDS ?? 15);
const QUERY = 'bench_requests_per_second';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');

/** 200 series (pods of 20 services) with 1,000 samples each, as OpenMetrics text. */
function openMetrics(end: number): string {
  const lines = [`# HELP ${QUERY} Requests per second served.`, `# TYPE ${QUERY} gauge`];
  for (let s = 0; s < SERIES; s++) {
    const labels = `namespace="shop",service="svc-${s % 20}",pod="svc-${s % 20}-7d9f8b6c5-${String(s).padStart(5, '0')}",container="app",instance="10.244.${s >> 8}.${s & 255}:8080",job="kubernetes-pods"`;
    let v = 50 + (s % 17) * 3;
    for (let i = 0; i < POINTS; i++) {
      v = Math.max(0, v + Math.sin(i / 30 + s) * 2 + (((s * 7919 + i * 104729) % 1000) / 1000 - 0.5));
      lines.push(`${QUERY}{${labels}} ${v.toFixed(3)} ${end - (POINTS - 1 - i) * STEP}`);
    }
  }
  lines.push('# EOF', '');
  return lines.join('\n');
}

/** The plain client: GET, concatenate, JSON.parse. */
function direct(url: string): Promise<{ ms: number; bytes: number; series: number; points: number }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    request(url, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        const parsed = JSON.parse(body.toString('utf8')) as { data: { result: Array<{ values: unknown[] }> } };
        resolve({ ms: performance.now() - t0, bytes: body.length, series: parsed.data.result.length, points: parsed.data.result[0]?.values.length ?? 0 });
      });
      res.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'orrery-bench-prom-'));
  const end = Math.floor(Date.now() / 1000 / STEP) * STEP - 60;
  const start = end - (POINTS - 1) * STEP;
  const input = join(dir, 'input.om');
  writeFileSync(input, openMetrics(end));
  mkdirSync(join(dir, 'data'));
  const t = performance.now();
  const backfill = spawnSync('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', input, join(dir, 'data')], { encoding: 'utf8' });
  if (backfill.status !== 0) throw new Error(`promtool failed: ${backfill.stderr || backfill.error}`);
  console.log(`backfilled ${SERIES} x ${POINTS} samples in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  const prom = await startPrometheus({ dir, retention: '30d', scrapeIntervalSeconds: 60, log: (m) => console.log(m) });
  if (!prom.available) throw new Error(`no Prometheus: ${prom.reason}`);
  try {
    const params = new URLSearchParams({ query: QUERY, start: String(start), end: String(end), step: String(STEP) });
    const check = await direct(`${prom.url}/api/v1/query_range?${params}`);
    if (check.series !== SERIES || check.points !== POINTS) throw new Error(`expected ${SERIES} x ${POINTS}, Prometheus answered ${check.series} x ${check.points}`);
    console.log(`answer: ${(check.bytes / 1e6).toFixed(2)} MB of JSON`);

    // The children read their settings from the environment they inherit.
    const kubeconfig = join(dir, 'kubeconfig');
    process.env.PROM_PORT = String(prom.port);
    process.env.KUBECONFIG_OUT = kubeconfig;
    process.env.KUBECONFIG_IN = kubeconfig;
    await startNode(['--import', 'tsx', 'bench/prometheus-cluster.ts'], /cluster ready/, 'the API server', 60_000);
    const orrery = await startNode(['--import', 'tsx', 'bench/prometheus-orrery.ts'], /Orrery is ready at (http:\/\/\S+)/, 'Orrery', 60_000);
    const url = new URL(orrery.match[1]!);
    const token = url.searchParams.get('token')!;
    const client = new ContractClient<Api>(() => wsTransport(`ws://${url.host}/ws`, { Authorization: `Bearer ${token}` }));
    const context = 'orrery-sandbox';
    const discovery = await client.call('prometheus.discover', { context });
    if (discovery.selected !== 'service:monitoring/prometheus:http/') throw new Error(`discovery picked ${discovery.selected}: ${discovery.explanation}`);
    const viaOrrery = async () => {
      const t0 = performance.now();
      const r: PromRange = await client.call('prometheus.queryRange', { context, query: QUERY, start, end, step: STEP });
      const ms = performance.now() - t0;
      if (r.series.length !== SERIES || r.series[0]!.t.length !== POINTS || r.step !== STEP || r.start !== start) throw new Error(`Orrery answered ${r.series.length} x ${r.series[0]?.t.length} (step ${r.step}, start ${r.start})`);
      return ms;
    };
    const straight = async () => (await direct(`${prom.url}/api/v1/query_range?${params}`)).ms;

    // Warm up both paths (JIT, TLS session, Prometheus caches), then alternate.
    for (let i = 0; i < 3; i++) {
      await straight();
      await viaOrrery();
    }
    const orreryMs: number[] = [];
    const directMs: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      if (i % 2 === 0) {
        directMs.push(await straight());
        orreryMs.push(await viaOrrery());
      } else {
        orreryMs.push(await viaOrrery());
        directMs.push(await straight());
      }
    }
    const o = median(orreryMs);
    const d = median(directMs);
    console.log(`query_range ${SERIES} x ${POINTS}: Orrery ${orreryMs.map((x) => x.toFixed(0)).join('/')} ms, direct ${directMs.map((x) => x.toFixed(0)).join('/')} ms; median ${o.toFixed(0)} vs ${d.toFixed(0)} ms = ${(o / d).toFixed(2)}x; load ${load()}`);

    // What the backend does with the answer: transcode to columns vs parse + re-serialize.
    const body = await new Promise<Buffer>((resolve, reject) =>
      request(`${prom.url}/api/v1/query_range?${params}`, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(Buffer.concat(chunks)));
      })
        .on('error', reject)
        .end(),
    );
    const time = (f: () => unknown) => {
      for (let i = 0; i < 3; i++) f();
      const xs: number[] = [];
      for (let i = 0; i < 9; i++) {
        const t0 = performance.now();
        f();
        xs.push(performance.now() - t0);
      }
      return median(xs);
    };
    const range = { start, end, step: STEP };
    const transcode = time(() => rangeResultText(body, range));
    const reserialize = time(() => JSON.stringify({ ...parseRange(body.toString('utf8')), ...range }));
    const clientParseColumns = time(() => JSON.parse(rangeResultText(body, range)));
    console.log(`backend: transcode ${transcode.toFixed(1)} ms vs parse + convert + stringify ${reserialize.toFixed(1)} ms; the client parses the columns in ${clientParseColumns.toFixed(1)} ms (Prometheus's JSON: see the direct path)`);
    client.dispose();
    report([
      { name: `query_range ${SERIES} series x ${POINTS} points through Orrery (load ${load()})`, unit: 'ms', figure: o, baseline: d, baselineName: 'plain HTTP client straight to Prometheus', better: 'lower', target: { maxRatio: 1.2 } },
      { name: 'backend handling of that answer: transcode to columns', unit: 'ms', figure: transcode, baseline: reserialize, baselineName: 'JSON.parse + convert + JSON.stringify', better: 'lower' },
    ]);
  } finally {
    await stopAll();
    await prom.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
