// The STATUS and READY columns of `kubectl get pods`, computed the way kubectl's printPod does,
// so Orrery and kubectl never disagree about what state a pod is in.
import type { KubeObject } from '../cache/types';

interface ContainerState {
  waiting?: { reason?: string; message?: string };
  running?: { startedAt?: string };
  terminated?: { reason?: string; exitCode?: number; signal?: number; finishedAt?: string; message?: string };
}
export interface ContainerStatus {
  name: string;
  ready?: boolean;
  restartCount?: number;
  state?: ContainerState;
  lastState?: ContainerState;
}
interface PodStatus {
  phase?: string;
  reason?: string;
  podIP?: string;
  initContainerStatuses?: ContainerStatus[];
  containerStatuses?: ContainerStatus[];
  conditions?: Array<{ type: string; status: string }>;
}
interface PodSpec {
  nodeName?: string;
  containers?: Array<{ name: string }>;
  initContainers?: Array<{ name: string; restartPolicy?: string }>;
}

export const podStatusOf = (pod: KubeObject) => (pod.status ?? {}) as PodStatus;
export const podSpecOf = (pod: KubeObject) => (pod.spec ?? {}) as PodSpec;

export function podReason(pod: KubeObject): string {
  const status = podStatusOf(pod);
  const spec = podSpecOf(pod);
  let reason = status.reason || status.phase || 'Unknown';
  let initializing = false;
  const inits = status.initContainerStatuses ?? [];
  inits.forEach((c, i) => {
    if (initializing) return;
    const t = c.state?.terminated;
    if (t && t.exitCode === 0) return;
    // A restartable init container (sidecar) that is running does not block.
    if (c.state?.running && spec.initContainers?.[i]?.restartPolicy === 'Always') return;
    if (t) reason = t.reason ? `Init:${t.reason}` : t.signal ? `Init:Signal:${t.signal}` : `Init:ExitCode:${t.exitCode}`;
    else if (c.state?.waiting?.reason && c.state.waiting.reason !== 'PodInitializing') reason = `Init:${c.state.waiting.reason}`;
    else reason = `Init:${i}/${spec.initContainers?.length ?? inits.length}`;
    initializing = true;
  });
  if (!initializing) {
    let hasRunning = false;
    const containers = [...(status.containerStatuses ?? [])].reverse();
    for (const c of containers) {
      if (c.state?.waiting?.reason) reason = c.state.waiting.reason;
      else if (c.state?.terminated?.reason) reason = c.state.terminated.reason;
      else if (c.state?.terminated) reason = c.state.terminated.signal ? `Signal:${c.state.terminated.signal}` : `ExitCode:${c.state.terminated.exitCode}`;
      else if (c.ready && c.state?.running) hasRunning = true;
    }
    if (reason === 'Completed' && hasRunning) {
      const ready = status.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
      reason = ready ? 'Running' : 'NotReady';
    }
  }
  if (pod.metadata.deletionTimestamp) reason = status.reason === 'NodeLost' ? 'Unknown' : 'Terminating';
  return reason;
}

export function podReady(pod: KubeObject): { ready: number; total: number } {
  const statuses = podStatusOf(pod).containerStatuses ?? [];
  const total = podSpecOf(pod).containers?.length ?? statuses.length;
  return { ready: statuses.filter((c) => c.ready).length, total };
}

export function podRestarts(pod: KubeObject): { count: number; lastAt?: string } {
  let count = 0;
  let lastAt: string | undefined;
  for (const c of [...(podStatusOf(pod).initContainerStatuses ?? []), ...(podStatusOf(pod).containerStatuses ?? [])]) {
    count += c.restartCount ?? 0;
    const at = c.lastState?.terminated?.finishedAt;
    if (at && (!lastAt || at > lastAt)) lastAt = at;
  }
  return { count, lastAt };
}
