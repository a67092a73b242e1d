// Go's time.Duration text ("15s", "1m0s", "10.512s", "1h2m3.5s", "500ms", "1.5µs"): how
// metrics-server writes NodeMetrics/PodMetrics `window`. Seconds, or NaN when not a duration.
const UNITS: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 1e-3, us: 1e-6, 'µs': 1e-6, 'μs': 1e-6, ns: 1e-9 };
const PART = /(\d+(?:\.\d*)?|\.\d+)(h|ms|m|s|us|µs|μs|ns)/y;

export function parseGoDuration(text: unknown): number {
  if (typeof text !== 'string' || text === '') return NaN;
  let s = text;
  let sign = 1;
  if (s[0] === '-' || s[0] === '+') {
    sign = s[0] === '-' ? -1 : 1;
    s = s.slice(1);
  }
  if (s === '0') return 0;
  let total = 0;
  PART.lastIndex = 0;
  let at = 0;
  while (at < s.length) {
    PART.lastIndex = at;
    const m = PART.exec(s);
    if (!m) return NaN;
    total += Number(m[1]) * UNITS[m[2]!]!;
    at = PART.lastIndex;
  }
  return at === 0 ? NaN : sign * total;
}
