import { containers } from './common';
import type { Dashboard } from './types';

export const clusterDashboard: Dashboard = {
  id: 'cluster',
  title: 'Cluster',
  description: 'CPU, memory, network and restarts by namespace; usage against allocatable (cAdvisor, kube-state-metrics).',
  variables: [],
  panels: [
    { id: 'cpu-util', title: 'CPU used of allocatable', unit: 'ratio', span: 6, queries: [{ expr: `sum(rate(container_cpu_usage_seconds_total{${containers}}[$__rate_interval])) / sum(kube_node_status_allocatable{resource="cpu"})`, legend: 'used' }] },
    { id: 'mem-util', title: 'Memory used of allocatable', unit: 'ratio', span: 6, queries: [{ expr: `sum(container_memory_working_set_bytes{${containers}}) / sum(kube_node_status_allocatable{resource="memory"})`, legend: 'used' }] },
    { id: 'cpu', title: 'CPU usage by namespace', unit: 'cores', stacked: true, queries: [{ expr: `sum by (namespace) (rate(container_cpu_usage_seconds_total{${containers}}[$__rate_interval]))`, legend: '{{namespace}}' }] },
    { id: 'memory', title: 'Memory (working set) by namespace', unit: 'bytes', stacked: true, queries: [{ expr: `sum by (namespace) (container_memory_working_set_bytes{${containers}})`, legend: '{{namespace}}' }] },
    { id: 'net-rx', title: 'Network received by namespace', unit: 'bytes/s', queries: [{ expr: 'sum by (namespace) (rate(container_network_receive_bytes_total[$__rate_interval]))', legend: '{{namespace}}' }] },
    { id: 'net-tx', title: 'Network sent by namespace', unit: 'bytes/s', queries: [{ expr: 'sum by (namespace) (rate(container_network_transmit_bytes_total[$__rate_interval]))', legend: '{{namespace}}' }] },
    { id: 'restarts', title: 'Container restarts by namespace', unit: 'short', queries: [{ expr: 'sum by (namespace) (increase(kube_pod_container_status_restarts_total[$__rate_interval]))', legend: '{{namespace}}' }] },
    { id: 'phases', title: 'Pods by phase', unit: 'short', stacked: true, queries: [{ expr: 'sum by (phase) (kube_pod_status_phase)', legend: '{{phase}}' }] },
  ],
};
