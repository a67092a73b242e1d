// The scrape jobs the Prometheus operator generates from kube-prometheus-stack's ServiceMonitors,
// with the job names (`serviceMonitor/<namespace>/<name>/<endpoint>`), `job` labels (from each
// ServiceMonitor's jobLabel), honor_labels and metric relabelings of the chart's defaults, and
// the targets' labels as the endpoints role would discover them.
import type { ScrapeJob, ScrapeTarget } from '../workloads/prometheus';
import { KSM, KUBELET_NAMESPACE, KUBELET_SERVICE, NODE_EXPORTER, NS, PROMETHEUS, PROMETHEUS_POD } from './install';

export const JOBS = {
  self: `serviceMonitor/${NS}/${PROMETHEUS}/0`,
  kubelet: `serviceMonitor/${NS}/${KUBELET_SERVICE}/0`,
  cadvisor: `serviceMonitor/${NS}/${KUBELET_SERVICE}/1`,
  ksm: `serviceMonitor/${NS}/${KSM}/0`,
  nodeExporter: `serviceMonitor/${NS}/${NODE_EXPORTER}/0`,
};

const drop = (regex: string, sourceLabels = ['__name__']) => ({ source_labels: sourceLabels, action: 'drop', regex });

/** kube-prometheus-stack's kubelet.serviceMonitor.cAdvisorMetricRelabelings. */
export const CADVISOR_METRIC_RELABELINGS = [
  drop('container_cpu_(cfs_throttled_seconds_total|load_average_10s|system_seconds_total|user_seconds_total)'),
  drop('container_fs_(io_current|io_time_seconds_total|io_time_weighted_seconds_total|reads_merged_total|sector_reads_total|sector_writes_total|writes_merged_total)'),
  drop('container_memory_(mapped_file|swap)'),
  drop('container_(file_descriptors|tasks_state|threads_max)'),
  drop('container_spec.*'),
  // cgroups that belong to no pod (the root, system.slice): `id` set, `pod` empty.
  { source_labels: ['id', 'pod'], action: 'drop', regex: '.+;' },
];

export const EXPORTER_JOBS: ScrapeJob[] = [
  { name: JOBS.kubelet, honorLabels: true, metricsPathLabel: true },
  { name: JOBS.cadvisor, honorLabels: true, metricsPathLabel: true, metricRelabelConfigs: CADVISOR_METRIC_RELABELINGS },
  { name: JOBS.ksm, honorLabels: true },
  { name: JOBS.nodeExporter },
];

/** Prometheus' own target (kube-prometheus-stack's self-monitor ServiceMonitor). */
export const SELF_SCRAPE = {
  jobName: JOBS.self,
  labels: { job: PROMETHEUS, namespace: NS, service: PROMETHEUS, endpoint: 'http-web', pod: PROMETHEUS_POD, container: 'prometheus' },
};

/** One kubelet per node: its /metrics and /metrics/cadvisor. */
export function kubeletTargets(kubelets: Map<string, number>, metricsPath: '/metrics' | '/metrics/cadvisor'): ScrapeTarget[] {
  return [...kubelets].map(([node, port]) => ({
    address: `127.0.0.1:${port}`,
    metricsPath,
    labels: { job: 'kubelet', namespace: KUBELET_NAMESPACE, service: KUBELET_SERVICE, endpoint: 'https-metrics', node },
  }));
}

export function ksmTarget(port: number, pod: string): ScrapeTarget {
  return { address: `127.0.0.1:${port}`, labels: { job: 'kube-state-metrics', namespace: NS, service: KSM, endpoint: 'http', pod, container: 'kube-state-metrics' } };
}

/** node-exporter's pods; like kube-prometheus-stack, no `node` label: rules join on namespace/pod. */
export function nodeExporterTargets(pods: { port: number; pod: string }[]): ScrapeTarget[] {
  return pods.map((p) => ({ address: `127.0.0.1:${p.port}`, labels: { job: 'node-exporter', namespace: NS, service: NODE_EXPORTER, endpoint: 'http-metrics', pod: p.pod, container: 'node-exporter' } }));
}
