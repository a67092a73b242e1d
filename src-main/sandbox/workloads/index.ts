// The workloads' public surface, for the sandbox's controllers, kubelet simulation and CLI.
export type { ContainerCounters, ContainerExit, ContainerLaunch, ExitReason, RunningContainer, WorkloadRuntime } from './types';
export {
  CONSTELLATION,
  ENTRY_ROUTES,
  SERVICE_IMAGE,
  SERVICE_PORT,
  constellationEdges,
  constellationManifests,
  findService,
  serviceFqdn,
  type Edge,
  type KubeObject,
  type ManifestOptions,
  type ServiceSpec,
} from './constellation';
export { createWorkloadRuntime, ImagePullError, type ConstellationRuntime, type WorkloadRuntimeOptions } from './runtime';
export { FaultController, type ServiceFaultState } from './faults';
export { startLoadGenerator, type LoadGenerator, type LoadGeneratorOptions, type LoadStats } from './loadgen';
export {
  findPrometheusBinary,
  startPrometheus,
  type MissingPrometheus,
  type PrometheusHandle,
  type PrometheusOptions,
  type RunningPrometheus,
  type ScrapeTarget,
} from './prometheus';
export { startLocalCluster, waitReady, type LocalCluster, type LocalPod } from './local-cluster';
