// Resource usage of one pod, derived from the work it actually does, the way cAdvisor derives it
// from cgroup counters: a cumulative CPU-time counter (advanced by every request according to the
// route's cost and the bytes moved) whose rate is the CPU usage, and a working set made of the
// runtime's resting size, buffers of in-flight requests, garbage proportional to recent traffic,
// and whatever the pod holds (cache entries, a leak under the OOM fault).
// Nothing runs on a timer: rates are computed when usage() is asked for.

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

export class LoadMeter {
  private cpuNs = 0;
  private bytes = 0;
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
    this.bytes += bytesIn;
    this.cpuNs += bytesIn * NS_PER_BYTE;
  }

  end(cpuMs: number, bytesOut: number): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    this.bytes += bytesOut;
    this.cpuNs += cpuMs * 1e6 + bytesOut * NS_PER_BYTE;
  }

  /** Outgoing calls cost CPU and traffic as well. */
  client(bytes: number): void {
    this.bytes += bytes;
    this.cpuNs += 0.15e6 + bytes * NS_PER_BYTE;
  }

  /** Cumulative CPU seconds, as container_cpu_usage_seconds_total would count them. */
  cpuSecondsTotal(): number {
    return (this.cpuNs + ((this.now() - this.startedAt) / 1000) * IDLE_NANOCORES) / 1e9;
  }

  usage(): { cpuNanoCores: number; memoryBytes: number } {
    const t = this.now();
    const dt = (t - this.lastAt) / 1000;
    if (dt > 0.05) {
      const cpu = IDLE_NANOCORES + (this.cpuNs - this.lastCpuNs) / dt;
      const bps = (this.bytes - this.lastBytes) / dt;
      // Exponential smoothing with a time-aware weight, so irregular polling gives the same curve.
      const w = 1 - Math.exp(-dt / TAU_S);
      this.cpuRate += w * (cpu - this.cpuRate);
      this.byteRate += w * (bps - this.byteRate);
      this.lastAt = t;
      this.lastCpuNs = this.cpuNs;
      this.lastBytes = this.bytes;
    }
    const memory =
      this.baseMemoryBytes + this.inFlight * INFLIGHT_BYTES + this.byteRate * ALLOC_PER_BYTE * GARBAGE_SECONDS + this.heldBytes();
    return { cpuNanoCores: Math.round(this.cpuRate), memoryBytes: Math.round(memory) };
  }
}
