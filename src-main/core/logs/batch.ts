// Packs a view's outgoing lines into the tail stream's column batches (contract/log-lines.ts),
// announcing each container stream the first time a batch refers to it.
import { emptyBatch, type LogLineBatch } from '../../contract/log-lines';
import { DISPLAY_LIMIT } from './parse';
import type { StreamIdentity } from './stored';

export class BatchPacker {
  private readonly announced = new Set<number>();
  private batch = emptyBatch();
  /** The texts of `batch`, joined into its text when it is done. */
  private texts: string[] = [];
  private full: LogLineBatch[] = [];

  constructor(
    /** Lines per batch: big enough to amortize, small enough for fine-grained flow control. */
    private readonly size: number,
    private readonly sourceOf: (id: number) => StreamIdentity,
  ) {}

  get lines(): number {
    return this.full.length * this.size + this.batch.seq.length;
  }

  add(seq: number, ts: string, src: number, text: string, bytes: number, truncated: boolean): void {
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
    this.texts.push(truncated ? text.slice(0, DISPLAY_LIMIT) : text);
    if (b.seq.length >= this.size) this.seal();
  }

  private seal(): void {
    this.batch.text = this.texts.join('\n');
    this.full.push(this.batch);
    this.batch = emptyBatch();
    this.texts = [];
  }

  /** The batches packed so far, in order. */
  take(): LogLineBatch[] {
    if (this.batch.seq.length) this.seal();
    const out = this.full;
    this.full = [];
    return out;
  }

  /** Drops what is packed and not taken; streams it announced will be announced again. */
  discard(): void {
    for (const b of this.take()) for (const s of b.sources ?? []) this.announced.delete(s.id);
  }
}
