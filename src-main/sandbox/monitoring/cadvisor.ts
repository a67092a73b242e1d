// /metrics/cadvisor as the kubelet serves it on a node using containerd with the systemd cgroup
// driver: per container, per pod sandbox (the pause container, which alone carries the pod's
// network statistics) and per pod cgroup (container="", image="", the series the mixin's
// `container!=""` / `image!=""` filters exist for), plus the root cgroup "/" that
// kube-prometheus-stack drops at ingestion. Names, HELP texts, label sets and types are
// cAdvisor's; values come from PodStats (the numbers metrics.k8s.io serves) and NodeLedger.
//
// Counters of a pod cgroup outlive its containers (cgroup v2 charges a parent with its exited
// children), so they are kept here per pod, as are CFS throttling counters per container, which
// are integrated between scrapes from the CPU actually used against the container's limit.
import { createHash } from 'node:crypto';
import type { KObject } from '../apiserver/store';
import { Exposition, type Labels } from './exposition';
import type { NodeTotals } from './node-ledger';
import type { ContainerSample, PodSample } from './pod-stats';

export const PAUSE_IMAGE = 'registry.k8s.io/pause:3.10';
const CFS_PERIOD_US = 100_000;
/** The pause container: practically idle, ~400 KiB resident. */
const PAUSE_CORES = 0.00002;
const PAUSE_MEMORY = 400 * 1024;
/** Files the container's process maps or reads from its image (page cache): per container. */
const CACHE_BYTES = 2 * 1024 * 1024;
const INACTIVE_FILE_BYTES = 1024 * 1024;
/** Reading the image's files at start: ~24 MiB in 64 KiB reads; writes to the writable layer. */
const START_READ_BYTES = 24 * 1024 * 1024;
const START_WRITE_BYTES = 48 * 1024;
const WRITABLE_LAYER_BYTES = 56 * 1024;
const BLOCK_DEVICE = '/dev/vda';
const FS_DEVICE = '/dev/vda1';

interface CfsState {
  at: number;
  cpu: number;
  periods: number;
  throttled: number;
  throttledSeconds: number;
}

interface PodCgroupState {
  cpu: number;
  seen: Map<string, number>;
  maxUsage: number;
}

const qosSlice = (p: PodSample) => {
  const uid = p.uid.replace(/-/g, '_');
  if (p.qos === 'Guaranteed') return `/kubepods.slice/kubepods-pod${uid}.slice`;
  const q = p.qos.toLowerCase();
  return `/kubepods.slice/kubepods-${q}.slice/kubepods-${q}-pod${uid}.slice`;
};

export function sandboxId(podUid: string): string {
  return createHash('sha256').update(`sandbox:${podUid}`).digest('hex');
}

/** Base labels in cAdvisor's (alphabetical) order, with one extra label slotted in. */
function labels(container: string, id: string, image: string, name: string, namespace: string, pod: string, extra?: [string, string]): Labels {
  const out: [string, string][] = [
    ['container', container],
    ['id', id],
    ['image', image],
    ['name', name],
    ['namespace', namespace],
    ['pod', pod],
  ];
  if (extra) {
    const i = out.findIndex(([k]) => k > extra[0]);
    out.splice(i < 0 ? out.length : i, 0, extra);
  }
  return out;
}

/** One cgroup's readings, whatever it is (container, pause, pod, root). */
interface Cgroup {
  labels: (extra?: [string, string]) => Labels;
  cpuSeconds: number;
  workingSet: number;
  cache: number;
  startedAtSec: number;
  maxUsage: number;
  network?: { rxBytes: number; txBytes: number; rxPackets: number; txPackets: number };
  fs?: { readBytes: number; writeBytes: number; usage: number; limit: number };
  cfs?: CfsState;
  spec?: { cpuLimitCores: number; cpuRequestCores: number; memoryLimitBytes: number };
}

/** One node's cAdvisor: the state it keeps (pod cgroup and CFS counters) is that node's. */
export class CadvisorExporter {
  private readonly cfs = new Map<string, CfsState>();
  private readonly podCgroups = new Map<string, PodCgroupState>();
  private readonly maxUsage = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** The whole /metrics/cadvisor answer for one node. */
  text(node: KObject, pods: PodSample[], totals: NodeTotals): string {
    const now = this.now();
    const nowSec = now / 1000;
    const cgroups: Cgroup[] = [];
    const liveContainers = new Set<string>();
    const livePods = new Set<string>();
    cgroups.push({
      labels: (extra) => labels('', '/', '', '', '', '', extra),
      cpuSeconds: totals.busySeconds,
      workingSet: totals.memoryUsedBytes,
      cache: 0,
      startedAtSec: totals.bootTimeSec,
      maxUsage: totals.memoryUsedBytes,
      network: { rxBytes: totals.rxBytes, txBytes: totals.txBytes, rxPackets: totals.rxPackets, txPackets: totals.txPackets },
    });
    for (const p of pods) {
      livePods.add(p.uid);
      const podPath = qosSlice(p);
      const sandbox = sandboxId(p.uid);
      const pauseCpu = PAUSE_CORES * Math.max(0, nowSec - p.startedAtSec);
      const podCg = this.podCgroup(p, pauseCpu);
      let podWs = PAUSE_MEMORY;
      let podCache = 0;
      const net = { rxBytes: 0, txBytes: 0, rxPackets: 0, txPackets: 0 };
      for (const c of p.containers) {
        liveContainers.add(c.id);
        const cache = Math.min(CACHE_BYTES, c.workingSetBytes * 0.5);
        podWs += c.workingSetBytes;
        podCache += cache;
        net.rxBytes += c.counters.rxBytes;
        net.txBytes += c.counters.txBytes;
        net.rxPackets += c.counters.rxPackets;
        net.txPackets += c.counters.txPackets;
        cgroups.push({
          labels: (extra) => labels(c.name, `${podPath}/cri-containerd-${c.id}.scope`, c.image, c.id, p.namespace, p.name, extra),
          cpuSeconds: c.counters.cpuSeconds,
          workingSet: c.workingSetBytes,
          cache,
          startedAtSec: c.startedAtSec,
          maxUsage: this.peak(c.id, c.workingSetBytes + INACTIVE_FILE_BYTES),
          fs: { readBytes: START_READ_BYTES, writeBytes: START_WRITE_BYTES, usage: WRITABLE_LAYER_BYTES, limit: totals.ephemeralStorageBytes },
          ...(c.cpuLimitCores > 0 ? { cfs: this.throttling(c, now) } : {}),
          spec: c,
        });
      }
      // The pod's network namespace belongs to its sandbox: the pause container reports it.
      cgroups.push({
        labels: (extra) => labels('', `${podPath}/cri-containerd-${sandbox}.scope`, PAUSE_IMAGE, sandbox, p.namespace, p.name, extra),
        cpuSeconds: pauseCpu,
        workingSet: PAUSE_MEMORY,
        cache: 0,
        startedAtSec: p.startedAtSec,
        maxUsage: PAUSE_MEMORY,
        network: net,
      });
      podCg.maxUsage = Math.max(podCg.maxUsage, podWs + INACTIVE_FILE_BYTES);
      cgroups.push({
        labels: (extra) => labels('', podPath, '', '', p.namespace, p.name, extra),
        cpuSeconds: podCg.cpu,
        workingSet: podWs,
        cache: podCache,
        startedAtSec: p.startedAtSec,
        maxUsage: podCg.maxUsage,
      });
    }
    for (const id of this.cfs.keys()) if (!liveContainers.has(id)) this.cfs.delete(id);
    for (const id of this.maxUsage.keys()) if (!liveContainers.has(id)) this.maxUsage.delete(id);
    for (const uid of this.podCgroups.keys()) if (!livePods.has(uid)) this.podCgroups.delete(uid);
    return this.render(node, cgroups, totals, nowSec);
  }

  /** Pod cgroup CPU: the pause container plus every container it ever had. */
  private podCgroup(p: PodSample, pauseCpu: number): PodCgroupState {
    let st = this.podCgroups.get(p.uid);
    if (!st) {
      st = { cpu: 0, seen: new Map(), maxUsage: 0 };
      this.podCgroups.set(p.uid, st);
    }
    let cpu = st.cpu;
    const seen = new Map<string, number>();
    for (const c of p.containers) {
      cpu += Math.max(0, c.counters.cpuSeconds - (st.seen.get(c.id) ?? 0));
      seen.set(c.id, c.counters.cpuSeconds);
    }
    cpu += Math.max(0, pauseCpu - (st.seen.get('pause') ?? 0));
    seen.set('pause', pauseCpu);
    st.cpu = cpu;
    st.seen = seen;
    return st;
  }

  private peak(id: string, usage: number): number {
    const m = Math.max(this.maxUsage.get(id) ?? 0, usage);
    this.maxUsage.set(id, m);
    return m;
  }

  /** CFS periods with runnable tasks, and those that hit the quota, since the last scrape. */
  private throttling(c: ContainerSample, now: number): CfsState {
    let st = this.cfs.get(c.id);
    if (!st) {
      // First sight: the container's lifetime at its average rate so far.
      const life = Math.max(0.001, now / 1000 - c.startedAtSec);
      st = { at: now - life * 1000, cpu: 0, periods: 0, throttled: 0, throttledSeconds: 0 };
      this.cfs.set(c.id, st);
    }
    const dt = (now - st.at) / 1000;
    if (dt > 0) {
      const used = Math.max(0, c.counters.cpuSeconds - st.cpu);
      const cores = used / dt;
      // Periods in which the cgroup had something to run: all of them once it is busy.
      const periods = dt * (1e6 / CFS_PERIOD_US) * Math.min(1, 0.2 + cores * 20);
      // Bursts hit the quota long before the average does: from half the limit on.
      const load = cores / c.cpuLimitCores;
      const fraction = load <= 0.5 ? 0 : Math.min(1, (load - 0.5) / 0.5) ** 2;
      st.periods += periods;
      st.throttled += periods * fraction;
      st.throttledSeconds += periods * fraction * 0.02;
      st.at = now;
      st.cpu = c.counters.cpuSeconds;
    }
    return st;
  }

  private render(node: KObject, cgroups: Cgroup[], totals: NodeTotals, nowSec: number): string {
    const e = new Exposition();
    const all = (name: string, type: 'counter' | 'gauge', help: string, value: (c: Cgroup) => number | undefined, extra?: [string, string]) => {
      e.family(name, type, help);
      for (const c of cgroups) {
        const v = value(c);
        if (v !== undefined) e.sample(name, c.labels(extra), v);
      }
    };
    const int = Math.round;
    all('container_cpu_cfs_periods_total', 'counter', 'Number of elapsed enforcement period intervals.', (c) => c.cfs && int(c.cfs.periods));
    all('container_cpu_cfs_throttled_periods_total', 'counter', 'Number of throttled period intervals.', (c) => c.cfs && int(c.cfs.throttled));
    all('container_cpu_cfs_throttled_seconds_total', 'counter', 'Total time duration the container has been throttled.', (c) => c.cfs && c.cfs.throttledSeconds);
    all('container_cpu_system_seconds_total', 'counter', 'Cumulative system cpu time consumed in seconds.', (c) => c.cpuSeconds * 0.3);
    all('container_cpu_usage_seconds_total', 'counter', 'Cumulative cpu time consumed in seconds.', (c) => c.cpuSeconds, ['cpu', 'total']);
    all('container_cpu_user_seconds_total', 'counter', 'Cumulative user cpu time consumed in seconds.', (c) => c.cpuSeconds * 0.7);
    all('container_fs_limit_bytes', 'gauge', 'Number of bytes that can be consumed by the container on this filesystem.', (c) => c.fs?.limit, ['device', FS_DEVICE]);
    all('container_fs_reads_bytes_total', 'counter', 'Cumulative count of bytes read', (c) => c.fs?.readBytes, ['device', BLOCK_DEVICE]);
    all('container_fs_reads_total', 'counter', 'Cumulative count of reads completed', (c) => c.fs && int(c.fs.readBytes / 65536), ['device', BLOCK_DEVICE]);
    all('container_fs_usage_bytes', 'gauge', 'Number of bytes that are consumed by the container on this filesystem.', (c) => c.fs?.usage, ['device', FS_DEVICE]);
    all('container_fs_writes_bytes_total', 'counter', 'Cumulative count of bytes written', (c) => c.fs?.writeBytes, ['device', BLOCK_DEVICE]);
    all('container_fs_writes_total', 'counter', 'Cumulative count of writes completed', (c) => c.fs && int(c.fs.writeBytes / 4096), ['device', BLOCK_DEVICE]);
    all('container_last_seen', 'gauge', 'Last time a container was seen by the exporter', () => Math.floor(nowSec));
    all('container_memory_cache', 'gauge', 'Number of bytes of page cache memory.', (c) => int(c.cache));
    all('container_memory_failcnt', 'counter', 'Number of memory usage hits limits', () => 0);
    all('container_memory_mapped_file', 'gauge', 'Size of memory mapped files in bytes.', (c) => int(c.cache * 0.6));
    all('container_memory_max_usage_bytes', 'gauge', 'Maximum memory usage recorded in bytes', (c) => int(c.maxUsage));
    all('container_memory_rss', 'gauge', 'Size of RSS in bytes.', (c) => int(Math.max(0, c.workingSet - c.cache)));
    all('container_memory_swap', 'gauge', 'Container swap usage in bytes.', () => 0);
    all('container_memory_usage_bytes', 'gauge', 'Current memory usage in bytes, including all memory regardless of when it was accessed', (c) => int(c.workingSet + (c.cache ? INACTIVE_FILE_BYTES : 0)));
    all('container_memory_working_set_bytes', 'gauge', 'Current working set in bytes.', (c) => int(c.workingSet));
    const eth0: [string, string] = ['interface', 'eth0'];
    all('container_network_receive_bytes_total', 'counter', 'Cumulative count of bytes received', (c) => c.network && int(c.network.rxBytes), eth0);
    all('container_network_receive_errors_total', 'counter', 'Cumulative count of errors encountered while receiving', (c) => c.network && 0, eth0);
    all('container_network_receive_packets_dropped_total', 'counter', 'Cumulative count of packets dropped while receiving', (c) => c.network && 0, eth0);
    all('container_network_receive_packets_total', 'counter', 'Cumulative count of packets received', (c) => c.network && int(c.network.rxPackets), eth0);
    all('container_network_transmit_bytes_total', 'counter', 'Cumulative count of bytes transmitted', (c) => c.network && int(c.network.txBytes), eth0);
    all('container_network_transmit_errors_total', 'counter', 'Cumulative count of errors encountered while transmitting', (c) => c.network && 0, eth0);
    all('container_network_transmit_packets_dropped_total', 'counter', 'Cumulative count of packets dropped while transmitting', (c) => c.network && 0, eth0);
    all('container_network_transmit_packets_total', 'counter', 'Cumulative count of packets transmitted', (c) => c.network && int(c.network.txPackets), eth0);
    e.family('container_scrape_error', 'gauge', '1 if there was an error while getting container metrics, 0 otherwise').sample('container_scrape_error', [], 0);
    all('container_spec_cpu_period', 'gauge', 'CPU period of the container.', (c) => c.spec && CFS_PERIOD_US);
    all('container_spec_cpu_quota', 'gauge', 'CPU quota of the container.', (c) => (c.spec?.cpuLimitCores ? int(c.spec.cpuLimitCores * CFS_PERIOD_US) : undefined));
    all('container_spec_cpu_shares', 'gauge', 'CPU share of the container.', (c) => c.spec && Math.max(2, int(c.spec.cpuRequestCores * 1024)));
    all('container_spec_memory_limit_bytes', 'gauge', 'Memory limit for the container.', (c) => c.spec && c.spec.memoryLimitBytes);
    all('container_start_time_seconds', 'gauge', 'Start time of the container since unix epoch in seconds.', (c) => Math.floor(c.startedAtSec));
    const info = node.status?.nodeInfo ?? {};
    const machine: Labels = [['boot_id', info.bootID ?? ''], ['machine_id', info.machineID ?? ''], ['system_uuid', info.systemUUID ?? '']];
    e.family('machine_cpu_cores', 'gauge', 'Number of logical CPU cores.').sample('machine_cpu_cores', machine, totals.cpuCores);
    e.family('machine_memory_bytes', 'gauge', 'Amount of memory installed on the machine.').sample('machine_memory_bytes', machine, totals.memoryTotalBytes);
    return e.text();
  }
}
