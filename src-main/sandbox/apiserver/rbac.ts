// RBAC authorization from the Role/ClusterRole/RoleBinding/ClusterRoleBinding objects in the
// store, with kube-apiserver's rule matching and Forbidden messages.
import { ApiError, qualified } from './errors';
import type { KObject, Store } from './store';

export interface UserInfo {
  username: string;
  uid?: string;
  groups: string[];
}

export interface Attributes {
  user: UserInfo;
  verb: string;
  resourceRequest: boolean;
  namespace?: string;
  apiGroup?: string;
  apiVersion?: string;
  resource?: string;
  subresource?: string;
  name?: string;
  /** Request path for non-resource requests. */
  path?: string;
}

export interface Decision {
  allowed: boolean;
  reason: string;
}

export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

interface Subject {
  kind: string;
  name: string;
  namespace?: string;
  apiGroup?: string;
}

const has = (list: readonly string[] | undefined, v: string) => !!list && (list.includes('*') || list.includes(v));

function resourceMatches(rule: PolicyRule, resource: string, sub: string | undefined): boolean {
  const rs = rule.resources ?? [];
  const combined = sub ? `${resource}/${sub}` : resource;
  for (const r of rs) {
    if (r === '*' || r === combined) return true;
    if (sub && (r === `*/${sub}` || r === `${resource}/*`)) return true;
  }
  return false;
}

export function ruleAllows(rule: PolicyRule, a: Attributes): boolean {
  if (!has(rule.verbs, a.verb)) return false;
  if (!a.resourceRequest) {
    const path = a.path ?? '';
    return (rule.nonResourceURLs ?? []).some((u) => u === '*' || u === path || (u.endsWith('*') && path.startsWith(u.slice(0, -1))));
  }
  if (!has(rule.apiGroups, a.apiGroup ?? '')) return false;
  if (!resourceMatches(rule, a.resource ?? '', a.subresource)) return false;
  if (rule.resourceNames?.length) return !!a.name && rule.resourceNames.includes(a.name);
  return true;
}

function subjectMatches(s: Subject, user: UserInfo, bindingNs: string | undefined): boolean {
  switch (s.kind) {
    case 'User':
      return s.name === user.username;
    case 'Group':
      return user.groups.includes(s.name);
    case 'ServiceAccount':
      return user.username === `system:serviceaccount:${s.namespace || bindingNs}:${s.name}`;
    default:
      return false;
  }
}

export class Authorizer {
  constructor(private readonly store: Store) {}

  /** Every rule that applies to the user in a namespace (undefined: cluster-wide bindings only),
   *  with the binding that grants it, in the order RBAC evaluates them. */
  private *rules(user: UserInfo, namespace: string | undefined): Generator<{ rule: PolicyRule; why: string }> {
    for (const b of this.store.list('clusterrolebindings').items) {
      if (!(b.subjects ?? []).some((s: Subject) => subjectMatches(s, user, undefined))) continue;
      const role = b.roleRef?.kind === 'ClusterRole' ? this.store.get('clusterroles', undefined, b.roleRef.name) : undefined;
      for (const rule of role?.rules ?? []) yield { rule, why: `ClusterRoleBinding "${b.metadata.name}" of ClusterRole "${b.roleRef.name}"` };
    }
    if (!namespace) return;
    for (const b of this.store.list('rolebindings', { namespace }).items) {
      if (!(b.subjects ?? []).some((s: Subject) => subjectMatches(s, user, namespace))) continue;
      const role = this.roleFor(b, namespace);
      for (const rule of role?.rules ?? []) yield { rule, why: `RoleBinding "${b.metadata.name}/${namespace}" of ${b.roleRef.kind} "${b.roleRef.name}"` };
    }
  }

  private roleFor(b: KObject, namespace: string): KObject | undefined {
    if (b.roleRef?.kind === 'ClusterRole') return this.store.get('clusterroles', undefined, b.roleRef.name);
    if (b.roleRef?.kind === 'Role') return this.store.get('roles', namespace, b.roleRef.name);
    return undefined;
  }

  authorize(a: Attributes): Decision {
    if (a.user.groups.includes('system:masters')) return { allowed: true, reason: '' };
    for (const { rule, why } of this.rules(a.user, a.resourceRequest ? a.namespace : undefined)) {
      if (ruleAllows(rule, a)) return { allowed: true, reason: `RBAC: allowed by ${why} to User "${a.user.username}"` };
    }
    return { allowed: false, reason: '' };
  }

  /** The rules a SelfSubjectRulesReview reports for a namespace. */
  rulesFor(user: UserInfo, namespace: string): { resourceRules: object[]; nonResourceRules: object[] } {
    if (user.groups.includes('system:masters')) {
      return {
        resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
        nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
      };
    }
    const resourceRules: object[] = [];
    const nonResourceRules: object[] = [];
    for (const { rule } of this.rules(user, namespace)) {
      if (rule.nonResourceURLs?.length) nonResourceRules.push({ verbs: rule.verbs, nonResourceURLs: rule.nonResourceURLs });
      if (rule.resources?.length) {
        const r: Record<string, unknown> = { verbs: rule.verbs, apiGroups: rule.apiGroups ?? [], resources: rule.resources };
        if (rule.resourceNames?.length) r.resourceNames = rule.resourceNames;
        resourceRules.push(r);
      }
    }
    return { resourceRules, nonResourceRules };
  }
}

/** kube-apiserver's 403 for a denied request. */
export function forbidden(a: Attributes, reason = ''): ApiError {
  const user = a.user.username;
  let msg: string;
  if (!a.resourceRequest) msg = `User "${user}" cannot ${a.verb} path "${a.path}"`;
  else {
    const res = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
    msg = a.namespace
      ? `User "${user}" cannot ${a.verb} resource "${res}" in API group "${a.apiGroup ?? ''}" in the namespace "${a.namespace}"`
      : `User "${user}" cannot ${a.verb} resource "${res}" in API group "${a.apiGroup ?? ''}" at the cluster scope`;
  }
  if (reason) msg += `: ${reason}`;
  if (!a.resourceRequest) return new ApiError(403, 'Forbidden', `forbidden: ${msg}`, {});
  const gr = qualified(a.resource ?? '', a.apiGroup ?? '');
  const full = a.name ? `${gr} "${a.name}" is forbidden: ${msg}` : `${gr} is forbidden: ${msg}`;
  return ApiError.forbidden(full, a.name, a.apiGroup ?? '', a.resource ?? '');
}

const READ = ['get', 'list', 'watch'];

/** The bootstrap policy: discovery and self-reviews for everyone, `view` (as upstream, plus
 *  nodes and events.k8s.io for Orrery's read-only context) for the viewer. */
export function bootstrapPolicy(viewers: string[]): { resource: string; object: KObject }[] {
  const cr = (name: string, rules: PolicyRule[]) => ({ resource: 'clusterroles', object: { metadata: { name, labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' } }, rules } });
  const crb = (name: string, role: string, subjects: Subject[]) => ({
    resource: 'clusterrolebindings',
    object: {
      metadata: { name, labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' } },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
      subjects,
    },
  });
  const authenticated: Subject[] = [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:authenticated' }];
  return [
    cr('cluster-admin', [
      { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
      { nonResourceURLs: ['*'], verbs: ['*'] },
    ]),
    cr('system:discovery', [
      { nonResourceURLs: ['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/openapi', '/openapi/*', '/readyz', '/version', '/version/'], verbs: ['get'] },
    ]),
    // As upstream: health and version for everyone, anonymous requests included.
    cr('system:public-info-viewer', [{ nonResourceURLs: ['/healthz', '/livez', '/readyz', '/version', '/version/'], verbs: ['get'] }]),
    cr('system:basic-user', [
      { apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'], verbs: ['create'] },
      { apiGroups: ['authentication.k8s.io'], resources: ['selfsubjectreviews'], verbs: ['create'] },
    ]),
    cr('view', [
      { apiGroups: [''], resources: ['configmaps', 'endpoints', 'persistentvolumeclaims', 'persistentvolumeclaims/status', 'pods', 'replicationcontrollers', 'replicationcontrollers/scale', 'serviceaccounts', 'services', 'services/status'], verbs: READ },
      { apiGroups: [''], resources: ['bindings', 'events', 'limitranges', 'namespaces/status', 'pods/log', 'pods/status', 'replicationcontrollers/status', 'resourcequotas', 'resourcequotas/status'], verbs: READ },
      { apiGroups: [''], resources: ['namespaces'], verbs: READ },
      { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: READ },
      { apiGroups: ['apps'], resources: ['controllerrevisions', 'daemonsets', 'daemonsets/status', 'deployments', 'deployments/scale', 'deployments/status', 'replicasets', 'replicasets/scale', 'replicasets/status', 'statefulsets', 'statefulsets/scale', 'statefulsets/status'], verbs: READ },
      { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers', 'horizontalpodautoscalers/status'], verbs: READ },
      { apiGroups: ['batch'], resources: ['cronjobs', 'cronjobs/status', 'jobs', 'jobs/status'], verbs: READ },
      { apiGroups: ['networking.k8s.io'], resources: ['ingresses', 'ingresses/status', 'networkpolicies'], verbs: READ },
      { apiGroups: ['metrics.k8s.io'], resources: ['pods', 'nodes'], verbs: READ },
    ]),
    cr('orrery:cluster-reader', [
      { apiGroups: [''], resources: ['nodes', 'nodes/status'], verbs: READ },
      { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: READ },
      // Read-only Prometheus/metrics access through the API server (GET only; not in upstream view).
      { apiGroups: [''], resources: ['services/proxy'], verbs: ['get'] },
      { apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles', 'rolebindings', 'clusterroles', 'clusterrolebindings'], verbs: READ },
    ]),
    crb('cluster-admin', 'cluster-admin', [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:masters' }]),
    crb('system:discovery', 'system:discovery', authenticated),
    crb('system:basic-user', 'system:basic-user', authenticated),
    crb('system:public-info-viewer', 'system:public-info-viewer', [...authenticated, { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:unauthenticated' }]),
    ...viewers.flatMap((u) => [
      crb(`${u}-view`, 'view', [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: u }]),
      crb(`${u}-cluster-reader`, 'orrery:cluster-reader', [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: u }]),
    ]),
  ];
}
