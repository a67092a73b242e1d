// What the cache keeps of a pod. At 100k pods every field costs: the cache keeps what lists,
// health, the overview, the topology and detail summaries read, and drops the rest (volumes,
// tolerations, env, mounts...). Detail pages fetch the full object when they open.
import type { KubeObject } from '../cache/types';
import { stripHeavyMetadata } from '../cache/store';

type Json = Record<string, unknown>;

const keepContainer = ['name', 'image', 'ports', 'resources', 'livenessProbe', 'readinessProbe', 'startupProbe', 'restartPolicy'];
const keepSpec = ['nodeName', 'containers', 'initContainers', 'serviceAccountName', 'priorityClassName', 'hostNetwork'];
const keepStatus = ['phase', 'reason', 'message', 'podIP', 'hostIP', 'startTime', 'qosClass', 'conditions', 'containerStatuses', 'initContainerStatuses'];
const keepContainerStatus = ['name', 'ready', 'started', 'restartCount', 'state', 'lastState', 'image', 'containerID'];

function pick(o: unknown, keys: string[]): Json | undefined {
  if (!o || typeof o !== 'object') return undefined;
  const out: Json = {};
  for (const k of keys) if ((o as Json)[k] !== undefined) out[k] = (o as Json)[k];
  return out;
}

const pickAll = (list: unknown, keys: string[]) => (Array.isArray(list) ? list.map((c) => pick(c, keys)) : undefined);

export function slimPod(obj: KubeObject): KubeObject {
  stripHeavyMetadata(obj);
  const spec = pick(obj.spec, keepSpec);
  if (spec) {
    if (spec.containers) spec.containers = pickAll(spec.containers, keepContainer);
    if (spec.initContainers) spec.initContainers = pickAll(spec.initContainers, keepContainer);
    obj.spec = spec;
  }
  const status = pick(obj.status, keepStatus);
  if (status) {
    if (status.containerStatuses) status.containerStatuses = pickAll(status.containerStatuses, keepContainerStatus);
    if (status.initContainerStatuses) status.initContainerStatuses = pickAll(status.initContainerStatuses, keepContainerStatus);
    obj.status = status;
  }
  return obj;
}

/** Kinds whose cached objects are slimmed; their detail pages read the full object from the API. */
export const slimKinds: Record<string, (o: KubeObject) => KubeObject> = { pods: slimPod };
