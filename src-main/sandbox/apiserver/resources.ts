// The kinds the sandbox serves, described as kube-apiserver 1.32's discovery shows them.
// One table drives discovery, routing, storage (StoreResource) and authorization names;
// ServedResources adds the custom resources of established CRDs (custom-resources.ts).
import type { StoreResource } from './store';
import { pathGetter, type FieldGetter } from './selectors';
import { defaulters, validators } from './defaults';
import { prepareCrd, validateCrd } from './crds';
import type { Printer } from './tables';
import type { Conversion } from './conversions';

export interface SubresourceInfo {
  name: string; // "status", "scale", "log", "proxy"
  kind: string;
  verbs: string[];
  /** When the subresource's kind lives in another group/version (deployments/scale -> autoscaling/v1 Scale). */
  group?: string;
  version?: string;
}

export interface ResourceInfo {
  group: string;
  version: string;
  resource: string; // plural
  singular: string;
  kind: string;
  namespaced: boolean;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  subresources?: SubresourceInfo[];
  /** Store resource holding the objects (events.k8s.io events live in core "events"). */
  storage?: string;
  /** Served from a provider, not the store (metrics.k8s.io) or create-only reviews. */
  virtual?: 'metrics' | 'review';
  hasStatus?: boolean;
  generation?: boolean;
  fields?: Record<string, FieldGetter>;
  /** Server-side printing other than the built-in printer for `resource` (CRD printer columns). */
  printer?: Printer;
  /** List kind when not `${kind}List`. */
  listKind?: string;
  /** A view of the stored version (custom resources served at a non-storage version). */
  conversion?: Conversion;
}

const RW = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const STATUS = (kind: string): SubresourceInfo => ({ name: 'status', kind, verbs: ['get', 'patch', 'update'] });
const PROXY_VERBS = ['create', 'delete', 'get', 'patch', 'update'];

function r(group: string, version: string, resource: string, kind: string, namespaced: boolean, extra: Partial<ResourceInfo> = {}): ResourceInfo {
  return {
    group,
    version,
    resource,
    singular: kind.toLowerCase(),
    kind,
    namespaced,
    verbs: RW,
    ...extra,
  };
}

const boolField = (path: string): FieldGetter => {
  const g = pathGetter(path);
  return (o) => (g(o) === 'true' ? 'true' : 'false');
};

export const RESOURCES: readonly ResourceInfo[] = [
  r('', 'v1', 'namespaces', 'Namespace', false, {
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    shortNames: ['ns'],
    subresources: [STATUS('Namespace')],
    hasStatus: true,
    fields: { 'status.phase': pathGetter('status.phase') },
  }),
  r('', 'v1', 'nodes', 'Node', false, {
    shortNames: ['no'],
    subresources: [STATUS('Node')],
    hasStatus: true,
    fields: { 'spec.unschedulable': boolField('spec.unschedulable') },
  }),
  r('', 'v1', 'pods', 'Pod', true, {
    shortNames: ['po'],
    categories: ['all'],
    subresources: [
      { name: 'log', kind: 'Pod', verbs: ['get'] },
      { name: 'proxy', kind: 'PodProxyOptions', verbs: PROXY_VERBS },
      // What `kubectl debug` patches to add a debug container.
      { name: 'ephemeralcontainers', kind: 'Pod', verbs: ['get', 'patch', 'update'] },
      STATUS('Pod'),
    ],
    hasStatus: true,
    fields: {
      'spec.nodeName': pathGetter('spec.nodeName'),
      'spec.restartPolicy': pathGetter('spec.restartPolicy'),
      'spec.schedulerName': pathGetter('spec.schedulerName'),
      'spec.serviceAccountName': pathGetter('spec.serviceAccountName'),
      'spec.hostNetwork': boolField('spec.hostNetwork'),
      'status.phase': pathGetter('status.phase'),
      'status.podIP': pathGetter('status.podIP'),
      'status.nominatedNodeName': pathGetter('status.nominatedNodeName'),
    },
  }),
  r('', 'v1', 'services', 'Service', true, {
    shortNames: ['svc'],
    categories: ['all'],
    subresources: [{ name: 'proxy', kind: 'ServiceProxyOptions', verbs: PROXY_VERBS }, STATUS('Service')],
    hasStatus: true,
  }),
  r('', 'v1', 'endpoints', 'Endpoints', true, { singular: 'endpoints', shortNames: ['ep'] }),
  r('', 'v1', 'configmaps', 'ConfigMap', true, { shortNames: ['cm'] }),
  r('', 'v1', 'secrets', 'Secret', true, { fields: { type: pathGetter('type') } }),
  r('', 'v1', 'serviceaccounts', 'ServiceAccount', true, { shortNames: ['sa'] }),
  r('', 'v1', 'persistentvolumeclaims', 'PersistentVolumeClaim', true, {
    shortNames: ['pvc'],
    subresources: [STATUS('PersistentVolumeClaim')],
    hasStatus: true,
  }),
  r('', 'v1', 'events', 'Event', true, {
    shortNames: ['ev'],
    fields: {
      'involvedObject.kind': pathGetter('involvedObject.kind'),
      'involvedObject.namespace': pathGetter('involvedObject.namespace'),
      'involvedObject.name': pathGetter('involvedObject.name'),
      'involvedObject.uid': pathGetter('involvedObject.uid'),
      'involvedObject.apiVersion': pathGetter('involvedObject.apiVersion'),
      'involvedObject.resourceVersion': pathGetter('involvedObject.resourceVersion'),
      'involvedObject.fieldPath': pathGetter('involvedObject.fieldPath'),
      reason: pathGetter('reason'),
      reportingComponent: pathGetter('reportingComponent'),
      source: pathGetter('source.component'),
      type: pathGetter('type'),
    },
  }),
  r('apps', 'v1', 'deployments', 'Deployment', true, {
    shortNames: ['deploy'],
    categories: ['all'],
    subresources: [
      { name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] },
      STATUS('Deployment'),
    ],
    hasStatus: true,
    generation: true,
  }),
  r('apps', 'v1', 'replicasets', 'ReplicaSet', true, {
    shortNames: ['rs'],
    categories: ['all'],
    subresources: [
      { name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] },
      STATUS('ReplicaSet'),
    ],
    hasStatus: true,
    generation: true,
    fields: { 'status.replicas': pathGetter('status.replicas') },
  }),
  r('apps', 'v1', 'statefulsets', 'StatefulSet', true, {
    shortNames: ['sts'],
    categories: ['all'],
    subresources: [
      { name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] },
      STATUS('StatefulSet'),
    ],
    hasStatus: true,
    generation: true,
  }),
  r('apps', 'v1', 'daemonsets', 'DaemonSet', true, {
    shortNames: ['ds'],
    categories: ['all'],
    subresources: [STATUS('DaemonSet')],
    hasStatus: true,
    generation: true,
  }),
  r('batch', 'v1', 'jobs', 'Job', true, {
    categories: ['all'],
    subresources: [STATUS('Job')],
    hasStatus: true,
    generation: true,
    fields: { 'status.successful': pathGetter('status.succeeded') },
  }),
  r('batch', 'v1', 'cronjobs', 'CronJob', true, {
    shortNames: ['cj'],
    categories: ['all'],
    subresources: [STATUS('CronJob')],
    hasStatus: true,
    generation: true,
  }),
  r('discovery.k8s.io', 'v1', 'endpointslices', 'EndpointSlice', true, {
    fields: { addressType: pathGetter('addressType') },
  }),
  r('events.k8s.io', 'v1', 'events', 'Event', true, { shortNames: ['ev'], storage: 'events' }),
  r('networking.k8s.io', 'v1', 'ingresses', 'Ingress', true, {
    shortNames: ['ing'],
    subresources: [STATUS('Ingress')],
    hasStatus: true,
    generation: true,
  }),
  r('networking.k8s.io', 'v1', 'networkpolicies', 'NetworkPolicy', true, { shortNames: ['netpol'], generation: true }),
  // Leader-election leases, as every cluster has them (kube-system holds the controllers' ones).
  r('coordination.k8s.io', 'v1', 'leases', 'Lease', true),
  r('autoscaling', 'v2', 'horizontalpodautoscalers', 'HorizontalPodAutoscaler', true, {
    shortNames: ['hpa'],
    categories: ['all'],
    subresources: [STATUS('HorizontalPodAutoscaler')],
    hasStatus: true,
    generation: false,
  }),
  // Served after v2 so discovery prefers v2; `kubectl autoscale` still creates through v1.
  r('autoscaling', 'v1', 'horizontalpodautoscalers', 'HorizontalPodAutoscaler', true, {
    shortNames: ['hpa'],
    categories: ['all'],
    subresources: [STATUS('HorizontalPodAutoscaler')],
    hasStatus: true,
    storage: 'horizontalpodautoscalers',
  }),
  r('rbac.authorization.k8s.io', 'v1', 'roles', 'Role', true),
  r('rbac.authorization.k8s.io', 'v1', 'rolebindings', 'RoleBinding', true),
  r('rbac.authorization.k8s.io', 'v1', 'clusterroles', 'ClusterRole', false),
  r('rbac.authorization.k8s.io', 'v1', 'clusterrolebindings', 'ClusterRoleBinding', false),
  r('metrics.k8s.io', 'v1beta1', 'nodes', 'NodeMetrics', false, { verbs: ['get', 'list'], virtual: 'metrics', singular: '' }),
  r('metrics.k8s.io', 'v1beta1', 'pods', 'PodMetrics', true, { verbs: ['get', 'list'], virtual: 'metrics', singular: '' }),
  r('apiextensions.k8s.io', 'v1', 'customresourcedefinitions', 'CustomResourceDefinition', false, {
    shortNames: ['crd', 'crds'],
    categories: ['api-extensions'],
    subresources: [STATUS('CustomResourceDefinition')],
    hasStatus: true,
    generation: true,
  }),
  r('authorization.k8s.io', 'v1', 'selfsubjectaccessreviews', 'SelfSubjectAccessReview', false, { verbs: ['create'], virtual: 'review' }),
  r('authorization.k8s.io', 'v1', 'selfsubjectrulesreviews', 'SelfSubjectRulesReview', false, { verbs: ['create'], virtual: 'review' }),
  // `kubectl auth whoami`: who the server authenticated the request as.
  r('authentication.k8s.io', 'v1', 'selfsubjectreviews', 'SelfSubjectReview', false, { verbs: ['create'], virtual: 'review' }),
];

export function apiVersionOf(r: { group: string; version: string }): string {
  return r.group ? `${r.group}/${r.version}` : r.version;
}

/** Group versions served, in discovery order. */
export function groupVersions(served: readonly ResourceInfo[] = RESOURCES): { group: string; version: string }[] {
  const seen = new Set<string>();
  const out: { group: string; version: string }[] = [];
  for (const x of served) {
    const k = apiVersionOf(x);
    if (!seen.has(k)) {
      seen.add(k);
      out.push({ group: x.group, version: x.version });
    }
  }
  return out;
}

export function findResource(group: string, version: string, resource: string, served: readonly ResourceInfo[] = RESOURCES): ResourceInfo | undefined {
  return served.find((x) => x.group === group && x.version === version && x.resource === resource);
}

/** What one server serves: the built-in kinds plus the custom resources of established CRDs. */
export class ServedResources {
  private custom = new Map<string, ResourceInfo[]>();
  private readonly builtIn: readonly ResourceInfo[];
  private cached: readonly ResourceInfo[];

  /** `withoutGroups`: built-in API groups this server does not serve (e.g. metrics.k8s.io for a
   *  cluster without metrics-server). */
  constructor(withoutGroups: readonly string[] = []) {
    this.builtIn = withoutGroups.length ? RESOURCES.filter((r) => !withoutGroups.includes(r.group)) : RESOURCES;
    this.cached = this.builtIn;
  }

  /** Every served resource, built-in first; a new array after each change (safe to memoize on). */
  all(): readonly ResourceInfo[] {
    return this.cached;
  }

  find(group: string, version: string, resource: string): ResourceInfo | undefined {
    return findResource(group, version, resource, this.cached);
  }

  /** Serves (or re-serves, after an update) the versions of one CRD; [] stops serving it. */
  setCustom(crdName: string, versions: ResourceInfo[]): void {
    if (versions.length) this.custom.set(crdName, versions);
    else this.custom.delete(crdName);
    this.cached = [...this.builtIn, ...[...this.custom.values()].flat()];
  }
}

/** The storage configuration for every stored kind (virtual and converted views excluded). */
export function storeResources(): StoreResource[] {
  const out: StoreResource[] = [];
  for (const x of RESOURCES) {
    if (x.virtual || x.storage) continue;
    const spec: StoreResource = {
      resource: x.resource,
      group: x.group,
      apiVersion: apiVersionOf(x),
      kind: x.kind,
      namespaced: x.namespaced,
      hasStatus: x.hasStatus ?? false,
      generation: x.generation ?? false,
      graceful: x.resource === 'pods',
    };
    if (x.resource === 'customresourcedefinitions') {
      spec.prepare = prepareCrd;
      spec.validate = validateCrd;
    }
    if (x.group === 'rbac.authorization.k8s.io') spec.names = 'path';
    else if (x.resource === 'namespaces') spec.names = 'label';
    else if (x.resource === 'services') spec.names = 'dns1035';
    if (x.fields) spec.fields = x.fields;
    const d = defaulters[x.resource];
    if (d) spec.prepare = d;
    const v = validators[x.resource];
    if (v) spec.validate = v;
    out.push(spec);
  }
  return out;
}

/** APIResourceList as /api/v1 and /apis/{group}/{version} answer. */
export function apiResourceList(group: string, version: string, served: readonly ResourceInfo[] = RESOURCES): object {
  const resources: object[] = [];
  for (const x of served) {
    if (x.group !== group || x.version !== version) continue;
    const item: Record<string, unknown> = {
      name: x.resource,
      singularName: x.singular,
      namespaced: x.namespaced,
      kind: x.kind,
      verbs: x.verbs,
    };
    if (x.shortNames) item.shortNames = x.shortNames;
    if (x.categories) item.categories = x.categories;
    resources.push(item);
    for (const s of x.subresources ?? []) {
      const sub: Record<string, unknown> = { name: `${x.resource}/${s.name}`, singularName: '', namespaced: x.namespaced };
      if (s.group !== undefined) sub.group = s.group;
      if (s.version !== undefined) sub.version = s.version;
      sub.kind = s.kind;
      sub.verbs = s.verbs;
      resources.push(sub);
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: apiVersionOf({ group, version }), resources };
}

/** APIGroupList for /apis. */
export function apiGroupList(served: readonly ResourceInfo[] = RESOURCES): object {
  const groups = new Map<string, string[]>();
  for (const gv of groupVersions(served)) {
    if (!gv.group) continue;
    const l = groups.get(gv.group) ?? [];
    if (!l.includes(gv.version)) l.push(gv.version);
    groups.set(gv.group, l);
  }
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [...groups].map(([name, versions]) => ({
      name,
      versions: versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v })),
      preferredVersion: { groupVersion: `${name}/${versions[0]}`, version: versions[0] },
    })),
  };
}
