// Largest-Triangle-Three-Buckets downsampling (Steinarsson 2013) over interleaved [x, y] pairs:
// keeps the points that shape the line (peaks, troughs, steps) and drops the rest. Gaps (NaN y)
// are kept where they are; each run of values between gaps is sampled on its own.

/** Samples one run [from, to) of pairs into `out` at `o`; returns the new output offset. */
function sampleRun(src: Float64Array, from: number, to: number, threshold: number, out: Float64Array, o: number): number {
  const n = to - from;
  if (threshold >= n || threshold < 3) {
    for (let i = from; i < to; i++) {
      out[o++] = src[2 * i]!;
      out[o++] = src[2 * i + 1]!;
    }
    return o;
  }
  const every = (n - 2) / (threshold - 2);
  let a = from;
  out[o++] = src[2 * a]!;
  out[o++] = src[2 * a + 1]!;
  for (let b = 0; b < threshold - 2; b++) {
    // The average of the next bucket is the third corner of the triangle.
    let avgStart = from + Math.floor((b + 1) * every) + 1;
    const avgEnd = Math.min(from + Math.floor((b + 2) * every) + 1, to);
    let avgX = 0;
    let avgY = 0;
    const avgLen = avgEnd - avgStart;
    for (; avgStart < avgEnd; avgStart++) {
      avgX += src[2 * avgStart]!;
      avgY += src[2 * avgStart + 1]!;
    }
    avgX /= avgLen || 1;
    avgY /= avgLen || 1;
    const rangeStart = from + Math.floor(b * every) + 1;
    const rangeEnd = from + Math.floor((b + 1) * every) + 1;
    const ax = src[2 * a]!;
    const ay = src[2 * a + 1]!;
    let maxArea = -1;
    let chosen = rangeStart;
    for (let i = rangeStart; i < rangeEnd; i++) {
      const area = Math.abs((ax - avgX) * (src[2 * i + 1]! - ay) - (ax - src[2 * i]!) * (avgY - ay));
      if (area > maxArea) {
        maxArea = area;
        chosen = i;
      }
    }
    out[o++] = src[2 * chosen]!;
    out[o++] = src[2 * chosen + 1]!;
    a = chosen;
  }
  out[o++] = src[2 * (to - 1)]!;
  out[o++] = src[2 * (to - 1) + 1]!;
  return o;
}

/** At most about `threshold` points of `points` (interleaved x, y; NaN y = gap). */
export function lttb(points: Float64Array, threshold: number): Float64Array {
  const count = points.length / 2;
  if (threshold >= count) return points;
  const out = new Float64Array(points.length);
  const ratio = threshold / count;
  let o = 0;
  let runStart = 0;
  for (let i = 0; i <= count; i++) {
    if (i === count || Number.isNaN(points[2 * i + 1]!)) {
      if (i > runStart) o = sampleRun(points, runStart, i, Math.max(2, Math.round((i - runStart) * ratio)), out, o);
      if (i < count) {
        out[o++] = points[2 * i]!;
        out[o++] = NaN;
      }
      runStart = i + 1;
    }
  }
  return out.slice(0, o);
}
