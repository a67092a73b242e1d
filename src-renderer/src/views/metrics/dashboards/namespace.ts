import { containers } from './common';
import type { Dashboard } from './types';

export const namespaceDashboard: Dashboard = {
  id: 'namespace',
  title: 'Namespace',
  description: "A namespace's pods: CPU and memory against requests, network, restarts.",
  annotations: 'namespace',
  variables: [{ name: 'namespace', label: 'Namespace', source: { kind: 'namespaces' } }],
  panels: [
    {
      id: 'cpu',
      title: 'CPU by pod',
      unit: 'cores',
      queries: [
        { expr: `sum by (pod) (rate(container_cpu_usage_seconds_total{namespace=~"$namespace", ${containers}}[$__rate_interval]))`, legend: '{{pod}}' },
        { expr: 'sum(kube_pod_container_resource_requests{namespace=~"$namespace", resource="cpu"})', legend: 'requests', reference: 'request' },
      ],
    },
    {
      id: 'memory',
      title: 'Memory (working set) by pod',
      unit: 'bytes',
      queries: [
        { expr: `sum by (pod) (container_memory_working_set_bytes{namespace=~"$namespace", ${containers}})`, legend: '{{pod}}' },
        { expr: 'sum(kube_pod_container_resource_requests{namespace=~"$namespace", resource="memory"})', legend: 'requests', reference: 'request' },
      ],
    },
    { id: 'net-rx', title: 'Network received by pod', unit: 'bytes/s', queries: [{ expr: 'sum by (pod) (rate(container_network_receive_bytes_total{namespace=~"$namespace"}[$__rate_interval]))', legend: '{{pod}}' }] },
    { id: 'net-tx', title: 'Network sent by pod', unit: 'bytes/s', queries: [{ expr: 'sum by (pod) (rate(container_network_transmit_bytes_total{namespace=~"$namespace"}[$__rate_interval]))', legend: '{{pod}}' }] },
    { id: 'restarts', title: 'Container restarts by pod', unit: 'short', queries: [{ expr: 'sum by (pod) (increase(kube_pod_container_status_restarts_total{namespace=~"$namespace"}[$__rate_interval]))', legend: '{{pod}}' }] },
    { id: 'ready', title: 'Available replicas by deployment', unit: 'short', queries: [{ expr: 'sum by (deployment) (kube_deployment_status_replicas_available{namespace=~"$namespace"})', legend: '{{deployment}}' }] },
  ],
};
