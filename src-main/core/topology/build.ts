// The object graph of one or more namespaces, built from the watch cache's stores in one pass
// over the pods in scope: owners (Deployment -> ReplicaSet -> Pod, StatefulSet, DaemonSet, Job,
// CronJob -> Job), Service -> pods by selector, Ingress -> Service, pods -> Node, pods ->
// ConfigMap / Secret / PVC they mount or read, pods -> ServiceAccount, NetworkPolicy -> pods it
// selects, HPA -> its target. Grouped by default: a workload's ReplicaSets and Pods are folded
// into the workload (pods without a controller into a PodGroup per app label), and an edge of
// folded pods becomes one edge that counts them. Health comes from the explorer's health module.
import type { Health, HealthCounts } from '../../contract/types';
import type { TopologyEdge, TopologyEdgeKind, TopologyKind, TopologyNode } from '../../contract/topology-types';
import type { ObjectStore } from '../kube/cache/store';
import type { KubeObject, OwnerRef } from '../kube/cache/types';
import { healthOf, podHealth } from '../kube/kinds/health';
import { podRefs } from './pod-refs';
import { requirementsOf, selectPods, type LabelSelectorObject } from './selectors';

/** The stores the builder reads, by kind id; a missing store means the kind is not watched. */
export type TopologyStores = Partial<Record<TopologySourceKind, ObjectStore>>;

export const TOPOLOGY_SOURCES = {
  pods: 'Pod',
  deployments: 'Deployment',
  replicasets: 'ReplicaSet',
  statefulsets: 'StatefulSet',
  daemonsets: 'DaemonSet',
  jobs: 'Job',
  cronjobs: 'CronJob',
  services: 'Service',
  ingresses: 'Ingress',
  networkpolicies: 'NetworkPolicy',
  horizontalpodautoscalers: 'HorizontalPodAutoscaler',
  configmaps: 'ConfigMap',
  secrets: 'Secret',
  persistentvolumeclaims: 'PersistentVolumeClaim',
  serviceaccounts: 'ServiceAccount',
  nodes: 'Node',
} as const satisfies Record<string, TopologyKind>;
export type TopologySourceKind = keyof typeof TOPOLOGY_SOURCES;

const kindIdOf: Partial<Record<TopologyKind, string>> = Object.fromEntries(Object.entries(TOPOLOGY_SOURCES).map(([id, kind]) => [kind, id]));

export interface BuildOptions {
  /** Namespaces in scope; empty or absent: all. */
  namespaces?: readonly string[];
  /** Workload (or PodGroup) ids whose ReplicaSets and Pods are shown. */
  expand?: ReadonlySet<string>;
  /** Show every pod (no grouping). */
  expandAll?: boolean;
}

export interface BuiltGraph {
  nodes: Map<string, TopologyNode>;
  edges: Map<string, TopologyEdge>;
  pods: number;
}

export function nodeId(kind: TopologyKind, namespace: string | undefined, name: string): string {
  return namespace ? `${kind}/${namespace}/${name}` : `${kind}/${name}`;
}

const zero = (): HealthCounts => ({ ok: 0, degraded: 0, failing: 0, unknown: 0 });
const WORKLOAD_KINDS = new Set<string>(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'ReplicaSet']);
/** The label a controller-less pod is grouped by, first found wins. */
const GROUP_LABELS = ['app.kubernetes.io/name', 'app', 'k8s-app'];

function controllerOf(o: KubeObject): OwnerRef | undefined {
  const refs = o.metadata.ownerReferences;
  if (!refs || refs.length === 0) return undefined;
  return refs.find((r) => r.controller) ?? refs[0];
}

/** A pod group's health: the worst level that a meaningful share of its pods has. */
export function groupHealth(counts: HealthCounts): Health {
  const total = counts.ok + counts.degraded + counts.failing + counts.unknown;
  if (total === 0) return { level: 'unknown', reason: 'No pods' };
  if (counts.failing === total) return { level: 'failing', reason: `${total}/${total} pods failing` };
  if (counts.failing > 0 || counts.degraded > 0) return { level: 'degraded', reason: `${counts.failing + counts.degraded}/${total} pods not ok` };
  if (counts.unknown > 0) return { level: 'unknown', reason: `${counts.unknown}/${total} pods starting or unknown` };
  return { level: 'ok', reason: `${total}/${total} pods ok` };
}

class GraphBuilder {
  readonly nodes = new Map<string, TopologyNode>();
  readonly edges = new Map<string, TopologyEdge>();

  node(kind: TopologyKind, o: KubeObject | undefined, namespace: string | undefined, name: string, extra: Partial<TopologyNode> = {}): TopologyNode {
    const id = nodeId(kind, namespace, name);
    let n = this.nodes.get(id);
    if (!n) {
      n = { id, kind, name, ...(namespace ? { namespace } : {}), ...(kindIdOf[kind] ? { kindId: kindIdOf[kind] } : {}) };
      const health = o ? healthOf(kind, o) : undefined;
      if (health) n.health = health;
      this.nodes.set(id, n);
    }
    Object.assign(n, extra);
    return n;
  }

  edge(source: string, kind: TopologyEdgeKind, target: string, pods = 0): void {
    const id = `${source}|${kind}|${target}`;
    const e = this.edges.get(id);
    if (e) {
      if (pods) e.pods = (e.pods ?? 0) + pods;
      return;
    }
    this.edges.set(id, { id, source, target, kind, ...(pods ? { pods } : {}) });
  }
}

function* inScope(store: ObjectStore | undefined, namespaces: readonly string[] | undefined): Iterable<KubeObject> {
  if (!store) return;
  if (!namespaces || namespaces.length === 0) {
    yield* store.list();
    return;
  }
  for (const ns of namespaces) yield* store.byIndex('namespace', ns);
}

export function buildTopology(stores: TopologyStores, opts: BuildOptions = {}): BuiltGraph {
  const g = new GraphBuilder();
  const ns = opts.namespaces;
  const expand = opts.expand ?? new Set<string>();
  const expanded = (id: string) => opts.expandAll === true || expand.has(id);

  // Workloads first, so a workload without pods (scaled to zero, a suspended CronJob) is shown.
  for (const [kindId, kind] of [['deployments', 'Deployment'], ['statefulsets', 'StatefulSet'], ['daemonsets', 'DaemonSet'], ['cronjobs', 'CronJob']] as const) {
    for (const o of inScope(stores[kindId], ns)) g.node(kind, o, o.metadata.namespace, o.metadata.name ?? '');
  }
  for (const job of inScope(stores.jobs, ns)) {
    const n = g.node('Job', job, job.metadata.namespace, job.metadata.name ?? '');
    const owner = controllerOf(job);
    if (owner?.kind === 'CronJob' && owner.name && stores.cronjobs?.get(owner.uid)) g.edge(nodeId('CronJob', job.metadata.namespace, owner.name), 'owns', n.id);
  }

  // Which workload a pod belongs to: its controller, through a ReplicaSet to the Deployment.
  // Memoized per owner uid (a Deployment's thousand pods share two ReplicaSets).
  const topOfOwner = new Map<string, { id: string; rs?: KubeObject } | null>();
  const resolveOwner = (ref: OwnerRef, namespace: string | undefined): { id: string; rs?: KubeObject } | null => {
    let r = topOfOwner.get(ref.uid);
    if (r !== undefined) return r;
    r = null;
    if (ref.kind === 'ReplicaSet') {
      const rs = stores.replicasets?.get(ref.uid);
      const up = rs && controllerOf(rs);
      if (rs && up?.kind === 'Deployment' && up.name && stores.deployments?.get(up.uid)) r = { id: nodeId('Deployment', namespace, up.name), rs };
      else if (rs) r = { id: nodeId('ReplicaSet', namespace, rs.metadata.name ?? '') };
      if (rs && r?.id.startsWith('ReplicaSet/')) g.node('ReplicaSet', rs, namespace, rs.metadata.name ?? '');
    } else if (ref.kind && WORKLOAD_KINDS.has(ref.kind) && ref.name) {
      const store = stores[kindIdOf[ref.kind as TopologyKind] as TopologySourceKind];
      if (store?.get(ref.uid)) r = { id: nodeId(ref.kind as TopologyKind, namespace, ref.name) };
    }
    topOfOwner.set(ref.uid, r);
    return r;
  };

  // Where each pod is drawn: its own node, or its (collapsed) workload.
  const shownAs = new Map<KubeObject, string>();
  const counts = new Map<string, HealthCounts>();
  // Referenced objects as "namespace/name".
  const configMaps = new Set<string>();
  const secrets = new Set<string>();
  const claims = new Set<string>();
  let pods = 0;
  for (const pod of inScope(stores.pods, ns)) {
    pods++;
    const namespace = pod.metadata.namespace ?? '';
    const name = pod.metadata.name ?? '';
    const owner = controllerOf(pod);
    let group = owner ? resolveOwner(owner, namespace) : null;
    if (!group) {
      const labels = pod.metadata.labels;
      const app = labels && GROUP_LABELS.map((k) => labels[k]).find((v) => v);
      if (app) {
        group = { id: nodeId('PodGroup', namespace, app) };
        if (!g.nodes.has(group.id)) g.node('PodGroup', undefined, namespace, app);
      }
    }
    const health = podHealth(pod);
    let at: string;
    if (group && !expanded(group.id)) {
      at = group.id;
      let c = counts.get(at);
      if (!c) counts.set(at, (c = zero()));
      c[health.level]++;
    } else {
      const p = g.node('Pod', undefined, namespace, name, { health, ...(group ? { parent: group.id } : {}) });
      at = p.id;
      if (group) {
        let c = counts.get(group.id);
        if (!c) counts.set(group.id, (c = zero()));
        c[health.level]++;
        if (group.rs) {
          const rs = g.node('ReplicaSet', group.rs, namespace, group.rs.metadata.name ?? '', { parent: group.id });
          g.edge(group.id, 'owns', rs.id);
          g.edge(rs.id, 'owns', p.id);
        } else g.edge(group.id, 'owns', p.id);
      }
    }
    shownAs.set(pod, at);

    const refs = podRefs(pod);
    for (const [names, kind, seen] of [[refs.configMaps, 'ConfigMap', configMaps], [refs.secrets, 'Secret', secrets], [refs.claims, 'PersistentVolumeClaim', claims]] as const) {
      for (const ref of names) {
        g.edge(at, 'uses', nodeId(kind, namespace, ref), 1);
        seen.add(`${namespace}/${ref}`);
      }
    }
    if (refs.serviceAccount) g.edge(at, 'identity', nodeId('ServiceAccount', namespace, refs.serviceAccount), 1);
    const nodeName = (pod.spec as { nodeName?: string } | undefined)?.nodeName;
    if (nodeName && stores.nodes) g.edge(at, 'runs-on', nodeId('Node', undefined, nodeName), 1);
  }

  // Workload health is the explorer's; a PodGroup's comes from its pods. Collapsed workloads
  // with pods can be expanded.
  for (const [id, c] of counts) {
    const n = g.nodes.get(id);
    if (!n) continue;
    n.pods = c;
    n.expandable = true;
    if (expanded(id)) n.expanded = true;
    if (n.kind === 'PodGroup') n.health = groupHealth(c);
  }

  // Referenced objects: the object's own node, or one saying it is missing.
  const referenced = (kind: TopologyKind, store: ObjectStore | undefined, keys: Set<string>) => {
    for (const key of keys) {
      const [namespace, name] = [key.slice(0, key.indexOf('/')), key.slice(key.indexOf('/') + 1)];
      const o = store?.getByName(namespace, name);
      g.node(kind, o, namespace, name, o || !store ? {} : { health: { level: 'degraded', reason: `${kind} not found; pods refer to it` } });
    }
  };
  referenced('ConfigMap', stores.configmaps, configMaps);
  referenced('Secret', stores.secrets, secrets);
  for (const pvc of inScope(stores.persistentvolumeclaims, ns)) claims.add(`${pvc.metadata.namespace}/${pvc.metadata.name}`);
  referenced('PersistentVolumeClaim', stores.persistentvolumeclaims, claims);
  const accounts = new Set<string>();
  for (const e of g.edges.values()) if (e.kind === 'identity') accounts.add(e.target.slice('ServiceAccount/'.length));
  referenced('ServiceAccount', stores.serviceaccounts, accounts);
  if (stores.nodes) {
    const names = new Set<string>();
    for (const e of g.edges.values()) if (e.kind === 'runs-on') names.add(e.target.slice('Node/'.length));
    for (const name of names) g.node('Node', stores.nodes.getByName(undefined, name), undefined, name);
  }

  // Services select pods; their health says whether any of those pods can serve.
  for (const svc of inScope(stores.services, ns)) {
    const namespace = svc.metadata.namespace ?? '';
    const spec = (svc.spec ?? {}) as { selector?: Record<string, string>; type?: string };
    const n = g.node('Service', svc, namespace, svc.metadata.name ?? '');
    if (spec.type === 'ExternalName') {
      n.health = { level: 'ok', reason: 'ExternalName' };
      continue;
    }
    if (!spec.selector || Object.keys(spec.selector).length === 0) {
      n.health = { level: 'unknown', reason: 'No selector: endpoints are managed by hand' };
      continue;
    }
    const selected = stores.pods ? selectPods(stores.pods, namespace, requirementsOf(spec.selector, true)) : [];
    let ready = 0;
    for (const p of selected) {
      const at = shownAs.get(p);
      if (at) g.edge(n.id, 'selects', at, 1);
      if (podHealth(p).level === 'ok') ready++;
    }
    n.health =
      selected.length === 0
        ? { level: 'degraded', reason: 'Selects no pods' }
        : ready === 0
          ? { level: 'failing', reason: `0/${selected.length} selected pods ready` }
          : { level: ready === selected.length ? 'ok' : 'degraded', reason: `${ready}/${selected.length} selected pods ready` };
  }

  for (const ing of inScope(stores.ingresses, ns)) {
    const namespace = ing.metadata.namespace ?? '';
    const n = g.node('Ingress', ing, namespace, ing.metadata.name ?? '');
    type Backend = { service?: { name?: string } };
    const spec = (ing.spec ?? {}) as { defaultBackend?: Backend; rules?: Array<{ http?: { paths?: Array<{ backend?: Backend }> } }> };
    const backends = [spec.defaultBackend, ...(spec.rules ?? []).flatMap((r) => (r.http?.paths ?? []).map((p) => p.backend))];
    const missing: string[] = [];
    for (const b of backends) {
      const svc = b?.service?.name;
      if (!svc) continue;
      const target = nodeId('Service', namespace, svc);
      if (!g.nodes.has(target)) {
        missing.push(svc);
        g.node('Service', undefined, namespace, svc, { health: { level: 'failing', reason: 'Service not found; an Ingress routes to it' } });
      }
      g.edge(n.id, 'routes', target);
    }
    n.health = missing.length ? { level: 'failing', reason: `Backend Service not found: ${[...new Set(missing)].join(', ')}` } : { level: 'ok', reason: 'All backend Services exist' };
  }

  for (const np of inScope(stores.networkpolicies, ns)) {
    const namespace = np.metadata.namespace ?? '';
    const n = g.node('NetworkPolicy', np, namespace, np.metadata.name ?? '');
    if (!stores.pods) continue;
    let reqs;
    try {
      reqs = requirementsOf((np.spec as { podSelector?: LabelSelectorObject } | undefined)?.podSelector);
    } catch (err) {
      n.health = { level: 'degraded', reason: (err as Error).message };
      continue;
    }
    for (const p of selectPods(stores.pods, namespace, reqs)) {
      const at = shownAs.get(p);
      if (at) g.edge(n.id, 'policy', at, 1);
    }
  }

  for (const hpa of inScope(stores.horizontalpodautoscalers, ns)) {
    const namespace = hpa.metadata.namespace ?? '';
    const n = g.node('HorizontalPodAutoscaler', hpa, namespace, hpa.metadata.name ?? '');
    const ref = (hpa.spec as { scaleTargetRef?: { kind?: string; name?: string } } | undefined)?.scaleTargetRef;
    if (!ref?.kind || !ref.name) continue;
    const target = nodeId(ref.kind as TopologyKind, namespace, ref.name);
    if (g.nodes.has(target)) g.edge(n.id, 'scales', target);
    else n.health = { level: 'failing', reason: `Target ${ref.kind} ${ref.name} not found` };
  }

  return { nodes: g.nodes, edges: g.edges, pods };
}
