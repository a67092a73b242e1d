// The ring buffer's bytes, in 1 MiB chunks addressed by absolute position. The chunk being
// written stays plain; a full one is deflated (level 1: about 1.6 ms per MiB here, and log text
// shrinks 5-20x: 1,000,000 lines take tens of MB instead of ~140). The few chunks read last
// are kept inflated, so a pass over the buffer (re-filter, export) inflates each chunk once.
import { deflateRawSync, inflateRawSync } from 'node:zlib';

export const CHUNK = 1 << 20;
const INFLATED_KEPT = 4;

interface Chunk {
  /** While being written. */
  plain?: Buffer;
  /** Once full. */
  packed?: Buffer;
  /** Bytes written. */
  used: number;
}

export class ChunkStore {
  /** chunks[i] holds absolute bytes [(base + i) * CHUNK, (base + i + 1) * CHUNK). */
  private chunks: Chunk[] = [];
  private base = 0;
  private spare: Buffer | undefined;
  private readonly inflated = new Map<number, Buffer>();

  /** Where to write bytes at absolute position `at` (a chunk boundary starts a chunk). */
  writable(at: number): Buffer {
    const index = Math.floor(at / CHUNK);
    if (this.chunks.length === 0) this.base = index;
    else if (index - this.base < this.chunks.length) return this.chunks[index - this.base]!.plain!;
    const last = this.chunks[this.chunks.length - 1];
    if (last?.plain) this.seal(last);
    const plain = this.spare ?? Buffer.allocUnsafeSlow(CHUNK);
    this.spare = undefined;
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
    chunk.packed = deflateRawSync(chunk.plain!.subarray(0, chunk.used), { level: 1 });
    this.spare = chunk.plain;
    delete chunk.plain;
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
    let n = this.spare ? CHUNK : 0;
    for (const c of this.chunks) n += c.plain ? CHUNK : c.packed!.length;
    for (const b of this.inflated.values()) n += b.length;
    return n;
  }
}
