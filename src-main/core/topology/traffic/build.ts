// Builds the service graph from plain Prometheus instant-vector results: request rates by edge
// and outcome, p95 latency, TCP bytes. Istio reports each request twice (caller's and callee's
// sidecar): an edge uses the callee's report when there is one (it saw the request arrive) and
// the caller's otherwise (the callee is outside the mesh, or never answered). Edges touching the
// namespaces in scope are kept; workloads known to the cluster but silent in the window are added
// as nodes without traffic. Health follows Kiali's thresholds.
import type { HealthThresholds, Rates, ServiceGraph, TrafficEdge, TrafficNode, TrafficSource } from '../../../contract/servicegraph-types';
import { KIALI_THRESHOLDS, trafficHealth } from '../../../contract/servicegraph-types';
import { endId, SOURCES, type EdgeSample, type EndKey, type GraphMode } from './sources';

/** One series of an instant vector, values already numbers. */
export interface Sample {
  metric: Record<string, string>;
  value: number;
}

export interface TrafficResults {
  requests: Sample[];
  failures?: Sample[];
  latency: Sample[];
  tcp?: Sample[];
}

/** What the cluster knows: workloads (or Services) by namespace, to name objects and to show
 *  silent ones. */
export interface KnownObject {
  kindId: string;
  kind: string;
  namespace: string;
  name: string;
}

export interface BuildServiceGraphOptions {
  source: TrafficSource;
  mode: GraphMode;
  namespaces?: readonly string[];
  thresholds?: HealthThresholds;
  known?: readonly KnownObject[];
}

const zero = (): Rates => ({ rps: 0, errors: 0, clientErrors: 0 });
const add = (r: Rates, outcome: EdgeSample['outcome'], v: number) => {
  r.rps += v;
  if (outcome === 'error') r.errors += v;
  else if (outcome === 'client-error') r.clientErrors += v;
};

interface EdgeAcc {
  source: EndKey;
  target: EndKey;
  protocol: TrafficEdge['protocol'];
  byReporter: Map<string, Rates>;
  p95: Map<string, number>;
  bytes?: number;
}

export type GraphCore = Pick<ServiceGraph, 'nodes' | 'edges'>;

export function buildServiceGraph(results: TrafficResults, opts: BuildServiceGraphOptions): GraphCore {
  const def = SOURCES[opts.source];
  const thresholds = opts.thresholds ?? KIALI_THRESHOLDS;
  const scope = opts.namespaces?.length ? new Set(opts.namespaces) : undefined;
  const inScope = (e: EndKey) => !scope || (e.namespace !== undefined && scope.has(e.namespace));
  const edges = new Map<string, EdgeAcc>();
  const ends = new Map<string, EndKey>();

  const accOf = (s: EdgeSample): EdgeAcc | undefined => {
    if (!inScope(s.source) && !inScope(s.target)) return undefined;
    const sid = endId(s.source);
    const tid = endId(s.target);
    if (sid === tid && s.source.kind === 'external') return undefined;
    const id = `${sid}>${tid}`;
    let acc = edges.get(id);
    if (!acc) {
      acc = { source: s.source, target: s.target, protocol: s.protocol, byReporter: new Map(), p95: new Map() };
      edges.set(id, acc);
      ends.set(sid, s.source);
      ends.set(tid, s.target);
    }
    if (s.protocol === 'grpc') acc.protocol = 'grpc';
    return acc;
  };

  for (const sample of results.requests) {
    if (!(sample.value > 0)) continue;
    const s = def.edge(sample.metric, opts.mode);
    if (!s) continue;
    const acc = accOf(s);
    if (!acc) continue;
    const reporter = s.reporter ?? '';
    let r = acc.byReporter.get(reporter);
    if (!r) acc.byReporter.set(reporter, (r = zero()));
    add(r, s.outcome, sample.value);
  }
  // Spans: failures are a separate counter over the same edges.
  for (const sample of results.failures ?? []) {
    if (!(sample.value > 0)) continue;
    const s = def.edge(sample.metric, opts.mode);
    const acc = s && accOf(s);
    if (!s || !acc) continue;
    const r = acc.byReporter.get(s.reporter ?? '') ?? zero();
    acc.byReporter.set(s.reporter ?? '', r);
    r.errors += sample.value;
  }
  for (const sample of results.latency) {
    if (!Number.isFinite(sample.value)) continue;
    const s = def.edge(sample.metric, opts.mode);
    const acc = s && edges.get(`${endId(s.source)}>${endId(s.target)}`);
    if (!s || !acc) continue;
    // Several series may land on one edge (services mode): keep the worst.
    const key = s.reporter ?? '';
    acc.p95.set(key, Math.max(acc.p95.get(key) ?? 0, sample.value));
  }
  for (const sample of results.tcp ?? []) {
    if (!(sample.value > 0)) continue;
    const s = def.edge(sample.metric, opts.mode);
    if (!s) continue;
    // TCP bytes: the caller's report (the callee's counts the same bytes again).
    if (s.reporter === 'destination' && results.tcp!.some((x) => x.metric.reporter === 'source')) continue;
    const acc = accOf({ ...s, protocol: 'tcp' });
    if (acc) acc.bytes = (acc.bytes ?? 0) + sample.value;
  }

  const nodes = new Map<string, TrafficNode>();
  const nodeOf = (id: string): TrafficNode => {
    let n = nodes.get(id);
    if (!n) {
      const e = ends.get(id)!;
      n = { id, kind: e.kind, name: e.name, ...(e.namespace ? { namespace: e.namespace } : {}), traffic: true, inbound: zero(), outbound: zero() };
      nodes.set(id, n);
    }
    return n;
  };
  const out: TrafficEdge[] = [];
  // 5xx of the calls each node made, as its own sidecar counted them (the same pods, scraped at
  // the same moments as the answers it gave): what explains its own 5xx answers.
  const failedCalls = new Map<string, number>();
  for (const [id, acc] of edges) {
    const reporter = acc.byReporter.has('destination') ? 'destination' : acc.byReporter.has('source') ? 'source' : '';
    const rates = acc.byReporter.get(reporter) ?? zero();
    const p95 = acc.p95.get(reporter) ?? acc.p95.get('source') ?? acc.p95.get('destination');
    const health = trafficHealth(rates, thresholds) ?? (acc.bytes !== undefined ? { level: 'ok' as const, reason: 'TCP traffic' } : { level: 'unknown' as const, reason: 'No requests in the window' });
    const sid = endId(acc.source);
    const tid = endId(acc.target);
    const edge: TrafficEdge = { id, source: sid, target: tid, protocol: rates.rps > 0 ? acc.protocol === 'tcp' ? 'http' : acc.protocol : 'tcp', rates, health };
    if (p95 !== undefined && Number.isFinite(p95)) edge.p95Ms = p95;
    if (acc.bytes !== undefined) edge.bytesPerSecond = acc.bytes;
    out.push(edge);
    const own = acc.byReporter.get('source') ?? rates;
    failedCalls.set(sid, (failedCalls.get(sid) ?? 0) + own.errors);
    const s = nodeOf(sid);
    const t = nodeOf(tid);
    for (const k of ['rps', 'errors', 'clientErrors'] as const) {
      s.outbound[k] += rates[k];
      t.inbound[k] += rates[k];
    }
  }

  for (const n of nodes.values()) {
    const h = trafficHealth(n.inbound, thresholds);
    if (h) n.health = h;
    // Where an error chain starts: its 5xx answers are mostly not explained by failed calls.
    const failed = failedCalls.get(n.id) ?? 0;
    if (n.inbound.errors > 0 && n.inbound.errors - failed > 0.5 * n.inbound.errors) n.origin = true;
  }

  // Objects behind the nodes, and known ones that were silent (dimmed in the view).
  const known = new Map<string, KnownObject>();
  for (const k of opts.known ?? []) known.set(opts.mode === 'services' ? `svc:${k.namespace}/${k.name}` : `${k.namespace}/${k.name}`, k);
  for (const [id, k] of known) {
    const n = nodes.get(id);
    if (n) n.object = { kindId: k.kindId, kind: k.kind, namespace: k.namespace, name: k.name };
    else if (!scope || scope.has(k.namespace)) {
      nodes.set(id, { id, kind: opts.mode === 'services' ? 'service' : 'workload', namespace: k.namespace, name: k.name, object: { ...k }, traffic: false, inbound: zero(), outbound: zero() });
    }
  }
  return { nodes: [...nodes.values()], edges: out };
}
