// A bounded buffer of a view's lines with parallel full texts. Sequence numbers are contiguous
// inside the buffer (every ingested line is stored, matching or not), so a seq maps to its slot
// with one subtraction. Arrays grow on demand, so a small view does not allocate the maximum.
import type { StoredLine } from './stored';

export class LineRing {
  private lines: StoredLine[] = [];
  /** The line's full text (without timestamp): the export's and fullLine's source. */
  private raws: string[] = [];
  /** Slot of the oldest line once the arrays are full. */
  private head = 0;
  /** seq of the oldest line held (meaningless while empty). */
  private first = 1;
  evictedTotal = 0;

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.lines.length;
  }

  get firstSeq(): number {
    return this.first;
  }

  get lastSeq(): number {
    return this.first + this.lines.length - 1;
  }

  /** Appends (line.seq must be lastSeq + 1); returns true when the oldest line was evicted. */
  push(line: StoredLine, raw: string): boolean {
    if (this.lines.length === 0) this.first = line.seq;
    if (this.lines.length < this.capacity) {
      this.lines.push(line);
      this.raws.push(raw);
      return false;
    }
    this.lines[this.head] = line;
    this.raws[this.head] = raw;
    this.head = (this.head + 1) % this.capacity;
    this.first++;
    this.evictedTotal++;
    return true;
  }

  private slot(seq: number): number {
    const off = seq - this.first;
    if (off < 0 || off >= this.lines.length) return -1;
    return (this.head + off) % this.lines.length;
  }

  get(seq: number): StoredLine | undefined {
    const i = this.slot(seq);
    return i < 0 ? undefined : this.lines[i];
  }

  raw(seq: number): string | undefined {
    const i = this.slot(seq);
    return i < 0 ? undefined : this.raws[i];
  }

  /** Calls fn for each line from seq `from` (clamped to the oldest held) to the newest. */
  forEachFrom(from: number, fn: (line: StoredLine, raw: string) => void): void {
    const start = Math.max(from, this.first);
    const n = this.lines.length;
    for (let off = start - this.first; off < n; off++) {
      const i = (this.head + off) % n;
      fn(this.lines[i] as StoredLine, this.raws[i] as string);
    }
  }
}
