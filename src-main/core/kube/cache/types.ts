// Shared shapes of the watch cache: which resource is watched and the little of a Kubernetes
// object the cache itself looks at. Everything else in an object is opaque JSON.

/** A resource kind as the API names it: group/version/plural, optionally one namespace. */
export interface ResourceId {
  /** '' for the core group. */
  group: string;
  version: string;
  /** Plural, lower case: 'pods', 'deployments'. */
  resource: string;
  /** Watch only this namespace; unset means all namespaces. */
  namespace?: string;
}

export interface OwnerRef {
  uid: string;
  kind?: string;
  name?: string;
  controller?: boolean;
}

export interface ObjectMeta {
  name?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerRef[];
  managedFields?: unknown;
  [key: string]: unknown;
}

/** A Kubernetes object as parsed from JSON; the cache treats it as immutable once stored. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** '/api/v1/pods', '/apis/apps/v1/namespaces/shop/deployments'. */
export function apiPath(r: ResourceId): string {
  const base = r.group === '' ? `/api/${r.version}` : `/apis/${r.group}/${r.version}`;
  return r.namespace ? `${base}/namespaces/${encodeURIComponent(r.namespace)}/${r.resource}` : `${base}/${r.resource}`;
}

/** 'pods', 'deployments.apps': how kubectl and RBAC messages name a resource. */
export function resourceName(r: ResourceId): string {
  return r.group === '' ? r.resource : `${r.resource}.${r.group}`;
}

/** A stable map key for a resource id. */
export function resourceKey(r: ResourceId): string {
  return `${r.group}/${r.version}/${r.resource}${r.namespace ? `@${r.namespace}` : ''}`;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function isKubeObject(v: unknown): v is KubeObject {
  return isRecord(v) && isRecord(v.metadata);
}
