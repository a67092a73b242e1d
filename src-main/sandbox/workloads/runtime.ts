// The WorkloadRuntime the kubelet simulation starts containers through. Every container runs in
// this process (a pod is an http.Server, not a child process): ~18 idle pods then cost next to
// nothing, and faults, usage and logs are plain function calls.
import { parseServiceImage } from './image';
import { FaultController } from './faults';
import { startServicePod } from './service-pod';
import { TaskContainer } from './task';
import type { ContainerLaunch, RunningContainer, WorkloadRuntime } from './types';

export { ImagePullError } from './image';

export interface WorkloadRuntimeOptions {
  /** Shared fault switches; a new controller is made when omitted (see runtime.faults). */
  faults?: FaultController;
  /** OTLP/HTTP base endpoint for pods whose env does not set OTEL_EXPORTER_OTLP_ENDPOINT.
   *  Defaults to this process's OTEL_EXPORTER_OTLP_ENDPOINT; export is off when neither is set. */
  otlpEndpoint?: string;
}

export interface ConstellationRuntime extends WorkloadRuntime {
  /** Fault injection per service, for scenarios and tests. */
  readonly faults: FaultController;
  /** Containers started and not yet stopped or exited. */
  running(): number;
  /** Stop every container still running (sandbox shutdown). */
  stopAll(): Promise<void>;
}

export function createWorkloadRuntime(opts: WorkloadRuntimeOptions = {}): ConstellationRuntime {
  const faults = opts.faults ?? new FaultController();
  const otlpEndpoint = opts.otlpEndpoint ?? process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
  const live = new Set<RunningContainer>();
  return {
    faults,
    /** Rejects with ImagePullError for images other than orrery/service:<known tag>. */
    async start(launch: ContainerLaunch): Promise<RunningContainer> {
      const image = parseServiceImage(launch.image);
      // ORRERY_TASK: a run-to-completion task (Job pods) instead of a service.
      const c: RunningContainer = launch.env.ORRERY_TASK ? new TaskContainer(launch) : await startServicePod(launch, { faults, otlpEndpoint, broken: image.broken, tag: image.tag });
      live.add(c);
      void c.exited.then(() => live.delete(c));
      const stop = c.stop.bind(c);
      c.stop = async () => {
        live.delete(c);
        await stop();
      };
      return c;
    },
    running: () => live.size,
    async stopAll() {
      await Promise.all([...live].map((c) => c.stop()));
    },
  };
}
