// One open log view: numbers and parses incoming lines, keeps them in the ring buffer, and sends
// the ones matching the filter to the renderer with real back-pressure. Producers (container
// streams) await writable() so a slow renderer slows the sockets instead of losing lines.
import type { LogFrame, LogStreamStatus } from '../../contract/types';
import type { StreamSink } from '../../contract/server';
import { BatchPacker } from './batch';
import { compileFilter, type LinePredicate, type LogFilterSpec } from './filter';
import { DISPLAY_LIMIT } from './parse';
import { LineRing, type LineHead } from './ring';
import type { RawLine } from './line-splitter';
import type { StoredLine, StreamIdentity } from './stored';

/** Lines per 'lines' frame item: big enough to amortize, small enough for fine-grained flow
 *  control (the sink counts lines: its high-water mark is 6,000). */
const BATCH = 256;

export class LogView {
  private readonly ring: LineRing;
  private filter: LinePredicate | undefined;
  private filterSpec: LogFilterSpec | undefined;
  /** Matching lines not yet handed to the sink. */
  private readonly pending: BatchPacker;
  private flushScheduled = false;
  private blocked: Promise<void> | undefined;
  private droppedSinceFrame = 0;
  private droppedTimer: ReturnType<typeof setTimeout> | undefined;
  /** Seqs of re-filtered lines waiting to be sent after a reset (sent before any newer line). */
  private replay: number[] = [];
  private replayAt = 0;
  private replaying = false;
  /** Producers wait for a replay to finish, so live lines do not pile up behind it. */
  private replayDone: Promise<void> | undefined;

  constructor(
    private readonly sink: StreamSink<LogFrame>,
    bufferLines: number,
    filter?: LogFilterSpec,
  ) {
    this.ring = new LineRing(bufferLines);
    this.pending = new BatchPacker(BATCH, (id) => this.ring.source(id));
    this.filter = compileFilter(filter);
    this.filterSpec = filter;
  }

  get closed(): boolean {
    return this.sink.signal.aborted;
  }

  /** Stores a batch of one stream's lines; matching ones are queued for sending. */
  append(id: StreamIdentity, raws: readonly RawLine[]): void {
    if (this.closed) return;
    const ring = this.ring;
    const evictedBefore = ring.evictedTotal;
    const filter = this.filter;
    const src = ring.sourceId(id);
    let seq = 0;
    // The level only if the filter asks for it (the renderer works it out for the lines it shows).
    const head: LineHead = {
      get level() {
        return ring.level(seq);
      },
      src: id,
    };
    for (const r of raws) {
      const text = r.text;
      const cut = text.length > DISPLAY_LIMIT;
      const bytes = ring.push(src, r.ts, text, cut);
      seq = ring.lastSeq;
      if (filter && !filter(head, text)) continue;
      this.pending.add(seq, r.ts, src, text, bytes, cut);
    }
    const evicted = ring.evictedTotal - evictedBefore;
    if (evicted) this.noteDropped(evicted);
    if (this.pending.lines >= BATCH) this.flush();
    else this.scheduleFlush();
  }

  /** Resolves when producers may continue (immediately unless the renderer is behind). */
  writable(): Promise<void> | undefined {
    return this.blocked ?? this.replayDone;
  }

  streams(streams: LogStreamStatus[], limited: boolean, maxStreams: number): void {
    this.push({ type: 'streams', streams, limited, maxStreams });
  }

  /** Replaces the filter: the client gets a reset, then every buffered line that matches. */
  setFilter(spec: LogFilterSpec): { matched: number; buffered: number } {
    const filter = compileFilter(spec); // throws BAD_INPUT before anything changes
    this.flush(); // lines already accepted under the old filter go out before the reset
    this.filter = filter;
    this.filterSpec = spec;
    // Seqs only: the lines are made again batch by batch as the renderer takes them.
    const matched: number[] = [];
    this.ring.scan(0, (seq, head, text) => {
      if (!filter || filter(head, text())) matched.push(seq);
    });
    const result = { matched: matched.length, buffered: this.ring.size };
    this.replay = matched;
    this.replayAt = 0;
    this.pending.discard();
    this.push({ type: 'reset' });
    // Starts sending synchronously (it consumes `matched`), continues as the renderer keeps up.
    void this.sendReplay();
    return result;
  }

  /** Every buffered line matching the current filter, with its full text. */
  matching(): Array<{ line: StoredLine; raw: string }> {
    const out: Array<{ line: StoredLine; raw: string }> = [];
    const filter = this.filter;
    this.ring.forEachFrom(0, (line, raw) => {
      if (!filter || filter(line, raw)) out.push({ line, raw });
    });
    return out;
  }

  fullText(seq: number): string | undefined {
    return this.ring.raw(seq);
  }

  get currentFilter(): LogFilterSpec | undefined {
    return this.filterSpec;
  }

  private async sendReplay() {
    if (this.replaying) return;
    this.replaying = true;
    let done = () => {};
    this.replayDone = new Promise((resolve) => (done = resolve));
    try {
      while (this.replayAt < this.replay.length && !this.closed) {
        // Parsed again batch by batch as the renderer takes them (see stored.ts). A line evicted
        // meanwhile is gone (the 'dropped' count says so).
        const packer = new BatchPacker(BATCH, (id) => this.ring.source(id));
        const add = packer.add.bind(packer);
        const seqs = this.replay;
        const end = Math.min(seqs.length, this.replayAt + BATCH);
        for (; this.replayAt < end; this.replayAt++) this.ring.pack(seqs[this.replayAt]!, add);
        let more = true;
        for (const batch of packer.take()) more = this.sink.push({ type: 'lines', batch });
        if (!more) await this.sink.drained();
      }
    } finally {
      if (this.replayAt >= this.replay.length) this.replay = [];
      this.replaying = false;
      this.replayDone = undefined;
      done();
    }
    // Live lines that arrived while replaying waited in `pending`.
    this.flush();
  }

  private scheduleFlush() {
    if (this.flushScheduled || this.pending.lines === 0) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  private flush() {
    if (this.replaying || this.pending.lines === 0 || this.closed) return;
    for (const batch of this.pending.take()) this.push({ type: 'lines', batch });
  }

  private push(frame: LogFrame) {
    if (this.closed) return;
    if (!this.sink.push(frame) && !this.blocked) {
      this.blocked = this.sink.drained().then(() => {
        this.blocked = undefined;
      });
    }
  }

  private noteDropped(n: number) {
    this.droppedSinceFrame += n;
    // At most one 'dropped' frame per 250 ms: under a firehose every append evicts.
    this.droppedTimer ??= setTimeout(() => {
      this.droppedTimer = undefined;
      const count = this.droppedSinceFrame;
      this.droppedSinceFrame = 0;
      this.flush();
      this.push({ type: 'dropped', count, total: this.ring.evictedTotal });
    }, 250);
  }

  dispose() {
    if (this.droppedTimer) clearTimeout(this.droppedTimer);
    this.pending.discard();
    this.replay = [];
  }
}
