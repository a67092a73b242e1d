// The error-spike, edge-latency and config-break scenarios against one started sandbox: each must
// leave what a real incident leaves — audit entries by orrery-scenario, Events where Kubernetes
// writes them, error/warn JSON lines in the pod logs, and Istio metrics on the affected edge
// (scraped from the pods' /metrics through the API server's pods/proxy and services/proxy).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCENARIO_USER } from '../sandbox';
import { auditEntries, parseExposition, podLogJson, scrapePods, servicePods, startTestSandbox, sumSamples, until, type TestSandbox } from '../test-helpers';

let t: TestSandbox;

beforeAll(async () => {
  // 30 rps: checkout (1/12 of the entry mix) reaches payments ~2.5 times a second.
  t = await startTestSandbox({ rps: 30 });
}, 60_000);

afterAll(async () => {
  await t?.sb.stop();
});

const edge = (source: string, destination: string, reporter = 'destination') => ({ source_workload: source, destination_workload: destination, reporter });

async function edgeSamples(app: string, ns = 'shop') {
  return scrapePods(t.admin, await servicePods(t.admin, ns, app));
}

/** Successful patches by orrery-scenario since `since`, once at least `min` are in the audit log
 *  (it is flushed every 200 ms). */
function scenarioPatches(resource: string, name: string, since: number, min: number): Promise<any[]> {
  const read = () =>
    auditEntries(t.sb.auditLogPath, SCENARIO_USER).filter(
      (e) => e.verb === 'patch' && e.objectRef?.resource === resource && e.objectRef?.name === name && Date.parse(e.stageTimestamp) >= since - 1000 && e.responseStatus?.code === 200,
    );
  return until(`${min} audited patches of ${resource}/${name}`, () => (read().length >= min ? read() : undefined), 3000, 100);
}

describe('fault scenarios leave the marks of a real incident', () => {
  it('error-spike: payments 5xx on the checkout -> payments edge, error logs, audit', async () => {
    const since = Date.now();
    const before = await edgeSamples('payments');
    const base5xx = sumSamples(before, 'istio_requests_total', { ...edge('checkout', 'payments'), response_code: /^5/ });
    await t.sb.startScenario('error-spike');
    try {
      // Both reporters see the failures: payments' own (destination) and checkout's (source).
      // 40% of calls fail, so wait until the edge shows both failures and successes (with little
      // traffic the first few calls can all fail).
      const after = await until('5xx and 2xx on checkout->payments', async () => {
        const s = await edgeSamples('payments');
        const failed = sumSamples(s, 'istio_requests_total', { ...edge('checkout', 'payments'), response_code: '500' }) - base5xx;
        const succeeded = sumSamples(s, 'istio_requests_total', { ...edge('checkout', 'payments'), response_code: /^2/ });
        return failed >= 3 && succeeded > 0 ? s : undefined;
      }, 45_000, 500);
      const ok = sumSamples(after, 'istio_requests_total', { ...edge('checkout', 'payments'), response_code: /^2/ });
      expect(ok).toBeGreaterThan(0); // 40%, not 100%
      const src = await edgeSamples('checkout');
      expect(sumSamples(src, 'istio_requests_total', { ...edge('checkout', 'payments', 'source'), destination_service: 'payments.shop.svc.cluster.local', response_code: '500' })).toBeGreaterThan(0);
      // The RED metrics of payments itself: http requests by code.
      expect(after.some((x) => x.labels.code === '500' && x.value > 0)).toBe(true);

      // Error-level JSON log lines, with trace ids, in payments' pod logs.
      const lines = (await Promise.all((await servicePods(t.admin, 'shop', 'payments')).map((p) => podLogJson(t.admin, p, 'sinceSeconds=60')))).flat();
      const errors = lines.filter((l) => l.level === 'error' && l.status === 500);
      expect(errors.length).toBeGreaterThan(0);
      expect(errors[0].msg).toMatch(/provider returned 503/);
      expect(errors[0].trace_id).toMatch(/^[0-9a-f]{32}$/);
      expect(errors[0].route).toBe('/charge');

      // The callers report it as a failed call.
      const checkoutLines = (await Promise.all((await servicePods(t.admin, 'shop', 'checkout')).map((p) => podLogJson(t.admin, p, 'sinceSeconds=60')))).flat();
      expect(checkoutLines.some((l) => l.level === 'error' && /call to payments POST \/charge failed: status 500/.test(l.msg))).toBe(true);

      // The change is on record: the Deployment annotated by orrery-scenario.
      const dep = await t.admin.get('/apis/apps/v1/namespaces/shop/deployments/payments');
      expect(dep.metadata.annotations['sandbox.orrery.dev/fault']).toBe('error-rate=40%,code=500');
      expect((await scenarioPatches('deployments', 'payments', since, 1)).length).toBeGreaterThanOrEqual(1);
    } finally {
      await t.sb.stopScenario('error-spike');
    }
    const dep = await t.admin.get('/apis/apps/v1/namespaces/shop/deployments/payments');
    expect(dep.metadata.annotations?.['sandbox.orrery.dev/fault']).toBeUndefined();
    expect((await scenarioPatches('deployments', 'payments', since, 2)).length).toBeGreaterThanOrEqual(2);
  }, 45_000);

  it('edge-latency: the checkout -> payments histogram shifts past 900 ms, other edges do not', async () => {
    const since = Date.now();
    const slow = (s: ReturnType<typeof parseExposition>, src: string, dst: string) => {
      const m = { ...edge(src, dst) };
      const count = sumSamples(s, 'istio_request_duration_milliseconds_count', m);
      const under500 = sumSamples(s, 'istio_request_duration_milliseconds_bucket', { ...m, le: '500' });
      return { count, over500: count - under500 };
    };
    // Baseline through the services proxy (one pod of payments) and pods proxy (all of them).
    const svcMetrics = parseExposition(await t.admin.text('/api/v1/namespaces/shop/services/payments:http/proxy/metrics'));
    expect(svcMetrics.some((x) => x.name === 'istio_request_duration_milliseconds_bucket')).toBe(true);
    const before = slow(await edgeSamples('payments'), 'checkout', 'payments');
    expect(before.over500).toBe(0);
    const beforeInv = slow(await edgeSamples('inventory'), 'checkout', 'inventory');

    await t.sb.startScenario('edge-latency');
    try {
      const after = await until('slow checkout->payments requests', async () => {
        const s = slow(await edgeSamples('payments'), 'checkout', 'payments');
        return s.over500 - before.over500 >= 3 ? s : undefined;
      }, 30_000, 500);
      // Every request on the edge since the fault is slow: the >500 ms share of the new ones.
      const newOnes = after.count - before.count;
      expect((after.over500 - before.over500) / newOnes).toBeGreaterThan(0.5);
      // They land in the (500, 1000] bucket: 900 ms added to payments' own 20-60 ms.
      const s = await edgeSamples('payments');
      const le500 = sumSamples(s, 'istio_request_duration_milliseconds_bucket', { ...edge('checkout', 'payments'), le: '500' });
      const le1000 = sumSamples(s, 'istio_request_duration_milliseconds_bucket', { ...edge('checkout', 'payments'), le: '1000' });
      expect(le1000 - le500).toBeGreaterThanOrEqual(after.over500 - before.over500);
      // The caller's sidecar (reporter=source in checkout's pods) sees the same shift.
      const src = await edgeSamples('checkout');
      const srcCount = sumSamples(src, 'istio_request_duration_milliseconds_count', edge('checkout', 'payments', 'source'));
      const srcLe500 = sumSamples(src, 'istio_request_duration_milliseconds_bucket', { ...edge('checkout', 'payments', 'source'), le: '500' });
      expect(srcCount - srcLe500).toBeGreaterThan(0);
      // checkout -> inventory is unaffected.
      const inv = slow(await edgeSamples('inventory'), 'checkout', 'inventory');
      expect(inv.count).toBeGreaterThan(beforeInv.count);
      expect(inv.over500).toBe(beforeInv.over500);

      // checkout logs its requests as slow (SLOW_REQUEST_MS=500) with the duration.
      const lines = (await Promise.all((await servicePods(t.admin, 'shop', 'checkout')).map((p) => podLogJson(t.admin, p, 'sinceSeconds=60')))).flat();
      const slowLines = lines.filter((l) => l.level === 'warn' && l.msg === 'slow request' && l.route === '/checkout');
      expect(slowLines.length).toBeGreaterThan(0);
      expect(slowLines[0].duration_ms).toBeGreaterThan(900);

      const dep = await t.admin.get('/apis/apps/v1/namespaces/shop/deployments/payments');
      expect(dep.metadata.annotations['sandbox.orrery.dev/fault']).toBe('latency-from=checkout:900ms');
      expect((await scenarioPatches('deployments', 'payments', since, 1)).length).toBeGreaterThanOrEqual(1);
    } finally {
      await t.sb.stopScenario('edge-latency');
    }
  }, 45_000);

  it('config-break: cart-config CACHE_TTL=abc, cart rolled, 500s on cart and errors logged, Events and audit', async () => {
    const since = Date.now();
    const oldPods = (await servicePods(t.admin, 'shop', 'cart')).map((p) => p.metadata.name);
    const base = sumSamples(await edgeSamples('cart'), 'istio_requests_total', { destination_workload: 'cart', reporter: 'destination', response_code: '500' });
    await t.sb.startScenario('config-break');
    try {
      const cm = await t.admin.get('/api/v1/namespaces/shop/configmaps/cart-config');
      expect(cm.data.CACHE_TTL).toBe('abc');
      // The restart rolls cart: new pods (not the old ones), Ready, reading the bad value.
      const fresh = await until('cart rolled', async () => {
        const ps = await servicePods(t.admin, 'shop', 'cart');
        return ps.length === 2 && ps.every((p) => !oldPods.includes(p.metadata.name) && p.status.containerStatuses?.[0]?.ready) ? ps : undefined;
      }, 40_000, 500);
      const s = await until('cart 500s', async () => {
        const x = await scrapePods(t.admin, fresh);
        return sumSamples(x, 'istio_requests_total', { destination_workload: 'cart', reporter: 'destination', response_code: '500' }) >= 2 ? x : undefined;
      }, 20_000, 500);
      expect(sumSamples(s, 'istio_requests_total', { source_workload: 'frontend', destination_workload: 'cart', reporter: 'destination', response_code: '500' })).toBeGreaterThan(0);
      expect(base).toBe(0);
      // The gateway answers users with 502 for the cart routes.
      const gw = await edgeSamples('gateway', 'edge');
      expect(sumSamples(gw, 'istio_requests_total', { source_workload: 'gateway', destination_workload: 'frontend', reporter: 'source', response_code: /^5/ })).toBeGreaterThan(0);

      // Logs: the bad value at start (error), then an error line per failing request.
      const lines = (await Promise.all(fresh.map((p) => podLogJson(t.admin, p)))).flat();
      const errs = lines.filter((l) => l.level === 'error');
      expect(errs.some((l) => /CACHE_TTL/.test(JSON.stringify(l)) && l.status === undefined)).toBe(true);
      expect(errs.some((l) => l.status === 500 && /invalid configuration: CACHE_TTL="abc"/.test(l.msg))).toBe(true);

      // Events: the rollout the restart caused.
      const ev = (await t.admin.get('/api/v1/namespaces/shop/events?fieldSelector=involvedObject.name%3Dcart')).items;
      expect(ev.some((e: any) => e.reason === 'ScalingReplicaSet' && /Scaled up replica set cart-/.test(e.message) && Date.parse(e.lastTimestamp ?? e.eventTime) >= since - 1000)).toBe(true);
      const podEv = (await t.admin.get(`/api/v1/namespaces/shop/events?fieldSelector=involvedObject.name%3D${fresh[0].metadata.name}`)).items;
      expect(podEv.map((e: any) => e.reason)).toEqual(expect.arrayContaining(['Scheduled', 'Started']));

      // Audit: the ConfigMap and the Deployment patched by orrery-scenario.
      expect((await scenarioPatches('configmaps', 'cart-config', since, 1)).length).toBe(1);
      expect((await scenarioPatches('deployments', 'cart', since, 1)).length).toBe(1);
    } finally {
      await t.sb.stopScenario('config-break');
    }
    expect((await t.admin.get('/api/v1/namespaces/shop/configmaps/cart-config')).data.CACHE_TTL).toBe('30m');
    expect((await scenarioPatches('configmaps', 'cart-config', since, 2)).length).toBe(2);
  }, 60_000);
});
