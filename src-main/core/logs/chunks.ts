// The ring buffer's bytes, in 1 MiB chunks addressed by absolute position. The chunk being
// written stays plain; a full one is deflated (level 1: about 1.6 ms per MiB here, and log text
// shrinks 5-20x: 1,000,000 lines take tens of MB instead of ~140), on libuv's thread pool, off
// the event loop that a firehose of lines keeps busy; the chunk is read plain until it is done.
// The few chunks read last are kept inflated, so a pass over the buffer (re-filter, export)
// inflates each chunk once.
import { deflateRaw, inflateRawSync } from 'node:zlib';

export const CHUNK = 1 << 20;
const INFLATED_KEPT = 4;
/** Plain chunk buffers kept for reuse once their deflate is done (one: the next is needed a MiB later). */
const SPARES_KEPT = 1;

interface Chunk {
  /** While being written. */
  plain?: Buffer;
  /** Once full and deflated. */
  packed?: Buffer;
  /** Full: no more writes (plain until its deflate is done). */
  sealed?: true;
  /** Bytes written. */
  used: number;
}

export class ChunkStore {
  /** chunks[i] holds absolute bytes [(base + i) * CHUNK, (base + i + 1) * CHUNK). */
  private chunks: Chunk[] = [];
  private base = 0;
  private readonly spares: Buffer[] = [];
  private readonly inflated = new Map<number, Buffer>();
  private deflating = 0;
  private whenPacked: Array<() => void> = [];

  /** Where to write bytes at absolute position `at` (a chunk boundary starts a chunk). */
  writable(at: number): Buffer {
    const index = Math.floor(at / CHUNK);
    if (this.chunks.length === 0) this.base = index;
    else if (index - this.base < this.chunks.length) return this.chunks[index - this.base]!.plain!;
    const last = this.chunks[this.chunks.length - 1];
    if (last && !last.sealed) this.seal(last);
    const plain = this.spares.pop() ?? Buffer.allocUnsafeSlow(CHUNK);
    this.chunks.push({ plain, used: 0 });
    return plain;
  }

  /** A record was written from absolute position `at` (as writable(at) gave) to `end`. */
  wrote(at: number, end: number): void {
    const index = Math.floor(at / CHUNK);
    const chunk = this.chunks[index - this.base]!;
    chunk.used = Math.max(chunk.used, end - index * CHUNK);
  }

  private seal(chunk: Chunk): void {
    const plain = chunk.plain!;
    chunk.sealed = true;
    this.deflating++;
    deflateRaw(plain.subarray(0, chunk.used), { level: 1 }, (err, packed) => {
      // On a failure (out of memory) the chunk simply stays plain.
      if (!err) {
        chunk.packed = packed;
        delete chunk.plain;
        if (this.spares.length < SPARES_KEPT) this.spares.push(plain);
      }
      if (--this.deflating === 0) for (const resolve of this.whenPacked.splice(0)) resolve();
    });
  }

  /** Resolves once every full chunk is deflated (tests, diagnostics). */
  packed(): Promise<void> {
    return this.deflating === 0 ? Promise.resolve() : new Promise((resolve) => this.whenPacked.push(resolve));
  }

  /** The chunk holding absolute position `at`, plain (offsets: at % CHUNK). */
  readable(at: number): Buffer {
    const index = Math.floor(at / CHUNK);
    const chunk = this.chunks[index - this.base]!;
    if (chunk.plain) return chunk.plain;
    let bytes = this.inflated.get(index);
    if (!bytes) {
      bytes = inflateRawSync(chunk.packed!);
      if (this.inflated.size >= INFLATED_KEPT) this.inflated.delete(this.inflated.keys().next().value!);
      this.inflated.set(index, bytes);
    }
    return bytes;
  }

  /** Frees the chunks wholly before absolute position `oldest` (never the one being written). */
  release(oldest: number): void {
    const index = Math.floor(oldest / CHUNK);
    while (this.base < index && this.chunks.length > 1) {
      this.chunks.shift();
      this.inflated.delete(this.base);
      this.base++;
    }
  }

  /** Bytes held (for tests and diagnostics). */
  get footprint(): number {
    let n = this.spares.length * CHUNK;
    for (const c of this.chunks) n += c.plain ? CHUNK : c.packed!.length;
    for (const b of this.inflated.values()) n += b.length;
    return n;
  }
}
