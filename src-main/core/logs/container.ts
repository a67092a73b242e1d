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

/** Where a container is declared: spec.containers, initContainers or ephemeralContainers. */
export type ContainerKind = 'main' | 'init' | 'ephemeral';

export interface PodContainer {
  name: string;
  kind: ContainerKind;
}

const specField = { init: 'initContainers', main: 'containers', ephemeral: 'ephemeralContainers' } as const;
const statusField = { init: 'initContainerStatuses', main: 'containerStatuses', ephemeral: 'ephemeralContainerStatuses' } as const;

/** The pod's containers in spec order: init containers first, ephemeral ones last (when included). */
export function podContainers(pod: KubeObject, include: { init: boolean; ephemeral: boolean }): PodContainer[] {
  const spec = (pod.spec ?? {}) as Partial<Record<(typeof specField)[ContainerKind], Array<{ name?: string }>>>;
  const out: PodContainer[] = [];
  const add = (kind: ContainerKind) => {
    for (const c of spec[specField[kind]] ?? []) if (c.name) out.push({ name: c.name, kind });
  };
  if (include.init) add('init');
  add('main');
  if (include.ephemeral) add('ephemeral');
  return out;
}

export function containerSnapshot(pod: KubeObject, name: string, kind: ContainerKind): ContainerSnapshot {
  const status = (pod.status ?? {}) as Partial<Record<(typeof statusField)[ContainerKind], ContainerStatusJson[]>>;
  const cs = status[statusField[kind]]?.find((c) => c.name === name);
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
