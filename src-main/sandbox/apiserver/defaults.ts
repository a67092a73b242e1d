// Defaulting and the validation kube-apiserver applies on create/update, for the fields that
// kubectl describe and the schema validators expect. Mutates drafts in place.
import type { StatusCause } from './errors';
import type { KObject, Store } from './store';
import { labelSelectorFromObject } from './selectors';

type Defaulter = (draft: KObject, old: KObject | undefined, store: Store) => void;
type Validator = (obj: KObject, old: KObject | undefined) => StatusCause[];

function defaultContainer(c: any): void {
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  if (!c.imagePullPolicy) {
    const image = String(c.image ?? '');
    const tag = image.includes('@') ? 'digest' : (/:([^/:]+)$/.exec(image)?.[1] ?? 'latest');
    c.imagePullPolicy = tag === 'latest' ? 'Always' : 'IfNotPresent';
  }
  c.resources ??= {};
  for (const p of c.ports ?? []) p.protocol ??= 'TCP';
  for (const probe of [c.livenessProbe, c.readinessProbe, c.startupProbe]) {
    if (!probe) continue;
    probe.timeoutSeconds ??= 1;
    probe.periodSeconds ??= 10;
    probe.successThreshold ??= 1;
    probe.failureThreshold ??= 3;
    if (probe.httpGet) probe.httpGet.scheme ??= 'HTTP';
  }
}

/** PodSpec defaults (also for templates inside workloads). */
export function defaultPodSpec(spec: any): void {
  if (!spec) return;
  spec.restartPolicy ??= 'Always';
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.securityContext ??= {};
  spec.schedulerName ??= 'default-scheduler';
  spec.enableServiceLinks ??= true;
  for (const c of spec.containers ?? []) defaultContainer(c);
  for (const c of spec.initContainers ?? []) defaultContainer(c);
}

function qosClass(spec: any): string {
  const cs: any[] = [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])];
  let any = false;
  let guaranteed = cs.length > 0;
  for (const c of cs) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    if (Object.keys(req).length || Object.keys(lim).length) any = true;
    for (const r of ['cpu', 'memory']) {
      if (lim[r] === undefined || (req[r] !== undefined && req[r] !== lim[r])) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

const podDefaults: Defaulter = (d, old) => {
  defaultPodSpec(d.spec);
  if (old) return;
  const spec = d.spec ?? (d.spec = {});
  // ServiceAccount and DefaultTolerationSeconds admission plugins.
  spec.serviceAccountName ??= spec.serviceAccount ?? 'default';
  spec.serviceAccount ??= spec.serviceAccountName;
  spec.priority ??= 0;
  spec.preemptionPolicy ??= 'PreemptLowerPriority';
  const tol: any[] = (spec.tolerations ??= []);
  for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
    if (!tol.some((t) => t.key === key)) tol.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
  }
  d.status ??= {};
  d.status.phase ??= 'Pending';
  d.status.qosClass ??= qosClass(spec);
};

function templated(extra: (spec: any) => void): Defaulter {
  return (d) => {
    const spec = d.spec ?? (d.spec = {});
    extra(spec);
    defaultPodSpec(spec.template?.spec);
  };
}

const deploymentDefaults = templated((spec) => {
  spec.replicas ??= 1;
  spec.strategy ??= {};
  spec.strategy.type ??= 'RollingUpdate';
  if (spec.strategy.type === 'RollingUpdate') {
    spec.strategy.rollingUpdate ??= {};
    spec.strategy.rollingUpdate.maxUnavailable ??= '25%';
    spec.strategy.rollingUpdate.maxSurge ??= '25%';
  }
  spec.revisionHistoryLimit ??= 10;
  spec.progressDeadlineSeconds ??= 600;
});

const replicaSetDefaults = templated((spec) => {
  spec.replicas ??= 1;
});

const statefulSetDefaults = templated((spec) => {
  spec.replicas ??= 1;
  spec.podManagementPolicy ??= 'OrderedReady';
  spec.updateStrategy ??= {};
  spec.updateStrategy.type ??= 'RollingUpdate';
  if (spec.updateStrategy.type === 'RollingUpdate') spec.updateStrategy.rollingUpdate ??= { partition: 0 };
  spec.revisionHistoryLimit ??= 10;
  spec.persistentVolumeClaimRetentionPolicy ??= { whenDeleted: 'Retain', whenScaled: 'Retain' };
});

const daemonSetDefaults = templated((spec) => {
  spec.updateStrategy ??= {};
  spec.updateStrategy.type ??= 'RollingUpdate';
  if (spec.updateStrategy.type === 'RollingUpdate') spec.updateStrategy.rollingUpdate ??= { maxUnavailable: 1, maxSurge: 0 };
  spec.revisionHistoryLimit ??= 10;
});

const jobSpecDefaults = templated((spec) => {
  spec.parallelism ??= 1;
  spec.completions ??= 1;
  spec.backoffLimit ??= 6;
  spec.completionMode ??= 'NonIndexed';
  spec.suspend ??= false;
  spec.podReplacementPolicy ??= 'TerminatingOrFailed';
});

/** As kube-apiserver's Job strategy: on create, unless spec.manualSelector, the selector is the
 *  Job's uid and the pod template carries the controller-uid / job-name labels. */
const jobDefaults: Defaulter = (d, old, store) => {
  jobSpecDefaults(d, old, store);
  if (old || d.spec.manualSelector || !d.metadata.uid) return;
  const uid = d.metadata.uid;
  const name = d.metadata.name ?? '';
  d.spec.selector ??= { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
  const tpl = d.spec.template ?? (d.spec.template = {});
  tpl.metadata ??= {};
  tpl.metadata.labels = { ...tpl.metadata.labels, 'batch.kubernetes.io/controller-uid': uid, 'batch.kubernetes.io/job-name': name, 'controller-uid': uid, 'job-name': name };
};

const cronJobDefaults: Defaulter = (d) => {
  const spec = d.spec ?? (d.spec = {});
  spec.concurrencyPolicy ??= 'Allow';
  spec.suspend ??= false;
  spec.successfulJobsHistoryLimit ??= 3;
  spec.failedJobsHistoryLimit ??= 1;
  defaultPodSpec(spec.jobTemplate?.spec?.template?.spec);
};

// Service cluster IPs come from 10.96.0.0/12 (display only; nothing listens there).
const allocated = new WeakMap<Store, Set<string>>();
function allocateClusterIP(store: Store): string {
  let used = allocated.get(store);
  if (!used) {
    used = new Set(store.list('services').items.map((s) => s.spec?.clusterIP).filter(Boolean));
    allocated.set(store, used);
  }
  for (;;) {
    // 10.96.0.0/12 spans 10.96.0.0 - 10.111.255.255; .0.1 is the kubernetes service.
    const n = 2 + Math.floor(Math.random() * ((1 << 20) - 3));
    const ip = `10.${96 + (n >> 16)}.${(n >> 8) & 255}.${n & 255}`;
    if (!used.has(ip)) {
      used.add(ip);
      return ip;
    }
  }
}

const serviceDefaults: Defaulter = (d, old, store) => {
  const spec = d.spec ?? (d.spec = {});
  spec.type ??= 'ClusterIP';
  spec.sessionAffinity ??= 'None';
  for (const p of spec.ports ?? []) {
    p.protocol ??= 'TCP';
    p.targetPort ??= p.port;
  }
  if (spec.type !== 'ExternalName') {
    if (old?.spec?.clusterIP && !spec.clusterIP) spec.clusterIP = old.spec.clusterIP;
    if (!spec.clusterIP) spec.clusterIP = allocateClusterIP(store);
    spec.clusterIPs ??= [spec.clusterIP];
    spec.ipFamilies ??= ['IPv4'];
    spec.ipFamilyPolicy ??= 'SingleStack';
    spec.internalTrafficPolicy ??= 'Cluster';
  }
  if (!old) d.status ??= { loadBalancer: {} };
};

const namespaceDefaults: Defaulter = (d, old) => {
  d.metadata.labels = { ...d.metadata.labels, 'kubernetes.io/metadata.name': d.metadata.name! };
  d.spec ??= { finalizers: ['kubernetes'] };
  if (!old) d.status = { phase: 'Active' };
};

const secretDefaults: Defaulter = (d) => {
  d.type ??= 'Opaque';
};

const hpaDefaults: Defaulter = (d) => {
  const spec = d.spec ?? (d.spec = {});
  spec.minReplicas ??= 1;
};

export const defaulters: Record<string, Defaulter> = {
  pods: podDefaults,
  deployments: deploymentDefaults,
  replicasets: replicaSetDefaults,
  statefulsets: statefulSetDefaults,
  daemonsets: daemonSetDefaults,
  jobs: jobDefaults,
  cronjobs: cronJobDefaults,
  services: serviceDefaults,
  namespaces: namespaceDefaults,
  secrets: secretDefaults,
  horizontalpodautoscalers: hpaDefaults,
};

// ---- validation ----

const required = (field: string): StatusCause => ({ reason: 'FieldValueRequired', message: 'Required value', field });

function validateContainers(spec: any, path: string): StatusCause[] {
  const out: StatusCause[] = [];
  const cs = spec?.containers;
  if (!Array.isArray(cs) || cs.length === 0) return [required(`${path}.containers`)];
  cs.forEach((c: any, i: number) => {
    if (!c?.name) out.push(required(`${path}.containers[${i}].name`));
    if (!c?.image) out.push(required(`${path}.containers[${i}].image`));
  });
  return out;
}

function goMap(labels: Record<string, string> | undefined): string {
  return `map[string]string{${Object.entries(labels ?? {})
    .sort()
    .map(([k, v]) => `"${k}":"${v}"`)
    .join(', ')}}`;
}

function validateSelectorTemplate(o: KObject, old: KObject | undefined): StatusCause[] {
  const spec = o.spec ?? {};
  if (!spec.selector) return [required('spec.selector')];
  const out: StatusCause[] = [];
  const labels = spec.template?.metadata?.labels;
  if (!labelSelectorFromObject(spec.selector)(labels)) {
    out.push({
      reason: 'FieldValueInvalid',
      message: `Invalid value: ${goMap(labels)}: \`selector\` does not match template \`labels\``,
      field: 'spec.template.metadata.labels',
    });
  }
  if (spec.replicas !== undefined && (typeof spec.replicas !== 'number' || !Number.isInteger(spec.replicas) || spec.replicas < 0)) {
    out.push({ reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(spec.replicas)}: must be greater than or equal to 0`, field: 'spec.replicas' });
  }
  if (old && JSON.stringify(old.spec?.selector) !== JSON.stringify(spec.selector)) {
    out.push({ reason: 'FieldValueInvalid', message: 'Invalid value: field is immutable', field: 'spec.selector' });
  }
  return out.concat(validateContainers(spec.template?.spec, 'spec.template.spec'));
}

export const validators: Record<string, Validator> = {
  pods: (o) => validateContainers(o.spec, 'spec'),
  deployments: validateSelectorTemplate,
  replicasets: validateSelectorTemplate,
  statefulsets: validateSelectorTemplate,
  daemonsets: validateSelectorTemplate,
  services: (o) => {
    const spec = o.spec ?? {};
    if (spec.type !== 'ExternalName' && spec.clusterIP !== 'None' && !(spec.ports?.length)) return [required('spec.ports')];
    return [];
  },
};
