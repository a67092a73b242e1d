// The renderer's lines of a log view, in timestamp order, bounded, and nearly invisible to the
// garbage collector: a line is a row of typed-array columns (time as numbers, seq, stream,
// where its text is) and the texts of each received batch stay the one string they came in. 200,000 lines are then ~100 strings and a few arrays instead of 600,000 objects,
// which full collections had to trace (pauses of 100 ms and more while following a firehose).
// Rows are made into TailLines only when shown.
import { decodeTime, encodeTime, type CompactTime } from '../../../src-main/contract/compact-time';
import { TailLine, type LogLineBatch, type LogLineDecoder } from '../../../src-main/contract/log-lines';

/** digits value for a timestamp kept as text (not in the compact form). */
const TEXT_TS = 255;

interface Columns {
  seq: Float64Array;
  seconds: Float64Array;
  nanos: Uint32Array;
  digits: Uint8Array;
  src: Int32Array;
  chunk: Int32Array;
  start: Int32Array;
  end: Int32Array;
}
type Column = keyof Columns;
const COLUMNS: readonly Column[] = ['seq', 'seconds', 'nanos', 'digits', 'src', 'chunk', 'start', 'end'];

function allocate(n: number): Columns {
  return {
    seq: new Float64Array(n),
    seconds: new Float64Array(n),
    nanos: new Uint32Array(n),
    digits: new Uint8Array(n),
    src: new Int32Array(n),
    chunk: new Int32Array(n),
    start: new Int32Array(n),
    end: new Int32Array(n),
  };
}

/** Commits come at least this far apart (ms)... */
const MIN_COMMIT_GAP_MS = 50;
/** ...and at least this many times the last commit took, so merging stays a small share of the
 *  thread: a firehose of 200 streams lands new lines all through 200,000 held ones, and each
 *  merge is then a pass over all of them. */
const COMMIT_GAP_FACTOR = 10;
const MAX_COMMIT_GAP_MS = 250;

export class LineStore {
  private cols = allocate(1024);
  /** Physical index of line 0 (lines trimmed from the front leave room before it). */
  private first = 0;
  private count = 0;
  /** Lines let go from the front to stay bounded, in all. */
  trimmed = 0;
  /** Joined texts of received batches, with how many held lines still point into each. */
  private readonly chunks = new Map<number, { text: string; live: number }>();
  private nextChunk = 0;
  /** Timestamps not in the compact form, by seq; lines cut for display: bytes of the whole line. */
  private readonly oddTs = new Map<number, string>();
  private readonly cutBytes = new Map<number, number>();
  /** Key of the newest line so far: a line without a usable timestamp is placed there. */
  private lastSeconds = -Infinity;
  private lastNanos = 0;
  private readonly time: CompactTime = { seconds: 0, nanos: 0, digits: 0 };
  /** Reused by commit(): held lines moved aside, and where each merged line comes from. */
  private scratch = allocate(0);
  private picks = new Int32Array(0);
  /** Lines added and not yet committed. */
  private staging = allocate(1024);
  private staged = 0;
  /** TailLines made for display, by seq (memoized rows keep their line object). */
  private shown = new Map<number, TailLine>();

  constructor(
    private readonly decoder: LogLineDecoder,
    readonly maxLines: number,
  ) {}

  get length(): number {
    return this.count;
  }

  clear(): void {
    this.cols = allocate(1024);
    this.first = 0;
    this.count = 0;
    this.trimmed = 0;
    this.staged = 0;
    this.chunks.clear();
    this.oddTs.clear();
    this.cutBytes.clear();
    this.shown.clear();
    this.lastSeconds = -Infinity;
    this.lastNanos = 0;
    this.scratch = allocate(0);
    this.picks = new Int32Array(0);
  }

  /** Takes a batch in; its lines join the others in timestamp order at the next commit(). */
  add(batch: LogLineBatch): void {
    const n = batch.seq.length;
    if (n === 0) return;
    this.decoder.register(batch);
    const text = batch.text;
    if (this.staged + n > this.staging.seq.length) {
      const bigger = allocate(Math.max(2 * (this.staged + n), 1024));
      for (const k of COLUMNS) bigger[k].set(this.staging[k].subarray(0, this.staged));
      this.staging = bigger;
    }
    // Rows are written past `staged` and count only once the whole batch is read: a malformed
    // one (a text count that does not match) throws without leaving half of it behind.
    const rows = this.staging;
    const id = this.nextChunk;
    let offset = 0;
    for (let i = 0; i < n; i++) {
      const seq = batch.seq[i]!;
      const r = this.staged + i;
      this.decoder.source(batch.src[i]!, seq);
      this.timeOf(batch.ts[i]!, seq);
      rows.seq[r] = seq;
      rows.seconds[r] = this.time.seconds;
      rows.nanos[r] = this.time.nanos;
      rows.digits[r] = this.time.digits;
      rows.src[r] = batch.src[i]!;
      rows.chunk[r] = id;
      rows.start[r] = offset;
      const nl = text.indexOf('\n', offset);
      if (i === n - 1 ? nl >= 0 : nl < 0) throw new Error(`a log batch of ${n} lines carries ${i === n - 1 ? 'more' : i + 1} texts`);
      rows.end[r] = i === n - 1 ? text.length : nl;
      offset = nl + 1;
    }
    this.staged += n;
    this.nextChunk++;
    this.chunks.set(id, { text, live: n });
    for (const [i, bytes] of batch.cut ?? []) this.cutBytes.set(batch.seq[i]!, bytes);
  }

  /** How long the last commit took (ms). */
  private lastCommitMs = 0;

  /** The least time to leave between this commit and the next (see MIN_COMMIT_GAP_MS). */
  get commitGapMs(): number {
    return Math.min(MAX_COMMIT_GAP_MS, Math.max(MIN_COMMIT_GAP_MS, COMMIT_GAP_FACTOR * this.lastCommitMs));
  }

  /**
   * Merges the lines added since the last commit into timestamp order (equal times keep delivery
   * order): one sort of the new lines and one pass over the held lines later than the oldest of
   * them (a late stream's history lands in place). Once per animation frame, not per batch.
   */
  commit(): void {
    const started = performance.now();
    this.merge();
    this.lastCommitMs = performance.now() - started;
  }

  private merge(): void {
    const n = this.staged;
    if (n === 0) return;
    this.staged = 0;
    const rows = this.staging;
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort((a, b) => compare(rows, a, rows, b));
    const c = this.cols;
    // Where the oldest new line lands: after every held line not later than it.
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compare(c, this.first + mid, rows, order[0]!) <= 0) lo = mid + 1;
      else hi = mid;
    }
    this.reserve(n);
    const cols = this.cols;
    const at = this.first + lo;
    const tailLength = this.count - lo;
    if (n * 16 < tailLength) {
      this.insertFew(rows, order, lo);
      return;
    }
    // The held lines after the insertion point, copied aside (into buffers kept between commits:
    // a firehose commits 20 times a second, and fresh ones were megabytes to allocate and zero).
    if (this.scratch.seq.length < tailLength) this.scratch = allocate(Math.max(tailLength, 2 * this.scratch.seq.length));
    const tail = this.scratch;
    for (const k of COLUMNS) tail[k].set(cols[k].subarray(at, at + tailLength));
    // Which line goes where: a held line (index in tail) or a new one (~index in rows).
    if (this.picks.length < tailLength + n) this.picks = new Int32Array(Math.max(tailLength + n, 2 * this.picks.length));
    const picks = this.picks.subarray(0, tailLength + n);
    let a = 0;
    let b = 0;
    for (let w = 0; w < picks.length; w++) picks[w] = b >= n || (a < tailLength && compare(tail, a, rows, order[b]!) <= 0) ? a++ : ~order[b++]!;
    for (const k of COLUMNS) place(cols[k], at, tail[k], rows[k], picks);
    this.count += n;
  }

  /**
   * A few new lines deep in the held ones (a stream's late lines): each one's place by binary
   * search, the held lines after it moved in runs (one memmove per column and line), from the
   * last new line to the first, instead of a pass comparing every held line after the first.
   */
  private insertFew(rows: Columns, order: Int32Array, from: number): void {
    const n = order.length;
    const c = this.cols;
    const places = new Int32Array(n);
    let lo = from;
    for (let j = 0; j < n; j++) {
      let hi = this.count;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (compare(c, this.first + mid, rows, order[j]!) <= 0) lo = mid + 1;
        else hi = mid;
      }
      places[j] = lo;
    }
    let end = this.count; // held lines [places[j], end) move right by j + 1
    for (let j = n - 1; j >= 0; j--) {
      const p = places[j]!;
      const src = this.first + p;
      for (const k of COLUMNS) {
        const col = c[k];
        if (end > p) col.copyWithin(src + j + 1, src, this.first + end);
        col[src + j] = rows[k][order[j]!]!;
      }
      end = p;
    }
    this.count += n;
  }

  /** Parses a timestamp into this.time; remembers odd ones as text. */
  private timeOf(ts: string, seq: number): void {
    const t = this.time;
    if (!encodeTime(ts, t)) {
      const ms = ts ? Date.parse(ts) : NaN;
      if (Number.isNaN(ms)) {
        t.seconds = this.lastSeconds === -Infinity ? 0 : this.lastSeconds;
        t.nanos = this.lastNanos;
      } else {
        t.seconds = Math.floor(ms / 1000);
        t.nanos = (ms - t.seconds * 1000) * 1e6;
      }
      t.digits = TEXT_TS;
      this.oddTs.set(seq, ts);
    }
    if (t.seconds > this.lastSeconds || (t.seconds === this.lastSeconds && t.nanos > this.lastNanos)) {
      this.lastSeconds = t.seconds;
      this.lastNanos = t.nanos;
    }
  }

  /** Room for n more lines after the last one: moves lines to the front or grows. */
  private reserve(n: number): void {
    const capacity = this.cols.seq.length;
    if (this.first + this.count + n <= capacity) return;
    const needed = this.count + n;
    const next = needed > capacity / 2 ? allocate(Math.max(needed * 2, 1024)) : this.cols;
    for (const k of COLUMNS) {
      if (next === this.cols) this.cols[k].copyWithin(0, this.first, this.first + this.count);
      else next[k].set(this.cols[k].subarray(this.first, this.first + this.count));
    }
    this.cols = next;
    this.first = 0;
  }

  /** Past maxLines, lets go of the oldest lines, 5% more than needed (fewer, bigger steps). */
  trim(): number {
    if (this.count <= this.maxLines) return 0;
    const cut = this.count - this.maxLines + Math.floor(this.maxLines / 20);
    const c = this.cols;
    for (let i = this.first; i < this.first + cut; i++) {
      const chunk = this.chunks.get(c.chunk[i]!)!;
      if (--chunk.live === 0) this.chunks.delete(c.chunk[i]!);
      if (c.digits[i] === TEXT_TS) this.oddTs.delete(c.seq[i]!);
      if (this.cutBytes.size) this.cutBytes.delete(c.seq[i]!);
    }
    this.first += cut;
    this.count -= cut;
    this.trimmed += cut;
    return cut;
  }

  seqAt(i: number): number {
    return this.cols.seq[this.first + i]!;
  }

  /** Line i as a TailLine; the same object while it stays on screen. */
  line(i: number): TailLine {
    const c = this.cols;
    const p = this.first + i;
    const seq = c.seq[p]!;
    let line = this.shown.get(seq);
    if (!line) {
      // Rows on screen are a few hundred at most: start over rather than track which left.
      if (this.shown.size > 4000) this.shown = new Map();
      const digits = c.digits[p]!;
      const ts = digits === TEXT_TS ? this.oddTs.get(seq)! : decodeTime(c.seconds[p]!, c.nanos[p]!, digits);
      const text = this.chunks.get(c.chunk[p]!)!.text.slice(c.start[p]!, c.end[p]!);
      line = new TailLine(seq, ts, this.decoder.source(c.src[p]!, seq), text, this.cutBytes.get(seq));
      this.shown.set(seq, line);
    }
    return line;
  }

  /** Index of the first line at or after a time (epoch ms), or -1. */
  indexAt(ms: number): number {
    const seconds = Math.floor(ms / 1000);
    const nanos = (ms - seconds * 1000) * 1e6;
    const c = this.cols;
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const p = this.first + mid;
      if (c.seconds[p]! < seconds || (c.seconds[p] === seconds && c.nanos[p]! < nanos)) lo = mid + 1;
      else hi = mid;
    }
    return lo < this.count ? lo : -1;
  }
}

type Column64 = Float64Array | Uint32Array | Int32Array | Uint8Array;

/** Writes one column of a merge (one tight loop per column, see commit). */
function place(dst: Column64, at: number, tail: Column64, rows: Column64, picks: Int32Array): void {
  for (let w = 0; w < picks.length; w++) {
    const p = picks[w]!;
    dst[at + w] = p >= 0 ? tail[p]! : rows[~p]!;
  }
}

/** Order of two rows: time, then delivery (seq). */
function compare(x: Columns, i: number, y: Columns, j: number): number {
  return x.seconds[i]! - y.seconds[j]! || x.nanos[i]! - y.nanos[j]! || x.seq[i]! - y.seq[j]!;
}
