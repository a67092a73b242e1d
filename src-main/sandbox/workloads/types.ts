// The seam between the sandbox's Kubernetes side (API server, controllers, kubelet simulation)
// and its workloads (the real HTTP microservices, load generator and Prometheus).
// The kubelet simulation starts and stops containers through WorkloadRuntime; it knows nothing
// about what runs inside. The workloads know nothing about Kubernetes objects beyond what a
// ContainerLaunch carries.

/** What the kubelet simulation hands the runtime to start one container of one pod. */
export interface ContainerLaunch {
  namespace: string;
  pod: string;
  podUid: string;
  container: string;
  /** The container image. `orrery/service:<tag>` runs a constellation service; the runtime
   *  rejects images it does not know with an ImagePullBackOff-style error. */
  image: string;
  /** Resolved environment (spec.env plus envFrom ConfigMaps), as a real kubelet would pass it. */
  env: Record<string, string>;
  /** Loopback address and port the container must listen on. */
  host: string;
  port: number;
  /** Append one line to this container's log; the kubelet timestamps it (RFC3339Nano). */
  log(line: string): void;
  /** Ready endpoints of a Service, as "host:port" strings (from Endpoints), for calling peers. */
  resolveService(namespace: string, name: string): string[];
}

export type ExitReason = 'Completed' | 'Error' | 'OOMKilled';

export interface ContainerExit {
  exitCode: number;
  reason: ExitReason;
  message?: string;
}

/** Cumulative counters of one container instance since it started, as cAdvisor reads them from
 *  the cgroup (CPU) and the pod's network interface (traffic this container caused). */
export interface ContainerCounters {
  /** CPU seconds consumed (container_cpu_usage_seconds_total). */
  cpuSeconds: number;
  rxBytes: number;
  txBytes: number;
  rxPackets: number;
  txPackets: number;
}

/** A started container. Usage figures follow the container's real load. */
export interface RunningContainer {
  readonly port: number;
  /** Readiness probe result (GET /readyz on the container). */
  ready(): boolean;
  /** Liveness probe result (GET /healthz on the container). */
  live(): boolean;
  /** Resolves when the container stops by itself (crash, OOM, completion); never rejects. */
  readonly exited: Promise<ContainerExit>;
  /** CPU in nanocores and working-set memory in bytes, for metrics.k8s.io. */
  usage(): { cpuNanoCores: number; memoryBytes: number };
  /** The cumulative counters behind usage(): their rate is the CPU usage metrics.k8s.io shows. */
  counters(): ContainerCounters;
  /** Stop the container (SIGTERM semantics: finish in-flight requests, close the server). */
  stop(): Promise<void>;
}

export interface WorkloadRuntime {
  start(launch: ContainerLaunch): Promise<RunningContainer>;
}
