// Pod logs: the provider interface the kubelet simulation implements, a bounded per-container
// buffer it can use, and the kubelet's PodLogOptions handling (tail, since, timestamps, limit,
// follow until the container stops).
import type { ServerResponse } from 'node:http';
import { ApiError } from './errors';
import { microTimestamp } from './audit';

export interface LogLine {
  /** RFC3339Nano timestamp the kubelet recorded. */
  time: string;
  /** The line without its trailing newline. */
  text: string;
  /** The line's bytes, when it is not text (binary output, invalid UTF-8): served as they are. */
  bytes?: Uint8Array;
}

/** One container instance's log, as the kubelet's log file. */
export interface ContainerLog {
  /** Lines kept so far, oldest first. */
  lines(): readonly LogLine[];
  /** Whether the container is running; a follow stream ends when it is not. */
  running(): boolean;
  /** New lines as they come; `onEnd` when the container stops. Returns unsubscribe. `flow`
   *  lets fast producers respect the reader's backpressure (optional to use). */
  follow(onLine: (l: LogLine) => void, onEnd: () => void, flow?: LogFlow): () => void;
}

/** Backpressure of a follow stream: pause while `paused()`, continue on `onDrain`. */
export interface LogFlow {
  paused(): boolean;
  onDrain(cb: () => void): void;
}

export interface LogProvider {
  /** The current (or, with previous, the last terminated) instance of a container; undefined
   *  when the container has not started (or has no previous instance). */
  containerLog(namespace: string, pod: string, container: string, previous: boolean): ContainerLog | undefined;
}

/** RFC3339Nano "now" with nanosecond digits (microsecond precision). */
export function nanoTimestamp(): string {
  return microTimestamp().replace('Z', '000Z');
}

/** A bounded in-memory container log; a simple ContainerLog for providers. */
export class ContainerLogBuffer implements ContainerLog {
  private buf: LogLine[] = [];
  private live = true;
  private readonly followers = new Set<{ onLine: (l: LogLine) => void; onEnd: () => void }>();
  constructor(private readonly maxLines = 10_000) {}

  append(text: string, time = nanoTimestamp()): void {
    this.add({ time, text });
  }

  /** A line of raw bytes (no newline in it), e.g. a program printing binary data. */
  appendBytes(bytes: Uint8Array, time = nanoTimestamp()): void {
    this.add({ time, text: Buffer.from(bytes).toString('latin1'), bytes });
  }

  private add(l: LogLine): void {
    this.buf.push(l);
    // Drop in chunks so appends stay O(1) amortized.
    if (this.buf.length > this.maxLines * 1.25) this.buf = this.buf.slice(this.buf.length - this.maxLines);
    for (const f of this.followers) f.onLine(l);
  }

  /** The container stopped: followers' streams end. */
  stop(): void {
    this.live = false;
    for (const f of [...this.followers]) f.onEnd();
    this.followers.clear();
  }

  lines(): readonly LogLine[] {
    return this.buf.length > this.maxLines ? this.buf.slice(this.buf.length - this.maxLines) : this.buf;
  }

  running(): boolean {
    return this.live;
  }

  follow(onLine: (l: LogLine) => void, onEnd: () => void): () => void {
    if (!this.live) {
      onEnd();
      return () => {};
    }
    const f = { onLine, onEnd };
    this.followers.add(f);
    return () => this.followers.delete(f);
  }
}

export interface LogOptions {
  follow: boolean;
  previous: boolean;
  timestamps: boolean;
  tailLines?: number;
  sinceMs?: number;
  limitBytes?: number;
}

function int(v: string | null, name: string, min: number): number | undefined {
  if (v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw ApiError.badRequest(`invalid ${name}: ${v}`);
  return n;
}

export function parseLogOptions(q: URLSearchParams, now = Date.now()): LogOptions {
  const bool = (k: string) => q.get(k) === 'true' || q.get(k) === '1';
  const sinceSeconds = int(q.get('sinceSeconds'), 'sinceSeconds', 1);
  const sinceTime = q.get('sinceTime');
  if (sinceSeconds !== undefined && sinceTime) {
    throw ApiError.invalid('PodLogOptions', '', '', [{ reason: 'FieldValueForbidden', message: 'Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified', field: '' }]);
  }
  let sinceMs: number | undefined;
  if (sinceSeconds !== undefined) sinceMs = now - sinceSeconds * 1000;
  if (sinceTime) {
    sinceMs = Date.parse(sinceTime);
    if (Number.isNaN(sinceMs)) throw ApiError.badRequest(`invalid sinceTime: ${sinceTime}`);
  }
  const o: LogOptions = { follow: bool('follow'), previous: bool('previous'), timestamps: bool('timestamps') };
  const tail = int(q.get('tailLines'), 'tailLines', 0);
  if (tail !== undefined) o.tailLines = tail;
  if (sinceMs !== undefined) o.sinceMs = sinceMs;
  const limit = int(q.get('limitBytes'), 'limitBytes', 1);
  if (limit !== undefined) o.limitBytes = limit;
  return o;
}

/** Parse RFC3339Nano to epoch ms (Date.parse accepts at most millisecond digits). */
function timeMs(t: string): number {
  return Date.parse(t.replace(/(\.\d{3})\d+/, '$1'));
}

/** Stream a container log to an HTTP response according to the options. */
export function streamLog(res: ServerResponse, log: ContainerLog, o: LogOptions, onDone: () => void): void {
  let budget = o.limitBytes ?? Infinity;
  let ended = false;
  let unsubscribe = () => {};
  // Lines are coalesced into one write per tick (or per 64 KiB), not one TLS record per line.
  let pending: Array<string | Buffer> = [];
  let binary = false;
  let pendingBytes = 0;
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (pending.length === 0) return;
    const chunk = binary ? Buffer.concat(pending.map((p) => (typeof p === 'string' ? Buffer.from(p) : p))) : pending.join('');
    pending = [];
    pendingBytes = 0;
    binary = false;
    res.write(chunk);
  };
  const finish = () => {
    if (ended) return;
    ended = true;
    unsubscribe();
    flush();
    res.end();
    onDone();
  };
  const emit = (l: LogLine): boolean => {
    let s: string | Buffer = l.bytes
      ? Buffer.concat([Buffer.from(o.timestamps ? `${l.time} ` : ''), l.bytes, Buffer.from('\n')])
      : o.timestamps
        ? `${l.time} ${l.text}\n`
        : `${l.text}\n`;
    let n = typeof s === 'string' ? Buffer.byteLength(s) : s.length;
    if (n > budget) {
      s = Buffer.from(s).subarray(0, budget);
      n = budget;
    }
    if (typeof s !== 'string') binary = true;
    budget -= n;
    pending.push(s);
    pendingBytes += n;
    if (budget <= 0) {
      finish();
      return false;
    }
    if (pendingBytes >= 64 * 1024) flush();
    else if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
    return true;
  };
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache, private' });
  // As a kubelet: the answer starts before the log is read, and reading it waits for the event
  // loop's next turn, so a burst of requests gets its answers before any of their logs.
  res.flushHeaders();
  setImmediate(() => (res.destroyed ? finish() : sendLog()));
  function sendLog() {
    let lines = log.lines();
    if (o.sinceMs !== undefined) {
      // Every line is checked, as the kubelet does (a log need not be in time order); RFC3339Nano
      // times of the same width compare as text, which spares a date parse per line.
      const since = o.sinceMs;
      // A since beyond Date's range (a huge sinceSeconds) keeps every line, as the kubelet would.
      const sinceText = Number.isFinite(new Date(since).getTime()) ? new Date(since).toISOString().replace('Z', '000000Z') : '';
      lines = lines.filter((l) => (l.time.length === sinceText.length && l.time.endsWith('Z') ? l.time >= sinceText : timeMs(l.time) >= since));
    }
    if (o.tailLines !== undefined) lines = o.tailLines === 0 ? [] : lines.slice(-o.tailLines);
    for (const l of lines) if (!emit(l)) return;
    if (!o.follow || !log.running()) return finish();
    flush();
    res.flushHeaders();
    res.on('close', finish);
    unsubscribe = log.follow(
      (l) => {
        if (!ended) emit(l);
      },
      finish,
      // Paused while the socket is full or a chunk is waiting to be written.
      { paused: () => res.writableNeedDrain, onDrain: (cb) => void res.once('drain', cb) },
    );
  }
}
