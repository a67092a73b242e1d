// Kubelet timestamps and stern-style --since values.

/**
 * A sortable key for an RFC3339Nano UTC timestamp: the kubelet trims trailing zeros of the
 * fraction ("05.1Z" and "05.12Z"), so plain string order is wrong across lengths. Pads the
 * fraction to 9 digits. Non-UTC or odd forms fall back to a Date.parse-based key.
 */
export function tsKey(ts: string): string {
  if (ts.length >= 20 && ts.endsWith('Z') && ts[19] === '.' ) return ts.slice(0, 20) + ts.slice(20, -1).padEnd(9, '0');
  if (ts.length === 20 && ts.endsWith('Z')) return ts.slice(0, 19) + '.000000000';
  const ms = Date.parse(ts);
  return Number.isNaN(ms) ? ts : new Date(ms).toISOString().slice(0, 20) + String(ms % 1000).padStart(3, '0').padEnd(9, '0');
}

/** -1, 0, 1; same-length timestamps compare as strings (the common, cheap case). */
export function compareTs(a: string, b: string): number {
  if (a.length !== b.length) {
    a = tsKey(a);
    b = tsKey(b);
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Whole seconds, as stern resumes: "2024-01-02T15:04:05.123Z" -> "2024-01-02T15:04:05Z". */
export function wholeSecond(ts: string): string {
  const ms = Date.parse(ts.replace(/(\.\d{3})\d+/, '$1'));
  return Number.isNaN(ms) ? ts : new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** "1h30m", "5m", "90s", "1.5h" -> milliseconds (Go time.ParseDuration subset). */
export function parseDuration(text: string): number | undefined {
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  let total = 0;
  let end = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    total += Number(m[1]) * (UNIT_MS[m[2] ?? ''] ?? 0);
    end = re.lastIndex;
  }
  return end === text.length && end > 0 ? total : undefined;
}

/** PodLogOptions for a since value: sinceSeconds for durations, sinceTime for times. */
export function sinceQuery(since: string): { sinceSeconds?: number; sinceTime?: string } {
  const ms = parseDuration(since);
  if (ms !== undefined) return { sinceSeconds: Math.max(1, Math.ceil(ms / 1000)) };
  const t = Date.parse(since);
  if (Number.isNaN(t)) throw new Error(`invalid since "${since}": expected a duration like 5m or an RFC3339 time`);
  return { sinceTime: new Date(t).toISOString().replace(/\.\d+Z$/, 'Z') };
}
