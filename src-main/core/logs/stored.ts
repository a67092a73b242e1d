// How the ring buffer keeps a line: only what filtering needs (level, source, sizes) plus the
// raw text kept alongside. Message, fields and trace ids of JSON/logfmt lines are parsed again
// from the raw text when a line is sent again (re-filter) or exported: at a million lines, the
// parsed objects would cost more than the buffer's whole budget.
import type { LogFormat, LogLevel, LogLine } from '../../contract/types';
import { DISPLAY_LIMIT, parseLine, type ParsedLine } from './parse';

export interface StreamIdentity {
  /** Only in a view spanning more than one context. */
  context?: string;
  namespace: string;
  pod: string;
  container: string;
}

export interface StoredLine {
  seq: number;
  ts: string;
  /** Shared by every line of the stream. */
  src: StreamIdentity;
  level?: LogLevel;
  format: LogFormat;
  bytes: number;
  truncated?: true;
}

/** The line as the renderer gets it, from a parse already done (ingest) or done now. */
export function toWire(s: StoredLine, raw: string, parsed?: ParsedLine): LogLine {
  const display = s.truncated ? raw.slice(0, DISPLAY_LIMIT) : raw;
  const p = parsed ?? (s.format === 'json' || s.format === 'logfmt' ? parseLine(display) : undefined);
  const line: LogLine = { seq: s.seq, ts: s.ts, namespace: s.src.namespace, pod: s.src.pod, container: s.src.container, msg: p ? p.msg : display, format: s.format, bytes: s.bytes };
  if (s.src.context) line.context = s.src.context;
  if (s.level) line.level = s.level;
  if (p?.fields) line.fields = p.fields;
  if (p?.traceId) line.traceId = p.traceId;
  if (p?.spanId) line.spanId = p.spanId;
  if (s.truncated) line.truncated = true;
  return line;
}
