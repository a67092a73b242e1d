import { describe, expect, it } from 'vitest';
import type { PromInstant, PromRange } from '../../../contract/metrics-types';
import { trafficHealth } from '../../../contract/servicegraph-types';
import { buildServiceGraph, type Sample } from './build';
import { detectSources, serviceGraph, serviceGraphHistory, serviceGraphLatency, type PromQuerier } from './service';

const istio = (reporter: string, src: string, dst: string, code: string, value: number, extra: Record<string, string> = {}): Sample => {
  const [sns, sw] = src === 'unknown' ? ['unknown', 'unknown'] : src.split('/');
  const [dns, dw] = dst.split('/');
  return {
    metric: {
      reporter, source_workload: sw!, source_workload_namespace: sns!, source_canonical_service: sw!, destination_workload: dw!, destination_workload_namespace: dns!,
      destination_service_name: dw!, destination_service_namespace: dns!, request_protocol: 'http', response_code: code, grpc_response_status: '', ...extra,
    },
    value,
  };
};

describe('trafficHealth (Kiali defaults)', () => {
  it('any 5xx is degraded, over 10% failing; 4xx over 10% degraded, over 20% failing', () => {
    expect(trafficHealth({ rps: 10, errors: 0, clientErrors: 0 })?.level).toBe('ok');
    expect(trafficHealth({ rps: 10, errors: 0.01, clientErrors: 0 })?.level).toBe('degraded');
    expect(trafficHealth({ rps: 10, errors: 1, clientErrors: 0 })?.level).toBe('degraded'); // exactly 10%
    expect(trafficHealth({ rps: 10, errors: 1.1, clientErrors: 0 })?.level).toBe('failing');
    expect(trafficHealth({ rps: 10, errors: 0, clientErrors: 1 })?.level).toBe('ok');
    expect(trafficHealth({ rps: 10, errors: 0, clientErrors: 1.5 })?.level).toBe('degraded');
    expect(trafficHealth({ rps: 10, errors: 0, clientErrors: 2.5 })?.level).toBe('failing');
    expect(trafficHealth({ rps: 0, errors: 0, clientErrors: 0 })).toBeUndefined();
    expect(trafficHealth({ rps: 10, errors: 0.5, clientErrors: 0 }, { degraded5xx: 10, failing5xx: 30, degraded4xx: 10, failing4xx: 20 })?.level).toBe('ok');
  });
});

describe('buildServiceGraph from Istio metrics', () => {
  const requests = [
    istio('destination', 'unknown', 'edge/gateway', '200', 3),
    istio('destination', 'unknown', 'edge/gateway', '502', 0.2),
    istio('source', 'edge/gateway', 'edge/frontend', '200', 2.9),
    istio('destination', 'edge/gateway', 'edge/frontend', '200', 3),
    istio('destination', 'edge/gateway', 'edge/frontend', '500', 0.2),
    istio('destination', 'edge/frontend', 'shop/checkout', '200', 0.3),
    istio('destination', 'edge/frontend', 'shop/checkout', '500', 0.2),
    istio('destination', 'shop/checkout', 'shop/payments', '200', 0.3),
    istio('destination', 'shop/checkout', 'shop/payments', '500', 0.2),
    istio('destination', 'shop/catalog', 'data/cache', '404', 0.1),
    istio('destination', 'shop/catalog', 'data/cache', '200', 1.9),
    // The callee never answered: only the caller's sidecar reports it.
    istio('source', 'shop/catalog', 'unknown/unknown', '503', 0.05, { destination_service_name: 'inventory', destination_service_namespace: 'shop' }),
  ];
  const latency = [{ metric: { ...istio('destination', 'shop/checkout', 'shop/payments', '200', 0).metric }, value: 42.5 }];

  it('prefers the callee’s report, colours edges and nodes, marks where errors start', () => {
    const g = buildServiceGraph({ requests, latency }, { source: 'istio', mode: 'workloads' });
    const e = Object.fromEntries(g.edges.map((x) => [x.id, x]));
    expect(Object.keys(e).sort()).toEqual(['edge/frontend>shop/checkout', 'edge/gateway>edge/frontend', 'shop/catalog>data/cache', 'shop/catalog>unknown', 'shop/checkout>shop/payments', 'unknown>edge/gateway']);
    expect(e['edge/gateway>edge/frontend']!.rates).toEqual({ rps: 3.2, errors: 0.2, clientErrors: 0 });
    expect(e['edge/gateway>edge/frontend']!.health.level).toBe('degraded');
    expect(e['shop/checkout>shop/payments']!.health.level).toBe('failing');
    expect(e['shop/checkout>shop/payments']!.p95Ms).toBe(42.5);
    expect(e['shop/catalog>data/cache']!.health.level).toBe('ok'); // 5% 404s
    expect(e['shop/catalog>unknown']!.health.level).toBe('failing');
    const n = Object.fromEntries(g.nodes.map((x) => [x.id, x]));
    expect(n['shop/payments']!.health?.level).toBe('failing');
    expect(n['shop/checkout']!.health?.level).toBe('failing');
    expect(n['shop/payments']!.origin).toBe(true);
    expect(n['shop/checkout']!.origin).toBeUndefined(); // its 500s follow payments' 500s
    expect(n['edge/frontend']!.origin).toBeUndefined();
    expect(n['unknown']).toMatchObject({ kind: 'external', traffic: true });
    // Unknown callers and callees that never answered are one external node (as in Kiali).
    expect(n['unknown']!.health?.level).toBe('failing');
  });

  it('keeps edges touching the namespaces in scope, adds silent workloads dimmed, links objects', () => {
    const known = [
      { kindId: 'deployments', kind: 'Deployment', namespace: 'shop', name: 'payments' },
      { kindId: 'deployments', kind: 'Deployment', namespace: 'shop', name: 'idle' },
      { kindId: 'deployments', kind: 'Deployment', namespace: 'other', name: 'elsewhere' },
    ];
    const g = buildServiceGraph({ requests, latency }, { source: 'istio', mode: 'workloads', namespaces: ['shop'], known });
    expect(g.edges.map((x) => x.id).sort()).toEqual(['edge/frontend>shop/checkout', 'shop/catalog>data/cache', 'shop/catalog>unknown', 'shop/checkout>shop/payments']);
    const n = Object.fromEntries(g.nodes.map((x) => [x.id, x]));
    expect(n['shop/idle']).toMatchObject({ traffic: false, object: { kindId: 'deployments', name: 'idle' } });
    expect(n['shop/payments']!.object?.kindId).toBe('deployments');
    expect(n['other/elsewhere']).toBeUndefined();
  });

  it('draws services instead of workloads on request', () => {
    const g = buildServiceGraph({ requests, latency: [] }, { source: 'istio', mode: 'services' });
    expect(g.edges.map((x) => x.id)).toContain('svc:shop/checkout>svc:shop/payments');
    expect(g.edges.map((x) => x.id)).toContain('svc:shop/catalog>svc:shop/inventory');
  });

  it('adds TCP edges from bytes sent', () => {
    const tcp = [{ metric: { reporter: 'source', source_workload: 'cart', source_workload_namespace: 'shop', destination_workload: 'redis', destination_workload_namespace: 'data' }, value: 5120 }];
    const g = buildServiceGraph({ requests: [], latency: [], tcp }, { source: 'istio', mode: 'workloads' });
    expect(g.edges).toEqual([expect.objectContaining({ id: 'shop/cart>data/redis', protocol: 'tcp', bytesPerSecond: 5120, health: { level: 'ok', reason: 'TCP traffic' } })]);
  });
});

describe('buildServiceGraph from Linkerd and span metrics', () => {
  it('reads Linkerd outbound responses with dst_* labels and failure classification', () => {
    const m = (cls: string, code: string, v: number): Sample => ({ metric: { namespace: 'shop', deployment: 'checkout', dst_namespace: 'shop', dst_deployment: 'payments', dst_service: 'payments', status_code: code, classification: cls }, value: v });
    const g = buildServiceGraph({ requests: [m('success', '200', 9), m('failure', '503', 1)], latency: [] }, { source: 'linkerd', mode: 'workloads' });
    expect(g.edges[0]).toMatchObject({ id: 'shop/checkout>shop/payments', rates: { rps: 10, errors: 1, clientErrors: 0 }, health: { level: 'degraded' } });
  });

  it('reads span-derived request and failure counters', () => {
    const r = [{ metric: { client: 'frontend', server: 'checkout', connection_type: '' }, value: 4 }];
    const f = [{ metric: { client: 'frontend', server: 'checkout', connection_type: '' }, value: 1 }];
    const g = buildServiceGraph({ requests: r, failures: f, latency: [{ metric: { client: 'frontend', server: 'checkout' }, value: 120 }] }, { source: 'spans', mode: 'workloads' });
    expect(g.edges[0]).toMatchObject({ id: 'svc:frontend>svc:checkout', rates: { rps: 4, errors: 1 }, p95Ms: 120, health: { level: 'failing' } });
  });
});

/** Prometheus answering from fixtures by metric name in the query. */
let fakes = 0;
function fakeProm(answers: Record<string, Sample[]>, ranges: Record<string, PromRange['series']> = {}): PromQuerier & { queries: string[] } {
  const queries: string[] = [];
  const pick = <T,>(q: string, table: Record<string, T>, empty: T): T => Object.entries(table).find(([k]) => q.includes(k))?.[1] ?? empty;
  return {
    id: `fake-${++fakes}`,
    queries,
    async query(q): Promise<PromInstant> {
      queries.push(q);
      if (q.startsWith('count(')) {
        const n = pick(q, answers, []).length;
        return { resultType: 'vector', samples: n ? [{ metric: {}, t: 0, v: n }] : [] };
      }
      return { resultType: 'vector', samples: pick(q, answers, []).map((s) => ({ metric: s.metric, t: 0, v: s.value })) };
    },
    async queryRange(q, start, end, step): Promise<PromRange> {
      queries.push(q);
      return { resultType: 'matrix', series: pick(q, ranges, []), start, end, step };
    },
  };
}

describe('serviceGraph', () => {
  it('detects the source with the most series, queries the window and builds', async () => {
    const prom = fakeProm({ istio_requests_total: [istio('destination', 'shop/a', 'shop/b', '200', 1)], 'response_total{direction="outbound"}': [] });
    expect(await detectSources(prom)).toEqual([{ source: 'istio', series: 1 }]);
    const g = await serviceGraph(prom, { context: 'c', mode: 'workloads', window: '1m', time: 1000 }, []);
    expect(g).toMatchObject({ source: 'istio', window: '1m', time: 1000, prometheus: prom.id });
    expect(g.edges.map((e) => e.id)).toEqual(['shop/a>shop/b']);
    expect(prom.queries.some((q) => q.includes('((istio_requests_total{response_code=~"5..|0"} unless istio_requests_total{response_code=~"5..|0"} offset 1m) and on (job, instance) (up offset 1m)) / 60 or rate(istio_requests_total[1m])'))).toBe(true);
  });

  it('leaves latency out on request, and answers it on its own per edge', async () => {
    const prom = fakeProm({ istio_requests_total: [istio('destination', 'shop/a', 'shop/b', '200', 1)], istio_request_duration_milliseconds_bucket: [{ metric: istio('destination', 'shop/a', 'shop/b', '200', 0).metric, value: 12.5 }] });
    const g = await serviceGraph(prom, { context: 'c', mode: 'workloads', window: '1m', latency: false }, []);
    expect(g.edges[0]!.p95Ms).toBeUndefined();
    expect(prom.queries.some((q) => q.includes('histogram_quantile'))).toBe(false);
    expect((await serviceGraphLatency(prom, { context: 'c', mode: 'workloads', window: '1m' })).p95).toEqual({ 'shop/a>shop/b': 12.5 });
  });

  it('says what it looked for when no source has data', async () => {
    await expect(serviceGraph(fakeProm({}), { context: 'c', mode: 'workloads', window: '5m' }, [])).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('istio_requests_total') });
  });

  it('replays rates per step for every edge and node', async () => {
    const m = istio('destination', 'shop/checkout', 'shop/payments', '500', 0).metric;
    const ok = istio('destination', 'shop/checkout', 'shop/payments', '200', 0).metric;
    const prom = fakeProm({ istio_requests_total: [istio('destination', 'shop/a', 'shop/b', '200', 1)] }, { istio_requests_total: [{ metric: ok, t: [900, 930, 960], v: [1, 1, 1] }, { metric: m, t: [960], v: [0.5] }] });
    const h = await serviceGraphHistory(prom, { context: 'c', mode: 'workloads', window: '1m', time: 960, rangeS: 60, step: 30 });
    expect(h.times).toEqual([900, 930, 960]);
    expect(h.edges).toEqual([{ id: 'shop/checkout>shop/payments', source: 'shop/checkout', target: 'shop/payments', rps: [1, 1, 1.5], errors: [0, 0, 0.5], clientErrors: [0, 0, 0] }]);
    expect(h.nodes[0]).toMatchObject({ id: 'shop/payments', errors: [0, 0, 0.5] });
  });
});
