// Server-side printing (meta.k8s.io/v1 Table) with the columns kube-apiserver's printers use,
// so `kubectl get` looks as on a real cluster. Priority-1 columns show with `-o wide`.
import type { KObject } from './store';
import { labelSelectorToString } from './selectors';
import { evaluateJsonPath, parseJsonPath } from './jsonpath';
import type { PrinterColumn } from './crds';

export interface Column {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

export type Cell = string | number | boolean | null;
export interface Printer {
  columns: Column[];
  row: (o: any, now: number) => Cell[];
}

const col = (name: string, type = 'string', priority = 0, format = ''): Column => ({
  name,
  type,
  format,
  description: DESCRIPTIONS[name] ?? name,
  priority,
});
const DESCRIPTIONS: Record<string, string> = {
  Name: 'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names',
  Age: 'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata',
};
const NAME = col('Name', 'string', 0, 'name');
const AGE = col('Age');

/** apimachinery's duration.HumanDuration. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = Math.floor(hours / 24) % 365;
    const y = Math.floor(hours / 24 / 365);
    return dy === 0 ? `${y}y` : `${y}y${dy}d`;
  }
  return `${Math.floor(hours / 24 / 365)}y`;
}

function since(ts: string | undefined, now: number): string {
  if (!ts) return '<unknown>';
  return humanDuration(now - Date.parse(ts));
}
const age = (o: KObject, now: number) => since(o.metadata.creationTimestamp, now);
const none = (s: string | undefined | null) => (s ? s : '<none>');

function containersImages(spec: any): [string, string] {
  const cs: any[] = spec?.containers ?? [];
  return [cs.map((c) => c.name).join(','), cs.map((c) => c.image).join(',')];
}

function podStatus(p: any): { reason: string; ready: number; total: number; restarts: number; lastRestart?: string } {
  const st = p.status ?? {};
  let reason: string = st.reason || st.phase || '';
  const total = p.spec?.containers?.length ?? 0;
  let ready = 0;
  let restarts = 0;
  let lastRestart: string | undefined;
  let initializing = false;
  const inits: any[] = st.initContainerStatuses ?? [];
  // As printPod: the first init container that has not succeeded decides, and the count is of
  // the spec's init containers (statuses may not all exist yet).
  inits.forEach((c, i) => {
    if (initializing) return;
    restarts += c.restartCount ?? 0;
    const t = c.state?.terminated;
    if (t && t.exitCode === 0) return;
    initializing = true;
    if (t) reason = t.reason ? `Init:${t.reason}` : t.signal ? `Init:Signal:${t.signal}` : `Init:ExitCode:${t.exitCode}`;
    else if (c.state?.waiting?.reason && c.state.waiting.reason !== 'PodInitializing') reason = `Init:${c.state.waiting.reason}`;
    else reason = `Init:${i}/${p.spec?.initContainers?.length ?? inits.length}`;
  });
  if (!initializing) {
    let hasRunning = false;
    const statuses: any[] = st.containerStatuses ?? [];
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i];
      restarts += c.restartCount ?? 0;
      const fin = c.lastState?.terminated?.finishedAt;
      if (fin && (!lastRestart || fin > lastRestart)) lastRestart = fin;
      if (c.state?.waiting?.reason) reason = c.state.waiting.reason;
      else if (c.state?.terminated?.reason) reason = c.state.terminated.reason;
      else if (c.state?.terminated) reason = c.state.terminated.signal ? `Signal:${c.state.terminated.signal}` : `ExitCode:${c.state.terminated.exitCode}`;
      else if (c.ready && c.state?.running) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) {
      const readyCond = (st.conditions ?? []).find((c: any) => c.type === 'Ready');
      reason = readyCond?.status === 'True' ? 'Running' : 'NotReady';
    }
  }
  if (p.metadata.deletionTimestamp) reason = st.reason === 'NodeLost' ? 'Unknown' : 'Terminating';
  return { reason, ready, total, restarts, lastRestart };
}

function svcPorts(ports: any[] | undefined): string {
  if (!ports?.length) return '<none>';
  return ports.map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`).join(',');
}

function formatEndpoints(subsets: any[] | undefined): string {
  const list: string[] = [];
  let count = 0;
  for (const s of subsets ?? []) {
    for (const a of s.addresses ?? []) {
      for (const p of s.ports?.length ? s.ports : [undefined]) {
        count++;
        if (list.length < 3) list.push(p ? `${a.ip}:${p.port}` : a.ip);
      }
    }
  }
  if (count === 0) return '<none>';
  return count > 3 ? `${list.join(',')} + ${count - 3} more...` : list.join(',');
}

function eventObject(e: any): string {
  const io = e.involvedObject ?? e.regarding ?? {};
  return `${String(io.kind ?? '').toLowerCase()}/${io.name ?? ''}`;
}

function ruleRef(o: any): string {
  return `${o.roleRef?.kind}/${o.roleRef?.name}`;
}

const PRINTERS: Record<string, Printer> = {
  pods: {
    columns: [NAME, col('Ready'), col('Status'), col('Restarts'), AGE, col('IP', 'string', 1), col('Node', 'string', 1), col('Nominated Node', 'string', 1), col('Readiness Gates', 'string', 1)],
    row: (p, now) => {
      const s = podStatus(p);
      const restarts = s.lastRestart ? `${s.restarts} (${since(s.lastRestart, now)} ago)` : `${s.restarts}`;
      const gates: any[] = p.spec?.readinessGates ?? [];
      const gatesCell = gates.length
        ? `${gates.filter((g) => (p.status?.conditions ?? []).some((c: any) => c.type === g.conditionType && c.status === 'True')).length}/${gates.length}`
        : '<none>';
      return [p.metadata.name, `${s.ready}/${s.total}`, s.reason, restarts, age(p, now), none(p.status?.podIP), none(p.spec?.nodeName), none(p.status?.nominatedNodeName), gatesCell];
    },
  },
  deployments: {
    columns: [NAME, col('Ready'), col('Up-to-date', 'integer'), col('Available', 'integer'), AGE, col('Containers', 'string', 1), col('Images', 'string', 1), col('Selector', 'string', 1)],
    row: (d, now) => {
      const [c, i] = containersImages(d.spec?.template?.spec);
      return [d.metadata.name, `${d.status?.readyReplicas ?? 0}/${d.spec?.replicas ?? 0}`, d.status?.updatedReplicas ?? 0, d.status?.availableReplicas ?? 0, age(d, now), c, i, labelSelectorToString(d.spec?.selector)];
    },
  },
  replicasets: {
    columns: [NAME, col('Desired', 'integer'), col('Current', 'integer'), col('Ready', 'integer'), AGE, col('Containers', 'string', 1), col('Images', 'string', 1), col('Selector', 'string', 1)],
    row: (d, now) => {
      const [c, i] = containersImages(d.spec?.template?.spec);
      return [d.metadata.name, d.spec?.replicas ?? 0, d.status?.replicas ?? 0, d.status?.readyReplicas ?? 0, age(d, now), c, i, labelSelectorToString(d.spec?.selector)];
    },
  },
  statefulsets: {
    columns: [NAME, col('Ready'), AGE, col('Containers', 'string', 1), col('Images', 'string', 1)],
    row: (d, now) => {
      const [c, i] = containersImages(d.spec?.template?.spec);
      return [d.metadata.name, `${d.status?.readyReplicas ?? 0}/${d.spec?.replicas ?? 0}`, age(d, now), c, i];
    },
  },
  daemonsets: {
    columns: [NAME, col('Desired', 'integer'), col('Current', 'integer'), col('Ready', 'integer'), col('Up-to-date', 'integer'), col('Available', 'integer'), col('Node Selector'), AGE, col('Containers', 'string', 1), col('Images', 'string', 1), col('Selector', 'string', 1)],
    row: (d, now) => {
      const [c, i] = containersImages(d.spec?.template?.spec);
      const st = d.status ?? {};
      const ns = Object.entries(d.spec?.template?.spec?.nodeSelector ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
      return [d.metadata.name, st.desiredNumberScheduled ?? 0, st.currentNumberScheduled ?? 0, st.numberReady ?? 0, st.updatedNumberScheduled ?? 0, st.numberAvailable ?? 0, none(ns), age(d, now), c, i, labelSelectorToString(d.spec?.selector)];
    },
  },
  services: {
    columns: [NAME, col('Type'), col('Cluster-IP'), col('External-IP'), col('Port(s)'), AGE, col('Selector', 'string', 1)],
    row: (s, now) => {
      const ext = s.spec?.externalIPs?.join(',') || s.status?.loadBalancer?.ingress?.map((i: any) => i.ip || i.hostname).join(',') || (s.spec?.type === 'LoadBalancer' ? '<pending>' : s.spec?.type === 'ExternalName' ? s.spec.externalName : '<none>');
      const sel = Object.entries(s.spec?.selector ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
      return [s.metadata.name, s.spec?.type ?? 'ClusterIP', s.spec?.clusterIP ?? '<none>', ext, svcPorts(s.spec?.ports), age(s, now), none(sel)];
    },
  },
  endpoints: {
    columns: [NAME, col('Endpoints'), AGE],
    row: (e, now) => [e.metadata.name, formatEndpoints(e.subsets), age(e, now)],
  },
  endpointslices: {
    columns: [NAME, col('AddressType'), col('Ports'), col('Endpoints'), AGE],
    row: (e, now) => {
      const ports = (e.ports ?? []).map((p: any) => p.port).join(',') || '<unset>';
      const addrs: string[] = (e.endpoints ?? []).flatMap((x: any) => x.addresses ?? []);
      const eps = addrs.length === 0 ? '<unset>' : addrs.length > 3 ? `${addrs.slice(0, 3).join(',')} + ${addrs.length - 3} more...` : addrs.join(',');
      return [e.metadata.name, e.addressType ?? '', ports, eps, age(e, now)];
    },
  },
  nodes: {
    columns: [NAME, col('Status'), col('Roles'), AGE, col('Version'), col('Internal-IP', 'string', 1), col('External-IP', 'string', 1), col('OS-Image', 'string', 1), col('Kernel-Version', 'string', 1), col('Container-Runtime', 'string', 1)],
    row: (n, now) => {
      const ready = (n.status?.conditions ?? []).find((c: any) => c.type === 'Ready');
      let status = ready ? (ready.status === 'True' ? 'Ready' : 'NotReady') : 'Unknown';
      if (n.spec?.unschedulable) status += ',SchedulingDisabled';
      const roles = Object.keys(n.metadata.labels ?? {})
        .filter((k) => k.startsWith('node-role.kubernetes.io/'))
        .map((k) => k.slice('node-role.kubernetes.io/'.length))
        .join(',');
      const addr = (t: string) => (n.status?.addresses ?? []).find((a: any) => a.type === t)?.address ?? '<none>';
      const info = n.status?.nodeInfo ?? {};
      return [n.metadata.name, status, none(roles), age(n, now), info.kubeletVersion ?? '', addr('InternalIP'), addr('ExternalIP'), info.osImage ?? '<unknown>', info.kernelVersion ?? '<unknown>', info.containerRuntimeVersion ?? '<unknown>'];
    },
  },
  namespaces: {
    columns: [NAME, col('Status'), AGE],
    row: (n, now) => [n.metadata.name, n.status?.phase ?? '', age(n, now)],
  },
  configmaps: {
    columns: [NAME, col('Data', 'integer'), AGE],
    row: (c, now) => [c.metadata.name, Object.keys(c.data ?? {}).length + Object.keys(c.binaryData ?? {}).length, age(c, now)],
  },
  secrets: {
    columns: [NAME, col('Type'), col('Data', 'integer'), AGE],
    row: (s, now) => [s.metadata.name, s.type ?? 'Opaque', Object.keys(s.data ?? {}).length, age(s, now)],
  },
  serviceaccounts: {
    columns: [NAME, col('Secrets', 'integer'), AGE],
    row: (s, now) => [s.metadata.name, s.secrets?.length ?? 0, age(s, now)],
  },
  events: {
    columns: [col('Last Seen'), col('Type'), col('Reason'), col('Object'), col('Message'), col('Subobject', 'string', 1), col('Source', 'string', 1), col('First Seen', 'string', 1), col('Count', 'string', 1), col('Name', 'string', 1)],
    // Core v1 and events.k8s.io/v1 field names both (the same events, two views).
    row: (e, now) => {
      const last = e.series?.lastObservedTime ?? e.lastTimestamp ?? e.deprecatedLastTimestamp ?? e.eventTime ?? e.metadata.creationTimestamp;
      const first = e.firstTimestamp ?? e.deprecatedFirstTimestamp ?? e.eventTime ?? e.metadata.creationTimestamp;
      const source = e.source ?? e.deprecatedSource;
      const src = source?.component ? `${source.component}${source.host ? `, ${source.host}` : ''}` : (e.reportingComponent ?? e.reportingController ?? '');
      const fieldPath = (e.involvedObject ?? e.regarding)?.fieldPath ?? '';
      return [since(last, now), e.type ?? '', e.reason ?? '', eventObject(e), String(e.message ?? e.note ?? '').trim(), fieldPath, src, since(first, now), String(e.series?.count ?? e.count ?? e.deprecatedCount ?? 1), e.metadata.name];
    },
  },
  jobs: {
    columns: [NAME, col('Status'), col('Completions'), col('Duration'), AGE, col('Containers', 'string', 1), col('Images', 'string', 1), col('Selector', 'string', 1)],
    row: (j, now) => {
      const st = j.status ?? {};
      const conds: any[] = st.conditions ?? [];
      const has = (t: string) => conds.some((c) => c.type === t && c.status === 'True');
      const status = has('Complete') ? 'Complete' : has('Failed') ? 'Failed' : has('FailureTarget') ? 'FailureTarget' : has('Suspended') ? 'Suspended' : j.metadata.deletionTimestamp ? 'Terminating' : 'Running';
      const completions = j.spec?.completions != null ? `${st.succeeded ?? 0}/${j.spec.completions}` : `${st.succeeded ?? 0}/1 of ${j.spec?.parallelism ?? 1}`;
      const duration = st.startTime ? humanDuration((st.completionTime ? Date.parse(st.completionTime) : now) - Date.parse(st.startTime)) : '';
      const [c, i] = containersImages(j.spec?.template?.spec);
      return [j.metadata.name, status, completions, duration, age(j, now), c, i, labelSelectorToString(j.spec?.selector)];
    },
  },
  cronjobs: {
    columns: [NAME, col('Schedule'), col('Timezone'), col('Suspend', 'boolean'), col('Active', 'integer'), col('Last Schedule'), AGE, col('Containers', 'string', 1), col('Images', 'string', 1), col('Selector', 'string', 1)],
    row: (j, now) => {
      const [c, i] = containersImages(j.spec?.jobTemplate?.spec?.template?.spec);
      const last = j.status?.lastScheduleTime ? since(j.status.lastScheduleTime, now) : '<none>';
      return [j.metadata.name, j.spec?.schedule ?? '', none(j.spec?.timeZone), !!j.spec?.suspend, j.status?.active?.length ?? 0, last, age(j, now), c, i, labelSelectorToString(j.spec?.jobTemplate?.spec?.selector) || '<none>'];
    },
  },
  ingresses: {
    columns: [NAME, col('Class'), col('Hosts'), col('Address'), col('Ports'), AGE],
    row: (g, now) => {
      const hosts = (g.spec?.rules ?? []).map((r: any) => r.host).filter(Boolean).join(',') || '*';
      const addr = (g.status?.loadBalancer?.ingress ?? []).map((i: any) => i.ip || i.hostname).join(',');
      const ports = g.spec?.tls?.length ? '80, 443' : '80';
      return [g.metadata.name, g.spec?.ingressClassName ?? '<none>', hosts, addr, ports, age(g, now)];
    },
  },
  networkpolicies: {
    columns: [NAME, col('Pod-Selector'), AGE],
    row: (n, now) => [n.metadata.name, labelSelectorToString(n.spec?.podSelector) || '<none>', age(n, now)],
  },
  horizontalpodautoscalers: {
    columns: [NAME, col('Reference'), col('Targets'), col('MinPods'), col('MaxPods', 'integer'), col('Replicas', 'integer'), AGE],
    row: (h, now) => {
      const ref = h.spec?.scaleTargetRef ?? {};
      const current: any[] = h.status?.currentMetrics ?? [];
      if (h.spec?.targetCPUUtilizationPercentage !== undefined) {
        // autoscaling/v1 view
        const cur = h.status?.currentCPUUtilizationPercentage;
        const t = `cpu: ${cur !== undefined ? `${cur}%` : '<unknown>'}/${h.spec.targetCPUUtilizationPercentage}%`;
        return [h.metadata.name, `${ref.kind}/${ref.name}`, t, String(h.spec?.minReplicas ?? 1), h.spec?.maxReplicas ?? 0, h.status?.currentReplicas ?? 0, age(h, now)];
      }
      const targets = (h.spec?.metrics ?? []).map((m: any, idx: number) => {
        if (m.type !== 'Resource') return '<unknown>';
        const cur = current[idx]?.resource?.current;
        const t = m.resource?.target ?? {};
        const name = m.resource?.name;
        if (t.averageUtilization != null) return `${name}: ${cur?.averageUtilization != null ? cur.averageUtilization + '%' : '<unknown>'}/${t.averageUtilization}%`;
        return `${name}: ${cur?.averageValue ?? '<unknown>'}/${t.averageValue ?? t.value ?? '<unknown>'}`;
      });
      return [h.metadata.name, `${ref.kind}/${ref.name}`, targets.join(', ') || '<none>', String(h.spec?.minReplicas ?? 1), h.spec?.maxReplicas ?? 0, h.status?.currentReplicas ?? 0, age(h, now)];
    },
  },
  persistentvolumeclaims: {
    columns: [NAME, col('Status'), col('Volume'), col('Capacity'), col('Access Modes'), col('StorageClass'), col('VolumeAttributesClass'), AGE, col('VolumeMode', 'string', 1)],
    row: (p, now) => {
      const modes = (p.status?.accessModes ?? p.spec?.accessModes ?? []).map((m: string) => ({ ReadWriteOnce: 'RWO', ReadOnlyMany: 'ROX', ReadWriteMany: 'RWX', ReadWriteOncePod: 'RWOP' })[m] ?? m).join(',');
      return [p.metadata.name, p.status?.phase ?? 'Pending', p.spec?.volumeName ?? '', p.status?.capacity?.storage ?? '', modes, p.spec?.storageClassName ?? '', p.spec?.volumeAttributesClassName ?? '<unset>', age(p, now), p.spec?.volumeMode ?? 'Filesystem'];
    },
  },
  roles: { columns: [NAME, col('Created At', 'date')], row: (r) => [r.metadata.name, r.metadata.creationTimestamp] },
  clusterroles: { columns: [NAME, col('Created At', 'date')], row: (r) => [r.metadata.name, r.metadata.creationTimestamp] },
  rolebindings: {
    columns: [NAME, col('Role'), AGE, col('Users', 'string', 1), col('Groups', 'string', 1), col('ServiceAccounts', 'string', 1)],
    row: (b, now) => bindingRow(b, now),
  },
  clusterrolebindings: {
    columns: [NAME, col('Role'), AGE, col('Users', 'string', 1), col('Groups', 'string', 1), col('ServiceAccounts', 'string', 1)],
    row: (b, now) => bindingRow(b, now),
  },
};

function bindingRow(b: any, now: number): Cell[] {
  const subj: any[] = b.subjects ?? [];
  const of = (k: string) => subj.filter((s) => s.kind === k).map((s) => (k === 'ServiceAccount' ? `${s.namespace ?? ''}:${s.name}` : s.name)).join(', ');
  return [b.metadata.name, ruleRef(b), age(b, now), of('User'), of('Group'), of('ServiceAccount')];
}

const DEFAULT_PRINTER: Printer = {
  columns: [NAME, col('Created At', 'date')],
  row: (o) => [o.metadata.name, o.metadata.creationTimestamp],
};

/** A cell as apiextensions-apiserver's table convertor makes it from a JSONPath result. */
function crdCell(type: string, value: unknown, now: number): Cell {
  if (value === undefined || value === null) return null;
  switch (type) {
    case 'integer':
      return typeof value === 'number' ? Math.trunc(value) : null;
    case 'number':
      return typeof value === 'number' ? value : null;
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    case 'date': {
      if (typeof value !== 'string') return null;
      const t = Date.parse(value);
      return Number.isNaN(t) ? '<invalid>' : humanDuration(now - t);
    }
    default:
      return typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
}

/** The printer of a CRD version: Name, then its additionalPrinterColumns (or Age when it has
 *  none), each cell the first result of the column's JSONPath. */
export function crdPrinter(columns: readonly PrinterColumn[] | undefined): Printer {
  const defs: PrinterColumn[] = columns?.length ? [...columns] : [{ name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp', description: DESCRIPTIONS.Age }];
  const paths = defs.map((c) => parseJsonPath(c.jsonPath));
  return {
    columns: [NAME, ...defs.map((c) => ({ name: c.name, type: c.type, format: c.format ?? '', description: c.description ?? '', priority: c.priority ?? 0 }))],
    row: (o, now) => [o.metadata.name, ...defs.map((c, i) => crdCell(c.type, evaluateJsonPath(paths[i]!, o)[0], now))],
  };
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export function printerFor(resource: string): Printer {
  return PRINTERS[resource] ?? DEFAULT_PRINTER;
}

/** `object` of a Table row: JSON text, reusing the cached serialization for full objects. */
export function rowObjectJson(o: KObject, json: () => string, include: IncludeObject): string | undefined {
  if (include === 'None') return undefined;
  if (include === 'Object') return json();
  return JSON.stringify({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata });
}

/** Table JSON for a set of objects; `items` carry their cached JSON. */
export function tableJson(
  resource: string | Printer,
  items: { object: KObject; json: () => string }[],
  include: IncludeObject,
  listMeta: { resourceVersion?: string; continue?: string; remainingItemCount?: number },
  withColumns = true,
): string {
  const p = typeof resource === 'string' ? printerFor(resource) : resource;
  const now = Date.now();
  const rows = items.map(({ object, json }) => {
    const cells = JSON.stringify(p.row(object, now));
    const obj = rowObjectJson(object, json, include);
    return obj === undefined ? `{"cells":${cells}}` : `{"cells":${cells},"object":${obj}}`;
  });
  const meta: Record<string, unknown> = {};
  if (listMeta.resourceVersion) meta.resourceVersion = listMeta.resourceVersion;
  if (listMeta.continue) meta.continue = listMeta.continue;
  if (listMeta.remainingItemCount !== undefined) meta.remainingItemCount = listMeta.remainingItemCount;
  const cols = withColumns ? JSON.stringify(p.columns) : '[]';
  return `{"kind":"Table","apiVersion":"meta.k8s.io/v1","metadata":${JSON.stringify(meta)},"columnDefinitions":${cols},"rows":[${rows.join(',')}]}`;
}
