// The service graph of 1,000 workloads and 5,000 edges from a real Prometheus (target: query plus
// build under 500 ms in the backend). An exporter here serves Istio's request metrics for that
// mesh as both sidecars report them (request counters by response code, a latency histogram)
// and Prometheus scrapes it; Orrery runs as in bench/prometheus.bench.ts (API server with
// Service monitoring/prometheus in one process, the backend behind the server host in another)
// and is asked for servicegraph.graph over its WebSocket.
// Baseline, same run: Prometheus answering the graph's request-rate query directly (HTTP +
// JSON.parse), the floor of any graph built from it.
import { createServer } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Api } from '../src-main/contract/api';
import { ContractClient } from '../src-main/contract/client';
import type { ServiceGraph } from '../src-main/contract/servicegraph-types';
import { SOURCES } from '../src-main/core/topology/traffic/sources';
import { startPrometheus } from '../src-main/sandbox/workloads/prometheus';
import { startNode, stopAll } from './processes';
import { report } from './report';
import { wsTransport } from './stack';

const WORKLOADS = 1000;
const EDGES = 5000;
const NAMESPACES = 20;
const RUNS = Number(process.env.ORRERY_BENCH_RUNS ?? 7);
const TARGET_MS = 500;
const BUCKETS = [1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const load = () => loadavg().map((x) => x.toFixed(1)).join(' ');

interface Edge {
  from: number;
  to: number;
  rps: number;
  codes: Array<[string, number]>;
}

function mesh(): Edge[] {
  let seed = 42;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const seen = new Set<string>();
  const edges: Edge[] = [];
  while (edges.length < EDGES) {
    const from = Math.floor(rnd() * WORKLOADS);
    const to = Math.floor(rnd() * WORKLOADS);
    if (from === to || seen.has(`${from}>${to}`)) continue;
    seen.add(`${from}>${to}`);
    const r = rnd();
    // 10% of edges also answer 500s, 10% 404s.
    edges.push({ from, to, rps: 0.1 + rnd() * 20, codes: r < 0.1 ? [['200', 0.9], ['500', 0.1]] : r < 0.2 ? [['200', 0.85], ['404', 0.15]] : [['200', 1]] });
  }
  return edges;
}

const wl = (i: number) => ({ ns: `ns-${i % NAMESPACES}`, name: `svc-${i}` });

/** The exposition as both sidecars would serve it (one target standing in for all of them). */
function exposition(edges: Edge[], elapsedS: number): string {
  const out: string[] = ['# TYPE istio_requests_total counter', '# TYPE istio_request_duration_milliseconds histogram'];
  for (const e of edges) {
    const s = wl(e.from);
    const d = wl(e.to);
    const ends = `source_workload="${s.name}",source_workload_namespace="${s.ns}",source_canonical_service="${s.name}",destination_workload="${d.name}",destination_workload_namespace="${d.ns}",destination_service_name="${d.name}",destination_service_namespace="${d.ns}",request_protocol="http",grpc_response_status=""`;
    for (const reporter of ['source', 'destination']) {
      for (const [code, share] of e.codes) out.push(`istio_requests_total{reporter="${reporter}",${ends},response_code="${code}"} ${Math.floor(e.rps * share * elapsedS)}`);
    }
    const n = Math.floor(e.rps * e.codes[0]![1] * elapsedS);
    for (const [i, le] of BUCKETS.entries()) {
      out.push(`istio_request_duration_milliseconds_bucket{reporter="destination",${ends},response_code="200",le="${le}"} ${Math.floor(n * Math.min(1, (i + 1) / (BUCKETS.length - 2)))}`);
    }
    out.push(`istio_request_duration_milliseconds_bucket{reporter="destination",${ends},response_code="200",le="+Inf"} ${n}`);
  }
  return `${out.join('\n')}\n`;
}

async function main() {
  const edges = mesh();
  const t0 = Date.now();
  const exporter = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
    res.end(exposition(edges, (Date.now() - t0) / 1000 + 60));
  });
  await new Promise<void>((r) => exporter.listen(0, '127.0.0.1', r));
  const port = (exporter.address() as { port: number }).port;
  const series = (exposition(edges, 1).match(/\n/g) ?? []).length - 2;
  console.log(`mesh: ${WORKLOADS} workloads in ${NAMESPACES} namespaces, ${EDGES} edges, ${series} series per scrape`);

  const prom = await startPrometheus({ targets: [{ address: `127.0.0.1:${port}`, labels: { job: 'mesh' } }], scrapeIntervalSeconds: 5, log: (m) => console.log(m) });
  if (!prom.available) throw new Error(`no Prometheus: ${prom.reason}`);
  try {
    const dir = mkdtempSync(join(tmpdir(), 'orrery-bench-sg-'));
    const kubeconfig = join(dir, 'kubeconfig');
    process.env.PROM_PORT = String(prom.port);
    process.env.KUBECONFIG_OUT = kubeconfig;
    process.env.KUBECONFIG_IN = kubeconfig;
    await startNode(['--import', 'tsx', 'bench/prometheus-cluster.ts'], /cluster ready/, 'the API server', 60_000);
    const orrery = await startNode(['--import', 'tsx', 'bench/prometheus-orrery.ts'], /Orrery is ready at (http:\/\/\S+)/, 'Orrery', 60_000);
    const url = new URL(orrery.match[1]!);
    const client = new ContractClient<Api>(() => wsTransport(`ws://${url.host}/ws`, { Authorization: `Bearer ${url.searchParams.get('token')!}` }));
    const context = 'orrery-sandbox';

    // Wait for three scrapes: rates need two samples in the window.
    const requestsQuery = SOURCES.istio.requests('1m');
    const direct = async () => {
      const t = performance.now();
      const r = await fetch(`${prom.url}/api/v1/query?${new URLSearchParams({ query: requestsQuery })}`);
      const body = (await r.json()) as { data: { result: unknown[] } };
      return { ms: performance.now() - t, n: body.data.result.length };
    };
    const deadline = Date.now() + 120_000;
    let seen = 0;
    while (Date.now() < deadline) {
      const up = await fetch(`${prom.url}/api/v1/query?${new URLSearchParams({ query: 'prometheus_tsdb_head_samples_appended_total' })}`);
      const samples = Number(((await up.json()) as { data: { result: Array<{ value: [number, string] }> } }).data.result[0]?.value[1] ?? 0);
      if (samples >= series * 3) break;
      seen = samples;
      await new Promise((r) => setTimeout(r, 1000));
    }
    if (Date.now() >= deadline) throw new Error(`Prometheus ingested only ${seen} samples`);

    // As the view asks: the graph without p95 every few seconds, p95 on its own less often.
    const call = async () => {
      const t = performance.now();
      const g: ServiceGraph = await client.call('servicegraph.graph', { context, window: '1m', latency: false });
      return { g, roundTrip: performance.now() - t };
    };
    const latency = async () => (await client.call('servicegraph.latency', { context, window: '1m' })).queryMs;
    const first = await call();
    console.log(`first call (discovery and a cold cache included): ${first.roundTrip.toFixed(0)} ms`);
    if (first.g.edges.length !== EDGES) throw new Error(`the graph has ${first.g.edges.length} edges, expected ${EDGES}`);
    if (first.g.nodes.length !== WORKLOADS) throw new Error(`the graph has ${first.g.nodes.length} nodes, expected ${WORKLOADS}`);
    const failing = first.g.edges.filter((e) => e.health.level === 'failing').length;
    const p95 = await client.call('servicegraph.latency', { context, window: '1m' });
    console.log(`graph: ${first.g.nodes.length} nodes, ${first.g.edges.length} edges (${failing} failing), p95 for ${Object.keys(p95.p95).length} edges`);
    await direct();
    for (const [what, q] of [['requests', SOURCES.istio.requests('1m')], ['latency', SOURCES.istio.latency('1m')], ['tcp', SOURCES.istio.tcp!('1m')], ['detect', SOURCES.istio.detect]] as const) {
      const t = performance.now();
      await (await fetch(`${prom.url}/api/v1/query?${new URLSearchParams({ query: q })}`)).json();
      console.log(`  ${what} query alone, direct: ${(performance.now() - t).toFixed(0)} ms`);
    }

    const backend: number[] = [];
    const queries: number[] = [];
    const builds: number[] = [];
    const trips: number[] = [];
    const floor: number[] = [];
    const p95s: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const { g, roundTrip } = await call();
      backend.push(g.queryMs + g.buildMs);
      queries.push(g.queryMs);
      builds.push(g.buildMs);
      trips.push(roundTrip);
      floor.push((await direct()).ms);
      if (i % 2 === 0) p95s.push(await latency());
    }
    const f = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(', ');
    console.log(`backend query + build: median ${median(backend).toFixed(0)} ms [${f(backend)}] (queries ${median(queries).toFixed(0)} ms, build ${median(builds).toFixed(1)} ms)`);
    console.log(`p95 per edge (servicegraph.latency, asked separately): median ${median(p95s).toFixed(0)} ms [${f(p95s)}]`);
    console.log(`round trip over the WebSocket: median ${median(trips).toFixed(0)} ms [${f(trips)}]`);
    console.log(`baseline, Prometheus answering the request-rate query directly: median ${median(floor).toFixed(0)} ms [${f(floor)}]`);
    console.log(`target < ${TARGET_MS} ms: ${median(backend) < TARGET_MS ? 'met' : 'MISSED'}; load ${load()}`);
    report([
      { name: `service graph: ${WORKLOADS} workloads, ${EDGES} edges from Prometheus, query + build in the backend, p95 apart (load ${load()})`, unit: 'ms', figure: median(backend), baseline: median(floor), baselineName: 'the rate query alone, direct', better: 'lower' },
    ]);
    if (median(backend) >= TARGET_MS) process.exitCode = 1;
    client.dispose();
  } finally {
    exporter.close();
    await prom.stop();
    await stopAll();
  }
}

await main();
