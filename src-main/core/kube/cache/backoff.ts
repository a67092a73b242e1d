// Exponential backoff with jitter, as client-go's reflector uses: 800 ms doubling to 30 s,
// reset once the connection has been healthy for 2 minutes.
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** A failure after this long healthy starts again from initialMs. */
  resetAfterMs: number;
  /** Up to this fraction is added at random (client-go: 1.0), capped at maxMs. */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 800, maxMs: 30_000, resetAfterMs: 120_000, jitter: 1 };

export class Backoff {
  private attempt = 0;
  private healthySince: number | undefined;

  constructor(
    private readonly opts: BackoffOptions,
    private readonly random: () => number = Math.random,
    private readonly now: () => number = Date.now,
  ) {}

  get attempts(): number {
    return this.attempt;
  }

  /** The connection works (a list finished or a watch opened). */
  healthy(): void {
    this.healthySince ??= this.now();
  }

  /** The delay before the next try after a failure. */
  next(): number {
    if (this.healthySince !== undefined && this.now() - this.healthySince >= this.opts.resetAfterMs) this.attempt = 0;
    this.healthySince = undefined;
    const base = Math.min(this.opts.maxMs, this.opts.initialMs * 2 ** this.attempt);
    this.attempt++;
    return Math.min(this.opts.maxMs, base * (1 + this.opts.jitter * this.random()));
  }
}

/** Resolves after ms, or at once when the signal aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });
}
