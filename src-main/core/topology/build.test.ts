import { describe, expect, it } from 'vitest';
import type { TopologyKind } from '../../contract/topology-types';
import { ObjectStore } from '../kube/cache/store';
import type { KubeObject } from '../kube/cache/types';
import { storeOptionsFor } from '../kube/clusters';
import { buildTopology, TOPOLOGY_SOURCES, type TopologySourceKind, type TopologyStores } from './build';
import { GraphVersions } from './diff';
import { viewOf } from './filter';

let uid = 0;
const obj = (kind: string, ns: string | undefined, name: string, rest: Record<string, unknown> = {}, meta: Record<string, unknown> = {}): KubeObject => ({
  kind,
  metadata: { name, ...(ns ? { namespace: ns } : {}), uid: `uid-${++uid}`, resourceVersion: '1', ...meta },
  ...rest,
});
const owned = (owner: KubeObject) => ({ ownerReferences: [{ uid: owner.metadata.uid!, kind: owner.kind, name: owner.metadata.name, controller: true }] });
const ready = { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [{ name: 'c', ready: true, restartCount: 0, state: { running: {} } }] };
const crashing = { phase: 'Running', containerStatuses: [{ name: 'c', ready: false, restartCount: 5, state: { waiting: { reason: 'CrashLoopBackOff' } } }] };

function storesOf(objects: KubeObject[]): TopologyStores {
  const stores: TopologyStores = {};
  const byKind = Object.fromEntries(Object.entries(TOPOLOGY_SOURCES).map(([id, kind]) => [kind, id])) as Record<string, TopologySourceKind>;
  for (const id of Object.keys(TOPOLOGY_SOURCES) as TopologySourceKind[]) stores[id] = new ObjectStore({ ...storeOptionsFor(id), schedule: () => {} });
  for (const o of objects) stores[byKind[o.kind!]!]!.apply('ADDED', structuredClone(o));
  return stores;
}

/** The shop: a Deployment with two pods (one crashing) behind a Service and an Ingress, its
 *  config, secret, claim, account, policy and autoscaler; a CronJob's Job; two bare pods. */
function shop() {
  const dep = obj('Deployment', 'shop', 'cart', { spec: { replicas: 2, selector: { matchLabels: { app: 'cart' } } }, status: { availableReplicas: 1, updatedReplicas: 2 } });
  const rs = obj('ReplicaSet', 'shop', 'cart-7d9f', { spec: { replicas: 2 }, status: { readyReplicas: 1 } }, owned(dep));
  const oldRs = obj('ReplicaSet', 'shop', 'cart-5c4b', { spec: { replicas: 0 } }, owned(dep));
  const podSpec = {
    nodeName: 'node-1',
    serviceAccountName: 'cart',
    volumes: [
      { name: 'data', persistentVolumeClaim: { claimName: 'cart-data' } },
      { name: 'cfg', configMap: { name: 'cart-files' } },
      // The automatic API-access volume (as slimmed): the CA bundle is no edge.
      { name: 'kube-api-access-x7k2p', projected: { sources: [{ configMap: { name: 'kube-root-ca.crt' } }] } },
    ],
    containers: [{ name: 'c', envFrom: [{ configMapRef: { name: 'cart-config' } }], env: [{ name: 'PW', valueFrom: { secretKeyRef: { name: 'cart-db' } } }] }],
  };
  const p1 = obj('Pod', 'shop', 'cart-7d9f-a', { spec: podSpec, status: ready }, { labels: { app: 'cart', tier: 'be' }, ...owned(rs) });
  const p2 = obj('Pod', 'shop', 'cart-7d9f-b', { spec: { ...podSpec, nodeName: 'node-2' }, status: crashing }, { labels: { app: 'cart', tier: 'be' }, ...owned(rs) });
  const svc = obj('Service', 'shop', 'cart', { spec: { selector: { app: 'cart' } } });
  const lonely = obj('Service', 'shop', 'nobody', { spec: { selector: { app: 'ghost' } } });
  const ing = obj('Ingress', 'shop', 'web', { spec: { rules: [{ http: { paths: [{ backend: { service: { name: 'cart' } } }, { backend: { service: { name: 'gone' } } }] } }] } });
  const np = obj('NetworkPolicy', 'shop', 'be-only', { spec: { podSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['be'] }] } } });
  const hpa = obj('HorizontalPodAutoscaler', 'shop', 'cart', { spec: { scaleTargetRef: { kind: 'Deployment', name: 'cart' } } });
  const cm = obj('ConfigMap', 'shop', 'cart-config');
  const sec = obj('Secret', 'shop', 'cart-db');
  const pvc = obj('PersistentVolumeClaim', 'shop', 'cart-data', { status: { phase: 'Bound' } });
  const spare = obj('PersistentVolumeClaim', 'shop', 'spare', { status: { phase: 'Pending' } });
  const sa = obj('ServiceAccount', 'shop', 'cart');
  const n1 = obj('Node', undefined, 'node-1', { status: { conditions: [{ type: 'Ready', status: 'True' }] } });
  const n2 = obj('Node', undefined, 'node-2', { status: { conditions: [{ type: 'Ready', status: 'False', reason: 'KubeletDown' }] } });
  const cron = obj('CronJob', 'shop', 'nightly', { spec: { schedule: '0 3 * * *' } });
  const job = obj('Job', 'shop', 'nightly-1', { status: { conditions: [{ type: 'Complete', status: 'True' }] } }, owned(cron));
  const jobPod = obj('Pod', 'shop', 'nightly-1-x', { spec: {}, status: { phase: 'Succeeded' } }, owned(job));
  const bare1 = obj('Pod', 'shop', 'debug-1', { spec: {}, status: ready }, { labels: { app: 'debug' } });
  const bare2 = obj('Pod', 'shop', 'debug-2', { spec: {}, status: ready }, { labels: { app: 'debug' } });
  const unlabelled = obj('Pod', 'shop', 'scratch', { spec: {}, status: ready });
  const other = obj('Pod', 'other', 'elsewhere', { spec: {}, status: ready }, { labels: { app: 'cart' } });
  return storesOf([dep, rs, oldRs, p1, p2, svc, lonely, ing, np, hpa, cm, sec, pvc, spare, sa, n1, n2, cron, job, jobPod, bare1, bare2, unlabelled, other]);
}

const ids = (m: Map<string, unknown> | string[]) => [...(Array.isArray(m) ? m : m.keys())].sort();
const edgeIds = (g: { edges: Map<string, { id: string }> | Array<{ id: string }> }) => (Array.isArray(g.edges) ? g.edges.map((e) => e.id) : [...g.edges.keys()]).sort();

describe('buildTopology', () => {
  it('folds ReplicaSets and Pods into their workload and draws every relation once, counting pods', () => {
    const g = buildTopology(shop(), { namespaces: ['shop'] });
    expect(g.pods).toBe(6);
    expect(ids(g.nodes)).toEqual([
      'ConfigMap/shop/cart-config',
      'ConfigMap/shop/cart-files',
      'CronJob/shop/nightly',
      'Deployment/shop/cart',
      'HorizontalPodAutoscaler/shop/cart',
      'Ingress/shop/web',
      'Job/shop/nightly-1',
      'NetworkPolicy/shop/be-only',
      'Node/node-1',
      'Node/node-2',
      'PersistentVolumeClaim/shop/cart-data',
      'PersistentVolumeClaim/shop/spare',
      'Pod/shop/scratch',
      'PodGroup/shop/debug',
      'Secret/shop/cart-db',
      'Service/shop/cart',
      'Service/shop/gone',
      'Service/shop/nobody',
      'ServiceAccount/shop/cart',
    ]);
    expect(edgeIds(g)).toEqual([
      'CronJob/shop/nightly|owns|Job/shop/nightly-1',
      'Deployment/shop/cart|identity|ServiceAccount/shop/cart',
      'Deployment/shop/cart|runs-on|Node/node-1',
      'Deployment/shop/cart|runs-on|Node/node-2',
      'Deployment/shop/cart|uses|ConfigMap/shop/cart-config',
      'Deployment/shop/cart|uses|ConfigMap/shop/cart-files',
      'Deployment/shop/cart|uses|PersistentVolumeClaim/shop/cart-data',
      'Deployment/shop/cart|uses|Secret/shop/cart-db',
      'HorizontalPodAutoscaler/shop/cart|scales|Deployment/shop/cart',
      'Ingress/shop/web|routes|Service/shop/cart',
      'Ingress/shop/web|routes|Service/shop/gone',
      'NetworkPolicy/shop/be-only|policy|Deployment/shop/cart',
      'Service/shop/cart|selects|Deployment/shop/cart',
    ]);
    expect(g.edges.get('Service/shop/cart|selects|Deployment/shop/cart')?.pods).toBe(2);
    expect(g.edges.get('Deployment/shop/cart|uses|ConfigMap/shop/cart-config')?.pods).toBe(2);
    const dep = g.nodes.get('Deployment/shop/cart')!;
    expect(dep.health).toEqual({ level: 'degraded', reason: '1/2 available ready' });
    expect(dep.pods).toEqual({ ok: 1, degraded: 0, failing: 1, unknown: 0 });
    expect(dep.expandable).toBe(true);
    expect(g.nodes.get('PodGroup/shop/debug')).toMatchObject({ pods: { ok: 2, degraded: 0, failing: 0, unknown: 0 }, health: { level: 'ok' } });
    expect(g.nodes.get('Job/shop/nightly-1')?.pods).toEqual({ ok: 1, degraded: 0, failing: 0, unknown: 0 });
  });

  it('explains health where the explorer has none: Services, Ingress backends, missing references', () => {
    const g = buildTopology(shop(), { namespaces: ['shop'] });
    expect(g.nodes.get('Service/shop/cart')?.health).toEqual({ level: 'degraded', reason: '1/2 selected pods ready' });
    expect(g.nodes.get('Service/shop/nobody')?.health).toEqual({ level: 'degraded', reason: 'Selects no pods' });
    expect(g.nodes.get('Service/shop/gone')?.health?.level).toBe('failing');
    expect(g.nodes.get('Ingress/shop/web')?.health).toEqual({ level: 'failing', reason: 'Backend Service not found: gone' });
    expect(g.nodes.get('ConfigMap/shop/cart-files')?.health).toEqual({ level: 'degraded', reason: 'ConfigMap not found; pods refer to it' });
    expect(g.nodes.get('ConfigMap/shop/cart-config')?.health).toBeUndefined();
    expect(g.nodes.get('Node/node-2')?.health?.level).toBe('failing');
    expect(g.nodes.get('PersistentVolumeClaim/shop/spare')?.health).toEqual({ level: 'degraded', reason: 'Pending' });
  });

  it('expands a workload into its live ReplicaSets and Pods, keeping the edges on the pods', () => {
    const g = buildTopology(shop(), { namespaces: ['shop'], expand: new Set(['Deployment/shop/cart']) });
    expect(g.nodes.get('Deployment/shop/cart')).toMatchObject({ expanded: true, pods: { ok: 1, failing: 1 } });
    expect(g.nodes.get('ReplicaSet/shop/cart-7d9f')).toMatchObject({ parent: 'Deployment/shop/cart' });
    expect(g.nodes.has('ReplicaSet/shop/cart-5c4b')).toBe(false); // scaled down, no pods
    expect(g.nodes.get('Pod/shop/cart-7d9f-b')).toMatchObject({ parent: 'Deployment/shop/cart', health: { level: 'failing', reason: 'CrashLoopBackOff' } });
    const e = edgeIds(g);
    expect(e).toContain('Deployment/shop/cart|owns|ReplicaSet/shop/cart-7d9f');
    expect(e).toContain('ReplicaSet/shop/cart-7d9f|owns|Pod/shop/cart-7d9f-a');
    expect(e).toContain('Service/shop/cart|selects|Pod/shop/cart-7d9f-b');
    expect(e).toContain('Pod/shop/cart-7d9f-b|runs-on|Node/node-2');
    expect(e).toContain('NetworkPolicy/shop/be-only|policy|Pod/shop/cart-7d9f-a');
    expect(e.filter((x) => x.startsWith('Deployment/shop/cart|') && !x.includes('|owns|') && !x.includes('|scales|'))).toEqual([]);
  });

  it('scopes to namespaces, and to all of them when none is given', () => {
    expect(buildTopology(shop(), { namespaces: ['other'] }).pods).toBe(1);
    const all = buildTopology(shop(), {});
    expect(all.pods).toBe(7);
    expect(all.nodes.has('PodGroup/other/cart')).toBe(true);
    // A Service selects only in its own namespace.
    expect(all.edges.get('Service/shop/cart|selects|Deployment/shop/cart')?.pods).toBe(2);
    expect([...all.edges.keys()].some((k) => k.startsWith('Service/shop/cart|') && k.includes('other'))).toBe(false);
  });

  it('works with only the stores it is given (kinds not watched are simply absent)', () => {
    const s = shop();
    const g = buildTopology({ pods: s.pods, replicasets: s.replicasets, deployments: s.deployments, services: s.services }, { namespaces: ['shop'] });
    expect([...g.nodes.values()].some((n) => n.kind === 'Node' || n.kind === 'Ingress')).toBe(false);
    // Referenced ConfigMaps are still drawn, without claiming they are missing.
    expect(g.nodes.get('ConfigMap/shop/cart-config')?.health).toBeUndefined();
  });
});

describe('viewOf', () => {
  const g = () => buildTopology(shop(), { namespaces: ['shop'] });

  it('filters by kind', () => {
    const v = viewOf(g(), { kinds: new Set<TopologyKind>(['Deployment', 'Service', 'Ingress']) });
    expect(ids(v.nodes.map((n) => n.id))).toEqual(['Deployment/shop/cart', 'Ingress/shop/web', 'Service/shop/cart', 'Service/shop/gone', 'Service/shop/nobody']);
    expect(v.edges.map((e) => e.id).sort()).toEqual(['Ingress/shop/web|routes|Service/shop/cart', 'Ingress/shop/web|routes|Service/shop/gone', 'Service/shop/cart|selects|Deployment/shop/cart']);
  });

  it('filters by health, keeping the matches’ neighbours as context', () => {
    const v = viewOf(g(), { health: new Set(['failing']) });
    const failing = v.nodes.filter((n) => !n.context).map((n) => n.id).sort();
    expect(failing).toEqual(['Ingress/shop/web', 'Node/node-2', 'Service/shop/gone']);
    expect(v.nodes.filter((n) => n.context).map((n) => n.id).sort()).toEqual(['Deployment/shop/cart', 'Service/shop/cart']);
  });

  it('focuses on the neighbourhood of one object', () => {
    const v = viewOf(g(), { focus: { id: 'Ingress/shop/web', depth: 2 } });
    expect(ids(v.nodes.map((n) => n.id))).toEqual(['Deployment/shop/cart', 'Ingress/shop/web', 'Service/shop/cart', 'Service/shop/gone']);
  });

  it('cuts at maxNodes, keeping workloads and Services first, and says so', () => {
    const v = viewOf(g(), { maxNodes: 5 });
    expect(v.truncated).toEqual({ total: 19 });
    expect(v.nodes.every((n) => ['Ingress', 'Service', 'Deployment', 'CronJob'].includes(n.kind))).toBe(true);
  });
});

describe('GraphVersions', () => {
  it('sends a snapshot, then only what changed', () => {
    const stores = shop();
    const versions = new GraphVersions();
    const stats = { pods: 0, nodes: 0, edges: 0, buildMs: 0 };
    const snap = versions.snapshot(viewOf(buildTopology(stores, { namespaces: ['shop'] }), {}), stats);
    expect(snap.version).toBe(1);
    expect(versions.delta(viewOf(buildTopology(stores, { namespaces: ['shop'] }), {}), stats)).toBeUndefined();

    // The crashing pod recovers, a third pod arrives on a new node, the lonely Service goes.
    const rs = stores.replicasets!.getByName('shop', 'cart-7d9f')!;
    const p2 = structuredClone(stores.pods!.getByName('shop', 'cart-7d9f-b')!);
    stores.pods!.apply('MODIFIED', { ...p2, metadata: { ...p2.metadata, resourceVersion: '2' }, status: ready });
    stores.pods!.apply('ADDED', obj('Pod', 'shop', 'cart-7d9f-c', { spec: { nodeName: 'node-3' }, status: ready }, { labels: { app: 'cart' }, ...owned(rs) }));
    stores.services!.apply('DELETED', stores.services!.getByName('shop', 'nobody')!);
    const d = versions.delta(viewOf(buildTopology(stores, { namespaces: ['shop'] }), {}), stats)!;
    expect(d.version).toBe(2);
    expect(d.removedNodes).toEqual(['Service/shop/nobody']);
    expect(d.addedNodes.map((n) => n.id)).toEqual(['Node/node-3']);
    expect(d.changedNodes.map((n) => n.id).sort()).toEqual(['Deployment/shop/cart', 'Service/shop/cart']);
    expect(d.addedEdges.map((e) => e.id)).toContain('Deployment/shop/cart|runs-on|Node/node-3');
    // Count changes travel as remove + add of the same edge id.
    expect(d.removedEdges).toContain('Service/shop/cart|selects|Deployment/shop/cart');
    expect(d.addedEdges.find((e) => e.id === 'Service/shop/cart|selects|Deployment/shop/cart')?.pods).toBe(3);
  });
});
