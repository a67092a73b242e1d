// Parses one container log line (without the kubelet timestamp) into level, message, trace ids
// and fields. Detection is by cheap first-character checks so the common case costs one
// JSON.parse, one logfmt scan or one bounded regex, never a cascade of regexes per line.
// Shared: the backend parses every line for its level (filters), the renderer parses the lines
// it shows for their message and fields (which the tail stream does not send).
import type { LogFormat, LogLevel } from './types';

export interface ParsedLine {
  format: LogFormat;
  level?: LogLevel;
  msg: string;
  fields?: Record<string, unknown>;
  traceId?: string;
  spanId?: string;
}

/** Lines longer than this are cut for display; the full text stays retrievable. */
export const DISPLAY_LIMIT = 64 * 1024;

const LEVEL_KEYS = ['level', 'lvl', 'severity', 'loglevel', 'log.level', 'severity_text', 'severityText'];
const MSG_KEYS = ['msg', 'message', 'log', 'body'];
const TRACE_KEYS = ['trace_id', 'traceId', 'traceID', 'trace.id', 'dd.trace_id'];
const SPAN_KEYS = ['span_id', 'spanId', 'spanID', 'span.id', 'dd.span_id'];
// Removed from fields because the viewer already shows them (the kubelet timestamp is the line's).
const TIME_KEYS = ['time', 'ts', 'timestamp', '@timestamp', 't'];

const levelWords: Record<string, LogLevel> = {
  trace: 'trace', trc: 'trace',
  debug: 'debug', dbg: 'debug', d: 'debug',
  info: 'info', inf: 'info', information: 'info', informational: 'info', notice: 'info', i: 'info',
  warn: 'warn', warning: 'warn', wrn: 'warn', w: 'warn',
  error: 'error', err: 'error', eror: 'error', e: 'error',
  fatal: 'fatal', ftl: 'fatal', panic: 'fatal', critical: 'fatal', crit: 'fatal', emerg: 'fatal', alert: 'fatal', dpanic: 'fatal', f: 'fatal',
};

/** A level from a field value: a word (any case) or a syslog/pino/OTel number. */
export function normalizeLevel(v: unknown): LogLevel | undefined {
  if (typeof v === 'string') return levelWords[v.toLowerCase()];
  if (typeof v === 'number') {
    // pino: 10 trace, 20 debug, 30 info, 40 warn, 50 error, 60 fatal.
    if (v >= 10 && v <= 60 && v % 10 === 0) return (['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const)[v / 10 - 1];
    // OpenTelemetry severity numbers 1-24.
    if (v >= 1 && v <= 24) return (['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const)[Math.floor((v - 1) / 4)];
  }
  return undefined;
}

export function parseLine(text: string): ParsedLine {
  const c = text.charCodeAt(0);
  if (c === 0x7b /* { */ && text.charCodeAt(text.length - 1) === 0x7d /* } */) {
    const json = parseJson(text);
    if (json) return json;
  }
  return parseNotJson(text);
}

/** parseLine for a line that is not a JSON object: klog, logfmt or plain. */
export function parseNotJson(text: string): ParsedLine {
  const c = text.charCodeAt(0);
  // klog: Lmmdd hh:mm:ss.uuuuuu
  if ((c === 0x49 || c === 0x57 || c === 0x45 || c === 0x46) /* I W E F */ && isKlog(text)) {
    return { format: 'klog', level: klogLevel[c], msg: text };
  }
  if (text.indexOf('=') > 0) {
    const lf = parseLogfmt(text);
    if (lf) return lf;
  }
  const level = plainLevel(text);
  return level ? { format: 'plain', level, msg: text } : { format: 'plain', msg: text };
}

function scalarText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

function parseJson(text: string): ParsedLine | undefined {
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!o || typeof o !== 'object' || Array.isArray(o)) return undefined;
  return fromFields(o as Record<string, unknown>, 'json', text);
}

type Role = 'level' | 'msg' | 'trace' | 'span' | 'time';
const ROLES = new Map<string, Role>([
  ...LEVEL_KEYS.map((k) => [k, 'level'] as const),
  ...MSG_KEYS.map((k) => [k, 'msg'] as const),
  ...TRACE_KEYS.map((k) => [k, 'trace'] as const),
  ...SPAN_KEYS.map((k) => [k, 'span'] as const),
  ...TIME_KEYS.map((k) => [k, 'time'] as const),
]);

/**
 * Shared by JSON and logfmt: pulls the well-known keys out (the first of each role in the
 * line's key order), leaves the rest as fields. One pass over the keys and a fresh object
 * for the rest: copying and deleting would push every parsed object into V8's slow mode.
 */
function fromFields(o: Record<string, unknown>, format: 'json' | 'logfmt', text: string): ParsedLine {
  const out: ParsedLine = { format, msg: text };
  let msgFound = false;
  let fields: Record<string, unknown> | undefined;
  for (const k in o) {
    const v = o[k];
    const role = ROLES.get(k);
    if (role !== undefined) {
      if (role === 'time') continue;
      if (role === 'level' && out.level === undefined) {
        const l = normalizeLevel(v);
        if (l) {
          out.level = l;
          continue;
        }
      } else if (role === 'msg' && !msgFound) {
        const m = scalarText(v);
        if (m !== undefined) {
          out.msg = m;
          msgFound = true;
          continue;
        }
      } else if (role === 'trace' && out.traceId === undefined) {
        const t = scalarText(v);
        if (t) {
          out.traceId = t;
          continue;
        }
      } else if (role === 'span' && out.spanId === undefined) {
        const t = scalarText(v);
        if (t) {
          out.spanId = t;
          continue;
        }
      }
    }
    (fields ??= {})[k] = v;
  }
  if (fields) out.fields = fields;
  return out;
}

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const klogLevel: Record<number, LogLevel> = { 0x49: 'info', 0x57: 'warn', 0x45: 'error', 0x46: 'fatal' };

function isKlog(t: string): boolean {
  // I0102 15:04:05.000000
  if (t.length < 21) return false;
  for (const i of [1, 2, 3, 4, 6, 7, 9, 10, 12, 13, 15, 16, 17, 18, 19, 20]) if (!isDigit(t.charCodeAt(i))) return false;
  return t[5] === ' ' && t[8] === ':' && t[11] === ':' && t[14] === '.';
}

/**
 * logfmt: key=value pairs, values bare or double-quoted with backslash escapes. A line counts as
 * logfmt only when it starts with a key and has at least two pairs (or one of level/msg), so
 * prose such as "retrying with x=1" stays plain.
 */
export function parseLogfmt(text: string): ParsedLine | undefined {
  const o: Record<string, unknown> = {};
  let pairs = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    while (i < n && text.charCodeAt(i) === 0x20) i++;
    if (i >= n) break;
    const keyStart = i;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x3d /* = */ || c === 0x20 || c === 0x22 /* " */) break;
      i++;
    }
    if (i === keyStart) return undefined;
    const key = text.slice(keyStart, i);
    if (text.charCodeAt(i) !== 0x3d) {
      // A bare word: allowed only after the first pair (some loggers emit flags), never first.
      if (pairs === 0) return undefined;
      o[key] = true;
      continue;
    }
    i++; // '='
    let value: string;
    if (text.charCodeAt(i) === 0x22) {
      i++;
      let buf = '';
      let start = i;
      let closed = false;
      while (i < n) {
        const c = text.charCodeAt(i);
        if (c === 0x5c /* \ */ && i + 1 < n) {
          buf += text.slice(start, i);
          const e = text[i + 1];
          buf += e === 'n' ? '\n' : e === 't' ? '\t' : e;
          i += 2;
          start = i;
          continue;
        }
        if (c === 0x22) {
          closed = true;
          break;
        }
        i++;
      }
      if (!closed) return undefined;
      value = buf + text.slice(start, i);
      i++;
    } else {
      const vs = i;
      while (i < n && text.charCodeAt(i) !== 0x20) i++;
      value = text.slice(vs, i);
    }
    o[key] = value;
    pairs++;
  }
  if (pairs < 2 && !Object.keys(o).some((k) => ROLES.get(k) === 'level' || ROLES.get(k) === 'msg')) return undefined;
  return fromFields(o, 'logfmt', text);
}

// Upper-case level words (or any case in brackets) near the start of a plain line. Bounded to
// the first 200 characters so a huge line costs no more than a short one.
const PLAIN_LEVEL = /\b(TRACE|DEBUG|INFO|NOTICE|WARN(?:ING)?|ERROR|ERR|FATAL|PANIC|CRIT(?:ICAL)?)\b|\[(trace|debug|info|warn(?:ing)?|error|fatal|crit(?:ical)?)\]/;

export function plainLevel(text: string): LogLevel | undefined {
  const m = PLAIN_LEVEL.exec(text.length > 200 ? text.slice(0, 200) : text);
  if (!m) return undefined;
  return levelWords[(m[1] ?? m[2] ?? '').toLowerCase()];
}
