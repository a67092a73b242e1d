// A bounded buffer of a view's lines, compact enough for a million of them. A line is its text
// as UTF-8 bytes in 1 MiB chunks, deflated once full (chunks.ts), outside the JS heap: nothing
// for the garbage collector to trace, no sliced string pinning the socket chunk it came from.
// Beside it, 27 bytes of typed-array columns: its timestamp as numbers (compact-time.ts; an odd
// one is kept as bytes before the text), where its bytes are, their length, flags and which
// stream it came from. Format and level are worked out from the text only when something asks
// (a level filter, an export; classify() is a JSON.parse for a JSON line, most of the cost of
// ingesting one) and kept in the line's meta byte from then on. Strings and StoredLine objects are made again on demand
// (re-filter, export, full text). Sequence numbers are contiguous inside the buffer (every
// ingested line is stored, matching or not), so a seq maps to its slot with one subtraction.
// Columns grow on demand, so a small view does not allocate the maximum.
import type { LogFormat, LogLevel } from '../../contract/types';
import { classify } from './classify';
import { DISPLAY_LIMIT } from './parse';
import { decodeTime, encodeTime, type CompactTime } from '../../contract/compact-time';
import { CHUNK, ChunkStore } from './chunks';
import { detached } from '../../contract/detached';
import type { StoredLine, StreamIdentity } from './stored';

/** Texts longer than this (in UTF-16 units) are kept as strings beside the chunks (rare). */
const INLINE_MAX_CHARS = 16 * 1024;
const FIRST_SLOTS = 1024;

// meta byte: format code in bits 0-1, level code in bits 2-4 (LOG_FORMATS, LOG_LEVELS indexes),
// truncated bit 5, text kept outside bit 6, format and level known bit 7.
const TRUNCATED = 1 << 5;
const OUTSIDE = 1 << 6;
const CLASSIFIED = 1 << 7;
const LOG_LEVELS = [undefined, 'trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const satisfies readonly (LogLevel | undefined)[];
const LOG_FORMATS = ['plain', 'json', 'logfmt', 'klog'] as const satisfies readonly LogFormat[];
const levelCode = (level: LogLevel | undefined): number => (level ? LOG_LEVELS.indexOf(level) : 0);
const formatCode = (format: LogFormat): number => LOG_FORMATS.indexOf(format);
/** tsBytes at or above this: the timestamp is numeric, with (tsBytes - NUMERIC_TS) fraction digits. */
const NUMERIC_TS = 128;

/** What a filter looks at besides the text; one object reused for a whole pass (level is a
 *  getter: the line is classified only if the filter asks). */
export interface LineHead {
  readonly level: LogLevel | undefined;
  readonly src: StreamIdentity;
}

export class LineRing {
  private slots = 0;
  private count = 0;
  /** Slot of the oldest line once the columns are full. */
  private head = 0;
  /** seq of the oldest line held (meaningless while empty). */
  private first = 1;
  evictedTotal = 0;

  /** Absolute byte position of the line's record (ts bytes if not numeric, then text bytes). */
  private pos = new Float64Array(0);
  /** Seconds since 1970 as an unsigned 32-bit number: until 2106 (later ones are kept as text). */
  private tsSeconds = new Uint32Array(0);
  private tsNanos = new Uint32Array(0);
  private readonly time: CompactTime = { seconds: 0, nanos: 0, digits: 0 };
  /** Bytes of the full text (without the timestamp), as LogLine.bytes reports. */
  private textBytes = new Uint32Array(0);
  private tsBytes = new Uint8Array(0);
  private meta = new Uint8Array(0);
  private srcIndex = new Uint32Array(0);

  private readonly sources: StreamIdentity[] = [];
  private readonly sourceIds = new Map<StreamIdentity, number>();
  private readonly chunks = new ChunkStore();
  /** Absolute position of the next record. */
  private end = 0;
  /** Texts over INLINE_MAX_CHARS, by seq. */
  private readonly outside = new Map<number, string>();

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.count;
  }

  get firstSeq(): number {
    return this.first;
  }

  get lastSeq(): number {
    return this.first + this.count - 1;
  }

  /** Resolves once every full chunk of text is deflated (they are, off the event loop). */
  packed(): Promise<void> {
    return this.chunks.packed();
  }

  /** Bytes held in chunks and columns (for tests and diagnostics). */
  get footprint(): number {
    return this.chunks.footprint + this.slots * 27;
  }

  /**
   * Appends a line as seq lastSeq + 1, evicting the oldest when full (evictedTotal counts).
   * Returns the text's size in UTF-8 bytes.
   */
  push(src: number, ts: string, text: string, truncated: boolean): number {
    let slot: number;
    let evicted = false;
    if (this.count < this.capacity) {
      if (this.count === this.slots) this.grow();
      slot = this.count++;
    } else {
      slot = this.head;
      if (this.meta[slot]! & OUTSIDE) this.outside.delete(this.first);
      this.head = this.head + 1 === this.capacity ? 0 : this.head + 1;
      this.first++;
      this.evictedTotal++;
      evicted = true;
    }
    const seq = this.first + this.count - 1;
    const inline = text.length <= INLINE_MAX_CHARS;
    const numeric = encodeTime(ts, this.time) && this.time.seconds >= 0 && this.time.seconds < 2 ** 32;
    // UTF-8 needs at most 3 bytes per UTF-16 unit: reserve that, write, keep what was written.
    const room = 3 * ((numeric ? 0 : ts.length) + (inline ? text.length : 0));
    let at = this.end;
    if ((at % CHUNK) + room > CHUNK) at = Math.ceil(at / CHUNK) * CHUNK;
    const chunk = this.chunks.writable(at);
    const off = at % CHUNK;
    const tsLen = numeric || ts.length === 0 ? 0 : chunk.write(ts, off, 'utf8');
    let bytes: number;
    if (inline) {
      bytes = text.length === 0 ? 0 : chunk.write(text, off + tsLen, 'utf8');
    } else {
      bytes = Buffer.byteLength(text);
      // A copy: the text may be a slice of a larger string (line-splitter.ts).
      this.outside.set(seq, detached(text));
    }
    this.end = at + tsLen + bytes * (inline ? 1 : 0);
    this.chunks.wrote(at, this.end);
    this.pos[slot] = at;
    if (numeric) {
      this.tsSeconds[slot] = this.time.seconds;
      this.tsNanos[slot] = this.time.nanos;
    }
    this.tsBytes[slot] = numeric ? NUMERIC_TS + this.time.digits : tsLen;
    this.textBytes[slot] = bytes;
    this.meta[slot] = (truncated ? TRUNCATED : 0) | (inline ? 0 : OUTSIDE);
    this.srcIndex[slot] = src;
    if (evicted) this.release();
    return bytes;
  }

  /** The stream's id in this buffer (push takes it), assigned on first use. */
  sourceId(src: StreamIdentity): number {
    let id = this.sourceIds.get(src);
    if (id === undefined) {
      id = this.sources.length;
      this.sources.push(src);
      this.sourceIds.set(src, id);
    }
    return id;
  }

  source(id: number): StreamIdentity {
    return this.sources[id]!;
  }

  private grow() {
    const slots = Math.min(this.capacity, Math.max(FIRST_SLOTS, this.slots * 2));
    const copy = <T extends Float64Array | Uint32Array | Uint8Array>(old: T, make: (n: number) => T): T => {
      const next = make(slots);
      next.set(old);
      return next;
    };
    this.pos = copy(this.pos, (n) => new Float64Array(n));
    this.tsSeconds = copy(this.tsSeconds, (n) => new Uint32Array(n));
    this.tsNanos = copy(this.tsNanos, (n) => new Uint32Array(n));
    this.textBytes = copy(this.textBytes, (n) => new Uint32Array(n));
    this.tsBytes = copy(this.tsBytes, (n) => new Uint8Array(n));
    this.meta = copy(this.meta, (n) => new Uint8Array(n));
    this.srcIndex = copy(this.srcIndex, (n) => new Uint32Array(n));
    this.slots = slots;
  }

  /** Frees the chunks wholly before the oldest line. */
  private release() {
    this.chunks.release(this.pos[this.head]!);
  }

  private slot(seq: number): number {
    const off = seq - this.first;
    if (off < 0 || off >= this.count) return -1;
    const i = this.head + off;
    return i >= this.capacity ? i - this.capacity : i;
  }

  private textAt(slot: number, seq: number): string {
    if (this.meta[slot]! & OUTSIDE) return this.outside.get(seq)!;
    const at = this.pos[slot]!;
    const chunk = this.chunks.readable(at);
    const start = (at % CHUNK) + this.tsLen(slot);
    return chunk.toString('utf8', start, start + this.textBytes[slot]!);
  }

  /** Bytes of the timestamp kept before the text (0 when numeric). */
  private tsLen(slot: number): number {
    const n = this.tsBytes[slot]!;
    return n >= NUMERIC_TS ? 0 : n;
  }

  private tsAt(slot: number): string {
    const n = this.tsBytes[slot]!;
    if (n >= NUMERIC_TS) return decodeTime(this.tsSeconds[slot]!, this.tsNanos[slot]!, n - NUMERIC_TS);
    if (n === 0) return '';
    const at = this.pos[slot]!;
    const off = at % CHUNK;
    return this.chunks.readable(at).toString('utf8', off, off + n);
  }

  /** The line's meta byte, classified first if it was not yet. */
  private classified(slot: number, seq: number, textOf: () => string = () => this.textAt(slot, seq)): number {
    let m = this.meta[slot]!;
    if (m & CLASSIFIED) return m;
    const text = textOf();
    const c = classify(m & TRUNCATED ? text.slice(0, DISPLAY_LIMIT) : text);
    m |= CLASSIFIED | formatCode(c.format) | (levelCode(c.level) << 2);
    this.meta[slot] = m;
    return m;
  }

  /** The line's level (classifying it if needed), undefined when it has none or is not held. */
  level(seq: number): LogLevel | undefined {
    const i = this.slot(seq);
    return i < 0 ? undefined : LOG_LEVELS[(this.classified(i, seq) >> 2) & 7];
  }

  private lineAt(slot: number, seq: number): StoredLine {
    const m = this.classified(slot, seq);
    const line: StoredLine = { seq, ts: this.tsAt(slot), src: this.sources[this.srcIndex[slot]!]!, format: LOG_FORMATS[m & 3]!, bytes: this.textBytes[slot]! };
    const level = LOG_LEVELS[(m >> 2) & 7];
    if (level) line.level = level;
    if (m & TRUNCATED) line.truncated = true;
    return line;
  }

  get(seq: number): StoredLine | undefined {
    const i = this.slot(seq);
    return i < 0 ? undefined : this.lineAt(i, seq);
  }

  /** The line as wire columns (see BatchPacker.add), or false when it is no longer held. */
  pack(seq: number, add: (seq: number, ts: string, src: number, text: string, bytes: number, truncated: boolean) => void): boolean {
    const i = this.slot(seq);
    if (i < 0) return false;
    add(seq, this.tsAt(i), this.srcIndex[i]!, this.textAt(i, seq), this.textBytes[i]!, (this.meta[i]! & TRUNCATED) !== 0);
    return true;
  }

  /** The line's full text (without timestamp). */
  raw(seq: number): string | undefined {
    const i = this.slot(seq);
    return i < 0 ? undefined : this.textAt(i, seq);
  }

  /**
   * Calls fn for each line from seq `from` (clamped to the oldest held) to the newest, with a
   * head object reused between calls and the text made only if `text()` is called.
   */
  scan(from: number, fn: (seq: number, head: LineHead, text: () => string) => void): void {
    const start = Math.max(from, this.first);
    let slot = -1;
    let seq = 0;
    // A line's text is decoded once per pass even if both the filter and its level need it.
    let textSeq = -1;
    let textHere = '';
    const text = () => {
      if (textSeq !== seq) {
        textSeq = seq;
        textHere = this.textAt(slot, seq);
      }
      return textHere;
    };
    const levelHere = () => LOG_LEVELS[(this.classified(slot, seq, text) >> 2) & 7];
    const srcHere = () => this.sources[this.srcIndex[slot]!]!;
    const head: LineHead = {
      get level() {
        return levelHere();
      },
      get src() {
        return srcHere();
      },
    };
    for (seq = start; seq <= this.lastSeq; seq++) {
      slot = this.slot(seq);
      fn(seq, head, text);
    }
  }

  /** Calls fn for each line from seq `from` (clamped to the oldest held) to the newest. */
  forEachFrom(from: number, fn: (line: StoredLine, raw: string) => void): void {
    const start = Math.max(from, this.first);
    for (let seq = start; seq <= this.lastSeq; seq++) {
      const slot = this.slot(seq);
      fn(this.lineAt(slot, seq), this.textAt(slot, seq));
    }
  }
}
