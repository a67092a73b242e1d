// What the pod cache says about one container: whether it started, which instance runs (a
// restart is a new instance), and how it ended.
import type { KubeObject } from '../kube/cache/types';

export interface ContainerSnapshot {
  /** Started at least once (running, terminated, or restarted): its log endpoint can answer. */
  started: boolean;
  running: boolean;
  /** Changes when the container restarts. The restart count, not the container ID: the slim pod
   *  cache does not keep IDs, and the count changes exactly once per new instance. */
  instance: string;
  restartCount: number;
  terminated?: { reason?: string; exitCode?: number };
  waitingReason?: string;
}

interface ContainerStatusJson {
  name?: string;
  restartCount?: number;
  containerID?: string;
  state?: { running?: unknown; waiting?: { reason?: string }; terminated?: { reason?: string; exitCode?: number } };
  lastState?: { terminated?: { reason?: string; exitCode?: number } };
}

export interface PodContainer {
  name: string;
  init: boolean;
}

/** The pod's containers in spec order, init containers first (when included). */
export function podContainers(pod: KubeObject, includeInit: boolean): PodContainer[] {
  const spec = (pod.spec ?? {}) as { containers?: Array<{ name?: string }>; initContainers?: Array<{ name?: string }> };
  const out: PodContainer[] = [];
  if (includeInit) for (const c of spec.initContainers ?? []) if (c.name) out.push({ name: c.name, init: true });
  for (const c of spec.containers ?? []) if (c.name) out.push({ name: c.name, init: false });
  return out;
}

export function containerSnapshot(pod: KubeObject, name: string, init: boolean): ContainerSnapshot {
  const status = (pod.status ?? {}) as { containerStatuses?: ContainerStatusJson[]; initContainerStatuses?: ContainerStatusJson[] };
  const cs = (init ? status.initContainerStatuses : status.containerStatuses)?.find((c) => c.name === name);
  if (!cs) return { started: false, running: false, instance: '0', restartCount: 0 };
  const restartCount = cs.restartCount ?? 0;
  const state = cs.state ?? {};
  const running = state.running !== undefined;
  const terminated = state.terminated ?? (state.waiting && restartCount > 0 ? cs.lastState?.terminated : undefined);
  const snap: ContainerSnapshot = {
    started: running || state.terminated !== undefined || restartCount > 0 || !!cs.containerID,
    running,
    instance: String(restartCount),
    restartCount,
  };
  if (!running && terminated) snap.terminated = { ...(terminated.reason ? { reason: terminated.reason } : {}), ...(terminated.exitCode !== undefined ? { exitCode: terminated.exitCode } : {}) };
  if (state.waiting?.reason) snap.waitingReason = state.waiting.reason;
  return snap;
}
