// Log lines of synthetic pods, generated at read time. Line `seq` of a container is written at
// t0 + seq / rate, so tail, sinceTime and follow agree on sequence numbers and timestamps without
// storing anything; a follow stream continues from the last line it was given and never skips,
// so benchmarks can count loss from the `seq` field. 'max' is a virtual 1,000,000 lines/s: a
// follower gets lines as fast as its connection drains.
import type { ContainerLog, LogFlow, LogLine } from '../apiserver/logs';
import { pumpSoon } from '../fair-turns';

export const MAX_RATE = 1_000_000;
const KEEP = 1000;
const ROUTES = ['/api/items', '/api/items/{id}', '/healthz', '/api/orders'];

// Consecutive lines mostly share their millisecond: its text is formatted once.
let cachedMs = NaN;
let cachedSecond = '';
let cachedMillis = '';

/** Go's RFC3339Nano, as the kubelet writes it: trailing zeros of the fraction trimmed (and the
 *  dot, when nothing is left). */
function rfc3339Nano(ms: number, subNs: number): string {
  if (ms !== cachedMs) {
    cachedMs = ms;
    const iso = new Date(ms).toISOString();
    cachedSecond = iso.slice(0, 19);
    cachedMillis = iso.slice(20, 23);
  }
  const frac = cachedMillis + String(subNs).padStart(6, '0');
  let end = frac.length;
  while (end > 0 && frac.charCodeAt(end - 1) === 0x30) end--;
  return end ? `${cachedSecond}.${frac.slice(0, end)}Z` : `${cachedSecond}Z`;
}

export class SyntheticLog implements ContainerLog {
  private next = -1;
  private readonly nsPerLine: number;

  constructor(
    private readonly pod: string,
    private readonly t0: number,
    private readonly rate: number,
    private readonly alive: () => boolean,
  ) {
    this.nsPerLine = 1e9 / rate;
  }

  /** Lines written up to `now` (exclusive end seq). */
  written(now = Date.now()): number {
    return Math.max(0, Math.floor(((now - this.t0) * this.rate) / 1000));
  }

  line(seq: number): LogLine {
    const off = Math.round(seq * this.nsPerLine);
    const ms = this.t0 + Math.floor(off / 1e6);
    const time = rfc3339Nano(ms, off % 1e6);
    const route = ROUTES[seq % ROUTES.length]!;
    const status = seq % 97 === 0 ? 500 : 200;
    return { time, text: `{"seq":${seq},"level":"${status === 500 ? 'error' : 'info'}","msg":"request handled","pod":"${this.pod}","route":"${route}","status":${status},"duration_ms":${(seq % 13) + 1}}` };
  }

  lines(): readonly LogLine[] {
    const end = this.written();
    const start = Math.max(0, end - KEEP);
    this.next = end;
    const out: LogLine[] = new Array(end - start);
    for (let s = start; s < end; s++) out[s - start] = this.line(s);
    return out;
  }

  running(): boolean {
    return this.alive();
  }

  follow(onLine: (l: LogLine) => void, onEnd: () => void, flow?: LogFlow): () => void {
    let seq = this.next >= 0 ? this.next : this.written();
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    let queued = false;
    const fast = this.rate >= 1000;
    const pump = () => {
      timer = undefined;
      if (stopped) return;
      if (!this.alive()) {
        stopped = true;
        onEnd();
        return;
      }
      const end = this.written();
      let budget = fast ? 500 : Infinity;
      while (seq < end && budget-- > 0) {
        onLine(this.line(seq++));
        if (stopped) return;
        if (flow?.paused()) {
          flow.onDrain(() => schedule(0));
          return;
        }
      }
      schedule(seq < end ? 0 : Math.max(5, Math.min(1000, ((seq + 1) * 1000) / this.rate + this.t0 - Date.now())));
    };
    const schedule = (ms: number) => {
      if (stopped || timer || queued) return;
      if (ms > 0) timer = setTimeout(pump, ms);
      else {
        queued = true;
        pumpSoon(() => {
          queued = false;
          pump();
        });
      }
    };
    schedule(0);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }
}
