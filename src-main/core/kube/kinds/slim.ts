// What the cache keeps of a pod. At 100k pods every field costs: the cache keeps what list rows,
// health, the overview and owner/node/label indexes read, plus the names a pod refers to (volumes'
// ConfigMaps, Secrets and claims; envFrom/env references) for the topology, and drops the rest
// (annotations, env values, probes, resources...). Detail pages fetch the full object when they open.
import type { KubeObject } from '../cache/types';
import { stripHeavyMetadata } from '../cache/store';
import { resourceTotals } from './pod-resources';

type Json = Record<string, unknown>;

const keepContainer = ['name', 'image', 'restartPolicy'];
const keepSpec = ['nodeName', 'containers', 'initContainers', 'ephemeralContainers', 'serviceAccountName', 'volumes'];
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

/** A container as kept: name, image, restartPolicy, and only the references of envFrom and env. */
function slimContainer(c: unknown): Json | undefined {
  const out = pick(c, keepContainer);
  if (!out) return out;
  const { envFrom, env } = c as { envFrom?: unknown; env?: unknown };
  if (Array.isArray(envFrom) && envFrom.length) out.envFrom = envFrom;
  if (Array.isArray(env)) {
    const refs = env.filter((e: { valueFrom?: { configMapKeyRef?: unknown; secretKeyRef?: unknown } }) => e?.valueFrom?.configMapKeyRef || e?.valueFrom?.secretKeyRef);
    if (refs.length) out.env = refs.map((e: { name?: string; valueFrom: { configMapKeyRef?: { name?: string }; secretKeyRef?: { name?: string } } }) => ({ name: e.name, valueFrom: e.valueFrom.configMapKeyRef ? { configMapKeyRef: { name: e.valueFrom.configMapKeyRef.name } } : { secretKeyRef: { name: e.valueFrom.secretKeyRef?.name } } }));
  }
  return out;
}

/** A volume as kept: its name and the ConfigMap, Secret or claim it names (nothing else). */
function slimVolume(v: unknown): Json | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const src = v as { name?: string; configMap?: { name?: string }; secret?: { secretName?: string }; persistentVolumeClaim?: { claimName?: string }; projected?: { sources?: Array<{ configMap?: { name?: string }; secret?: { name?: string } }> } };
  const out: Json = { name: src.name };
  if (src.configMap) out.configMap = { name: src.configMap.name };
  else if (src.secret) out.secret = { secretName: src.secret.secretName };
  else if (src.persistentVolumeClaim) out.persistentVolumeClaim = { claimName: src.persistentVolumeClaim.claimName };
  else if (src.projected?.sources) {
    const sources = src.projected.sources.filter((s) => s.configMap || s.secret).map((s) => (s.configMap ? { configMap: { name: s.configMap.name } } : { secret: { name: s.secret?.name } }));
    if (sources.length) out.projected = { sources };
  }
  return out;
}

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
    if (Array.isArray(spec.containers)) spec.containers = spec.containers.map(slimContainer);
    if (Array.isArray(spec.initContainers)) spec.initContainers = spec.initContainers.map(slimContainer);
    if (Array.isArray(spec.volumes)) spec.volumes = spec.volumes.map(slimVolume);
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
