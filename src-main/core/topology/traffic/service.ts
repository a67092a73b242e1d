// The service graph procedures: find which request metrics the cluster's Prometheus has, query
// them for the window (or over the last hour, for the replay), and build the graph with the
// cluster's workloads from the watch cache.
import { ContractError } from '../../../contract/errors';
import type { PromInstant, PromRange, PromValue } from '../../../contract/metrics-types';
import { KIALI_THRESHOLDS, TRAFFIC_SOURCES, type HealthThresholds, type ServiceGraph, type ServiceGraphHistory, type TrafficSource, type TrafficWindow } from '../../../contract/servicegraph-types';
import type { ClusterCaches } from '../../kube/clusters';
import { findKind } from '../../kube/kinds/kinds';
import { buildServiceGraph, type KnownObject, type Sample } from './build';
import { endId, SOURCES, type GraphMode } from './sources';

/** The two Prometheus calls the graph needs (PromClient in production, a fake in unit tests). */
export interface PromQuerier {
  id: string;
  query(query: string, time: number | undefined, signal?: AbortSignal): Promise<PromInstant>;
  queryRange(query: string, start: number, end: number, step: number, signal?: AbortSignal): Promise<PromRange>;
}

export interface GraphRequest {
  context: string;
  namespaces?: string[];
  mode: GraphMode;
  window: TrafficWindow;
  /** Unix seconds; default now. */
  time?: number;
  source?: TrafficSource;
  thresholds?: HealthThresholds;
  /** Query p95 latency too (default true). */
  latency?: boolean;
}

const num = (v: PromValue): number => (typeof v === 'number' ? v : v === '+Inf' ? Infinity : v === '-Inf' ? -Infinity : NaN);

export function vectorOf(r: PromInstant): Sample[] {
  if (r.resultType === 'vector') return r.samples.map((s) => ({ metric: s.metric, value: num(s.v) }));
  if (r.resultType === 'scalar') return [{ metric: {}, value: num(r.v) }];
  throw new ContractError('UNAVAILABLE', `Prometheus answered a ${r.resultType} where a vector was expected`);
}

/** Which sources have request series, most series first. */
export async function detectSources(prom: PromQuerier, signal?: AbortSignal): Promise<Array<{ source: TrafficSource; series: number }>> {
  const found = await Promise.all(
    TRAFFIC_SOURCES.map(async (source) => {
      const v = vectorOf(await prom.query(SOURCES[source].detect, undefined, signal));
      return { source, series: v[0]?.value ?? 0 };
    }),
  );
  return found.filter((f) => f.series > 0).sort((a, b) => b.series - a.series);
}

const WORKLOAD_KINDS = ['deployments', 'statefulsets', 'daemonsets'];

/** Workloads (or Services) of the namespaces in scope, from the watch cache. */
export async function knownObjects(caches: ClusterCaches, context: string, mode: GraphMode, namespaces: readonly string[] | undefined, signal?: AbortSignal): Promise<KnownObject[]> {
  const out: KnownObject[] = [];
  for (const id of mode === 'services' ? ['services'] : WORKLOAD_KINDS) {
    const kind = findKind(id)!;
    const handle = await caches.acquire(context, kind);
    try {
      // A cold cache gets a few seconds; the graph is still useful without silent workloads.
      await Promise.race([handle.synced(signal).catch(() => undefined), new Promise((r) => setTimeout(r, 5000).unref())]);
      const objects = namespaces?.length ? namespaces.flatMap((ns) => handle.store.byIndex('namespace', ns)) : [...handle.store.list()];
      for (const o of objects) out.push({ kindId: id, kind: kind.kind, namespace: o.metadata.namespace ?? '', name: o.metadata.name ?? '' });
    } finally {
      handle.release();
    }
  }
  return out;
}

/** What each Prometheus has, found again at most once a minute (a graph refreshes every few
 *  seconds; three count() queries each time would cost more than the graph). */
const DETECT_TTL_MS = 60_000;
const detections = new Map<string, { at: number; detected: Array<{ source: TrafficSource; series: number }> }>();

async function detectCached(prom: PromQuerier, signal?: AbortSignal) {
  const hit = detections.get(prom.id);
  if (hit && Date.now() - hit.at < DETECT_TTL_MS && hit.detected.length > 0) return hit.detected;
  const detected = await detectSources(prom, signal);
  detections.set(prom.id, { at: Date.now(), detected });
  return detected;
}

async function pickSource(prom: PromQuerier, req: Pick<GraphRequest, 'source'>, signal?: AbortSignal) {
  const detected = await detectCached(prom, signal);
  const source = req.source ?? detected[0]?.source;
  if (!source) {
    throw new ContractError(
      'NOT_FOUND',
      `Prometheus ${prom.id} has no request metrics for a service graph: looked for istio_requests_total (Istio), response_total{direction="outbound"} (Linkerd) and traces_service_graph_request_total (Tempo metrics-generator or the OpenTelemetry servicegraph connector)`,
    );
  }
  return { source, detected };
}

export async function serviceGraph(prom: PromQuerier, req: GraphRequest, known: KnownObject[], signal?: AbortSignal): Promise<ServiceGraph> {
  const t0 = performance.now();
  const { source, detected } = await pickSource(prom, req, signal);
  const def = SOURCES[source];
  const time = req.time ?? Math.floor(Date.now() / 1000);
  const q = (query: string) => prom.query(query, time, signal).then(vectorOf);
  const [requests, latency, failures, tcp] = await Promise.all([q(def.requests(req.window)), req.latency === false ? [] : q(def.latency(req.window)), def.failures ? q(def.failures(req.window)) : [], def.tcp ? q(def.tcp(req.window)) : []]);
  const t1 = performance.now();
  const thresholds = req.thresholds ?? KIALI_THRESHOLDS;
  const graph = buildServiceGraph({ requests, latency, failures, tcp }, { source, mode: req.mode, ...(req.namespaces ? { namespaces: req.namespaces } : {}), thresholds, known });
  return { source, detected, window: req.window, time, ...graph, thresholds, prometheus: prom.id, queryMs: Math.round(t1 - t0), buildMs: Math.round((performance.now() - t1) * 10) / 10 };
}

/** p95 latency per edge id: the graph's costliest query, asked for on its own. */
export async function serviceGraphLatency(prom: PromQuerier, req: GraphRequest, signal?: AbortSignal): Promise<{ p95: Record<string, number>; queryMs: number }> {
  const t0 = performance.now();
  const { source } = await pickSource(prom, req, signal);
  const def = SOURCES[source];
  const samples = vectorOf(await prom.query(def.latency(req.window), req.time ?? Math.floor(Date.now() / 1000), signal));
  const p95: Record<string, number> = {};
  for (const s of samples) {
    const e = def.edge(s.metric, req.mode);
    if (!e || !Number.isFinite(s.value)) continue;
    const id = `${endId(e.source)}>${endId(e.target)}`;
    p95[id] = Math.max(p95[id] ?? 0, s.value);
  }
  return { p95, queryMs: Math.round(performance.now() - t0) };
}

/** Rates per edge and node at every step of the last `rangeS` seconds (the replay). */
export async function serviceGraphHistory(prom: PromQuerier, req: GraphRequest & { rangeS: number; step: number }, signal?: AbortSignal): Promise<ServiceGraphHistory> {
  const t0 = performance.now();
  const { source } = await pickSource(prom, req, signal);
  const def = SOURCES[source];
  const end = Math.floor((req.time ?? Date.now() / 1000) / req.step) * req.step;
  const start = end - req.rangeS;
  const [requests, failures] = await Promise.all([prom.queryRange(def.requests(req.window), start, end, req.step, signal), def.failures ? prom.queryRange(def.failures(req.window), start, end, req.step, signal) : undefined]);
  const times: number[] = [];
  for (let t = start; t <= end; t += req.step) times.push(t);
  const slot = (t: number) => Math.round((t - start) / req.step);
  const scope = req.namespaces?.length ? new Set(req.namespaces) : undefined;
  type Acc = { source: string; target: string; byReporter: Map<string, { rps: number[]; errors: number[]; clientErrors: number[] }> };
  const edges = new Map<string, Acc>();
  const series = (r: PromRange | undefined, failuresOnly: boolean) => {
    for (const s of r?.series ?? []) {
      const e = def.edge(s.metric, req.mode);
      if (!e) continue;
      if (scope && !(e.source.namespace && scope.has(e.source.namespace)) && !(e.target.namespace && scope.has(e.target.namespace))) continue;
      const sid = endId(e.source);
      const tid = endId(e.target);
      const id = `${sid}>${tid}`;
      let acc = edges.get(id);
      if (!acc) edges.set(id, (acc = { source: sid, target: tid, byReporter: new Map() }));
      const key = e.reporter ?? '';
      let arr = acc.byReporter.get(key);
      if (!arr) acc.byReporter.set(key, (arr = { rps: times.map(() => 0), errors: times.map(() => 0), clientErrors: times.map(() => 0) }));
      s.t.forEach((t, i) => {
        const v = num(s.v[i]!);
        const k = slot(t);
        if (!(v > 0) || k < 0 || k >= times.length) return;
        if (failuresOnly) arr.errors[k]! += v;
        else {
          arr.rps[k]! += v;
          if (e.outcome === 'error') arr.errors[k]! += v;
          else if (e.outcome === 'client-error') arr.clientErrors[k]! += v;
        }
      });
    }
  };
  series(requests, false);
  series(failures, true);
  const nodes = new Map<string, { id: string; rps: number[]; errors: number[]; clientErrors: number[] }>();
  const outEdges: ServiceGraphHistory['edges'] = [];
  for (const [id, acc] of edges) {
    const r = acc.byReporter.get('destination') ?? acc.byReporter.get('source') ?? acc.byReporter.get('')!;
    outEdges.push({ id, source: acc.source, target: acc.target, ...r });
    let n = nodes.get(acc.target);
    if (!n) nodes.set(acc.target, (n = { id: acc.target, rps: times.map(() => 0), errors: times.map(() => 0), clientErrors: times.map(() => 0) }));
    for (let i = 0; i < times.length; i++) {
      n.rps[i]! += r.rps[i]!;
      n.errors[i]! += r.errors[i]!;
      n.clientErrors[i]! += r.clientErrors[i]!;
    }
  }
  return { source, window: req.window, times, edges: outEdges, nodes: [...nodes.values()], queryMs: Math.round(performance.now() - t0) };
}
