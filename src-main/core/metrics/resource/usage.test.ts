// Resource usage end to end: the sandbox API server serves metrics.k8s.io (1 s window here, so
// the test runs in seconds), the backend polls it, keeps history, sums namespaces, workloads and
// the cluster, and streams it over the contract with requests/limits/allocatable from the cache.
import { describe, expect, it } from 'vitest';
import type { UsageFrame, UsageHistory } from '../../../contract/metrics-types';
import type { MetricsProvider } from '../../../sandbox/apiserver/providers';
import { WEB_POD } from '../../../sandbox/apiserver/testkit';
import { useBackendOnSandbox } from '../../testing';

const EXTRA_POD = 'web-7d4b9c8f6-b8mzq';
const started = Date.now();
/** Usage that changes with time, so successive points differ. */
const tick = () => Math.floor((Date.now() - started) / 1000);
const provider: MetricsProvider = {
  windowSeconds: 1,
  podUsage: (_ns, name) =>
    name === WEB_POD
      ? [{ name: 'web', cpuNanoCores: (10 + tick()) * 1e6, memoryBytes: 48 * 2 ** 20 }]
      : name === EXTRA_POD
        ? [
            { name: 'web', cpuNanoCores: 5e6, memoryBytes: 16 * 2 ** 20 },
            { name: 'sidecar', cpuNanoCores: 1e6, memoryBytes: 8 * 2 ** 20 },
          ]
        : undefined,
  nodeUsage: () => ({ cpuNanoCores: 750_000_000, memoryBytes: 3 * 2 ** 30 }),
};

const env = useBackendOnSandbox({
  server: { metrics: provider, users: [{ name: 'admin', groups: ['system:masters'] }, { name: 'viewer' }, { name: 'nometrics' }] },
  backend: { metrics: { resource: { store: { resolutionS: 1, retentionS: 120 }, poller: { minResolutionS: 1, minIntervalMs: 300, backoffMinMs: 300 } } } },
  seed: ({ server }) => {
    const store = server.store;
    const rs = store.get('replicasets', 'shop', 'web-7d4b9c8f6')!;
    store.create('pods', {
      metadata: { name: EXTRA_POD, namespace: 'shop', labels: { app: 'web', 'pod-template-hash': '7d4b9c8f6' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7d4b9c8f6', uid: rs.metadata.uid, controller: true }] },
      spec: {
        nodeName: 'sandbox-node-1',
        containers: [
          { name: 'web', image: 'orrery/service:web', resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } } },
          { name: 'sidecar', image: 'envoy', resources: { requests: { cpu: '50m', memory: '32Mi' }, limits: { cpu: '100m', memory: '64Mi' } } },
        ],
      },
      status: { phase: 'Running' },
    } as never);
    // No metrics.k8s.io cluster-wide for "nometrics"; `view` in namespace shop only.
    store.delete('clusterrolebindings', undefined, 'nometrics-view');
    store.create('rolebindings', { metadata: { name: 'nometrics-view', namespace: 'shop' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'nometrics' }] } as never);
  },
});

function open(context: string, target: object) {
  const frames: UsageFrame[] = [];
  const cancel = env.client.subscribe('metrics.usage', { context, target } as never, { onData: (items) => frames.push(...items) });
  return { frames, cancel, points: () => frames.filter((f) => f.type === 'point') };
}

describe('metrics.usage', () => {
  it('streams a pod\'s history, then a point per sample, with its containers, requests and limits', async () => {
    const s = open('orrery-sandbox', { kind: 'pod', namespace: 'shop', name: EXTRA_POD });
    await expect.poll(() => s.points().length, { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
    const history = s.frames.find((f) => f.type === 'history')!;
    expect(history).toMatchObject({ target: { kind: 'pod', name: EXTRA_POD } });
    // Requests and limits come from the watch cache (which may not have synced when the first
    // frame went out: then a spec frame follows).
    const spec = [...s.frames].reverse().find((f) => f.type === 'spec')?.spec ?? history.spec;
    expect(spec.requests.cpu).toBeCloseTo(0.15);
    expect(spec.requests.memory).toBe(96 * 2 ** 20);
    expect(spec.limits).toEqual({ cpu: 0.6, memory: 192 * 2 ** 20 });
    const p = s.points().at(-1)!;
    expect(p.cpu).toBeCloseTo(0.006);
    expect(p.memory).toBe(24 * 2 ** 20);
    expect(p.containers).toEqual([
      { name: 'web', cpu: 0.005, memory: 16 * 2 ** 20 },
      { name: 'sidecar', cpu: 0.001, memory: 8 * 2 ** 20 },
    ]);
    const ts = s.points().map((x) => x.t);
    expect(ts[1]! - ts[0]!).toBeGreaterThanOrEqual(900); // one point per 1 s sample, not faster
    s.cancel();
    // The history now has those points too.
    const [again] = await env.client.call('metrics.usageHistory', { context: 'orrery-sandbox', targets: [{ kind: 'pod', namespace: 'shop', name: EXTRA_POD }] });
    expect(again!.points.t.length).toBeGreaterThanOrEqual(2);
    expect(again!.status).toMatchObject({ state: 'ok', resolutionS: 1 });
    expect(again!.status.retentionS).toBeGreaterThanOrEqual(120);
  });

  it('sums namespaces and workloads as samples arrive; nodes and the cluster come with allocatable', async () => {
    const ctx = 'orrery-sandbox';
    const targets = [
      { kind: 'namespace', name: 'shop' },
      { kind: 'workload', workloadKind: 'deployments', namespace: 'shop', name: 'web' },
      { kind: 'node', name: 'sandbox-node-1' },
      { kind: 'cluster' },
      { kind: 'pod', namespace: 'shop', name: WEB_POD },
    ] as const;
    let hs: UsageHistory[] = [];
    await expect
      .poll(async () => {
        hs = await env.client.call('metrics.usageHistory', { context: ctx, targets: [...targets] });
        return hs.every((h) => h.points.t.length >= 2);
      }, { timeout: 15_000 })
      .toBe(true);
    const [ns, workload, node, cluster, web] = hs as [UsageHistory, UsageHistory, UsageHistory, UsageHistory, UsageHistory];
    // At each instant, the namespace and the deployment are the two pods' sum.
    const at = (h: UsageHistory, t: number) => h.points.cpu[h.points.t.indexOf(t)];
    for (const t of web.points.t.slice(-2)) {
      expect(at(ns, t)).toBeCloseTo(at(web, t)! + 0.006, 6);
      expect(at(workload, t)).toBeCloseTo(at(web, t)! + 0.006, 6);
    }
    // The web pod's CPU rises by 1m a second: consecutive points differ.
    expect(new Set(web.points.cpu).size).toBeGreaterThan(1);
    expect(node.points.cpu.at(-1)).toBeCloseTo(0.75);
    expect(node.spec.allocatable).toEqual({ cpu: 4, memory: 8 * 2 ** 30 });
    expect(node.spec.pods).toBe(2);
    expect(cluster.points.memory.at(-1)).toBe(3 * 2 ** 30);
    expect(cluster.spec.allocatable).toEqual({ cpu: 4, memory: 8 * 2 ** 30 });
    // The first pod has no requests: the namespace's request is the other pod's.
    expect(ns.spec.requests.cpu).toBeCloseTo(0.15);
    // ...and no limits: so nothing bounds the namespace.
    expect(ns.spec.limits).toEqual({});
  });

  it('explains 403 with the permission, and polls the namespaces it may instead', async () => {
    const ctx = 'orrery-sandbox-nometrics';
    // Not allowed cluster-wide, nor in its default namespace: forbidden, naming verb and resource.
    const cluster = open(ctx, { kind: 'cluster' });
    await expect.poll(() => cluster.frames.some((f) => f.type === 'status' && f.status.state === 'forbidden'), { timeout: 15_000 }).toBe(true);
    const forbidden = cluster.frames.find((f) => f.type === 'status' && f.status.state === 'forbidden');
    expect(forbidden).toMatchObject({ status: { verb: 'list', resource: 'pods.metrics.k8s.io', message: expect.stringMatching(/Not allowed to list pods.metrics.k8s.io in namespace "default": ask for RBAC "list" on "pods" in API group "metrics.k8s.io"/) } });
    // A pod in a namespace it may read: that namespace is polled.
    const s = open(ctx, { kind: 'pod', namespace: 'shop', name: EXTRA_POD });
    await expect.poll(() => s.points().length, { timeout: 15_000 }).toBeGreaterThanOrEqual(1);
    const [h] = await env.client.call('metrics.usageHistory', { context: ctx, targets: [{ kind: 'node', name: 'sandbox-node-1' }] });
    expect(h!.status.state).toBe('ok');
    expect(h!.status.message).toMatch(/listing pods.metrics.k8s.io cluster-wide is forbidden; only namespaces shop are polled \(also forbidden in default\)/);
    expect(h!.status.message).toMatch(/node usage: Not allowed to list nodes.metrics.k8s.io cluster-wide: ask for RBAC "list" on "nodes" in API group "metrics.k8s.io"/);
    s.cancel();
    cluster.cancel();
  });
});
