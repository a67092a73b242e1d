// Splits a kubelet log response (bytes, "TIMESTAMP TEXT\n" per line) into lines. Chunks are cut
// at the last newline before decoding, so a multi-byte character split across chunks is decoded
// whole; invalid UTF-8 becomes U+FFFD (TextDecoder semantics) and never throws.
import { isAscii } from 'node:buffer';

/** A partial line longer than this is cut: it keeps its first MAX_LINE_BYTES bytes. */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;

export interface RawLine {
  /** The kubelet timestamp (empty when the line had none). */
  ts: string;
  text: string;
}

export class LineSplitter {
  private partial: Buffer[] = [];
  private partialBytes = 0;
  /** The current partial line outgrew MAX_LINE_BYTES: skip bytes until its newline. */
  private overflowing = false;

  /** Lines completed by this chunk. */
  push(chunk: Buffer, out: RawLine[] = []): RawLine[] {
    const last = chunk.lastIndexOf(0x0a);
    if (last < 0) {
      this.keep(chunk);
      return out;
    }
    const first = chunk.indexOf(0x0a);
    if (this.partialBytes > 0 || this.overflowing) {
      // Finish the partial line with the bytes up to the first newline.
      this.keep(chunk.subarray(0, first));
      splitInto(this.takePartial(), out);
      if (first < last) splitLines(chunk, first + 1, last, out);
    } else {
      splitLines(chunk, 0, last, out);
    }
    if (last + 1 < chunk.length) this.keep(chunk.subarray(last + 1));
    return out;
  }

  /** The stream ended: a last line without newline, if any. */
  end(out: RawLine[] = []): RawLine[] {
    if (this.partialBytes > 0 || this.overflowing) splitInto(this.takePartial(), out);
    return out;
  }

  private keep(bytes: Buffer) {
    if (this.overflowing || bytes.length === 0) return;
    const room = MAX_LINE_BYTES - this.partialBytes;
    if (bytes.length > room) {
      bytes = bytes.subarray(0, room);
      this.overflowing = true;
    }
    // Copy: the chunk's memory belongs to the socket's pool and may be a large slab.
    this.partial.push(Buffer.from(bytes));
    this.partialBytes += bytes.length;
  }

  private takePartial(): string {
    const s = Buffer.concat(this.partial, this.partialBytes).toString('utf8');
    this.partial = [];
    this.partialBytes = 0;
    this.overflowing = false;
    return s;
  }
}

/**
 * The lines of chunk[start, end) (end: the chunk's last newline): the range decoded once, each
 * line's timestamp and text sliced from it (no string per whole line). A slice keeps the decoded
 * range alive (tens of KB) only while its line waits to be sent; what is kept longer is copied
 * (detached). A newline byte is never inside a multi-byte character, so the lines are the same.
 */
function splitLines(chunk: Buffer, start: number, end: number, out: RawLine[]) {
  const s = chunk.toString(isAscii(chunk.subarray(start, end)) ? 'latin1' : 'utf8', start, end);
  for (let from = 0; ; ) {
    const nl = s.indexOf('\n', from);
    splitRange(s, from, nl < 0 ? s.length : nl, out);
    if (nl < 0) return;
    from = nl + 1;
  }
}

/** A whole line as one string (a partial line's pieces put together). */
function splitInto(line: string, out: RawLine[]) {
  splitRange(line, 0, line.length, out);
}

/** "TIMESTAMP TEXT" in s[from, to) -> {ts, text}; a trailing CR (CRLF-writing apps) is dropped. */
function splitRange(s: string, from: number, to: number, out: RawLine[]) {
  if (to > from && s.charCodeAt(to - 1) === 0x0d) to--;
  // Kubelet timestamps start with a digit (RFC3339) and end at the first space, within 40 chars.
  const c = s.charCodeAt(from);
  if (to > from && c >= 0x30 && c <= 0x39) {
    const limit = Math.min(to, from + 41);
    for (let i = from + 1; i < limit; i++) {
      if (s.charCodeAt(i) === 0x20) {
        out.push({ ts: s.slice(from, i), text: s.slice(i + 1, to) });
        return;
      }
    }
  }
  out.push({ ts: '', text: s.slice(from, to) });
}
