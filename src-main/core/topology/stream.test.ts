// topology.graph end to end, in process: contract client -> backend -> watch cache -> the
// sandbox API server over HTTPS (metadata-only lists for ConfigMaps, Secrets, ServiceAccounts;
// slim pods that keep their references), then live deltas as the cluster changes.
import { describe, expect, it } from 'vitest';
import { applyTopologyFrame, emptyTopology, type TopologyState } from '../../contract/topology-apply';
import type { ClientError } from '../../contract/client';
import { useBackendOnSandbox } from '../testing';

const env = useBackendOnSandbox({
  // seedShop brings Deployment web (with its ReplicaSet and pod), Service web, ConfigMap web-config.
  seed: ({ server }) => {
    const s = server.store;
    s.create('secrets', { metadata: { name: 'web-tls', namespace: 'shop' }, data: { 'tls.key': Buffer.from('secret').toString('base64') } } as never);
    s.create('ingresses', { metadata: { name: 'web', namespace: 'shop' }, spec: { rules: [{ host: 'shop.example', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }] } } as never);
    s.create('pods', {
      metadata: { name: 'tool', namespace: 'shop', labels: { app: 'tool' } },
      spec: { containers: [{ name: 'c', image: 'x', envFrom: [{ configMapRef: { name: 'web-config' } }] }], volumes: [{ name: 'tls', secret: { secretName: 'web-tls' } }] },
    } as never);
  },
});

function open(input: Omit<Parameters<typeof env.client.subscribe<'topology.graph'>>[1], 'context'>) {
  const view = { graph: emptyTopology() as TopologyState, frames: 0, error: undefined as ClientError | undefined };
  const cancel = env.client.subscribe('topology.graph', { context: 'orrery-sandbox', ...input }, {
    onData: (frames) => {
      for (const f of frames) {
        view.graph = applyTopologyFrame(view.graph, f);
        view.frames++;
      }
    },
    onError: (e) => (view.error = e),
  });
  return { view, cancel };
}

describe('topology.graph', () => {
  it('streams the grouped graph of a namespace, then deltas as objects change', async () => {
    const { view, cancel } = open({ namespaces: ['shop'] });
    await expect.poll(() => view.graph.version, { timeout: 15_000 }).toBe(1);
    const g = view.graph;
    expect(g.loading).toEqual([]);
    expect(g.problems).toEqual([]);
    expect(g.nodes.get('Deployment/shop/web')).toMatchObject({ kind: 'Deployment', kindId: 'deployments', health: { level: 'ok' }, expandable: true });
    // Grouped: the Deployment's ReplicaSet and pod are folded into it.
    expect([...g.nodes.values()].filter((n) => n.kind === 'Pod' || n.kind === 'ReplicaSet')).toEqual([]);
    expect(g.nodes.get('Deployment/shop/web')?.pods).toEqual({ ok: 1, degraded: 0, failing: 0, unknown: 0 });
    expect([...g.edges.keys()].sort()).toEqual(
      expect.arrayContaining([
        'Ingress/shop/web|routes|Service/shop/web',
        'Service/shop/web|selects|Deployment/shop/web',
        'PodGroup/shop/tool|uses|ConfigMap/shop/web-config',
        'PodGroup/shop/tool|uses|Secret/shop/web-tls',
      ]),
    );
    // Secrets are read as metadata only: the graph knows the name, the backend never holds the value.
    expect(g.nodes.get('Secret/shop/web-tls')?.health).toBeUndefined();
    // Found in the cache (a missing one would say so).
    expect(g.nodes.get('ConfigMap/shop/web-config')?.health).toBeUndefined();

    // A new Service selecting nothing, then its removal, arrive as deltas of the same graph.
    env.h.server.store.create('services', { metadata: { name: 'orphan', namespace: 'shop' }, spec: { selector: { app: 'none' }, ports: [{ port: 80 }] } } as never);
    await expect.poll(() => view.graph.nodes.get('Service/shop/orphan')?.health?.reason, { timeout: 10_000 }).toBe('Selects no pods');
    expect(view.graph.version).toBeGreaterThan(1);
    env.h.server.store.delete('services', 'shop', 'orphan');
    await expect.poll(() => view.graph.nodes.has('Service/shop/orphan'), { timeout: 10_000 }).toBe(false);
    expect(view.error).toBeUndefined();
    cancel();
  });

  it('expands a workload, focuses on an object, filters by kind and health', async () => {
    const expanded = open({ namespaces: ['shop'], expand: ['Deployment/shop/web'] });
    await expect.poll(() => expanded.view.graph.version, { timeout: 15_000 }).toBe(1);
    const pods = [...expanded.view.graph.nodes.values()].filter((n) => n.kind === 'Pod' && n.parent === 'Deployment/shop/web');
    expect(pods.length).toBeGreaterThan(0);
    expect([...expanded.view.graph.nodes.values()].some((n) => n.kind === 'ReplicaSet' && n.parent === 'Deployment/shop/web')).toBe(true);
    expanded.cancel();

    const focused = open({ focus: { kind: 'Ingress', namespace: 'shop', name: 'web', depth: 1 } });
    await expect.poll(() => focused.view.graph.version, { timeout: 15_000 }).toBe(1);
    expect([...focused.view.graph.nodes.keys()].sort()).toEqual(['Ingress/shop/web', 'Service/shop/web']);
    focused.cancel();

    const healthy = open({ namespaces: ['shop'], kinds: ['Deployment', 'Service'], health: ['ok'] });
    await expect.poll(() => healthy.view.graph.version, { timeout: 15_000 }).toBe(1);
    expect([...healthy.view.graph.nodes.values()].every((n) => n.kind === 'Deployment' || n.kind === 'Service')).toBe(true);
    healthy.cancel();
  });

  it('rejects a bad input with the field named', async () => {
    await expect(
      new Promise((resolve, reject) => env.client.subscribe('topology.graph', { context: 'orrery-sandbox', kinds: ['Widget' as never] }, { onData: resolve, onError: reject })),
    ).rejects.toMatchObject({ code: 'BAD_INPUT', message: expect.stringContaining('kinds') });
  });
});
