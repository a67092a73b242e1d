// The service graph on the whole sandbox with its real Prometheus (reached through the API
// server's services/proxy, found by discovery): the constellation's call graph and nothing else,
// then the error-spike scenario turning exactly the affected edges red.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceGraph } from '../../../contract/servicegraph-types';
import { until, startTestSandbox, type TestSandbox } from '../../../sandbox/test-helpers';
import { CONSTELLATION, ENTRY_ROUTES, edgesReachedFrom } from '../../../sandbox/workloads/constellation';
import { findPrometheusBinary } from '../../../sandbox/workloads/prometheus';
import { connectBackend } from '../../testing';

const bin = findPrometheusBinary();
if (!bin) console.warn('SKIP sandbox.test.ts: no prometheus binary');
const CTX = 'orrery-sandbox';
const nsOf = (service: string) => CONSTELLATION.find((s) => s.name === service)!.namespace;
/** Every edge the load generator exercises, as workload ids, and the load generator itself
 *  (outside the mesh: Istio's "unknown") calling the gateway. */
const EXPECTED = [...edgesReachedFrom(ENTRY_ROUTES).map((e) => `${nsOf(e.from)}/${e.from}>${nsOf(e.to)}/${e.to}`), 'unknown>edge/gateway'].sort();

describe.skipIf(!bin)('service graph on the sandbox', () => {
  let ts: TestSandbox;
  let conn: ReturnType<typeof connectBackend>;
  beforeAll(async () => {
    // 12 requests/s into the gateway (the default is 3): checkout then gets one a second, so a 40%
    // error rate shows within seconds instead of depending on the luck of a few requests.
    ts = await startTestSandbox({ prometheus: 'auto', rps: 12 });
    conn = connectBackend([ts.kubeconfig]);
  }, 120_000);
  afterAll(async () => {
    conn?.stop();
    await ts?.sb.stop();
  });
  const graph = (window: '30s' | '1m' = '1m') => conn.client.call('servicegraph.graph', { context: CTX, window });
  const failing = <T extends { id: string; health?: { level: string } }>(xs: T[]) => xs.filter((x) => x.health?.level === 'failing').map((x) => x.id).sort();

  it('shows exactly the constellation’s call graph, from Istio metrics', { timeout: 120_000 }, async () => {
    const g = await until(
      'every edge of the call graph',
      async () => {
        const g = await graph();
        const ids = new Set(g.edges.map((e) => e.id));
        // Latency needs two scrapes of the histogram in the window.
        return EXPECTED.every((id) => ids.has(id)) && g.edges.find((e) => e.id === 'edge/gateway>edge/frontend')?.p95Ms !== undefined && g;
      },
      90_000,
      2000,
    );
    expect(g.source).toBe('istio');
    expect(g.prometheus).toContain('monitoring');
    expect(g.edges.map((e) => e.id).sort()).toEqual(EXPECTED);
    // Every constellation workload is a node with traffic and its Deployment behind it.
    for (const s of CONSTELLATION) expect(g.nodes.find((n) => n.id === `${s.namespace}/${s.name}`)).toMatchObject({ traffic: true, object: { kindId: 'deployments', name: s.name } });
    expect(g.edges.find((e) => e.id === 'edge/gateway>edge/frontend')!.p95Ms).toBeGreaterThan(0);
  });

  it('error-spike turns exactly the affected edges and nodes red within 30 s, payments marked as the origin', { timeout: 120_000 }, async () => {
    // Steady state first: the window full of pre-fault traffic.
    const before = await until('a steady graph', async () => {
      const g = await graph('30s');
      return g.edges.length === EXPECTED.length && g;
    }, 60_000, 2000);
    const failingBefore = { edges: failing(before.edges), nodes: failing(before.nodes) };
    const affected = ['edge/frontend>shop/checkout', 'shop/checkout>shop/payments'];
    expect(failingBefore.edges.filter((id) => affected.includes(id))).toEqual([]);

    const t0 = Date.now();
    await ts.sb.startScenario('error-spike');
    let after: ServiceGraph | undefined;
    try {
      after = await until('the affected edges to turn red', async () => {
        const g = await graph('30s');
        return affected.every((id) => g.edges.find((e) => e.id === id)?.health.level === 'failing') && g;
      }, 30_000, 1000);
      const seconds = (Date.now() - t0) / 1000;
      console.log(`error-spike: affected edges red after ${seconds.toFixed(1)} s; before: ${JSON.stringify(failingBefore)}`);
      const newEdges = failing(after.edges).filter((id) => !failingBefore.edges.includes(id));
      const newNodes = failing(after.nodes).filter((id) => !failingBefore.nodes.includes(id));
      expect(newEdges).toEqual(affected);
      // payments fails by itself; checkout answers 500 because its calls to payments fail.
      expect(newNodes).toEqual(['shop/checkout', 'shop/payments']);
      expect(after.nodes.filter((n) => n.origin).map((n) => n.id)).toEqual(['shop/payments']);
      // Upstream the errors are diluted by the other routes: degraded, not failing.
      expect(after.edges.find((e) => e.id === 'edge/gateway>edge/frontend')?.health.level).not.toBe('failing');
    } finally {
      await ts.sb.stopScenario('error-spike');
    }
  });
});
