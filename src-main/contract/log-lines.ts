// The tail stream's lines on the wire: columns, not one object per line. A line is sent as its
// text (cut at 64 KiB) with seq, timestamp and stream; its format, level, message, fields and
// trace ids are parsed from the text when it is shown (parseLine, the backend's own rules), so
// neither side parses a line nobody looks at. The texts of a batch travel as one string, joined
// by newlines (a log line never holds one): the renderer keeps them that way (line-store.ts),
// and the WebSocket sends it as raw UTF-8 (ws-frames.ts).
import { parseLine, type ParsedLine } from './log-parse';
import type { LogFormat, LogLevel, LogLine } from './types';

/** A container stream of the view, announced once, then referred to by id. */
export interface LogSourceRef {
  id: number;
  /** Only in a view spanning more than one context. */
  context?: string;
  namespace: string;
  pod: string;
  container: string;
}

/** Lines in columns: line i is (seq[i], ts[i], src[i]) and the i-th line of text. */
export interface LogLineBatch {
  /** Streams first used in this batch (later batches refer to them by id). */
  sources?: LogSourceRef[];
  /** Per view, strictly increasing in delivery order (gaps mean evicted or filtered out). */
  seq: number[];
  /** The kubelet's timestamps, RFC3339Nano as served. */
  ts: string[];
  /** LogSourceRef ids. */
  src: number[];
  /** The lines' texts (without the timestamp, cut at 64 KiB for display), joined by '\n'. */
  text: string;
  /** Lines longer than 64 KiB: [index in this batch, bytes of the whole line]. */
  cut?: Array<[number, number]>;
}

export function emptyBatch(): LogLineBatch {
  return { seq: [], ts: [], src: [], text: '' };
}

/** One received line. Message, fields and trace ids are parsed on first use. */
export class TailLine {
  readonly seq: number;
  readonly ts: string;
  readonly source: LogSourceRef;
  /** The text as sent (cut at 64 KiB when truncated). */
  readonly text: string;
  /** Bytes of the whole line, when it was cut for display. */
  readonly cutBytes: number | undefined;
  private parsed: ParsedLine | undefined;

  constructor(seq: number, ts: string, source: LogSourceRef, text: string, cutBytes?: number) {
    this.seq = seq;
    this.ts = ts;
    this.source = source;
    this.text = text;
    this.cutBytes = cutBytes;
  }

  get context(): string | undefined {
    return this.source.context;
  }
  get namespace(): string {
    return this.source.namespace;
  }
  get pod(): string {
    return this.source.pod;
  }
  get container(): string {
    return this.source.container;
  }
  get truncated(): boolean {
    return this.cutBytes !== undefined;
  }

  private details(): ParsedLine {
    this.parsed ??= parseLine(this.text);
    return this.parsed;
  }
  get level(): LogLevel | undefined {
    return this.details().level;
  }
  get format(): LogFormat {
    return this.details().format;
  }
  /** A JSON/logfmt line's msg/message value, else the text. */
  get msg(): string {
    return this.details().msg;
  }
  get fields(): Record<string, unknown> | undefined {
    return this.details().fields;
  }
  get traceId(): string | undefined {
    return this.details().traceId;
  }
  get spanId(): string | undefined {
    return this.details().spanId;
  }
}

/** Turns a view's batches into TailLines; keeps the sources announced so far. */
export class LogLineDecoder {
  private readonly sources = new Map<number, LogSourceRef>();

  /** Takes note of the streams a batch announces (decode does it too). */
  register(batch: LogLineBatch): void {
    for (const s of batch.sources ?? []) this.sources.set(s.id, s);
  }

  /** The stream of a source id; throws for one never announced (a protocol error). */
  source(id: number, seq: number): LogSourceRef {
    const source = this.sources.get(id);
    if (!source) throw new Error(`log line ${seq} refers to unknown source ${id}`);
    return source;
  }

  decode(batch: LogLineBatch, out: TailLine[] = []): TailLine[] {
    this.register(batch);
    const cut = new Map(batch.cut ?? []);
    const n = batch.seq.length;
    const texts = batchTexts(batch);
    for (let i = 0; i < n; i++) {
      const source = this.source(batch.src[i]!, batch.seq[i]!);
      out.push(new TailLine(batch.seq[i]!, batch.ts[i]!, source, texts[i]!, cut.get(i)));
    }
    return out;
  }
}

/** A batch's texts, one per line; throws when their count does not match the lines'. */
export function batchTexts(batch: LogLineBatch): string[] {
  const n = batch.seq.length;
  if (n === 0) return [];
  const texts = batch.text.split('\n');
  if (texts.length !== n) throw new Error(`a log batch of ${n} lines carries ${texts.length} texts`);
  return texts;
}

/** UTF-8 length of a string (no Buffer in the renderer). */
function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** The line with everything parsed, as logs.previous returns lines (tests, copies). */
export function toLogLine(l: TailLine): LogLine {
  const line: LogLine = { seq: l.seq, ts: l.ts, namespace: l.namespace, pod: l.pod, container: l.container, msg: l.msg, format: l.format, bytes: l.cutBytes ?? utf8Length(l.text) };
  if (l.context) line.context = l.context;
  if (l.level) line.level = l.level;
  if (l.fields) line.fields = l.fields;
  if (l.traceId) line.traceId = l.traceId;
  if (l.spanId) line.spanId = l.spanId;
  if (l.truncated) line.truncated = true;
  return line;
}
