// Lines of many pods arrive stream by stream (a new stream delivers its history late), so they
// are merged into timestamp order as they arrive. Kubelet timestamps are RFC3339Nano with the
// trailing zeros of the fraction trimmed, so they compare as strings only once padded.

/** What ordering needs of a line. */
export interface Timed {
  seq: number;
  ts: string;
}

export function timeKey(ts: string): string {
  const dot = ts.indexOf('.', 17);
  if (dot < 0) return `${ts.slice(0, 19)}.000000000`;
  let end = dot + 1;
  while (end < ts.length && ts.charCodeAt(end) >= 48 && ts.charCodeAt(end) <= 57) end++;
  return `${ts.slice(0, dot)}.${ts.slice(dot + 1, end).padEnd(9, '0')}`;
}

const before = (a: Timed, b: Timed) => {
  // Same length: the same number of fraction digits, so the strings compare as times (the
  // common case, without building keys).
  const ka = a.ts.length === b.ts.length ? a.ts : timeKey(a.ts);
  const kb = a.ts.length === b.ts.length ? b.ts : timeKey(b.ts);
  return ka < kb || (ka === kb && a.seq < b.seq);
};

/** Appends `batch` to `lines` (mutating it) keeping timestamp order; cheap when already ordered. */
export function mergeByTime<T extends Timed>(lines: T[], batch: T[]): T[] {
  if (batch.length === 0) return lines;
  const sorted = batch.length > 1 ? [...batch].sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0)) : batch;
  let i = lines.length;
  while (i > 0 && before(sorted[0]!, lines[i - 1]!)) i--;
  if (i === lines.length) {
    for (const l of sorted) lines.push(l);
    return lines;
  }
  const tail = lines.splice(i);
  let a = 0;
  let b = 0;
  while (a < tail.length || b < sorted.length) {
    if (b >= sorted.length || (a < tail.length && !before(sorted[b]!, tail[a]!))) lines.push(tail[a++]!);
    else lines.push(sorted[b++]!);
  }
  return lines;
}
