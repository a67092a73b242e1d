// What the rest of the sandbox plugs into the API server: container logs, pod addresses for the
// proxy subresources, and resource usage for metrics.k8s.io.
import type { KObject } from './store';
export type { LogProvider, ContainerLog, LogLine } from './logs';

export interface ProxyProvider {
  /** Where a pod's port really listens. `port` is the number or name from the URL (or an
   *  Endpoints port), undefined when the URL names none. Undefined: the pod is unreachable. */
  podAddress(pod: KObject, port: string | undefined): { host: string; port: number } | undefined;
}

export interface ContainerUsage {
  name: string;
  cpuNanoCores: number;
  memoryBytes: number;
}

export interface MetricsProvider {
  /** Usage of a pod's containers, undefined when no sample exists (the pod is not listed). */
  podUsage(namespace: string, name: string): ContainerUsage[] | undefined;
  /** Usage of a node, undefined when unknown. */
  nodeUsage(name: string): { cpuNanoCores: number; memoryBytes: number } | undefined;
  /** Sampling window in seconds (metrics-server reports about 15 s). */
  windowSeconds?: number;
}
