import { containers, workloadPods } from './common';
import type { Dashboard } from './types';

export const workloadDashboard: Dashboard = {
  id: 'workload',
  title: 'Workload',
  description: "A Deployment's pods: CPU, memory, network, restarts; rollouts and restarts marked on the charts.",
  annotations: 'workload',
  variables: [
    { name: 'namespace', label: 'Namespace', source: { kind: 'namespaces' } },
    { name: 'workload', label: 'Deployment', source: { kind: 'objects', resource: 'deployments', namespaced: true } },
  ],
  panels: [
    { id: 'cpu', title: 'CPU by pod', unit: 'cores', queries: [{ expr: `sum by (pod) (rate(container_cpu_usage_seconds_total{namespace=~"$namespace", pod=~"${workloadPods}", ${containers}}[$__rate_interval]))`, legend: '{{pod}}' }] },
    { id: 'memory', title: 'Memory (working set) by pod', unit: 'bytes', queries: [{ expr: `sum by (pod) (container_memory_working_set_bytes{namespace=~"$namespace", pod=~"${workloadPods}", ${containers}})`, legend: '{{pod}}' }] },
    { id: 'net-rx', title: 'Network received by pod', unit: 'bytes/s', queries: [{ expr: `sum by (pod) (rate(container_network_receive_bytes_total{namespace=~"$namespace", pod=~"${workloadPods}"}[$__rate_interval]))`, legend: '{{pod}}' }] },
    { id: 'net-tx', title: 'Network sent by pod', unit: 'bytes/s', queries: [{ expr: `sum by (pod) (rate(container_network_transmit_bytes_total{namespace=~"$namespace", pod=~"${workloadPods}"}[$__rate_interval]))`, legend: '{{pod}}' }] },
    { id: 'restarts', title: 'Container restarts by pod', unit: 'short', queries: [{ expr: `sum by (pod) (increase(kube_pod_container_status_restarts_total{namespace=~"$namespace", pod=~"${workloadPods}"}[$__rate_interval]))`, legend: '{{pod}}' }] },
    {
      id: 'replicas',
      title: 'Replicas: desired and available',
      unit: 'short',
      queries: [
        { expr: 'sum(kube_deployment_spec_replicas{namespace=~"$namespace", deployment=~"$workload"})', legend: 'desired' },
        { expr: 'sum(kube_deployment_status_replicas_available{namespace=~"$namespace", deployment=~"$workload"})', legend: 'available' },
      ],
    },
  ],
};
