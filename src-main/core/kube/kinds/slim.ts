// What the cache keeps of a pod. At 100k pods every field costs: the cache keeps what list rows,
// health, the overview and owner/node/label indexes read, and drops the rest (annotations,
// volumes, env, probes, resources...). Detail pages fetch the full object when they open.
import type { KubeObject } from '../cache/types';
import { stripHeavyMetadata } from '../cache/store';
import { resourceTotals } from './pod-resources';

type Json = Record<string, unknown>;

const keepContainer = ['name', 'image', 'restartPolicy'];
const keepSpec = ['nodeName', 'containers', 'initContainers', 'ephemeralContainers', 'serviceAccountName'];
const keepStatus = ['phase', 'reason', 'podIP', 'conditions', 'containerStatuses', 'initContainerStatuses', 'ephemeralContainerStatuses'];
const keepContainerStatus = ['name', 'ready', 'restartCount', 'state', 'lastState'];
const keepOwnerRef = ['uid', 'kind', 'name', 'controller'];

function pick(o: unknown, keys: string[]): Json | undefined {
  if (!o || typeof o !== 'object') return undefined;
  const out: Json = {};
  for (const k of keys) if ((o as Json)[k] !== undefined) out[k] = (o as Json)[k];
  return out;
}

const pickAll = (list: unknown, keys: string[]) => (Array.isArray(list) ? list.map((c) => pick(c, keys)) : undefined);

export function slimPod(obj: KubeObject): KubeObject {
  stripHeavyMetadata(obj);
  const meta = obj.metadata;
  delete meta.annotations;
  delete meta.generateName;
  if (meta.ownerReferences) meta.ownerReferences = pickAll(meta.ownerReferences, keepOwnerRef) as unknown as typeof meta.ownerReferences;
  const spec = pick(obj.spec, keepSpec);
  if (spec) {
    // Containers' resources are dropped; their CPU/memory request and limit totals are kept
    // (four numbers) for usage charts.
    spec.resourceTotals = resourceTotals(obj.spec);
    if (spec.containers) spec.containers = pickAll(spec.containers, keepContainer);
    if (spec.initContainers) spec.initContainers = pickAll(spec.initContainers, keepContainer);
    if (spec.ephemeralContainers) spec.ephemeralContainers = pickAll(spec.ephemeralContainers, keepContainer);
    obj.spec = spec;
  }
  const status = pick(obj.status, keepStatus);
  if (status) {
    // Only the Ready condition matters to status and health columns.
    if (Array.isArray(status.conditions)) status.conditions = (status.conditions as Json[]).filter((c) => c.type === 'Ready').map((c) => pick(c, ['type', 'status']));
    if (status.containerStatuses) status.containerStatuses = pickAll(status.containerStatuses, keepContainerStatus);
    if (status.initContainerStatuses) status.initContainerStatuses = pickAll(status.initContainerStatuses, keepContainerStatus);
    if (status.ephemeralContainerStatuses) status.ephemeralContainerStatuses = pickAll(status.ephemeralContainerStatuses, keepContainerStatus);
    obj.status = status;
  }
  return obj;
}

/** Kinds whose cached objects are slimmed; their detail pages read the full object from the API. */
export const slimKinds: Record<string, (o: KubeObject) => KubeObject> = { pods: slimPod };
