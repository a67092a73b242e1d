// Splits a byte stream into newline-terminated JSON documents. Chunks may cut a line (or a
// multi-byte character) anywhere; a long line is kept as a list of chunks and joined once, so a
// multi-megabyte object costs one copy, not one per chunk.
export class JsonLineSplitter {
  private parts: Buffer[] = [];

  constructor(private readonly onLine: (value: unknown) => void) {}

  push(chunk: Buffer): void {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(10, start);
      if (nl < 0) break;
      let line: Buffer;
      if (this.parts.length === 0) line = chunk.subarray(start, nl);
      else {
        this.parts.push(chunk.subarray(start, nl));
        line = Buffer.concat(this.parts);
        this.parts = [];
      }
      start = nl + 1;
      this.emit(line);
    }
    if (start < chunk.length) this.parts.push(start === 0 ? chunk : chunk.subarray(start));
  }

  /** Call at end of stream: a final line without a newline still counts. */
  end(): void {
    if (this.parts.length === 0) return;
    const line = Buffer.concat(this.parts);
    this.parts = [];
    this.emit(line);
  }

  private emit(line: Buffer): void {
    // Skip blank lines (some proxies send keep-alive newlines).
    let blank = true;
    for (let i = 0; i < line.length; i++) {
      const c = line[i];
      if (c !== 32 && c !== 13 && c !== 9) {
        blank = false;
        break;
      }
    }
    if (blank) return;
    this.onLine(JSON.parse(line.toString('utf8')) as unknown);
  }
}
