// The step of a range query: wide enough that no series exceeds Prometheus's 11,000 points
// (it rejects more), a round number when we choose it, and start/end aligned to multiples of it
// so a refreshed chart evaluates at the same instants (points do not shift or shimmer).

/** Prometheus rejects (end - start) / step > 11,000; we stay at or under 11,000 points. */
export const MAX_POINTS = 11_000;

const NICE_STEPS = [
  0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1200, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800,
];

export interface StepRequest {
  /** Unix seconds. */
  start: number;
  end: number;
  /** Asked for explicitly: kept unless it would exceed the point limit (or go under minStep). */
  step?: number;
  /** Points wanted across the range when no step is given (e.g. the chart's width in pixels). */
  maxPoints?: number;
  /** Never finer than this (e.g. the scrape interval: finer steps only repeat samples). */
  minStep?: number;
}

export interface ChosenRange {
  start: number;
  end: number;
  step: number;
  /** Points per series at most: floor((end - start) / step) + 1. */
  points: number;
  /** Why the step differs from an explicitly requested one. */
  adjusted?: string;
}

/** The smallest nice step >= s (multiples of a week beyond the table). */
export function niceStep(s: number): number {
  for (const n of NICE_STEPS) if (n >= s - 1e-12) return n;
  return Math.ceil(s / 604800) * 604800;
}

/** Milliseconds are Prometheus's resolution; rounding there keeps 0.1-steps from drifting. */
const ms = (x: number) => Math.round(x * 1000) / 1000;

export function chooseStep(req: StepRequest): ChosenRange {
  const { start, end } = req;
  if (!Number.isFinite(start) || !Number.isFinite(end)) throw new RangeError('start and end must be finite unix times in seconds');
  if (end < start) throw new RangeError(`end (${end}) is before start (${start})`);
  if (req.step !== undefined && !(req.step > 0)) throw new RangeError(`step must be positive, got ${req.step}`);
  const range = end - start;
  // Alignment can widen the range by up to one step; 3 points of slack keep us under the limit.
  const floor = Math.max(0.001, range / (MAX_POINTS - 3), req.minStep ?? 0);
  let step: number;
  let adjusted: string | undefined;
  if (req.step !== undefined) {
    step = req.step;
    if (step < floor) {
      step = niceStep(floor);
      adjusted = req.minStep !== undefined && req.minStep >= range / (MAX_POINTS - 3) && req.step < req.minStep ? `step raised to ${step}s (minimum step ${req.minStep}s)` : `step raised to ${step}s: ${req.step}s would give more than ${MAX_POINTS} points per series`;
    }
  } else {
    const wanted = range / Math.max(1, (req.maxPoints ?? 1000) - 1);
    step = niceStep(Math.max(wanted, floor));
  }
  // Whole milliseconds, rounded up so the point limit still holds.
  step = Math.max(0.001, Math.ceil(step * 1000 - 1e-6) / 1000);
  const alignedStart = ms(Math.floor(start / step) * step);
  const alignedEnd = Math.max(alignedStart, ms(Math.floor(end / step) * step));
  const points = Math.floor((alignedEnd - alignedStart) / step + 1e-9) + 1;
  return { start: alignedStart, end: alignedEnd, step, points, ...(adjusted ? { adjusted } : {}) };
}
