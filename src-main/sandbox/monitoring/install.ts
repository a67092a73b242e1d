// The objects a `helm install kube-prometheus-stack -n monitoring` leaves in a cluster, for the
// parts the sandbox runs: the Prometheus StatefulSet's pod and its two Services
// (prometheus-operated, created by the operator with operated-prometheus=true, and the chart's
// kube-prometheus-stack-prometheus), the kube-state-metrics Deployment and Service, the
// node-exporter DaemonSet and Service, and the kubelet Service + Endpoints the operator
// maintains in kube-system. Names and labels are the chart's for release "kube-prometheus-stack".
//
// The pods are marked external: the kubelet simulation does not run them, external-pods.ts
// writes their status. The kube-state-metrics pod comes from the Deployment through the
// sandbox's controllers; the StatefulSet and DaemonSet pods are created here (the sandbox has no
// controllers for them), and recreated if deleted while their owner exists.
import type { KObject, Store } from '../apiserver/store';
import { EXTERNAL_ANNOTATION } from '../controllers/kubelet';
import { fnv32a, ownerRef, randomHex, safeEncode } from '../controllers/util';
import { MONITORED_LABEL } from './scope';
import { KSM_VERSION } from './kube-state-metrics';
import { NODE_EXPORTER_VERSION } from './node-exporter';

export const NS = 'monitoring';
export const RELEASE = 'kube-prometheus-stack';
const CHART_VERSION = '72.6.2';

export const PROMETHEUS = `${RELEASE}-prometheus`;
export const PROMETHEUS_STS = `prometheus-${PROMETHEUS}`;
export const PROMETHEUS_POD = `${PROMETHEUS_STS}-0`;
export const PROMETHEUS_OPERATED = 'prometheus-operated';
export const KSM = `${RELEASE}-kube-state-metrics`;
export const NODE_EXPORTER = `${RELEASE}-prometheus-node-exporter`;
export const KUBELET_SERVICE = `${RELEASE}-kubelet`;
export const KUBELET_NAMESPACE = 'kube-system';

/** The EXTERNAL_ANNOTATION value of each component's pods. */
export const COMPONENT = { prometheus: 'prometheus', ksm: 'kube-state-metrics', nodeExporter: 'node-exporter' } as const;
export type Component = (typeof COMPONENT)[keyof typeof COMPONENT];

const helmLabels = (name: string, version: string, chart: string) => ({
  'app.kubernetes.io/managed-by': 'Helm',
  'app.kubernetes.io/instance': RELEASE,
  'app.kubernetes.io/part-of': name,
  'app.kubernetes.io/version': version,
  'helm.sh/chart': chart,
  release: RELEASE,
});

export const PROMETHEUS_POD_LABELS = {
  'app.kubernetes.io/instance': PROMETHEUS,
  'app.kubernetes.io/managed-by': 'prometheus-operator',
  'app.kubernetes.io/name': 'prometheus',
  'operator.prometheus.io/name': PROMETHEUS,
  'operator.prometheus.io/shard': '0',
  prometheus: PROMETHEUS,
};

export const KSM_LABELS = { ...helmLabels('kube-state-metrics', KSM_VERSION, 'kube-state-metrics-5.33.1'), 'app.kubernetes.io/component': 'metrics', 'app.kubernetes.io/name': 'kube-state-metrics' };
export const NODE_EXPORTER_LABELS = {
  ...helmLabels('prometheus-node-exporter', NODE_EXPORTER_VERSION, 'prometheus-node-exporter-4.46.1'),
  'app.kubernetes.io/component': 'metrics',
  'app.kubernetes.io/name': 'prometheus-node-exporter',
  jobLabel: 'node-exporter',
};

export const PROMETHEUS_IMAGE = (version: string) => `quay.io/prometheus/prometheus:v${version}`;
export const KSM_IMAGE = `registry.k8s.io/kube-state-metrics/kube-state-metrics:v${KSM_VERSION}`;
export const NODE_EXPORTER_IMAGE = `quay.io/prometheus/node-exporter:v${NODE_EXPORTER_VERSION}`;

export const imageID = (image: string) => `${image.replace(/:[^/:]+$/, '')}@sha256:${fnv32a(image).toString(16).padStart(8, '0').repeat(8)}`;

function ensure(store: Store, resource: string, obj: KObject): KObject {
  return store.get(resource, obj.metadata.namespace, obj.metadata.name!) ?? store.create(resource, obj);
}

export function ensureNamespace(store: Store): void {
  ensure(store, 'namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS, labels: { 'kubernetes.io/metadata.name': NS } } });
}

/** The Prometheus StatefulSet, its Services, and its pod on `node`. */
export function installPrometheus(store: Store, o: { version: string; node: string }): void {
  const image = PROMETHEUS_IMAGE(o.version);
  const container = {
    name: 'prometheus',
    image,
    args: ['--web.console.templates=/etc/prometheus/consoles', '--web.console.libraries=/etc/prometheus/console_libraries', '--config.file=/etc/prometheus/config_out/prometheus.env.yaml', '--web.enable-lifecycle', '--web.external-url=http://kube-prometheus-stack-prometheus.monitoring:9090', '--web.route-prefix=/', '--storage.tsdb.retention.time=10d', '--storage.tsdb.path=/prometheus', '--web.config.file=/etc/prometheus/web_config/web-config.yaml'],
    ports: [{ name: 'http-web', containerPort: 9090, protocol: 'TCP' }],
    readinessProbe: { httpGet: { path: '/-/ready', port: 'http-web', scheme: 'HTTP' }, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3 },
    resources: { requests: { cpu: '100m', memory: '256Mi' } },
  };
  const sts = ensure(store, 'statefulsets', {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: PROMETHEUS_STS, namespace: NS, labels: { ...helmLabels('kube-prometheus-stack', CHART_VERSION, `kube-prometheus-stack-${CHART_VERSION}`), app: PROMETHEUS, 'operator.prometheus.io/name': PROMETHEUS, 'operator.prometheus.io/mode': 'server' }, annotations: { 'prometheus-operator-input-hash': '1' } },
    spec: {
      replicas: 1,
      serviceName: PROMETHEUS_OPERATED,
      podManagementPolicy: 'Parallel',
      selector: { matchLabels: { 'app.kubernetes.io/instance': PROMETHEUS, 'app.kubernetes.io/managed-by': 'prometheus-operator', 'app.kubernetes.io/name': 'prometheus', 'operator.prometheus.io/name': PROMETHEUS, 'operator.prometheus.io/shard': '0', prometheus: PROMETHEUS } },
      template: { metadata: { labels: PROMETHEUS_POD_LABELS, annotations: { [EXTERNAL_ANNOTATION]: COMPONENT.prometheus, 'kubectl.kubernetes.io/default-container': 'prometheus' } }, spec: { serviceAccountName: PROMETHEUS, containers: [container] } },
    },
  });
  ensurePrometheusPod(store, sts, o.node);
  ensure(store, 'services', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: PROMETHEUS_OPERATED, namespace: NS, labels: { 'managed-by': 'prometheus-operator', 'operated-prometheus': 'true' } },
    spec: { clusterIP: 'None', type: 'ClusterIP', selector: { 'app.kubernetes.io/name': 'prometheus' }, ports: [{ name: 'http-web', port: 9090, protocol: 'TCP', targetPort: 'http-web' }] },
  });
  ensure(store, 'services', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: PROMETHEUS, namespace: NS, labels: { ...helmLabels('kube-prometheus-stack', CHART_VERSION, `kube-prometheus-stack-${CHART_VERSION}`), app: PROMETHEUS, chart: `kube-prometheus-stack-${CHART_VERSION}`, heritage: 'Helm', 'self-monitor': 'true' } },
    spec: { type: 'ClusterIP', selector: { 'app.kubernetes.io/name': 'prometheus', 'operator.prometheus.io/name': PROMETHEUS }, ports: [{ name: 'http-web', port: 9090, protocol: 'TCP', targetPort: 9090 }] },
  });
}

/** The StatefulSet's only pod (recreated with the same name, as its controller would). */
export function ensurePrometheusPod(store: Store, sts: KObject, node: string): void {
  const tpl = sts.spec.template;
  ensure(store, 'pods', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: PROMETHEUS_POD,
      namespace: NS,
      labels: { ...tpl.metadata.labels, 'apps.kubernetes.io/pod-index': '0', 'controller-revision-hash': `${PROMETHEUS_STS}-${safeEncode(String(fnv32a(JSON.stringify(tpl)))).slice(0, 10)}`, 'statefulset.kubernetes.io/pod-name': PROMETHEUS_POD },
      annotations: tpl.metadata.annotations,
      ownerReferences: [ownerRef(sts)],
    },
    spec: { ...tpl.spec, nodeName: node, hostname: PROMETHEUS_POD, subdomain: PROMETHEUS_OPERATED },
  });
}

/** The kube-state-metrics Deployment and Service; the sandbox's controllers make its pod. */
export function installKubeStateMetrics(store: Store): void {
  const selector = { 'app.kubernetes.io/name': 'kube-state-metrics', 'app.kubernetes.io/instance': RELEASE };
  ensure(store, 'deployments', {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: KSM, namespace: NS, labels: KSM_LABELS },
    spec: {
      replicas: 1,
      revisionHistoryLimit: 10,
      selector: { matchLabels: selector },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: {
        metadata: { labels: KSM_LABELS, annotations: { [EXTERNAL_ANNOTATION]: COMPONENT.ksm } },
        spec: {
          serviceAccountName: KSM,
          containers: [
            {
              name: 'kube-state-metrics',
              image: KSM_IMAGE,
              args: ['--port=8080', '--resources=certificatesigningrequests,configmaps,cronjobs,daemonsets,deployments,endpoints,horizontalpodautoscalers,ingresses,jobs,leases,limitranges,mutatingwebhookconfigurations,namespaces,networkpolicies,nodes,persistentvolumeclaims,persistentvolumes,poddisruptionbudgets,pods,replicasets,replicationcontrollers,resourcequotas,secrets,services,statefulsets,storageclasses,validatingwebhookconfigurations,volumeattachments'],
              ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
              readinessProbe: { httpGet: { path: '/readyz', port: 8081 }, initialDelaySeconds: 5, timeoutSeconds: 5 },
              livenessProbe: { httpGet: { path: '/livez', port: 'http' }, initialDelaySeconds: 5, timeoutSeconds: 5 },
            },
          ],
        },
      },
    },
  });
  ensure(store, 'services', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: KSM, namespace: NS, labels: KSM_LABELS, annotations: { 'prometheus.io/scrape': 'true' } },
    spec: { type: 'ClusterIP', selector, ports: [{ name: 'http', port: 8080, protocol: 'TCP', targetPort: 8080 }] },
  });
}

/** The node-exporter DaemonSet (running on monitored nodes) and its Service. */
export function installNodeExporter(store: Store): KObject {
  const selector = { 'app.kubernetes.io/name': 'prometheus-node-exporter', 'app.kubernetes.io/instance': RELEASE };
  const ds = ensure(store, 'daemonsets', {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: NODE_EXPORTER, namespace: NS, labels: NODE_EXPORTER_LABELS },
    spec: {
      selector: { matchLabels: selector },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } },
      template: {
        metadata: { labels: NODE_EXPORTER_LABELS, annotations: { [EXTERNAL_ANNOTATION]: COMPONENT.nodeExporter, 'cluster-autoscaler.kubernetes.io/safe-to-evict': 'true' } },
        spec: {
          hostNetwork: true,
          hostPID: true,
          serviceAccountName: NODE_EXPORTER,
          // Only nodes the sandbox monitors (see scope.ts), which in a normal sandbox is all.
          nodeSelector: { 'kubernetes.io/os': 'linux', [MONITORED_LABEL]: 'true' },
          tolerations: [{ effect: 'NoSchedule', operator: 'Exists' }],
          containers: [
            {
              name: 'node-exporter',
              image: NODE_EXPORTER_IMAGE,
              args: ['--path.procfs=/host/proc', '--path.sysfs=/host/sys', '--path.rootfs=/host/root', '--path.udev.data=/host/root/run/udev/data', '--web.listen-address=[$(HOST_IP)]:9100', '--collector.filesystem.mount-points-exclude=^/(dev|proc|sys|var/lib/docker/.+|var/lib/kubelet/.+)($|/)', '--collector.filesystem.fs-types-exclude=^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|iso9660|mqueue|nsfs|overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|sysfs|tracefs|erofs)$'],
              ports: [{ name: 'http-metrics', containerPort: 9100, hostPort: 9100, protocol: 'TCP' }],
              readinessProbe: { httpGet: { path: '/', port: 'http-metrics' } },
              livenessProbe: { httpGet: { path: '/', port: 'http-metrics' } },
            },
          ],
        },
      },
    },
  });
  ensure(store, 'services', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: NODE_EXPORTER, namespace: NS, labels: NODE_EXPORTER_LABELS, annotations: { 'prometheus.io/scrape': 'true' } },
    spec: { type: 'ClusterIP', selector, ports: [{ name: 'http-metrics', port: 9100, protocol: 'TCP', targetPort: 9100 }] },
  });
  return ds;
}

/** The DaemonSet's pod on a node: its name, creating it if missing. */
export function ensureNodeExporterPod(store: Store, ds: KObject, node: string): string {
  const existing = store.list('pods', { namespace: NS, labelSelector: 'app.kubernetes.io/name=prometheus-node-exporter', fieldSelector: `spec.nodeName=${node}` }).items.find((p) => !p.metadata.deletionTimestamp);
  if (existing) return existing.metadata.name!;
  const tpl = ds.spec.template;
  const name = `${NODE_EXPORTER}-${safeEncode(randomHex(5))}`;
  store.create('pods', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: NS, labels: { ...tpl.metadata.labels, 'controller-revision-hash': safeEncode(String(fnv32a(JSON.stringify(tpl)))).slice(0, 10), 'pod-template-generation': String(ds.metadata.generation ?? 1) }, annotations: tpl.metadata.annotations, ownerReferences: [ownerRef(ds)] },
    spec: { ...tpl.spec, nodeName: node },
  });
  return name;
}

/** The kubelet Service the operator keeps in kube-system, with one address per monitored node. */
export function syncKubeletService(store: Store, ports: Map<string, number>): void {
  ensure(store, 'services', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: KUBELET_SERVICE, namespace: KUBELET_NAMESPACE, labels: { 'app.kubernetes.io/managed-by': 'prometheus-operator', 'app.kubernetes.io/name': 'kubelet', 'k8s-app': 'kubelet' } },
    spec: { clusterIP: 'None', type: 'ClusterIP', ports: [{ name: 'https-metrics', port: 10250, protocol: 'TCP', targetPort: 10250 }, { name: 'http-metrics', port: 10255, protocol: 'TCP', targetPort: 10255 }, { name: 'cadvisor', port: 4194, protocol: 'TCP', targetPort: 4194 }] },
  });
  // Every sandbox node is 127.0.0.1, so each kubelet has its own port: one subset per node.
  const subsets = [...ports].map(([node, port]) => ({ addresses: [{ ip: '127.0.0.1', targetRef: { kind: 'Node', name: node } }], ports: [{ name: 'https-metrics', port, protocol: 'TCP' }] }));
  const labels = { 'app.kubernetes.io/managed-by': 'prometheus-operator', 'app.kubernetes.io/name': 'kubelet', 'k8s-app': 'kubelet' };
  if (store.get('endpoints', KUBELET_NAMESPACE, KUBELET_SERVICE)) {
    store.patch('endpoints', KUBELET_NAMESPACE, KUBELET_SERVICE, (d) => {
      d.subsets = subsets;
    });
  } else store.create('endpoints', { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: KUBELET_SERVICE, namespace: KUBELET_NAMESPACE, labels }, subsets });
}
