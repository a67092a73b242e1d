// logs.export: the lines of a view that match its filter, as text or JSON lines, in chunks of
// about 1 MiB so a million-line export neither builds one giant string nor floods the sink.
import type { LogExportChunk, LogLine } from '../../contract/types';
import type { StreamSink } from '../../contract/server';
import { toWire, type StoredLine } from './stored';

const CHUNK_CHARS = 1024 * 1024;

export function formatLine(format: 'text' | 'jsonl', line: LogLine, raw: string): string {
  if (format === 'text') return `${line.ts} ${line.context ? `${line.context} ` : ''}${line.namespace}/${line.pod} ${line.container} ${raw}\n`;
  const o: Record<string, unknown> = { ts: line.ts, ...(line.context ? { context: line.context } : {}), namespace: line.namespace, pod: line.pod, container: line.container };
  if (line.level) o.level = line.level;
  o.msg = line.truncated ? raw : line.msg;
  if (line.fields) o.fields = line.fields;
  if (line.traceId) o.traceId = line.traceId;
  if (line.spanId) o.spanId = line.spanId;
  o.format = line.format;
  o.bytes = line.bytes;
  o.line = raw;
  return JSON.stringify(o) + '\n';
}

export async function exportLines(rows: Array<{ line: StoredLine; raw: string }>, format: 'text' | 'jsonl', sink: StreamSink<LogExportChunk>): Promise<void> {
  let parts: string[] = [];
  let size = 0;
  const send = async () => {
    if (parts.length === 0) return;
    const ok = sink.push({ data: parts.join(''), lines: parts.length });
    parts = [];
    size = 0;
    if (!ok) await sink.drained();
  };
  for (const { line, raw } of rows) {
    if (sink.signal.aborted) return;
    const src = line.src;
    const s = format === 'text' ? `${line.ts} ${src.context ? `${src.context} ` : ''}${src.namespace}/${src.pod} ${src.container} ${raw}\n` : formatLine('jsonl', toWire(line, raw), raw);
    parts.push(s);
    size += s.length;
    if (size >= CHUNK_CHARS) await send();
  }
  await send();
  sink.end();
}
