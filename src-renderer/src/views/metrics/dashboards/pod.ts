import { containers } from './common';
import type { Dashboard } from './types';

export const podDashboard: Dashboard = {
  id: 'pod',
  title: 'Pod',
  description: "A pod's containers: CPU and memory against requests and limits, network, restarts.",
  annotations: 'pod',
  variables: [
    { name: 'namespace', label: 'Namespace', source: { kind: 'namespaces' } },
    { name: 'pod', label: 'Pod', source: { kind: 'objects', resource: 'pods', namespaced: true } },
  ],
  panels: [
    {
      id: 'cpu',
      title: 'CPU by container',
      unit: 'cores',
      queries: [
        { expr: `sum by (container) (rate(container_cpu_usage_seconds_total{namespace=~"$namespace", pod=~"$pod", ${containers}}[$__rate_interval]))`, legend: '{{container}}' },
        { expr: 'sum(kube_pod_container_resource_requests{namespace=~"$namespace", pod=~"$pod", resource="cpu"})', legend: 'requests', reference: 'request' },
        { expr: 'sum(kube_pod_container_resource_limits{namespace=~"$namespace", pod=~"$pod", resource="cpu"})', legend: 'limits', reference: 'limit' },
      ],
    },
    {
      id: 'memory',
      title: 'Memory (working set) by container',
      unit: 'bytes',
      queries: [
        { expr: `sum by (container) (container_memory_working_set_bytes{namespace=~"$namespace", pod=~"$pod", ${containers}})`, legend: '{{container}}' },
        { expr: 'sum(kube_pod_container_resource_requests{namespace=~"$namespace", pod=~"$pod", resource="memory"})', legend: 'requests', reference: 'request' },
        { expr: 'sum(kube_pod_container_resource_limits{namespace=~"$namespace", pod=~"$pod", resource="memory"})', legend: 'limits', reference: 'limit' },
      ],
    },
    {
      id: 'network',
      title: 'Network',
      unit: 'bytes/s',
      queries: [
        { expr: 'sum(rate(container_network_receive_bytes_total{namespace=~"$namespace", pod=~"$pod"}[$__rate_interval]))', legend: 'received' },
        { expr: 'sum(rate(container_network_transmit_bytes_total{namespace=~"$namespace", pod=~"$pod"}[$__rate_interval]))', legend: 'sent' },
      ],
    },
    { id: 'restarts', title: 'Restarts by container (total)', unit: 'short', queries: [{ expr: 'max by (container) (kube_pod_container_status_restarts_total{namespace=~"$namespace", pod=~"$pod"})', legend: '{{container}}' }] },
  ],
};
