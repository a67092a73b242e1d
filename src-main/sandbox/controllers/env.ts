// The kubelet's container environment: envFrom (ConfigMaps, Secrets, with prefix), env values
// with $(VAR) expansion, fieldRef and resourceFieldRef downward API, configMapKeyRef and
// secretKeyRef. A missing required source is a CreateContainerConfigError.
import type { KObject, Store } from '../apiserver/store';
import { cpuMillis, memBytes } from './util';

export class ContainerConfigError extends Error {}

function fieldValue(pod: KObject, path: string, podIP: string): string {
  const m = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (m) return (pod.metadata as any)[m[1]!]?.[m[2]!] ?? '';
  switch (path) {
    case 'metadata.name':
      return pod.metadata.name ?? '';
    case 'metadata.namespace':
      return pod.metadata.namespace ?? '';
    case 'metadata.uid':
      return pod.metadata.uid ?? '';
    case 'spec.nodeName':
      return pod.spec?.nodeName ?? '';
    case 'spec.serviceAccountName':
      return pod.spec?.serviceAccountName ?? '';
    case 'status.hostIP':
    case 'status.hostIPs':
    case 'status.podIP':
    case 'status.podIPs':
      return podIP;
    default:
      throw new ContainerConfigError(`unsupported fieldPath: ${path}`);
  }
}

function resourceValue(pod: KObject, ref: any, self: string, node: KObject | undefined): string {
  const c = (pod.spec?.containers ?? []).find((x: any) => x.name === (ref.containerName || self));
  if (!c) throw new ContainerConfigError(`container ${ref.containerName} not found`);
  const [kind, res] = String(ref.resource).split('.') as [string, string];
  let v: string | undefined = c.resources?.[kind]?.[res];
  if (v === undefined && kind === 'limits') v = node?.status?.allocatable?.[res];
  if (v === undefined) return '0';
  if (res === 'cpu') {
    const divisor = ref.divisor ? cpuMillis(ref.divisor) : 1000;
    return String(Math.ceil(cpuMillis(v) / divisor));
  }
  const divisor = ref.divisor ? memBytes(ref.divisor) : 1;
  return String(Math.ceil(memBytes(v) / divisor));
}

function expand(s: string, env: Record<string, string>): string {
  return s.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (all, name) => (all === '$$' ? '$' : name in env ? env[name]! : all));
}

export function resolveEnv(store: Store, pod: KObject, container: any, podIP: string): Record<string, string> {
  const ns = pod.metadata.namespace;
  const env: Record<string, string> = {};
  const node = pod.spec?.nodeName ? store.get('nodes', undefined, pod.spec.nodeName) : undefined;
  for (const src of container.envFrom ?? []) {
    const prefix = src.prefix ?? '';
    if (src.configMapRef) {
      const cm = store.get('configmaps', ns, src.configMapRef.name);
      if (!cm) {
        if (src.configMapRef.optional) continue;
        throw new ContainerConfigError(`configmap "${src.configMapRef.name}" not found`);
      }
      for (const [k, v] of Object.entries(cm.data ?? {})) env[prefix + k] = String(v);
    } else if (src.secretRef) {
      const s = store.get('secrets', ns, src.secretRef.name);
      if (!s) {
        if (src.secretRef.optional) continue;
        throw new ContainerConfigError(`secret "${src.secretRef.name}" not found`);
      }
      for (const [k, v] of Object.entries(s.data ?? {})) env[prefix + k] = Buffer.from(String(v), 'base64').toString('utf8');
      for (const [k, v] of Object.entries(s.stringData ?? {})) env[prefix + k] = String(v);
    }
  }
  for (const e of container.env ?? []) {
    const vf = e.valueFrom;
    if (!vf) {
      env[e.name] = expand(e.value ?? '', env);
      continue;
    }
    if (vf.fieldRef) env[e.name] = fieldValue(pod, vf.fieldRef.fieldPath, podIP);
    else if (vf.resourceFieldRef) env[e.name] = resourceValue(pod, vf.resourceFieldRef, container.name, node);
    else if (vf.configMapKeyRef) {
      const r = vf.configMapKeyRef;
      const v = store.get('configmaps', ns, r.name)?.data?.[r.key];
      if (v === undefined) {
        if (r.optional) continue;
        throw new ContainerConfigError(store.get('configmaps', ns, r.name) ? `couldn't find key ${r.key} in ConfigMap ${ns}/${r.name}` : `configmap "${r.name}" not found`);
      }
      env[e.name] = String(v);
    } else if (vf.secretKeyRef) {
      const r = vf.secretKeyRef;
      const s = store.get('secrets', ns, r.name);
      const v = s?.data?.[r.key];
      if (v === undefined) {
        if (r.optional) continue;
        throw new ContainerConfigError(s ? `couldn't find key ${r.key} in Secret ${ns}/${r.name}` : `secret "${r.name}" not found`);
      }
      env[e.name] = Buffer.from(String(v), 'base64').toString('utf8');
    }
  }
  return env;
}
