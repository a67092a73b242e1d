// What a pod refers to by name in its namespace: ConfigMaps, Secrets and PersistentVolumeClaims
// it mounts (volumes, projected volumes) or reads (envFrom, env valueFrom), and its ServiceAccount.
// Reads only what kinds/slim.ts keeps of a cached pod. The cluster CA bundle every pod's
// automatic API-access volume projects (kube-root-ca.crt) is left out: an edge from every
// workload to it says nothing.
import type { KubeObject } from '../kube/cache/types';

export interface PodRefs {
  configMaps: string[];
  secrets: string[];
  claims: string[];
  serviceAccount?: string;
}

interface NameRef {
  name?: string;
}
interface Volume {
  configMap?: NameRef;
  secret?: { secretName?: string };
  persistentVolumeClaim?: { claimName?: string };
  projected?: { sources?: Array<{ configMap?: NameRef; secret?: NameRef }> };
}
interface Container {
  envFrom?: Array<{ configMapRef?: NameRef; secretRef?: NameRef }>;
  env?: Array<{ valueFrom?: { configMapKeyRef?: NameRef; secretKeyRef?: NameRef } }>;
}
interface Spec {
  volumes?: Volume[];
  containers?: Container[];
  initContainers?: Container[];
  serviceAccountName?: string;
}

const ROOT_CA = 'kube-root-ca.crt';

const add = (list: string[], name: string | undefined) => {
  if (name && !list.includes(name)) list.push(name);
};

export function podRefs(pod: KubeObject): PodRefs {
  const spec = (pod.spec ?? {}) as Spec;
  const refs: PodRefs = { configMaps: [], secrets: [], claims: [] };
  for (const v of spec.volumes ?? []) {
    add(refs.configMaps, v.configMap?.name);
    add(refs.secrets, v.secret?.secretName);
    add(refs.claims, v.persistentVolumeClaim?.claimName);
    for (const s of v.projected?.sources ?? []) {
      if (s.configMap?.name !== ROOT_CA) add(refs.configMaps, s.configMap?.name);
      add(refs.secrets, s.secret?.name);
    }
  }
  for (const list of [spec.containers, spec.initContainers]) {
    for (const c of list ?? []) {
      for (const e of c.envFrom ?? []) {
        add(refs.configMaps, e.configMapRef?.name);
        add(refs.secrets, e.secretRef?.name);
      }
      for (const e of c.env ?? []) {
        add(refs.configMaps, e.valueFrom?.configMapKeyRef?.name);
        add(refs.secrets, e.valueFrom?.secretKeyRef?.name);
      }
    }
  }
  if (spec.serviceAccountName) refs.serviceAccount = spec.serviceAccountName;
  return refs;
}
