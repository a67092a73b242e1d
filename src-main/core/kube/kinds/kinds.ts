// The kinds Orrery knows how to show, with the columns kubectl prints for them and a row
// projection: only these small rows cross to the renderer, never whole objects.
import type { ColumnDef, KindInfo, ResourceRow } from '../../../contract/types';
import { tableCell } from '../cache/table-rows';
import type { KubeObject } from '../cache/types';
import { healthOf } from './health';
import { podReady, podReason, podRestarts, podSpecOf, podStatusOf } from './pod-status';

type Cell = string | number | null;
type Obj = KubeObject & { spec?: Record<string, unknown>; status?: Record<string, unknown>; data?: Record<string, unknown>; [k: string]: unknown };

interface KindDef extends Omit<KindInfo, 'columns'> {
  columns: Array<ColumnDef & { value(o: Obj): Cell }>;
  /** Listed and watched as the server's Tables: cells come from its printer (CRD printer columns).
   *  'metadata': the rows carry only the objects' metadata (kinds whose list needs nothing else;
   *  their detail pages read the full object from the API). */
  serverTable?: boolean | 'metadata';
}

const age: ColumnDef & { value(o: Obj): Cell } = { id: 'age', title: 'Age', type: 'age', value: (o) => o.metadata.creationTimestamp ?? null };
const col = (id: string, title: string, value: (o: Obj) => Cell, type: ColumnDef['type'] = 'text', wide?: boolean) => ({ id, title, type, value, ...(wide ? { wide } : {}) });
const n = (v: unknown) => (typeof v === 'number' ? v : 0);
const s = (v: unknown) => (typeof v === 'string' ? v : '');
const spec = (o: Obj) => (o.spec ?? {}) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- free-form Kubernetes JSON
const status = (o: Obj) => (o.status ?? {}) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- free-form Kubernetes JSON
const count = (v: unknown) => (v && typeof v === 'object' ? Object.keys(v).length : 0);
const selectorText = (sel: unknown) =>
  sel && typeof sel === 'object'
    ? Object.entries((sel as { matchLabels?: Record<string, string> }).matchLabels ?? (sel as Record<string, string>))
        .filter(([, v]) => typeof v === 'string')
        .map(([k, v]) => `${k}=${v}`)
        .join(',') || '<none>'
    : '<none>';

function ports(o: Obj): string {
  const list = (spec(o).ports ?? []) as Array<{ port: number; protocol?: string; nodePort?: number }>;
  return list.map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`).join(',') || '<none>';
}

function restartsCell(o: Obj): string {
  const r = podRestarts(o);
  if (!r.count) return '0';
  if (!r.lastAt) return String(r.count);
  const mins = Math.max(0, Math.round((Date.now() - Date.parse(r.lastAt)) / 60000));
  return `${r.count} (${mins < 60 ? `${mins}m` : `${Math.round(mins / 60)}h`} ago)`;
}

function nodeRoles(o: Obj): string {
  const roles = Object.keys(o.metadata.labels ?? {})
    .filter((k) => k.startsWith('node-role.kubernetes.io/'))
    .map((k) => k.slice('node-role.kubernetes.io/'.length));
  return roles.join(',') || '<none>';
}

function nodeStatus(o: Obj): string {
  const ready = ((status(o).conditions ?? []) as Array<{ type: string; status: string }>).find((c) => c.type === 'Ready');
  const base = ready?.status === 'True' ? 'Ready' : ready?.status === 'False' ? 'NotReady' : 'Unknown';
  return spec(o).unschedulable ? `${base},SchedulingDisabled` : base;
}

function hpaTargets(o: Obj): string {
  const current = (status(o).currentMetrics ?? []) as Array<{ resource?: { name: string; current?: { averageUtilization?: number } } }>;
  const wanted = (spec(o).metrics ?? []) as Array<{ resource?: { name: string; target?: { averageUtilization?: number } } }>;
  return (
    wanted
      .map((m, i) => {
        const cur = current[i]?.resource?.current?.averageUtilization;
        return `${m.resource?.name ?? 'metric'}: ${cur === undefined ? '<unknown>' : `${cur}%`}/${m.resource?.target?.averageUtilization ?? '?'}%`;
      })
      .join(', ') || '<none>'
  );
}

const kinds: KindDef[] = [
  {
    id: 'pods', group: '', version: 'v1', resource: 'pods', kind: 'Pod', namespaced: true, category: 'Workloads',
    columns: [
      col('ready', 'Ready', (o) => { const r = podReady(o); return `${r.ready}/${r.total}`; }),
      col('status', 'Status', (o) => podReason(o)),
      col('restarts', 'Restarts', restartsCell, 'num'),
      age,
      col('ip', 'IP', (o) => podStatusOf(o).podIP ?? '<none>', 'text', true),
      col('node', 'Node', (o) => podSpecOf(o).nodeName ?? '<none>', 'text', true),
    ],
  },
  {
    id: 'deployments', group: 'apps', version: 'v1', resource: 'deployments', kind: 'Deployment', namespaced: true, category: 'Workloads',
    columns: [
      col('ready', 'Ready', (o) => `${n(status(o).readyReplicas)}/${spec(o).replicas ?? 1}`),
      col('updated', 'Up-to-date', (o) => n(status(o).updatedReplicas), 'num'),
      col('available', 'Available', (o) => n(status(o).availableReplicas), 'num'),
      age,
    ],
  },
  {
    id: 'replicasets', group: 'apps', version: 'v1', resource: 'replicasets', kind: 'ReplicaSet', namespaced: true, category: 'Workloads',
    columns: [col('desired', 'Desired', (o) => n(spec(o).replicas), 'num'), col('current', 'Current', (o) => n(status(o).replicas), 'num'), col('ready', 'Ready', (o) => n(status(o).readyReplicas), 'num'), age],
  },
  {
    id: 'statefulsets', group: 'apps', version: 'v1', resource: 'statefulsets', kind: 'StatefulSet', namespaced: true, category: 'Workloads',
    columns: [col('ready', 'Ready', (o) => `${n(status(o).readyReplicas)}/${spec(o).replicas ?? 1}`), age],
  },
  {
    id: 'daemonsets', group: 'apps', version: 'v1', resource: 'daemonsets', kind: 'DaemonSet', namespaced: true, category: 'Workloads',
    columns: [
      col('desired', 'Desired', (o) => n(status(o).desiredNumberScheduled), 'num'),
      col('current', 'Current', (o) => n(status(o).currentNumberScheduled), 'num'),
      col('ready', 'Ready', (o) => n(status(o).numberReady), 'num'),
      col('available', 'Available', (o) => n(status(o).numberAvailable), 'num'),
      age,
    ],
  },
  {
    id: 'jobs', group: 'batch', version: 'v1', resource: 'jobs', kind: 'Job', namespaced: true, category: 'Workloads',
    columns: [col('completions', 'Completions', (o) => `${n(status(o).succeeded)}/${spec(o).completions ?? 1}`), age],
  },
  {
    id: 'cronjobs', group: 'batch', version: 'v1', resource: 'cronjobs', kind: 'CronJob', namespaced: true, category: 'Workloads',
    columns: [
      col('schedule', 'Schedule', (o) => s(spec(o).schedule)),
      col('suspend', 'Suspend', (o) => String(spec(o).suspend === true)),
      col('active', 'Active', (o) => count(status(o).active), 'num'),
      col('last', 'Last schedule', (o) => s(status(o).lastScheduleTime) || null, 'age'),
      age,
    ],
  },
  {
    id: 'services', group: '', version: 'v1', resource: 'services', kind: 'Service', namespaced: true, category: 'Network',
    columns: [
      col('type', 'Type', (o) => s(spec(o).type) || 'ClusterIP'),
      col('clusterIP', 'Cluster-IP', (o) => s(spec(o).clusterIP) || '<none>'),
      col('ports', 'Port(s)', ports),
      age,
      col('selector', 'Selector', (o) => selectorText(spec(o).selector), 'text', true),
    ],
  },
  {
    id: 'endpoints', group: '', version: 'v1', resource: 'endpoints', kind: 'Endpoints', namespaced: true, category: 'Network',
    columns: [
      col('endpoints', 'Endpoints', (o) => {
        const subsets = ((o as { subsets?: Array<{ addresses?: Array<{ ip: string }>; ports?: Array<{ port: number }> }> }).subsets ?? []);
        const all = subsets.flatMap((ss) => (ss.addresses ?? []).flatMap((a) => (ss.ports ?? [{ port: 0 }]).map((p) => `${a.ip}:${p.port}`)));
        return all.length > 3 ? `${all.slice(0, 3).join(',')} + ${all.length - 3} more` : all.join(',') || '<none>';
      }),
      age,
    ],
  },
  {
    id: 'endpointslices', group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices', kind: 'EndpointSlice', namespaced: true, category: 'Network',
    columns: [col('addressType', 'Address type', (o) => s((o as { addressType?: string }).addressType)), col('endpoints', 'Endpoints', (o) => ((o as { endpoints?: unknown[] }).endpoints ?? []).length, 'num'), age],
  },
  {
    id: 'ingresses', group: 'networking.k8s.io', version: 'v1', resource: 'ingresses', kind: 'Ingress', namespaced: true, category: 'Network',
    columns: [
      col('class', 'Class', (o) => s(spec(o).ingressClassName) || '<none>'),
      col('hosts', 'Hosts', (o) => ((spec(o).rules ?? []) as Array<{ host?: string }>).map((r) => r.host ?? '*').join(',') || '*'),
      age,
    ],
  },
  {
    id: 'networkpolicies', group: 'networking.k8s.io', version: 'v1', resource: 'networkpolicies', kind: 'NetworkPolicy', namespaced: true, category: 'Network',
    columns: [col('podSelector', 'Pod-selector', (o) => selectorText(spec(o).podSelector)), age],
  },
  // The lists show how many keys, never the values (often large: Helm keeps whole releases in
  // Secrets): listed as the server's Tables with metadata only, so no value reaches the cache.
  { id: 'configmaps', group: '', version: 'v1', resource: 'configmaps', kind: 'ConfigMap', namespaced: true, category: 'Config', serverTable: 'metadata', columns: [col('data', 'Data', (o) => n(tableCell(o, 'Data')), 'num'), age] },
  { id: 'secrets', group: '', version: 'v1', resource: 'secrets', kind: 'Secret', namespaced: true, category: 'Config', serverTable: 'metadata', columns: [col('type', 'Type', (o) => s(tableCell(o, 'Type'))), col('data', 'Data', (o) => n(tableCell(o, 'Data')), 'num'), age] },
  {
    id: 'horizontalpodautoscalers', group: 'autoscaling', version: 'v2', resource: 'horizontalpodautoscalers', kind: 'HorizontalPodAutoscaler', namespaced: true, category: 'Config',
    columns: [
      col('reference', 'Reference', (o) => `${s(spec(o).scaleTargetRef?.kind)}/${s(spec(o).scaleTargetRef?.name)}`),
      col('targets', 'Targets', hpaTargets),
      col('min', 'Minpods', (o) => n(spec(o).minReplicas ?? 1), 'num'),
      col('max', 'Maxpods', (o) => n(spec(o).maxReplicas), 'num'),
      col('replicas', 'Replicas', (o) => n(status(o).currentReplicas), 'num'),
      age,
    ],
  },
  {
    id: 'persistentvolumeclaims', group: '', version: 'v1', resource: 'persistentvolumeclaims', kind: 'PersistentVolumeClaim', namespaced: true, category: 'Storage',
    columns: [
      col('status', 'Status', (o) => s(status(o).phase)),
      col('volume', 'Volume', (o) => s(spec(o).volumeName)),
      col('capacity', 'Capacity', (o) => s(status(o).capacity?.storage)),
      col('storageClass', 'Storage class', (o) => s(spec(o).storageClassName)),
      age,
    ],
  },
  { id: 'serviceaccounts', group: '', version: 'v1', resource: 'serviceaccounts', kind: 'ServiceAccount', namespaced: true, category: 'Access', columns: [age] },
  { id: 'roles', group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'roles', kind: 'Role', namespaced: true, category: 'Access', columns: [age] },
  {
    id: 'rolebindings', group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'rolebindings', kind: 'RoleBinding', namespaced: true, category: 'Access',
    columns: [col('role', 'Role', (o) => `${s((o.roleRef as { kind?: string })?.kind)}/${s((o.roleRef as { name?: string })?.name)}`), age],
  },
  { id: 'clusterroles', group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'clusterroles', kind: 'ClusterRole', namespaced: false, category: 'Access', columns: [age] },
  {
    id: 'clusterrolebindings', group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'clusterrolebindings', kind: 'ClusterRoleBinding', namespaced: false, category: 'Access',
    columns: [col('role', 'Role', (o) => `${s((o.roleRef as { kind?: string })?.kind)}/${s((o.roleRef as { name?: string })?.name)}`), age],
  },
  {
    id: 'nodes', group: '', version: 'v1', resource: 'nodes', kind: 'Node', namespaced: false, category: 'Cluster',
    columns: [
      col('status', 'Status', nodeStatus),
      col('roles', 'Roles', nodeRoles),
      age,
      col('version', 'Version', (o) => s(status(o).nodeInfo?.kubeletVersion)),
      col('internalIP', 'Internal-IP', (o) => ((status(o).addresses ?? []) as Array<{ type: string; address: string }>).find((a) => a.type === 'InternalIP')?.address ?? '<none>', 'text', true),
    ],
  },
  { id: 'namespaces', group: '', version: 'v1', resource: 'namespaces', kind: 'Namespace', namespaced: false, category: 'Cluster', columns: [col('status', 'Status', (o) => s(status(o).phase) || 'Active'), age] },
  {
    id: 'events', group: '', version: 'v1', resource: 'events', kind: 'Event', namespaced: true, category: 'Cluster',
    columns: [
      col('lastSeen', 'Last seen', (o) => s(o.lastTimestamp) || s(o.eventTime) || o.metadata.creationTimestamp || null, 'age'),
      col('type', 'Type', (o) => s(o.type)),
      col('reason', 'Reason', (o) => s(o.reason)),
      col('object', 'Object', (o) => `${s((o.involvedObject as { kind?: string })?.kind).toLowerCase()}/${s((o.involvedObject as { name?: string })?.name)}`),
      col('count', 'Count', (o) => n(o.count) || 1, 'num', true),
      col('message', 'Message', (o) => s(o.message)),
    ],
  },
];

const byId = new Map(kinds.map((k) => [k.id, k]));

/** What the renderer needs to know about a kind (no functions). */
export function kindInfo({ columns, serverTable: _serverTable, ...rest }: KindDef): KindInfo {
  return { ...rest, columns: columns.map(({ value: _value, ...c }) => c) };
}

/** The kinds Orrery defines itself (discovered ones come per context from discovery.ts). */
export function kindInfos(): KindInfo[] {
  return kinds.map(kindInfo);
}

/** A kind Orrery defines (kinds found by discovery are per context: Discovery.resolve). */
export function findKind(id: string): KindDef | undefined {
  return byId.get(id);
}

export type { KindDef };

/** Projects an object to the small row the renderer shows. */
export function toRow(kind: KindDef, o: KubeObject): ResourceRow {
  const row: ResourceRow = {
    key: o.metadata.uid ?? `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`,
    name: o.metadata.name ?? '',
    cells: kind.columns.map((c) => {
      try {
        return c.value(o as Obj);
      } catch {
        return null; // a malformed object shows an empty cell, not a broken list
      }
    }),
  };
  if (o.metadata.namespace) row.namespace = o.metadata.namespace;
  const health = healthOf(kind.kind, o);
  if (health) row.health = health;
  return row;
}
