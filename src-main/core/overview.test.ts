// The overview against the sandbox API server: counts by health, not-ready pods, recent
// restarts, warnings, and usage from metrics.k8s.io against allocatable.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterOverview } from '../contract/types';
import { startFakeRuntime, type FakeRuntime } from '../sandbox/apiserver/testkit';
import { useBackendOnSandbox } from './testing';

let rt: FakeRuntime;
beforeAll(async () => {
  rt = await startFakeRuntime();
});
afterAll(async () => {
  await rt.close();
});
const env = useBackendOnSandbox(() => ({
  server: { logs: rt.logs, proxy: rt.proxy, metrics: rt.metrics },
  seed: ({ server }) => {
    const recently = new Date(Date.now() - 5 * 60_000).toISOString();
    server.store.create('pods', {
      metadata: { name: 'cart-crashing', namespace: 'shop' },
      spec: { nodeName: 'sandbox-node-1', containers: [{ name: 'cart', image: 'orrery/service:1.0' }] },
      status: {
        phase: 'Running',
        containerStatuses: [{ name: 'cart', image: 'orrery/service:1.0', imageID: '', ready: false, restartCount: 4, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: recently } } }],
      },
    } as never);
    server.store.create('events', {
      metadata: { name: 'cart-crashing.1', namespace: 'shop' },
      involvedObject: { kind: 'Pod', name: 'cart-crashing', namespace: 'shop' },
      type: 'Warning', reason: 'BackOff', message: 'Back-off restarting failed container cart', count: 7, lastTimestamp: recently, firstTimestamp: recently,
    } as never);
  },
}));

describe('cluster.overview', () => {
  it('summarizes nodes, workloads and pods by health, restarts, warnings and usage', async () => {
    let latest: ClusterOverview | undefined;
    const cancel = env.client.subscribe('cluster.overview', { context: 'orrery-sandbox' }, { onData: (items) => (latest = items.at(-1)) });
    await expect.poll(() => latest?.loading.length === 0 && latest.usage !== undefined, { timeout: 10_000 }).toBe(true);
    const o = latest!;
    expect(o.nodes).toEqual({ total: 1, ready: 1 });
    expect(o.namespaces).toBeGreaterThanOrEqual(5);
    expect(o.workloads.find((w) => w.kindId === 'deployments')?.counts).toEqual({ ok: 1, degraded: 0, failing: 0, unknown: 0 });
    expect(o.pods).toMatchObject({ total: 2, ok: 1, failing: 1 });
    expect(o.notReady.map((p) => [p.name, p.health?.reason])).toEqual([['cart-crashing', 'CrashLoopBackOff']]);
    expect(o.recentRestarts).toEqual([expect.objectContaining({ name: 'cart-crashing', container: 'cart', restarts: 4, reason: 'Error' })]);
    expect(o.warnings).toEqual([expect.objectContaining({ reason: 'BackOff', object: 'pod/cart-crashing', count: 7 })]);
    // The fake metrics provider reports 0.75 cores and 3 GiB on the one node (4 cores, 8 GiB allocatable).
    expect(o.usage).toMatchObject({ cpuCores: 0.75, cpuAllocatable: 4, memoryBytes: 3 * 1024 ** 3, memoryAllocatable: 8 * 1024 ** 3 });
    cancel();
  });

  it('scopes to one namespace, with pod usage from metrics.k8s.io', async () => {
    let latest: ClusterOverview | undefined;
    const cancel = env.client.subscribe('cluster.overview', { context: 'orrery-sandbox', namespace: 'default' }, { onData: (items) => (latest = items.at(-1)) });
    await expect.poll(() => latest?.loading.length === 0 && latest.usage !== undefined, { timeout: 10_000 }).toBe(true);
    expect(latest!.pods.total).toBe(0);
    expect(latest!.warnings).toEqual([]);
    cancel();
  });
});
