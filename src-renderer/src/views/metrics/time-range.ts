// The time range of the explorer and dashboards: relative ("last 1h", follows now) or absolute
// (from..to, what zooming by brushing produces). In the URL as range=1h or from=..&to=.. (ms).

export type TimeRange = { kind: 'relative'; range: string } | { kind: 'absolute'; from: number; to: number };

export const relativeRanges = ['5m', '15m', '30m', '1h', '3h', '6h', '12h', '24h', '2d', '7d'] as const;
export const defaultRange: TimeRange = { kind: 'relative', range: '1h' };

const unitSeconds: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/** "90s", "5m", "1h30m", "7d" in seconds; undefined when it is not a duration. */
export function parseDuration(text: string): number | undefined {
  const m = /^(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text.trim());
  if (!m || text.trim() === '') return undefined;
  const [, w, d, h, min, s] = m;
  return (Number(w ?? 0) * unitSeconds.w! + Number(d ?? 0) * unitSeconds.d! + Number(h ?? 0) * unitSeconds.h! + Number(min ?? 0) * 60 + Number(s ?? 0)) || undefined;
}

export function formatDuration(seconds: number): string {
  const parts: string[] = [];
  let rest = Math.round(seconds);
  for (const [u, n] of [['d', 86400], ['h', 3600], ['m', 60], ['s', 1]] as const) {
    if (rest >= n) {
      parts.push(`${Math.floor(rest / n)}${u}`);
      rest %= n;
    }
  }
  return parts.join('') || '0s';
}

export function rangeFromParams(params: URLSearchParams): TimeRange {
  const from = Number(params.get('from'));
  const to = Number(params.get('to'));
  if (params.get('from') && params.get('to') && Number.isFinite(from) && Number.isFinite(to) && to > from) return { kind: 'absolute', from, to };
  const range = params.get('range');
  if (range && parseDuration(range)) return { kind: 'relative', range };
  return defaultRange;
}

/** URL changes for a range (clears the other form's keys). */
export function rangeToParams(r: TimeRange): Record<string, string | undefined> {
  return r.kind === 'relative' ? { range: r.range, from: undefined, to: undefined } : { range: undefined, from: String(Math.round(r.from)), to: String(Math.round(r.to)) };
}

/** Start and end in ms for a query made at `now`. */
export function resolveRange(r: TimeRange, now: number): { start: number; end: number } {
  if (r.kind === 'absolute') return { start: r.from, end: r.to };
  return { start: now - parseDuration(r.range)! * 1000, end: now };
}

const niceSteps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];

/**
 * The query step in seconds: about one point per `points` (the chart's width in pixels), rounded
 * up to a nice value, never under `minStepS` and never more than 11,000 points (Prometheus's limit).
 */
export function stepFor(rangeMs: number, points: number, minStepS = 1): number {
  const raw = Math.max(rangeMs / 1000 / Math.max(1, points), rangeMs / 1000 / 11_000, minStepS);
  return niceSteps.find((s) => s >= raw) ?? Math.ceil(raw / 86400) * 86400;
}

export function describeRange(r: TimeRange): string {
  if (r.kind === 'relative') return `Last ${r.range}`;
  const f = (ms: number) => new Date(ms).toLocaleString();
  return `${f(r.from)} → ${f(r.to)}`;
}

/** A datetime-local input's value for ms (local time) and back. */
export function toLocalInput(ms: number): string {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}

export function fromLocalInput(text: string): number | undefined {
  const ms = new Date(text).getTime();
  return Number.isFinite(ms) ? ms : undefined;
}
