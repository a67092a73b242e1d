// Which workload a pod belongs to, from the watch cache: its controller owner, followed one step
// further for ReplicaSets (-> Deployment) and Jobs (-> CronJob), as `kind/namespace/name`.
import type { WorkloadKindId } from '../../../contract/metrics-types';
import type { KubeObject, OwnerRef } from '../../kube/cache/types';
import type { ObjectStore } from '../../kube/cache/store';

const kindIds: Record<string, WorkloadKindId> = {
  Deployment: 'deployments',
  StatefulSet: 'statefulsets',
  DaemonSet: 'daemonsets',
  Job: 'jobs',
  CronJob: 'cronjobs',
  ReplicaSet: 'replicasets',
};

export function workloadKey(kind: WorkloadKindId, namespace: string, name: string): string {
  return `${kind}/${namespace}/${name}`;
}

const controllerOf = (o: KubeObject): OwnerRef | undefined => {
  const refs = o.metadata.ownerReferences;
  return refs?.find((r) => r.controller) ?? refs?.[0];
};

export interface OwnerStores {
  pods: ObjectStore;
  replicasets?: ObjectStore;
  jobs?: ObjectStore;
}

/** The pod's workload key; null when it has none (a bare pod); undefined when the cache does
 *  not know the pod (yet), so the caller can ask again later. */
export function workloadOfPod(stores: OwnerStores, namespace: string, name: string): string | null | undefined {
  const pod = stores.pods.getByName(namespace, name);
  if (!pod) return undefined;
  return workloadOf(stores, pod);
}

export function workloadOf(stores: OwnerStores, pod: KubeObject): string | null {
  const namespace = pod.metadata.namespace ?? '';
  const owner = controllerOf(pod);
  if (!owner?.kind || !owner.name) return null;
  const kind = kindIds[owner.kind];
  if (!kind) return null;
  // One step further: a ReplicaSet's Deployment, a Job's CronJob (when that cache knows them).
  const parentStore = kind === 'replicasets' ? stores.replicasets : kind === 'jobs' ? stores.jobs : undefined;
  const parent = parentStore?.getByName(namespace, owner.name);
  const grand = parent && controllerOf(parent);
  if (grand?.kind && grand.name && kindIds[grand.kind]) return workloadKey(kindIds[grand.kind]!, namespace, grand.name);
  return workloadKey(kind, namespace, owner.name);
}
