// Packs a view's outgoing lines into the tail stream's column batches (contract/log-lines.ts),
// announcing each container stream the first time a batch refers to it.
import { emptyBatch, type LogLineBatch } from '../../contract/log-lines';
import { DISPLAY_LIMIT } from './parse';
import type { StreamIdentity } from './stored';

export class BatchPacker {
  private readonly announced = new Set<number>();
  private batch = emptyBatch();
  private full: LogLineBatch[] = [];

  constructor(
    /** Lines per batch: big enough to amortize, small enough for fine-grained flow control. */
    private readonly size: number,
    private readonly sourceOf: (id: number) => StreamIdentity,
  ) {}

  get lines(): number {
    return this.full.length * this.size + this.batch.seq.length;
  }

  /** level and format are wire codes (LOG_LEVELS, LOG_FORMATS indexes). */
  add(seq: number, ts: string, src: number, level: number, format: number, text: string, bytes: number, truncated: boolean): void {
    const b = this.batch;
    if (!this.announced.has(src)) {
      this.announced.add(src);
      const s = this.sourceOf(src);
      (b.sources ??= []).push({ id: src, ...(s.context ? { context: s.context } : {}), namespace: s.namespace, pod: s.pod, container: s.container });
    }
    if (truncated) (b.cut ??= []).push([b.seq.length, bytes]);
    b.seq.push(seq);
    b.ts.push(ts);
    b.src.push(src);
    b.level.push(level);
    b.format.push(format);
    b.text.push(truncated ? text.slice(0, DISPLAY_LIMIT) : text);
    if (b.seq.length >= this.size) {
      this.full.push(b);
      this.batch = emptyBatch();
    }
  }

  /** The batches packed so far, in order. */
  take(): LogLineBatch[] {
    const out = this.full;
    if (this.batch.seq.length) out.push(this.batch);
    this.full = [];
    this.batch = emptyBatch();
    return out;
  }

  /** Drops what is packed and not taken; streams it announced will be announced again. */
  discard(): void {
    for (const b of this.take()) for (const s of b.sources ?? []) this.announced.delete(s.id);
  }
}
