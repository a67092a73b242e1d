// The monitoring stack's own pods (Prometheus, kube-state-metrics, node-exporter) are not run by
// the kubelet simulation: Prometheus is a real child process and the exporters are HTTP servers
// of this process. This module plays their kubelet: it writes their status, and measures their
// resource use so cAdvisor and metrics.k8s.io show them like any other pod:
// - Prometheus: its process' CPU time and resident memory from /proc (Linux);
// - the exporters: the time spent building their answers (synchronous work, so wall time is CPU
//   time) on top of an idle Go process' baseline, and the bytes they send.
import { readFileSync } from 'node:fs';
import type { ExtraPods } from '../controllers/providers';
import type { KObject, Store } from '../apiserver/store';
import { nowTime, randomHex, setCondition } from '../controllers/util';
import { RateMeter } from '../workloads/usage';
import type { ContainerCounters } from '../workloads';
import type { MeasuredPods } from './pod-stats';

/** What a measured container reports. */
export interface Measured {
  counters(): ContainerCounters;
  memoryBytes(): number;
}

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on every Linux we run on). */
const USER_HZ = 100;

/** A container served by this process: idle baseline + the time its handlers took. */
export class ServedContainer implements Measured {
  private busySeconds = 0;
  private rx = 0;
  private tx = 0;
  private rxPackets = 0;
  private txPackets = 0;
  private readonly started = performance.now();

  constructor(
    /** CPU an idle exporter process burns (Go runtime, GC): cores. */
    private readonly idleCores: number,
    private readonly memory: () => number,
  ) {}

  /** Run one request's work, counting its time and traffic. */
  serve(requestBytes: number, work: () => string): string {
    const t0 = performance.now();
    const body = work();
    this.busySeconds += (performance.now() - t0) / 1000;
    this.rx += requestBytes;
    this.rxPackets += 2;
    this.tx += body.length;
    this.txPackets += 1 + Math.ceil(body.length / 1448);
    return body;
  }

  counters(): ContainerCounters {
    const up = (performance.now() - this.started) / 1000;
    // Go programs spend ~80 ms of CPU starting up.
    return { cpuSeconds: 0.08 + this.idleCores * up + this.busySeconds, rxBytes: this.rx, txBytes: this.tx, rxPackets: this.rxPackets, txPackets: this.txPackets };
  }

  memoryBytes(): number {
    return this.memory();
  }
}

/** A real process, read from /proc; `fallback` where there is no /proc (macOS). */
export class ProcessContainer implements Measured {
  private lastCpu = 0;

  constructor(
    private readonly pid: number,
    private readonly traffic: () => { rx: number; tx: number },
    private readonly fallbackMemory: number,
  ) {}

  counters(): ContainerCounters {
    let cpu = this.lastCpu;
    try {
      const stat = readFileSync(`/proc/${this.pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      cpu = (Number(f[11]) + Number(f[12])) / USER_HZ;
    } catch {
      // no /proc (or the process is gone): keep the last value, counters never go back
    }
    this.lastCpu = Math.max(this.lastCpu, cpu);
    const { rx, tx } = this.traffic();
    return { cpuSeconds: this.lastCpu, rxBytes: rx, txBytes: tx, rxPackets: Math.ceil(rx / 1448) + 1, txPackets: Math.ceil(tx / 1448) + 1 };
  }

  memoryBytes(): number {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${this.pid}/status`, 'utf8'));
      if (m) return Number(m[1]) * 1024;
    } catch {
      // no /proc
    }
    return this.fallbackMemory;
  }
}

interface MeasuredPod {
  node: string;
  containers: { name: string; measured: Measured; rate: RateMeter }[];
}

/** The measured pods, as cAdvisor's source (MeasuredPods) and as metrics.k8s.io's (ExtraPods). */
export class MeasuredPodSet implements MeasuredPods, ExtraPods {
  private readonly pods = new Map<string, MeasuredPod>();

  set(namespace: string, pod: string, node: string, containers: { name: string; measured: Measured }[]): void {
    this.pods.set(`${namespace}/${pod}`, { node, containers: containers.map((c) => ({ ...c, rate: new RateMeter(() => c.measured.counters().cpuSeconds) })) });
  }

  delete(namespace: string, pod: string): void {
    this.pods.delete(`${namespace}/${pod}`);
  }

  containers(namespace: string, pod: string): { name: string; counters: ContainerCounters; memoryBytes: number }[] | undefined {
    const p = this.pods.get(`${namespace}/${pod}`);
    return p?.containers.map((c) => ({ name: c.name, counters: c.measured.counters(), memoryBytes: c.measured.memoryBytes() }));
  }

  podUsage(namespace: string, pod: string): { name: string; cpuNanoCores: number; memoryBytes: number }[] | undefined {
    const p = this.pods.get(`${namespace}/${pod}`);
    return p?.containers.map((c) => ({ name: c.name, cpuNanoCores: Math.round(c.rate.rate() * 1e9), memoryBytes: c.measured.memoryBytes() }));
  }

  nodeUsage(node: string): { cpuNanoCores: number; memoryBytes: number } | undefined {
    let cpu = 0;
    let mem = 0;
    let any = false;
    for (const [key, p] of this.pods) {
      if (p.node !== node) continue;
      const [ns, name] = key.split('/') as [string, string];
      for (const u of this.podUsage(ns, name) ?? []) {
        any = true;
        cpu += u.cpuNanoCores;
        mem += u.memoryBytes;
      }
    }
    return any ? { cpuNanoCores: cpu, memoryBytes: mem } : undefined;
  }
}

export interface RunningContainerStatus {
  name: string;
  image: string;
  imageID: string;
  containerID?: string;
}

/** Write a pod's status as the kubelet does for a pod whose containers all run and are ready.
 *  Returns the container ids it used (kept when the pod already had them). */
export function markRunning(store: Store, pod: KObject, containers: RunningContainerStatus[]): Map<string, string> {
  const now = nowTime();
  const ids = new Map<string, string>();
  const prev = new Map<string, any>((pod.status?.containerStatuses ?? []).map((s: any) => [s.name, s]));
  const startedAt = pod.status?.startTime ?? now;
  const statuses = containers.map((c) => {
    const old = prev.get(c.name);
    const containerID = c.containerID ?? old?.containerID ?? `containerd://${randomHex(64)}`;
    ids.set(c.name, containerID);
    return { name: c.name, image: c.image, imageID: c.imageID, containerID, ready: true, started: true, restartCount: old?.restartCount ?? 0, state: { running: { startedAt: old?.state?.running?.startedAt ?? now } }, lastState: {} };
  });
  store.patch('pods', pod.metadata.namespace, pod.metadata.name!, (d) => {
    let conds: any[] = d.status?.conditions ?? [];
    for (const type of ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled']) conds = setCondition(conds, { type, status: 'True' }, now, { probeTime: true });
    d.status = {
      ...d.status,
      phase: 'Running',
      conditions: conds,
      hostIP: '127.0.0.1',
      hostIPs: [{ ip: '127.0.0.1' }],
      podIP: '127.0.0.1',
      podIPs: [{ ip: '127.0.0.1' }],
      startTime: startedAt,
      containerStatuses: statuses,
    };
  }, { status: true });
  return ids;
}
