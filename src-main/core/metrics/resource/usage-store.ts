// The history of metrics.k8s.io samples of one context: CPU and memory per series (pod, node,
// namespace, workload, cluster), in a ring of time slots kept in two Float32Arrays, slot-major
// (slot * capacity + series id). Memory is bounded by a budget, not by the number of pods: the
// number of slots is budget / (capacity * 8 bytes), and a slot spans long enough that the slots
// cover the retention (at least an hour). Small clusters get one slot per metrics-server sample;
// at 100,000 pods a slot averages a few samples. When more series arrive than the capacity
// holds, the capacity doubles and the existing slots are merged pairwise in time, so the history
// survives at a coarser step. A series not seen for longer than the ring covers is forgotten
// (its id is reused).

export interface UsageStoreOptions {
  /** Seconds of history to keep, at least (default 3600). */
  retentionS?: number;
  /** Bytes the history's arrays may take (default 64 MiB). */
  budgetBytes?: number;
  /** Seconds between samples, to start with (default 15, metrics-server's default resolution). */
  resolutionS?: number;
  /** Series capacity to start with (rounded up to a power of two). */
  initialCapacity?: number;
}

export interface SeriesPoints {
  t: number[];
  cpu: Array<number | null>;
  memory: Array<number | null>;
}

export interface StoreStats {
  series: number;
  capacity: number;
  slots: number;
  slotS: number;
  retentionS: number;
  bytes: number;
}

const MIN_SLOTS = 8;
/** A sample this much of a slot's width after the slot opened opens the next one (samples jitter). */
const JITTER = 0.9;

export class UsageStore {
  private readonly retentionMs: number;
  private readonly budget: number;
  private resolutionMs: number;
  private cap: number;
  private slots: number;
  private spanMs: number;
  private cpu: Float32Array;
  private mem: Float32Array;
  private times: Float64Array;
  /** Newest (open) slot, -1 before the first sample. */
  private head = -1;
  /** Slots holding data (<= slots). */
  private used = 0;
  /** Slots ever opened: a series last written at seq s is gone from the ring once seq - s >= slots. */
  private seq = 0;
  /** Samples folded into the open slot, per series (for the running average). */
  private openN: Uint16Array;
  private lastSeq: Float64Array;
  private readonly ids = new Map<string, number>();
  private keys: Array<string | undefined> = [];
  private readonly free: number[] = [];
  private nextId = 0;

  constructor(opts: UsageStoreOptions = {}) {
    this.retentionMs = (opts.retentionS ?? 3600) * 1000;
    this.budget = opts.budgetBytes ?? 64 * 2 ** 20;
    this.resolutionMs = (opts.resolutionS ?? 15) * 1000;
    this.cap = 2 ** Math.ceil(Math.log2(Math.max(64, opts.initialCapacity ?? 256)));
    this.slots = this.slotsFor(this.cap);
    this.spanMs = this.spanFor(this.slots);
    this.cpu = new Float32Array(this.slots * this.cap).fill(NaN);
    this.mem = new Float32Array(this.slots * this.cap).fill(NaN);
    this.times = new Float64Array(this.slots);
    this.openN = new Uint16Array(this.cap);
    this.lastSeq = new Float64Array(this.cap);
  }

  /** As many slots as the budget allows at this capacity (after the per-series bookkeeping:
   *  openN, lastSeq), but no more than one per sample. */
  private slotsFor(cap: number): number {
    const perSample = Math.ceil(this.retentionMs / (JITTER * this.resolutionMs)) + 2;
    return Math.max(MIN_SLOTS, Math.min(perSample, Math.floor((this.budget - cap * 10) / (cap * 8 + 8))));
  }

  /** A slot spans a sample interval, or more when the slots must stretch to cover the retention
   *  (even when every slot is opened as early as the jitter allowance lets it). */
  private spanFor(slots: number): number {
    return Math.max(this.resolutionMs, Math.ceil(this.retentionMs / (JITTER * (slots - 1))));
  }

  /** metrics-server's resolution changed (learned from `window` and timestamps). */
  setResolution(seconds: number) {
    if (!(seconds > 0) || Math.abs(seconds * 1000 - this.resolutionMs) < 1) return;
    this.resolutionMs = seconds * 1000;
    this.spanMs = this.spanFor(this.slots);
  }

  /** Starts a round of samples taken at `tMs`: folds into the open slot while it spans less than
   *  a slot's width, else opens the next slot (clearing the oldest). Returns the slot's time. */
  begin(tMs: number): number {
    if (this.head >= 0 && tMs - this.times[this.head]! < this.spanMs * JITTER) return this.times[this.head]!;
    this.head = (this.head + 1) % this.slots;
    this.used = Math.min(this.slots, this.used + 1);
    this.seq++;
    this.times[this.head] = tMs;
    const from = this.head * this.cap;
    this.cpu.fill(NaN, from, from + this.cap);
    this.mem.fill(NaN, from, from + this.cap);
    this.openN.fill(0);
    this.expire();
    return tMs;
  }

  /** Records a sample of `key` in the open slot (averaged with earlier samples of that slot). */
  put(key: string, cpu: number, memory: number): void {
    if (this.head < 0) throw new Error('UsageStore.put before begin');
    const id = this.idFor(key);
    const i = this.head * this.cap + id;
    const n = this.openN[id]!;
    if (n === 0) {
      this.cpu[i] = cpu;
      this.mem[i] = memory;
    } else {
      this.cpu[i] = this.cpu[i]! + (cpu - this.cpu[i]!) / (n + 1);
      this.mem[i] = this.mem[i]! + (memory - this.mem[i]!) / (n + 1);
    }
    if (n < 65535) this.openN[id] = n + 1;
    this.lastSeq[id] = this.seq;
  }

  private idFor(key: string): number {
    let id = this.ids.get(key);
    if (id !== undefined) return id;
    id = this.free.pop();
    if (id === undefined) {
      if (this.nextId === this.cap) this.relayout(this.cap * 2);
      id = this.nextId++;
    }
    this.ids.set(key, id);
    this.keys[id] = key;
    return id;
  }

  /** Forgets series whose samples have all left the ring; their columns are all NaN by now. */
  private expire() {
    for (const [key, id] of this.ids) {
      if (this.seq - this.lastSeq[id]! >= this.slots) {
        this.ids.delete(key);
        this.keys[id] = undefined;
        this.free.push(id);
      }
    }
  }

  /** Rebuilds the arrays for a new capacity: fewer, wider slots when the budget demands, made by
   *  merging consecutive old slots (averages of what they hold). */
  private relayout(newCap: number) {
    const newSlots = this.slotsFor(newCap);
    const newSpan = this.spanFor(newSlots);
    // Old slots, oldest first, grouped so that each group spans less than a new slot.
    const order: number[] = [];
    for (let k = this.used - 1; k >= 0; k--) order.push((this.head - k + this.slots) % this.slots);
    const groups: number[][] = [];
    for (const s of order) {
      const g = groups[groups.length - 1];
      if (g && this.times[s]! - this.times[g[0]!]! < newSpan * JITTER) g.push(s);
      else groups.push([s]);
    }
    const kept = groups.slice(-newSlots);
    const cpu = new Float32Array(newSlots * newCap).fill(NaN);
    const mem = new Float32Array(newSlots * newCap).fill(NaN);
    const times = new Float64Array(newSlots);
    const openN = new Uint16Array(newCap);
    kept.forEach((g, slot) => {
      times[slot] = this.times[g[0]!]!;
      for (let id = 0; id < this.nextId; id++) {
        let n = 0;
        let c = 0;
        let m = 0;
        for (const s of g) {
          const v = this.cpu[s * this.cap + id]!;
          if (Number.isNaN(v)) continue;
          c += v;
          m += this.mem[s * this.cap + id]!;
          n++;
        }
        if (n) {
          cpu[slot * newCap + id] = c / n;
          mem[slot * newCap + id] = m / n;
          if (slot === kept.length - 1) openN[id] = n;
        }
      }
    });
    const lastSeq = new Float64Array(newCap);
    // Conservative: every series counts as seen now, so none is forgotten while data of it may remain.
    lastSeq.fill(this.seq);
    this.cap = newCap;
    this.slots = newSlots;
    this.spanMs = newSpan;
    this.cpu = cpu;
    this.mem = mem;
    this.times = times;
    this.openN = openN;
    this.lastSeq = lastSeq;
    this.used = kept.length;
    this.head = kept.length - 1;
  }

  has(key: string): boolean {
    return this.ids.has(key);
  }

  /** The history of one series, oldest first (slots without a sample are left out). */
  series(key: string, sinceMs = 0): SeriesPoints {
    const out: SeriesPoints = { t: [], cpu: [], memory: [] };
    const id = this.ids.get(key);
    if (id === undefined) return out;
    for (let k = this.used - 1; k >= 0; k--) {
      const s = (this.head - k + this.slots) % this.slots;
      if (this.times[s]! < sinceMs) continue;
      const c = this.cpu[s * this.cap + id]!;
      const m = this.mem[s * this.cap + id]!;
      if (Number.isNaN(c) && Number.isNaN(m)) continue;
      out.t.push(this.times[s]!);
      out.cpu.push(Number.isNaN(c) ? null : c);
      out.memory.push(Number.isNaN(m) ? null : m);
    }
    return out;
  }

  /** The open slot's value of a series, if it has one. */
  latest(key: string): { t: number; cpu: number | null; memory: number | null } | undefined {
    const id = this.ids.get(key);
    if (id === undefined || this.head < 0) return undefined;
    const c = this.cpu[this.head * this.cap + id]!;
    const m = this.mem[this.head * this.cap + id]!;
    if (Number.isNaN(c) && Number.isNaN(m)) return undefined;
    return { t: this.times[this.head]!, cpu: Number.isNaN(c) ? null : c, memory: Number.isNaN(m) ? null : m };
  }

  stats(): StoreStats {
    return {
      series: this.ids.size,
      capacity: this.cap,
      slots: this.slots,
      slotS: this.spanMs / 1000,
      // Guaranteed: even slots opened as early as the jitter allowance lets them cover this much.
      retentionS: Math.floor(((this.slots - 1) * this.spanMs * JITTER) / 1000),
      bytes: this.cpu.byteLength + this.mem.byteLength + this.times.byteLength + this.openN.byteLength + this.lastSeq.byteLength,
    };
  }
}
