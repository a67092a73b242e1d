// A keyed work queue like client-go's: a key queued many times before it is processed runs once;
// processing happens on a later tick (never inside the store's watch delivery); `after` schedules
// a key for later (deadlines, backoffs) without any polling loop.

export class WorkQueue {
  private readonly pending = new Set<string>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private scheduled = false;
  private stopped = false;

  constructor(
    private readonly name: string,
    private readonly handler: (key: string) => void | Promise<void>,
  ) {}

  add(key: string): void {
    if (this.stopped) return;
    this.pending.add(key);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => void this.drain());
    }
  }

  /** Queue a key after `ms` (an earlier pending schedule for the key wins). */
  after(key: string, ms: number): void {
    if (this.stopped) return;
    const existing = this.timers.get(key);
    if (existing) return;
    const t = setTimeout(() => {
      this.timers.delete(key);
      this.add(key);
    }, Math.max(0, ms));
    t.unref?.();
    this.timers.set(key, t);
  }

  private async drain(): Promise<void> {
    this.scheduled = false;
    const keys = [...this.pending];
    this.pending.clear();
    for (const k of keys) {
      if (this.stopped) return;
      try {
        await this.handler(k);
      } catch (err: any) {
        if (err?.code === 409) this.after(k, 50);
        else if (err?.code !== 404) {
          console.error(`controller ${this.name}: ${k}:`, err?.message ?? err);
          this.after(k, 1000);
        }
      }
    }
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.pending.clear();
  }
}

export function nsKey(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

export function splitKey(key: string): [string | undefined, string] {
  const i = key.indexOf('/');
  return i < 0 ? [undefined, key] : [key.slice(0, i), key.slice(i + 1)];
}
