// Data shapes of the topology contract (issue 7): the object graph built from the watch cache.
// Plain JSON, like types.ts.
import type { Health, HealthCounts, HealthLevel } from './types';

/** Kinds a topology node can be. PodGroup: pods without a controller, grouped by their app label. */
export const TOPOLOGY_KINDS = [
  'Ingress',
  'Service',
  'CronJob',
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'Job',
  'ReplicaSet',
  'PodGroup',
  'Pod',
  'HorizontalPodAutoscaler',
  'NetworkPolicy',
  'ConfigMap',
  'Secret',
  'PersistentVolumeClaim',
  'ServiceAccount',
  'Node',
] as const;
export type TopologyKind = (typeof TOPOLOGY_KINDS)[number];

/** Kinds shown unless the user asks otherwise (Nodes connect everything to everything). */
export const DEFAULT_TOPOLOGY_KINDS: readonly TopologyKind[] = TOPOLOGY_KINDS.filter((k) => k !== 'Node');

export interface TopologyNode {
  /** Stable across updates and re-creations: "Kind/namespace/name" ("Kind/name" if cluster-scoped). */
  id: string;
  kind: TopologyKind;
  /** Resource id for the object page (deployments, pods...); absent for PodGroup. */
  kindId?: string;
  namespace?: string;
  name: string;
  /** Health as the explorer shows it; absent for kinds without one (ConfigMap, Secret...). */
  health?: Health;
  /** Workloads and pod groups: their pods by health. */
  pods?: HealthCounts;
  /** A workload whose ReplicaSets and Pods are folded into it (expand: its id). */
  expandable?: boolean;
  expanded?: boolean;
  /** For a ReplicaSet or Pod of an expanded workload: that workload's id. */
  parent?: string;
  /** Kept only as a neighbour of a node the health filter matched (draw it dimmed). */
  context?: boolean;
}

export type TopologyEdgeKind =
  | 'owns' // owner -> owned (Deployment -> ReplicaSet -> Pod, CronJob -> Job)
  | 'selects' // Service -> pods (or their workload)
  | 'routes' // Ingress -> Service
  | 'runs-on' // pods (or their workload) -> Node
  | 'uses' // pods (or their workload) -> ConfigMap / Secret / PVC they mount or read
  | 'identity' // pods (or their workload) -> ServiceAccount
  | 'policy' // NetworkPolicy -> pods (or their workload) it selects
  | 'scales'; // HPA -> its target

export interface TopologyEdge {
  /** "source|kind|target". */
  id: string;
  source: string;
  target: string;
  kind: TopologyEdgeKind;
  /** When the edge stands for several pods (a collapsed workload): how many. */
  pods?: number;
}

export interface TopologyStats {
  /** Pods in scope (before grouping). */
  pods: number;
  nodes: number;
  edges: number;
  /** Time to build the graph from the cache, ms. */
  buildMs: number;
  /** The graph was cut at maxNodes; `nodes` tells how many were kept. */
  truncated?: { total: number };
}

export type TopologyFrame =
  /** Kinds still listing, and kinds that cannot be read (with why). */
  | { type: 'state'; loading: string[]; problems: Array<{ kind: string; message: string }> }
  | { type: 'snapshot'; version: number; nodes: TopologyNode[]; edges: TopologyEdge[]; stats: TopologyStats }
  /** Apply to the graph of version `version - 1`: remove, then add, then replace changed. */
  | {
      type: 'delta';
      version: number;
      removedNodes: string[];
      addedNodes: TopologyNode[];
      changedNodes: TopologyNode[];
      removedEdges: string[];
      addedEdges: TopologyEdge[];
      stats: TopologyStats;
    };

export type { HealthLevel };
