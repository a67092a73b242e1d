// A sorted set of strings in chunks (sqrt decomposition): O(log n + chunk) inserts and removes,
// ordered iteration from any key. Plain sorted arrays cost O(n) per insert at 100k objects.

const MAX_CHUNK = 1024;

export class SortedKeys {
  private chunks: string[][] = [];
  size = 0;

  /** Index of the first chunk whose last key is >= key (chunks.length if none). */
  private chunkFor(key: string): number {
    let lo = 0;
    let hi = this.chunks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = this.chunks[mid]!;
      if (c[c.length - 1]! < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  add(key: string): void {
    if (this.chunks.length === 0) {
      this.chunks.push([key]);
      this.size = 1;
      return;
    }
    let ci = this.chunkFor(key);
    if (ci === this.chunks.length) ci--; // beyond the last key: append to the last chunk
    const c = this.chunks[ci]!;
    const i = lowerBound(c, key);
    if (c[i] === key) return;
    c.splice(i, 0, key);
    this.size++;
    if (c.length > MAX_CHUNK) this.chunks.splice(ci, 1, c.slice(0, c.length >> 1), c.slice(c.length >> 1));
  }

  delete(key: string): void {
    const ci = this.chunkFor(key);
    const c = this.chunks[ci];
    if (!c) return;
    const i = lowerBound(c, key);
    if (c[i] !== key) return;
    c.splice(i, 1);
    this.size--;
    if (c.length === 0) this.chunks.splice(ci, 1);
  }

  /** Number of keys < key. */
  rank(key: string): number {
    const ci = this.chunkFor(key);
    let n = 0;
    for (let i = 0; i < ci; i++) n += this.chunks[i]!.length;
    const c = this.chunks[ci];
    return c ? n + lowerBound(c, key) : n;
  }

  /** Keys >= from and < to (undefined: no bound), in order. */
  *range(from: string | undefined, to: string | undefined): Generator<string> {
    let ci = from === undefined ? 0 : this.chunkFor(from);
    let i = from === undefined || !this.chunks[ci] ? 0 : lowerBound(this.chunks[ci]!, from);
    for (; ci < this.chunks.length; ci++, i = 0) {
      const c = this.chunks[ci]!;
      for (; i < c.length; i++) {
        const k = c[i]!;
        if (to !== undefined && k >= to) return;
        yield k;
      }
    }
  }
}

function lowerBound(arr: string[], key: string): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (arr[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
