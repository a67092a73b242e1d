// What cAdvisor reads about the containers of one pod: cumulative CPU and network counters, the
// working set, ids and start times. The numbers are the ones metrics.k8s.io serves:
// - pods the kubelet simulation runs: their containers' own counters (usage.ts), whose rate is
//   the usage metrics.k8s.io reports;
// - the monitoring stack's own pods (Prometheus, kube-state-metrics, node-exporter): measured
//   (see external-pods.ts);
// - anything else with usage in metrics.k8s.io (scale mode's synthetic pods): that usage, whose
//   CPU rate is constant, integrated over the container's lifetime.
import type { KObject } from '../apiserver/store';
import type { MetricsProvider } from '../apiserver/providers';
import type { Kubelet } from '../controllers/kubelet';
import type { ContainerCounters } from '../workloads';
import { cpuMillis, memBytes } from '../controllers/util';

export interface ContainerSample {
  name: string;
  /** The runtime's container id (64 hex, without `containerd://`). */
  id: string;
  image: string;
  startedAtSec: number;
  counters: ContainerCounters;
  workingSetBytes: number;
  /** From the pod spec: the cgroup's CPU quota and memory limit (0: none). */
  cpuLimitCores: number;
  memoryLimitBytes: number;
  cpuRequestCores: number;
}

export type QosClass = 'Guaranteed' | 'Burstable' | 'BestEffort';

export interface PodSample {
  namespace: string;
  name: string;
  uid: string;
  qos: QosClass;
  /** When the pod sandbox started (the pause container). */
  startedAtSec: number;
  containers: ContainerSample[];
}

/** Counters and usage of containers the monitoring stack measures itself. */
export interface MeasuredPods {
  containers(namespace: string, pod: string): { name: string; counters: ContainerCounters; memoryBytes: number }[] | undefined;
}

export function qosClass(pod: KObject): QosClass {
  const cs: any[] = pod.spec?.containers ?? [];
  let any = false;
  let guaranteed = cs.length > 0;
  for (const c of cs) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    if (req.cpu || req.memory || lim.cpu || lim.memory) any = true;
    // Requests default to limits, so a container with equal (or only) limits is guaranteed.
    const reqCpu = req.cpu ?? lim.cpu;
    const reqMem = req.memory ?? lim.memory;
    if (!lim.cpu || !lim.memory || cpuMillis(reqCpu) !== cpuMillis(lim.cpu) || memBytes(reqMem) !== memBytes(lim.memory)) guaranteed = false;
  }
  return guaranteed ? 'Guaranteed' : any ? 'Burstable' : 'BestEffort';
}

const secondsOf = (rfc3339: string | undefined, fallbackMs: number) => {
  const t = rfc3339 ? Date.parse(rfc3339) : NaN;
  return (Number.isNaN(t) ? fallbackMs : t) / 1000;
};

export const bareId = (containerID: string | undefined) => (containerID ?? '').replace(/^[a-z]+:\/\//, '');

export class PodStats {
  constructor(
    private readonly kubelet: Kubelet,
    private readonly metrics: MetricsProvider,
    private readonly measured: MeasuredPods,
    private readonly now: () => number = Date.now,
  ) {}

  /** The pod's running containers as cAdvisor sees them, undefined when none runs. */
  sample(pod: KObject): PodSample | undefined {
    if (pod.status?.phase !== 'Running') return undefined;
    const ns = pod.metadata.namespace!;
    const name = pod.metadata.name!;
    const now = this.now();
    const specs = new Map<string, any>((pod.spec?.containers ?? []).map((c: any) => [c.name, c]));
    const statuses = new Map<string, any>((pod.status?.containerStatuses ?? []).map((s: any) => [s.name, s]));
    const limits = (c: string) => {
      const r = specs.get(c)?.resources ?? {};
      return { cpuLimitCores: cpuMillis(r.limits?.cpu) / 1000, memoryLimitBytes: memBytes(r.limits?.memory), cpuRequestCores: cpuMillis(r.requests?.cpu ?? r.limits?.cpu) / 1000 };
    };
    let containers: ContainerSample[] = [];
    const run = this.kubelet.runningContainers(ns, name);
    if (run) {
      containers = run.map((c) => ({ name: c.name, id: bareId(c.containerID), image: c.image, startedAtSec: c.startedAtMs / 1000, counters: c.counters, workingSetBytes: c.usage.memoryBytes, ...limits(c.name) }));
    } else {
      const measured = this.measured.containers(ns, name);
      const usage = measured ? undefined : this.metrics.podUsage(ns, name);
      for (const u of measured ?? usage ?? []) {
        const st = statuses.get(u.name);
        if (!st?.state?.running || !st.containerID) continue;
        const startedAtSec = secondsOf(st.state.running.startedAt, now);
        const counters: ContainerCounters =
          'counters' in u ? u.counters : { cpuSeconds: (u.cpuNanoCores / 1e9) * Math.max(0, now / 1000 - startedAtSec), rxBytes: 0, txBytes: 0, rxPackets: 0, txPackets: 0 };
        containers.push({ name: u.name, id: bareId(st.containerID), image: st.image ?? specs.get(u.name)?.image ?? '', startedAtSec, counters, workingSetBytes: u.memoryBytes, ...limits(u.name) });
      }
    }
    if (!containers.length) return undefined;
    return { namespace: ns, name, uid: pod.metadata.uid!, qos: qosClass(pod), startedAtSec: secondsOf(pod.status?.startTime, now), containers };
  }
}
