// Resource usage of one pod, derived from the work it actually does, the way cAdvisor derives it
// from cgroup counters: a cumulative CPU-time counter (advanced by every request according to the
// route's cost and the bytes moved) whose rate is the CPU usage, and a working set made of the
// runtime's resting size, buffers of in-flight requests, garbage proportional to recent traffic,
// and whatever the pod holds (cache entries, a leak under the OOM fault).
// Traffic is counted per direction (bytes and packets), as the pod's network interface would.
// Nothing runs on a timer: rates are computed when usage() is asked for.
import type { ContainerCounters } from './types';

/** Idle cost of a Node process with a few timers and sockets: about 1 millicore. */
const IDLE_NANOCORES = 1_000_000;
/** CPU time per byte parsed or serialized (JSON + HTTP framing). */
const NS_PER_BYTE = 40;
/** Buffers and closures held per in-flight request. */
const INFLIGHT_BYTES = 192 * 1024;
/** Young-generation garbage: about this many seconds of allocation stays resident. */
const GARBAGE_SECONDS = 3;
/** Allocation per byte of traffic (decoded strings, objects, copies). */
const ALLOC_PER_BYTE = 6;
/** Smoothing time constant, close to metrics-server's 15 s window. */
const TAU_S = 10;
/** TCP payload per segment on a 1500-byte MTU. */
const MSS = 1448;

/** Packets that carry `bytes` of payload (at least one: a request or an ACK). */
export function packetsFor(bytes: number): number {
  return 1 + Math.ceil(bytes / MSS);
}

/** Exponential smoothing with a time-aware weight, so irregular polling gives the same curve. */
function smooth(prev: number, next: number, dtSeconds: number, tau: number): number {
  return prev + (1 - Math.exp(-dtSeconds / tau)) * (next - prev);
}

export class LoadMeter {
  private cpuNs = 0;
  private bytes = 0;
  private rxBytes = 0;
  private txBytes = 0;
  private rxPackets = 0;
  private txPackets = 0;
  private inFlight = 0;
  private lastAt: number;
  private lastCpuNs = 0;
  private lastBytes = 0;
  private cpuRate = IDLE_NANOCORES;
  private byteRate = 0;
  private readonly startedAt: number;
  /** Extra resident bytes reported by the pod (cache contents, leaked memory). */
  heldBytes: () => number = () => 0;

  constructor(
    private readonly baseMemoryBytes: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.startedAt = this.lastAt = this.now();
    // Starting a Node service costs CPU too (module loading, JIT): ~150 ms.
    this.cpuNs = 150e6;
  }

  begin(bytesIn: number): void {
    this.inFlight++;
    this.received(bytesIn);
    this.cpuNs += bytesIn * NS_PER_BYTE;
  }

  end(cpuMs: number, bytesOut: number): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    this.sent(bytesOut);
    this.cpuNs += cpuMs * 1e6 + bytesOut * NS_PER_BYTE;
  }

  /** Outgoing calls cost CPU and traffic as well: the request sent, the response received. */
  client(sentBytes: number, receivedBytes: number): void {
    this.sent(sentBytes);
    this.received(receivedBytes);
    this.cpuNs += 0.15e6 + (sentBytes + receivedBytes) * NS_PER_BYTE;
  }

  private sent(bytes: number): void {
    this.bytes += bytes;
    this.txBytes += bytes;
    this.txPackets += packetsFor(bytes);
  }

  private received(bytes: number): void {
    this.bytes += bytes;
    this.rxBytes += bytes;
    this.rxPackets += packetsFor(bytes);
  }

  /** Cumulative CPU seconds, as container_cpu_usage_seconds_total would count them. */
  cpuSecondsTotal(): number {
    return (this.cpuNs + ((this.now() - this.startedAt) / 1000) * IDLE_NANOCORES) / 1e9;
  }

  /** The cumulative counters cAdvisor would read (cgroup cpu usage, the interface's statistics). */
  counters(): ContainerCounters {
    return { cpuSeconds: this.cpuSecondsTotal(), rxBytes: this.rxBytes, txBytes: this.txBytes, rxPackets: this.rxPackets, txPackets: this.txPackets };
  }

  usage(): { cpuNanoCores: number; memoryBytes: number } {
    const t = this.now();
    const dt = (t - this.lastAt) / 1000;
    if (dt > 0.05) {
      const cpu = IDLE_NANOCORES + (this.cpuNs - this.lastCpuNs) / dt;
      const bps = (this.bytes - this.lastBytes) / dt;
      this.cpuRate = smooth(this.cpuRate, cpu, dt, TAU_S);
      this.byteRate = smooth(this.byteRate, bps, dt, TAU_S);
      this.lastAt = t;
      this.lastCpuNs = this.cpuNs;
      this.lastBytes = this.bytes;
    }
    const memory =
      this.baseMemoryBytes + this.inFlight * INFLIGHT_BYTES + this.byteRate * ALLOC_PER_BYTE * GARBAGE_SECONDS + this.heldBytes();
    return { cpuNanoCores: Math.round(this.cpuRate), memoryBytes: Math.round(memory) };
  }
}

/** The smoothed per-second rate of a cumulative counter, computed when asked (no timer): what
 *  metrics-server would report for a process whose CPU time we can only read as a total. */
export class RateMeter {
  private last: { at: number; value: number } | undefined;
  private rateValue = 0;
  private primed = false;

  constructor(
    private readonly counter: () => number,
    private readonly now: () => number = () => performance.now(),
    private readonly tauSeconds = TAU_S,
  ) {}

  rate(): number {
    const at = this.now();
    const value = this.counter();
    if (!this.last) {
      this.last = { at, value };
      return this.rateValue;
    }
    const dt = (at - this.last.at) / 1000;
    if (dt > 0.05) {
      const r = Math.max(0, (value - this.last.value) / dt);
      // The first interval sets the rate outright; later ones smooth it.
      this.rateValue = this.primed ? smooth(this.rateValue, r, dt, this.tauSeconds) : r;
      this.primed = true;
      this.last = { at, value };
    }
    return this.rateValue;
  }
}
