import { containers, onNode } from './common';
import type { Dashboard } from './types';

export const nodeDashboard: Dashboard = {
  id: 'node',
  title: 'Node',
  description: "A node's CPU and memory (node-exporter and cAdvisor), by pod, against allocatable.",
  variables: [{ name: 'node', label: 'Node', source: { kind: 'objects', resource: 'nodes', namespaced: false } }],
  panels: [
    {
      id: 'cpu',
      title: 'CPU: busy (node-exporter) and allocatable',
      unit: 'cores',
      queries: [
        { expr: `sum(rate(node_cpu_seconds_total{mode!="idle", mode!="iowait", mode!="steal"}[$__rate_interval]) ${onNode})`, legend: 'busy' },
        { expr: 'sum(kube_node_status_allocatable{node=~"$node", resource="cpu"})', legend: 'allocatable', reference: 'capacity' },
      ],
    },
    {
      id: 'memory',
      title: 'Memory: used (node-exporter) and allocatable',
      unit: 'bytes',
      queries: [
        { expr: `sum((node_memory_MemTotal_bytes - node_memory_MemAvailable_bytes) ${onNode})`, legend: 'used' },
        { expr: 'sum(kube_node_status_allocatable{node=~"$node", resource="memory"})', legend: 'allocatable', reference: 'capacity' },
      ],
    },
    { id: 'pod-cpu', title: 'CPU by pod', unit: 'cores', stacked: true, queries: [{ expr: `sum by (namespace, pod) (rate(container_cpu_usage_seconds_total{node=~"$node", ${containers}}[$__rate_interval]))`, legend: '{{namespace}}/{{pod}}' }] },
    { id: 'pod-memory', title: 'Memory (working set) by pod', unit: 'bytes', stacked: true, queries: [{ expr: `sum by (namespace, pod) (container_memory_working_set_bytes{node=~"$node", ${containers}})`, legend: '{{namespace}}/{{pod}}' }] },
    { id: 'pods', title: 'Pods on the node', unit: 'short', queries: [{ expr: 'count(kube_pod_info{node=~"$node"})', legend: 'pods' }] },
    { id: 'restarts', title: 'Container restarts', unit: 'short', queries: [{ expr: 'sum by (namespace, pod) (increase(kube_pod_container_status_restarts_total[$__rate_interval]) * on (namespace, pod) group_left() max by (namespace, pod) (kube_pod_info{node=~"$node"}))', legend: '{{namespace}}/{{pod}}' }] },
  ],
};
