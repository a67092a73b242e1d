// A cluster with more pods than allPodsUpTo: usage is polled for the nodes always, but for the
// pods of the namespaces views look at only (here the limit is 1 pod, so the test sandbox's two
// namespaces with pods count as "large").
import { describe, expect, it } from 'vitest';
import type { UsageFrame } from '../../../contract/metrics-types';
import type { MetricsProvider } from '../../../sandbox/apiserver/providers';
import { WEB_POD } from '../../../sandbox/apiserver/testkit';
import { useBackendOnSandbox } from '../../testing';

const OTHER_POD = 'batch-worker';
const provider: MetricsProvider = {
  windowSeconds: 1,
  podUsage: (_ns, name) => (name === WEB_POD || name === OTHER_POD ? [{ name: 'main', cpuNanoCores: 20e6, memoryBytes: 32 * 2 ** 20 }] : undefined),
  nodeUsage: () => ({ cpuNanoCores: 500_000_000, memoryBytes: 2 * 2 ** 30 }),
};

const env = useBackendOnSandbox({
  server: { metrics: provider },
  backend: { metrics: { resource: { allPodsUpTo: 1, store: { resolutionS: 1, retentionS: 120 }, poller: { minResolutionS: 1, minIntervalMs: 300, backoffMinMs: 300 } } } },
  seed: ({ server }) => {
    server.store.create('namespaces', { metadata: { name: 'batch' } } as never);
    server.store.create('pods', { metadata: { name: OTHER_POD, namespace: 'batch' }, spec: { nodeName: 'sandbox-node-1', containers: [{ name: 'main', image: 'worker' }] }, status: { phase: 'Running' } } as never);
  },
});

const CTX = 'orrery-sandbox';
const history = async (target: object) => (await env.client.call('metrics.usageHistory', { context: CTX, targets: [target as never] }))[0]!;

describe('usage polling of a large cluster', () => {
  it('keeps node history always, and pod history only for the namespaces in view', async () => {
    // Nothing in view: the nodes are polled, no pod is, and the status says why.
    await expect.poll(async () => (await history({ kind: 'node', name: 'sandbox-node-1' })).points.t.length, { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
    const idle = await history({ kind: 'pod', namespace: 'shop', name: WEB_POD });
    expect(idle.points.t).toHaveLength(0);
    expect(idle.status.message).toMatch(/^2 pods: more than 1, so pod usage history is kept only for the namespaces in view; now no namespace \(none is in view\)/);

    // A view of a pod in shop: shop's pods are polled from then on, batch's are not.
    const frames: UsageFrame[] = [];
    const cancel = env.client.subscribe('metrics.usage', { context: CTX, target: { kind: 'pod', namespace: 'shop', name: WEB_POD } }, { onData: (items) => frames.push(...items) });
    await expect.poll(() => frames.filter((f) => f.type === 'point').length, { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
    const last = frames.filter((f) => f.type === 'point').at(-1) as Extract<UsageFrame, { type: 'point' }>;
    expect(last.cpu).toBeCloseTo(0.02); // stored as float32
    expect(last.memory).toBe(32 * 2 ** 20);
    const ns = await history({ kind: 'namespace', name: 'shop' });
    expect(ns.points.cpu.at(-1)).toBeCloseTo(0.02);
    expect(ns.status.message).toMatch(/now namespace shop$/);
    expect((await history({ kind: 'pod', namespace: 'batch', name: OTHER_POD })).points.t).toHaveLength(0);
    cancel();
  });
});
