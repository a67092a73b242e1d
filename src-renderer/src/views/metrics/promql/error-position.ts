// Where in a query Prometheus says the problem is. Its parser reports "line:col:" (both from 1)
// or "line:col-line:col" at the front of the message ("1:14: parse error: unexpected ..."), older
// versions "at char N". Offsets here are into the query text, end exclusive.

/** Offset of 1-based line and column in `text`. */
function offsetOf(text: string, line: number, col: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', offset);
    if (nl < 0) return text.length;
    offset = nl + 1;
  }
  return Math.min(text.length, offset + col - 1);
}

export function errorPosition(query: string, message: string): { start: number; end: number } | undefined {
  const range = /(?:^|[\s:"])(\d+):(\d+)-(\d+):(\d+):/.exec(message);
  if (range) {
    const [, l1, c1, l2, c2] = range.map(Number) as [number, number, number, number, number];
    const start = offsetOf(query, l1, c1);
    return { start, end: Math.max(start + 1, Math.min(query.length, offsetOf(query, l2, c2))) };
  }
  const point = /(?:^|[\s:"])(\d+):(\d+): parse error/.exec(message) ?? /(?:^|[\s"])(\d+):(\d+):/.exec(message);
  if (point) {
    const start = offsetOf(query, Number(point[1]), Number(point[2]));
    return { start, end: Math.min(query.length, start + 1) || start };
  }
  const char = /at char (\d+)/.exec(message);
  if (char) {
    const start = Math.min(query.length, Number(char[1]) - 1);
    return { start, end: Math.min(query.length, start + 1) };
  }
  return undefined;
}
