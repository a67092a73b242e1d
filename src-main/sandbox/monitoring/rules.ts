// The recording rules of kube-prometheus-stack that the kubernetes-mixin and node-exporter-mixin
// dashboards query (k8s.rules.*, node.rules, node-exporter.rules,
// kube-prometheus-node-recording.rules): the same record names, selectors and semantics, so a
// dashboard written against a kube-prometheus-stack cluster finds its series in the sandbox.
import type { RuleGroup } from '../workloads/prometheus';

const CADVISOR = 'job="kubelet", metrics_path="/metrics/cadvisor"';
const KSM = 'job="kube-state-metrics"';
const NODE = 'job="node-exporter"';
const DISK_DEVICES = 'device=~"(/dev/)?(mmcblk.p.+|nvme.+|rbd.+|sd.+|vd.+|xvd.+|dm-.+|md.+|dasd.+)"';
/** Attach each pod's node (from kube_pod_info) to a per-pod series. */
const WITH_NODE = 'on (cluster, namespace, pod) group_left(node) topk by (cluster, namespace, pod) (1, max by (cluster, namespace, pod, node) (kube_pod_info{node!=""}))';
const ACTIVE_POD = 'on (namespace, pod, cluster) group_left() max by (namespace, pod, cluster) ((kube_pod_status_phase{phase=~"Pending|Running"} == 1))';
const BUSY_MODES = 'mode!="idle", mode!="iowait", mode!="steal"';

const perContainer = (metric: string) => ({
  record: `node_namespace_pod_container:${metric}`,
  expr: `${metric}{${CADVISOR}, image!=""} * ${WITH_NODE}`,
});

const resource = (kind: 'requests' | 'limits', res: 'cpu' | 'memory') => [
  {
    record: `cluster:namespace:pod_${res}:active:kube_pod_container_resource_${kind}`,
    expr: `kube_pod_container_resource_${kind}{resource="${res}", ${KSM}} * ${ACTIVE_POD}`,
  },
  {
    record: `namespace_${res}:kube_pod_container_resource_${kind}:sum`,
    expr: `sum by (namespace, cluster) (sum by (namespace, pod, cluster) (max by (namespace, pod, container, cluster) (kube_pod_container_resource_${kind}{resource="${res}", ${KSM}}) * ${ACTIVE_POD}))`,
  },
];

const owner = (kind: string, type: string) => ({
  record: 'namespace_workload_pod:kube_pod_owner:relabel',
  expr: `max by (cluster, namespace, workload, pod) (label_replace(kube_pod_owner{${KSM}, owner_kind="${kind}"}, "workload", "$1", "owner_name", "(.*)"))`,
  labels: { workload_type: type },
});

export const RECORDING_RULES: RuleGroup[] = [
  {
    name: 'k8s.rules.container_cpu_usage_seconds_total',
    rules: [
      {
        record: 'node_namespace_pod_container:container_cpu_usage_seconds_total:sum_irate',
        expr: `sum by (cluster, namespace, pod, container) (irate(container_cpu_usage_seconds_total{${CADVISOR}, image!=""}[5m])) * ${WITH_NODE}`,
      },
      {
        record: 'node_namespace_pod_container:container_cpu_usage_seconds_total:sum_rate5m',
        expr: `sum by (cluster, namespace, pod, container) (rate(container_cpu_usage_seconds_total{${CADVISOR}, image!=""}[5m])) * ${WITH_NODE}`,
      },
    ],
  },
  { name: 'k8s.rules.container_memory_working_set_bytes', rules: [perContainer('container_memory_working_set_bytes')] },
  { name: 'k8s.rules.container_memory_rss', rules: [perContainer('container_memory_rss')] },
  { name: 'k8s.rules.container_memory_cache', rules: [perContainer('container_memory_cache')] },
  { name: 'k8s.rules.container_resource', rules: [...resource('requests', 'memory'), ...resource('requests', 'cpu'), ...resource('limits', 'memory'), ...resource('limits', 'cpu')] },
  {
    name: 'k8s.rules.pod_owner',
    rules: [
      {
        // Deployments own their pods through ReplicaSets.
        record: 'namespace_workload_pod:kube_pod_owner:relabel',
        expr:
          `max by (cluster, namespace, workload, pod) (label_replace(label_replace(kube_pod_owner{${KSM}, owner_kind="ReplicaSet"}, "replicaset", "$1", "owner_name", "(.*)")` +
          ` * on (replicaset, namespace) group_left(owner_name) topk by (replicaset, namespace) (1, max by (replicaset, namespace, owner_name) (kube_replicaset_owner{${KSM}})),` +
          ` "workload", "$1", "owner_name", "(.*)"))`,
        labels: { workload_type: 'deployment' },
      },
      owner('DaemonSet', 'daemonset'),
      owner('StatefulSet', 'statefulset'),
      owner('Job', 'job'),
    ],
  },
  {
    name: 'node.rules',
    rules: [
      {
        record: 'node_namespace_pod:kube_pod_info:',
        expr: `topk by (cluster, namespace, pod) (1, max by (cluster, node, namespace, pod) (label_replace(kube_pod_info{${KSM}, node!=""}, "pod", "$1", "pod", "(.*)")))`,
      },
      {
        // node-exporter's own pod tells which node its series belong to.
        record: 'node:node_num_cpu:sum',
        expr: `count by (cluster, node) (sum by (node, cpu) (node_cpu_seconds_total{${NODE}} * on (namespace, pod) group_left(node) topk by (namespace, pod) (1, node_namespace_pod:kube_pod_info:)))`,
      },
      {
        record: ':node_memory_MemAvailable_bytes:sum',
        expr: `sum by (cluster) (node_memory_MemAvailable_bytes{${NODE}} or (node_memory_Buffers_bytes{${NODE}} + node_memory_Cached_bytes{${NODE}} + node_memory_MemFree_bytes{${NODE}} + node_memory_Slab_bytes{${NODE}}))`,
      },
      {
        record: 'cluster:node_cpu:ratio_rate5m',
        expr: `sum by (cluster) (rate(node_cpu_seconds_total{${NODE}, ${BUSY_MODES}}[5m])) / count by (cluster) (sum by (cluster, instance, cpu) (node_cpu_seconds_total{${NODE}}))`,
      },
    ],
  },
  {
    name: 'node-exporter.rules',
    rules: [
      { record: 'instance:node_num_cpu:sum', expr: `count without (cpu, mode) (node_cpu_seconds_total{${NODE}, mode="idle"})` },
      { record: 'instance:node_cpu_utilisation:rate5m', expr: `1 - avg without (cpu) (sum without (mode) (rate(node_cpu_seconds_total{${NODE}, mode=~"idle|iowait|steal"}[5m])))` },
      { record: 'instance:node_load1_per_cpu:ratio', expr: `node_load1{${NODE}} / instance:node_num_cpu:sum{${NODE}}` },
      {
        record: 'instance:node_memory_utilisation:ratio',
        expr: `1 - ((node_memory_MemAvailable_bytes{${NODE}} or (node_memory_Buffers_bytes{${NODE}} + node_memory_Cached_bytes{${NODE}} + node_memory_MemFree_bytes{${NODE}} + node_memory_Slab_bytes{${NODE}})) / node_memory_MemTotal_bytes{${NODE}})`,
      },
      { record: 'instance:node_vmstat_pgmajfault:rate5m', expr: `rate(node_vmstat_pgmajfault{${NODE}}[5m])` },
      { record: 'instance_device:node_disk_io_time_seconds:rate5m', expr: `rate(node_disk_io_time_seconds_total{${NODE}, ${DISK_DEVICES}}[5m])` },
      { record: 'instance_device:node_disk_io_time_weighted_seconds:rate5m', expr: `rate(node_disk_io_time_weighted_seconds_total{${NODE}, ${DISK_DEVICES}}[5m])` },
      { record: 'instance:node_network_receive_bytes_excluding_lo:rate5m', expr: `sum without (device) (rate(node_network_receive_bytes_total{${NODE}, device!="lo"}[5m]))` },
      { record: 'instance:node_network_transmit_bytes_excluding_lo:rate5m', expr: `sum without (device) (rate(node_network_transmit_bytes_total{${NODE}, device!="lo"}[5m]))` },
      { record: 'instance:node_network_receive_drop_excluding_lo:rate5m', expr: `sum without (device) (rate(node_network_receive_drop_total{${NODE}, device!="lo"}[5m]))` },
      { record: 'instance:node_network_transmit_drop_excluding_lo:rate5m', expr: `sum without (device) (rate(node_network_transmit_drop_total{${NODE}, device!="lo"}[5m]))` },
    ],
  },
  {
    name: 'kube-prometheus-node-recording.rules',
    rules: [
      { record: 'instance:node_cpu:rate:sum', expr: `sum by (instance) (rate(node_cpu_seconds_total{${BUSY_MODES}}[3m]))` },
      { record: 'instance:node_network_receive_bytes:rate:sum', expr: 'sum by (instance) (rate(node_network_receive_bytes_total[3m]))' },
      { record: 'instance:node_network_transmit_bytes:rate:sum', expr: 'sum by (instance) (rate(node_network_transmit_bytes_total[3m]))' },
      {
        record: 'instance:node_cpu:ratio',
        expr: `sum without (cpu, mode) (rate(node_cpu_seconds_total{${BUSY_MODES}}[5m])) / on (instance) group_left() count by (instance) (sum by (instance, cpu) (node_cpu_seconds_total))`,
      },
      { record: 'cluster:node_cpu:sum_rate5m', expr: `sum(rate(node_cpu_seconds_total{${BUSY_MODES}}[5m]))` },
      { record: 'cluster:node_cpu:ratio', expr: 'cluster:node_cpu:sum_rate5m / count(sum by (instance, cpu) (node_cpu_seconds_total))' },
    ],
  },
];
