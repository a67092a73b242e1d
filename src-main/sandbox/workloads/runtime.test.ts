import { afterEach, describe, expect, test } from 'vitest';
import { constellationEdges, findService } from './constellation';
import { startLoadGenerator } from './loadgen';
import { startLocalCluster, waitReady, type LocalCluster } from './local-cluster';
import { createWorkloadRuntime, ImagePullError, type ConstellationRuntime } from './runtime';
import { jsonLines, scrape, scrapeAll, until, viaGateway } from './test-util';

const FAST = { STARTUP_DELAY_MS: '30' };
const ONE_EACH = { gateway: 1, frontend: 1, catalog: 1, cart: 1, checkout: 1, payments: 1, inventory: 1, cache: 1 };

let cluster: LocalCluster | undefined;
let runtime: ConstellationRuntime;

async function up(services: Record<string, number> = ONE_EACH, envFor?: Record<string, Record<string, string>>): Promise<LocalCluster> {
  runtime = createWorkloadRuntime();
  // No random card declines (402) in tests that expect a 200 through checkout.
  cluster = await startLocalCluster({ runtime, services, env: FAST, envFor: { payments: { DECLINE_RATE: '0' }, ...envFor } });
  await waitReady(cluster);
  return cluster;
}

afterEach(async () => {
  runtime?.faults.clear();
  await cluster?.stop();
  cluster = undefined;
});

describe('serving', () => {
  test('a request crosses the call graph with one trace, and every pod logs JSON with its ids', async () => {
    const c = await up();
    const r = await viaGateway(c, 'POST', '/api/checkout');
    expect(r.status).toBe(200);
    const access = (svc: string) => jsonLines(c.podsOf(svc)[0]!).filter((l) => l.msg === 'request completed');
    const gw = access('gateway')[0]!;
    expect(gw).toMatchObject({ level: 'info', service: 'gateway', route: '/api/checkout', method: 'POST', status: 200, source: 'unknown' });
    expect(gw.trace_id).toMatch(/^[0-9a-f]{32}$/);
    expect(gw.span_id).toMatch(/^[0-9a-f]{16}$/);
    expect(typeof gw.duration_ms).toBe('number');
    expect(typeof gw.time).toBe('string');
    // The same trace reached every service on the checkout path, each with its own span.
    const spans = new Set<unknown>([gw.span_id]);
    for (const svc of ['frontend', 'checkout', 'cart', 'cache', 'inventory', 'payments']) {
      const line = access(svc).find((l) => l.trace_id === gw.trace_id);
      expect(line, svc).toBeDefined();
      expect(spans.has(line!.span_id)).toBe(false);
      spans.add(line!.span_id);
    }
    // All lines are JSON; there are startup lines and the debug-level services write debug lines.
    for (const p of c.pods) for (const l of p.lines) expect(() => JSON.parse(l)).not.toThrow();
    expect(jsonLines(c.podsOf('cart')[0]!).map((l) => l.msg)).toEqual(expect.arrayContaining(['starting service', 'ready to serve traffic']));
    await viaGateway(c, 'GET', '/api/products');
    expect(jsonLines(c.podsOf('catalog')[0]!).some((l) => l.level === 'debug' && /cache (hit|miss)/.test(String(l.msg)))).toBe(true);
  });

  test('a declined card is a 402 that travels back to the user, with a warning', async () => {
    const c = await up(ONE_EACH, { payments: { DECLINE_RATE: '1' } });
    expect((await viaGateway(c, 'POST', '/api/checkout')).status).toBe(402);
    expect(jsonLines(c.podsOf('payments')[0]!).find((l) => l.msg === 'card declined')).toMatchObject({ level: 'warn', reason: 'insufficient_funds' });
    const gw = await scrape(c.podsOf('gateway')[0]!);
    expect(gw.find((s) => s.name === 'http_requests_total')?.labels.code).toBe('402');
  });

  test('an incoming traceparent is continued', async () => {
    const c = await up({ cache: 1 });
    const trace = '4bf92f3577b34da6a3ce929d0e0e4736';
    const cache = c.podsOf('cache')[0]!;
    await fetch(`http://127.0.0.1:${cache.container.port}/get?key=x`, { headers: { traceparent: `00-${trace}-00f067aa0ba902b7-01` } });
    expect(jsonLines(cache).find((l) => l.msg === 'request completed')).toMatchObject({ trace_id: trace, status: 404 });
  });

  test('/metrics: RED metrics and Istio edge metrics with both reporters', async () => {
    const c = await up();
    expect((await viaGateway(c, 'POST', '/api/checkout')).status).toBe(200);
    const gateway = await scrape(c.podsOf('gateway')[0]!);
    const ingress = gateway.find((s) => s.name === 'istio_requests_total' && s.labels.reporter === 'destination');
    expect(ingress?.labels).toMatchObject({
      source_workload: 'unknown',
      source_workload_namespace: 'unknown',
      source_app: 'unknown',
      destination_workload: 'gateway',
      destination_workload_namespace: 'edge',
      destination_app: 'gateway',
      destination_service: 'gateway.edge.svc.cluster.local',
      destination_service_name: 'gateway',
      destination_service_namespace: 'edge',
      response_code: '200',
      response_flags: '-',
      request_protocol: 'http',
      connection_security_policy: 'none',
    });
    expect(ingress?.value).toBe(1);

    const edgeLabels = {
      source_workload: 'checkout',
      source_workload_namespace: 'shop',
      source_app: 'checkout',
      destination_workload: 'payments',
      destination_workload_namespace: 'shop',
      destination_app: 'payments',
      destination_service: 'payments.shop.svc.cluster.local',
      destination_service_name: 'payments',
      destination_service_namespace: 'shop',
      response_code: '200',
      request_protocol: 'http',
      response_flags: '-',
    };
    const checkout = await scrape(c.podsOf('checkout')[0]!);
    const src = checkout.find((s) => s.name === 'istio_requests_total' && s.labels.reporter === 'source' && s.labels.destination_workload === 'payments');
    expect(src?.labels).toMatchObject({ ...edgeLabels, connection_security_policy: 'unknown' });
    const payments = await scrape(c.podsOf('payments')[0]!);
    const dst = payments.find((s) => s.name === 'istio_requests_total' && s.labels.reporter === 'destination');
    expect(dst?.labels).toMatchObject({ ...edgeLabels, connection_security_policy: 'mutual_tls' });
    expect(dst?.labels.source_principal).toBe('spiffe://cluster.local/ns/shop/sa/checkout');
    expect(payments.some((s) => s.name === 'istio_request_duration_milliseconds_bucket' && s.labels.reporter === 'destination' && s.labels.le === '+Inf' && s.value === 1)).toBe(true);
    expect(payments.find((s) => s.name === 'http_requests_total')).toMatchObject({ labels: { method: 'POST', route: '/charge', code: '200' }, value: 1 });
    expect(payments.some((s) => s.name === 'http_request_duration_seconds_bucket' && s.labels.route === '/charge')).toBe(true);
    // Probes and scrapes are not business traffic.
    expect(payments.some((s) => s.name === 'http_requests_total' && s.labels.route === '/metrics')).toBe(false);
  });

  test('the load generator exercises every edge of the call graph, and only those', async () => {
    const c = await up();
    const lg = startLoadGenerator({ resolveService: c.resolveService, rps: 60 });
    await new Promise((r) => setTimeout(r, 1500));
    await lg.stop();
    const st = lg.stats();
    expect(st.sent).toBeGreaterThan(40);
    expect(st.inFlight).toBe(0);
    expect(Object.keys(st.byCode).every((k) => k === '200' || k === '201' || k === '402')).toBe(true);
    const samples = await scrapeAll(c);
    const seen = new Set(
      samples
        .filter((s) => s.name === 'istio_requests_total' && s.labels.reporter === 'source')
        .map((s) => `${s.labels.source_workload}->${s.labels.destination_workload}`),
    );
    expect(seen).toEqual(new Set(constellationEdges().map((e) => `${e.from}->${e.to}`)));
    const ingress = samples.filter((s) => s.name === 'istio_requests_total' && s.labels.reporter === 'destination' && s.labels.source_workload === 'unknown');
    expect(new Set(ingress.map((s) => s.labels.destination_workload))).toEqual(new Set(['gateway']));
    // Stopped means stopped.
    const before = st.sent;
    await new Promise((r) => setTimeout(r, 200));
    expect(lg.stats().sent).toBe(before);
  });

  test('usage follows load: CPU with request rate, memory with what the cache holds', async () => {
    const c = await up({ cache: 1 });
    const cache = c.podsOf('cache')[0]!;
    const base = `http://127.0.0.1:${cache.container.port}`;
    await new Promise((r) => setTimeout(r, 300));
    const idle = cache.container.usage();
    expect(idle.cpuNanoCores).toBeGreaterThan(0);
    expect(idle.cpuNanoCores).toBeLessThan(20_000_000); // well under 20m when idle
    const value = 'x'.repeat(2000);
    const t0 = Date.now();
    let i = 0;
    while (Date.now() - t0 < 1200) {
      await Promise.all(Array.from({ length: 20 }, () => fetch(`${base}/set?key=k${i++}`, { method: 'PUT', body: value }).then((r) => r.text())));
    }
    const busy = cache.container.usage();
    expect(busy.cpuNanoCores).toBeGreaterThan(idle.cpuNanoCores * 2);
    expect(busy.memoryBytes).toBeGreaterThan(idle.memoryBytes + i * 2000 * 0.9);
    const m = await scrape(cache);
    expect(m.find((s) => s.name === 'cache_entries')?.value).toBe(i);
  });

  test('stop() finishes in-flight requests before closing', async () => {
    const c = await up({ cart: 1, cache: 1 });
    runtime.faults.setEdgeLatency('unknown', 'cart', 300);
    const cart = c.podsOf('cart')[0]!;
    const pending = fetch(`http://127.0.0.1:${cart.container.port}/cart?user=u1`).then((r) => r.status);
    await new Promise((r) => setTimeout(r, 50));
    const stopped = cart.container.stop();
    expect(cart.container.ready()).toBe(false);
    expect(await pending).toBe(200);
    await stopped;
    expect(jsonLines(cart).map((l) => l.msg)).toEqual(expect.arrayContaining(['received SIGTERM, shutting down gracefully', 'server closed']));
    await expect(fetch(`http://127.0.0.1:${cart.container.port}/healthz`)).rejects.toThrow();
  });
});

describe('faults', () => {
  test('error spike: a fraction of responses are 5xx, and callers see it', async () => {
    const c = await up();
    runtime.faults.setErrorRate('shop/payments', 1);
    const r = await viaGateway(c, 'POST', '/api/checkout');
    expect(r.status).toBe(502);
    const payments = await scrape(c.podsOf('payments')[0]!);
    expect(payments.find((s) => s.name === 'istio_requests_total' && s.labels.reporter === 'destination')?.labels.response_code).toBe('500');
    const checkout = await scrape(c.podsOf('checkout')[0]!);
    expect(checkout.find((s) => s.name === 'istio_requests_total' && s.labels.reporter === 'source' && s.labels.destination_workload === 'payments')?.labels.response_code).toBe('500');
    const err = jsonLines(c.podsOf('payments')[0]!).find((l) => l.level === 'error');
    expect(err).toMatchObject({ status: 500, route: '/charge' });
    expect(err?.trace_id).toMatch(/^[0-9a-f]{32}$/);
    runtime.faults.setErrorRate('payments', 0.5);
    const codes = await Promise.all(Array.from({ length: 40 }, () => viaGateway(c, 'POST', '/api/checkout').then((x) => x.status)));
    const failed = codes.filter((x) => x >= 500).length;
    expect(failed).toBeGreaterThan(5);
    expect(failed).toBeLessThan(35);
    runtime.faults.clear('payments');
    expect((await viaGateway(c, 'POST', '/api/checkout')).status).toBe(200);
  });

  test('latency on one edge slows that edge only', async () => {
    const c = await up();
    runtime.faults.setEdgeLatency('checkout', 'payments', 300);
    const slow = await viaGateway(c, 'POST', '/api/checkout');
    expect(slow.status).toBe(200);
    expect(slow.ms).toBeGreaterThan(300);
    const fast = await viaGateway(c, 'GET', '/api/cart');
    expect(fast.ms).toBeLessThan(250);
    const checkout = await scrape(c.podsOf('checkout')[0]!);
    const slowBucket = (s: { name: string; labels: Record<string, string> }) =>
      s.name === 'istio_request_duration_milliseconds_bucket' && s.labels.reporter === 'source' && s.labels.le === '250';
    expect(checkout.find((s) => slowBucket(s) && s.labels.destination_workload === 'payments')?.value).toBe(0);
    expect(checkout.find((s) => slowBucket(s) && s.labels.destination_workload === 'cart')?.value).toBe(1);
  });

  test('crash: containers exit with Error, restarts crash again while the fault is on', async () => {
    const c = await up({ inventory: 1 });
    runtime.faults.setCrash('inventory', true, { afterMs: 50 });
    const pod = c.podsOf('inventory')[0]!;
    const exit = await pod.container.exited;
    expect(exit).toMatchObject({ exitCode: 1, reason: 'Error' });
    expect(pod.container.live()).toBe(false);
    expect(pod.lines.some((l) => l.includes('uncaught exception'))).toBe(true);
    const again = await c.addPod(findService('inventory')!);
    expect((await again.container.exited).reason).toBe('Error');
    runtime.faults.setCrash('inventory', false);
    const fine = await c.addPod(findService('inventory')!);
    await new Promise((r) => setTimeout(r, 200));
    expect(fine.exit).toBeUndefined();
    expect(fine.container.live()).toBe(true);
  });

  test('OOM: the working set climbs to the limit, then OOMKilled', async () => {
    const c = await up({ cache: 1 }, { cache: { MEMORY_LIMIT: String(128 * 1024 * 1024) } });
    const pod = c.podsOf('cache')[0]!;
    const before = pod.container.usage().memoryBytes;
    runtime.faults.setOOM('cache', true, { afterMs: 600 });
    await new Promise((r) => setTimeout(r, 350));
    expect(pod.container.usage().memoryBytes).toBeGreaterThan(before + 10 * 1024 * 1024);
    const exit = await pod.container.exited;
    expect(exit).toEqual({ exitCode: 137, reason: 'OOMKilled' });
  });

  test('never ready: by fault, and with image tag broken; liveness stays fine', async () => {
    const c = await up({ catalog: 1 });
    runtime.faults.setNeverReady('catalog', true);
    expect(c.podsOf('catalog')[0]!.container.ready()).toBe(false);
    const fresh = await c.addPod(findService('catalog')!);
    await new Promise((r) => setTimeout(r, 100));
    expect(fresh.container.ready()).toBe(false);
    expect((await fetch(`http://127.0.0.1:${fresh.container.port}/readyz`)).status).toBe(503);
    expect((await fetch(`http://127.0.0.1:${fresh.container.port}/healthz`)).status).toBe(200);
    runtime.faults.setNeverReady('catalog', false);
    expect(fresh.container.ready()).toBe(true);
    const broken = await c.addPod(findService('catalog')!, { image: 'orrery/service:broken' });
    await new Promise((r) => setTimeout(r, 100));
    expect(broken.container.ready()).toBe(false);
    expect(broken.container.live()).toBe(true);
    expect(jsonLines(broken).some((l) => l.level === 'error' && String(l.msg).includes('feature flags'))).toBe(true);
  });

  test('config breakage: invalid CACHE_TTL fails the routes using it; FAIL_FAST crashes', async () => {
    const c = await up({ gateway: 1, frontend: 1, cart: 1, cache: 1 }, { cart: { CACHE_TTL: 'abc' } });
    const cart = c.podsOf('cart')[0]!;
    expect(jsonLines(cart).find((l) => l.msg === 'invalid configuration value')).toMatchObject({ level: 'error', key: 'CACHE_TTL', value: 'abc' });
    expect(cart.container.ready()).toBe(true);
    expect((await viaGateway(c, 'GET', '/api/cart')).status).toBe(502);
    const err = jsonLines(cart).find((l) => l.level === 'error' && l.route === '/cart');
    expect(String(err?.msg)).toContain('invalid configuration: CACHE_TTL="abc"');
    const strict = await c.addPod(findService('cart')!, { env: { CACHE_TTL: 'abc', FAIL_FAST: 'true' } });
    expect(await strict.container.exited).toMatchObject({ exitCode: 1, reason: 'Error' });
  });

  test('unknown images reject start with ErrImagePull; an unknown service exits with Error', async () => {
    const c = await up({ cache: 1 });
    await expect(c.addPod(findService('cache')!, { image: 'orrery/service:9.9-typo' })).rejects.toBeInstanceOf(ImagePullError);
    await expect(c.addPod(findService('cache')!, { image: 'redis:7' })).rejects.toMatchObject({ reason: 'ErrImagePull' });
    const bad = await c.addPod(findService('cache')!, { env: { ORRERY_SERVICE: 'nope' } });
    expect(await bad.container.exited).toMatchObject({ reason: 'Error', exitCode: 2 });
  });

  test('no ready endpoints: the caller answers 503 UH, as Envoy does', async () => {
    const c = await up({ gateway: 1, frontend: 1 });
    await c.podsOf('frontend')[0]!.container.stop();
    c.podsOf('frontend')[0]!.exit = { exitCode: 0, reason: 'Completed' };
    await until(() => c.resolveService('edge', 'frontend').length === 0);
    expect((await viaGateway(c, 'GET', '/api/cart')).status).toBe(503);
    const gw = await scrape(c.podsOf('gateway')[0]!);
    expect(gw.find((s) => s.name === 'istio_requests_total' && s.labels.reporter === 'source')?.labels).toMatchObject({
      response_code: '503',
      response_flags: 'UH',
      destination_workload: 'unknown',
      destination_service_name: 'frontend',
    });
  });
});
