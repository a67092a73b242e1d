// A buffered line's format and level, worked out when a level filter or an export first asks
// (ring.ts keeps the answer; message, fields and trace ids are parsed only for lines exported). For a JSON
// line that is JSON.parse and a look at its level keys, without the message and fields objects
// parseLine builds (less garbage, ~20% less time; JSON.parse itself is most of the rest, and a
// scanner in JS was twice as slow as it). The result is parseLine's.
import type { LogFormat, LogLevel } from '../../contract/types';
import { normalizeLevel, parseNotJson } from './parse';

export interface LineClass {
  format: LogFormat;
  level: LogLevel | undefined;
}

const LEVEL_KEYS = new Set(['level', 'lvl', 'severity', 'loglevel', 'log.level', 'severity_text', 'severityText']);

export function classify(text: string): LineClass {
  if (text.charCodeAt(0) === 0x7b /* { */ && text.charCodeAt(text.length - 1) === 0x7d /* } */) {
    let o: Record<string, unknown> | undefined;
    try {
      o = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // Not JSON after all: klog, logfmt or plain.
    }
    if (o) {
      // As parseLine: the first level key, in the object's key order, whose value is a level.
      for (const k in o) {
        if (!LEVEL_KEYS.has(k)) continue;
        const level = normalizeLevel(o[k]);
        if (level) return { format: 'json', level };
      }
      return { format: 'json', level: undefined };
    }
  }
  const p = parseNotJson(text);
  return { format: p.format, level: p.level };
}
