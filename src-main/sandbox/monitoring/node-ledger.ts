// Node-level counters that must only grow (CPU seconds, interface bytes) while the pods under
// them come and go. Kept per node and advanced whenever an exporter reads them (no timer):
// - CPU: the node's metrics.k8s.io usage (system daemons + every pod) integrated over time, so
//   rate(node_cpu_seconds_total{mode!="idle"}) is what `kubectl top node` shows;
// - eth0: the increase of every pod's traffic counters since the last read (a new container
//   counts whole), plus the node's own chatter with the API server;
// - load averages: exponentially smoothed CPU demand with the kernel's 1/5/15-minute constants.
import type { MetricsProvider } from '../apiserver/providers';
import type { KObject } from '../apiserver/store';
import { cpuMillis, memBytes } from '../controllers/util';
import type { PodSample } from './pod-stats';

/** The kubelet registers its node about two minutes after the machine booted. */
const BOOT_BEFORE_REGISTRATION_S = 120;
/** The node's own traffic (kubelet and kube-proxy watching the API server), bytes/s. */
const NODE_RX_BPS = 1800;
const NODE_TX_BPS = 1200;

export interface NodeTotals {
  cpuCores: number;
  bootTimeSec: number;
  uptimeSeconds: number;
  /** CPU seconds spent outside idle, summed over all CPUs. */
  busySeconds: number;
  /** CPU in use now (cores), as metrics.k8s.io reports it. */
  usageCores: number;
  memoryTotalBytes: number;
  memoryUsedBytes: number;
  ephemeralStorageBytes: number;
  rxBytes: number;
  txBytes: number;
  rxPackets: number;
  txPackets: number;
  load1: number;
  load5: number;
  load15: number;
}

interface NodeState {
  at: number;
  busy: number;
  rx: number;
  tx: number;
  rxp: number;
  txp: number;
  load: [number, number, number];
  seen: Map<string, { rx: number; tx: number; rxp: number; txp: number }>;
}

const decay = (prev: number, next: number, dt: number, tau: number) => prev + (1 - Math.exp(-dt / tau)) * (next - prev);

export class NodeLedger {
  private readonly nodes = new Map<string, NodeState>();

  constructor(
    private readonly metrics: MetricsProvider,
    private readonly now: () => number = Date.now,
  ) {}

  sample(node: KObject, pods: PodSample[]): NodeTotals {
    const name = node.metadata.name!;
    const now = this.now();
    const cap = node.status?.capacity ?? {};
    const cpuCores = cpuMillis(cap.cpu ?? '1') / 1000;
    const created = Date.parse(node.metadata.creationTimestamp ?? '') || now;
    const bootTimeSec = Math.floor(created / 1000) - BOOT_BEFORE_REGISTRATION_S;
    const uptime = now / 1000 - bootTimeSec;
    const usage = this.metrics.nodeUsage(name);
    const usageCores = (usage?.cpuNanoCores ?? 0) / 1e9;
    let st = this.nodes.get(name);
    if (!st) {
      // First read: as if the node had always run as it does now.
      st = { at: now, busy: Math.min(usageCores, cpuCores) * uptime, rx: NODE_RX_BPS * uptime, tx: NODE_TX_BPS * uptime, rxp: 0, txp: 0, load: [usageCores, usageCores, usageCores], seen: new Map() };
      st.rxp = Math.ceil(st.rx / 1448);
      st.txp = Math.ceil(st.tx / 1448);
      this.nodes.set(name, st);
    }
    const dt = Math.max(0, (now - st.at) / 1000);
    st.at = now;
    st.busy += Math.min(usageCores, cpuCores) * dt;
    st.rx += NODE_RX_BPS * dt;
    st.tx += NODE_TX_BPS * dt;
    st.rxp += Math.ceil((NODE_RX_BPS * dt) / 1448);
    st.txp += Math.ceil((NODE_TX_BPS * dt) / 1448);
    const seen = new Map<string, { rx: number; tx: number; rxp: number; txp: number }>();
    for (const p of pods) {
      for (const c of p.containers) {
        const k = c.counters;
        const prev = st.seen.get(c.id) ?? { rx: 0, tx: 0, rxp: 0, txp: 0 };
        st.rx += Math.max(0, k.rxBytes - prev.rx);
        st.tx += Math.max(0, k.txBytes - prev.tx);
        st.rxp += Math.max(0, k.rxPackets - prev.rxp);
        st.txp += Math.max(0, k.txPackets - prev.txp);
        seen.set(c.id, { rx: k.rxBytes, tx: k.txBytes, rxp: k.rxPackets, txp: k.txPackets });
      }
    }
    st.seen = seen;
    // Run-queue demand: the CPU in use plus a little waiting (I/O, short bursts).
    const demand = usageCores * 1.15 + 0.04;
    st.load = [decay(st.load[0], demand, dt, 60), decay(st.load[1], demand, dt, 300), decay(st.load[2], demand, dt, 900)];
    return {
      cpuCores,
      bootTimeSec,
      uptimeSeconds: uptime,
      busySeconds: st.busy,
      usageCores,
      memoryTotalBytes: memBytes(cap.memory ?? '0'),
      memoryUsedBytes: usage?.memoryBytes ?? 0,
      ephemeralStorageBytes: memBytes(cap['ephemeral-storage'] ?? '0'),
      rxBytes: st.rx,
      txBytes: st.tx,
      rxPackets: st.rxp,
      txPackets: st.txp,
      load1: st.load[0],
      load5: st.load[1],
      load15: st.load[2],
    };
  }

  forget(node: string): void {
    this.nodes.delete(node);
  }
}
