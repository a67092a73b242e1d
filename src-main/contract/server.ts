// Serves one client connection: validates every message and input, runs procedures, and runs
// streams with batching (one frame per `frameMs`) and flow control (at most `window` frames
// in flight, a bounded item buffer per stream). Transport-agnostic: WebSocket and IPC share it.
import type { z } from 'zod';
import type { ApiDefinition, ItemOf, OutputOf, ParsedInputOf, ProcedureNames, StreamFlow, StreamNames } from './define';
import { ContractError, toWireError } from './errors';
import { clientMessageSchema, type ClientMessage, type ServerMessage, type Transport } from './messages';
import { RawJson } from './raw-json';

export interface StreamSink<T> {
  /** Queue an item. Returns false when the buffer is past its high-water mark: slow down. */
  push(item: T): boolean;
  /** Resolves once the buffer is back under its low-water mark (immediately if it is). */
  drained(): Promise<void>;
  end(): void;
  error(err: unknown): void;
  /** Aborted when the client cancels or disconnects. */
  readonly signal: AbortSignal;
}

export interface CallContext {
  /** Aborted when the connection closes or, for a procedure, when the caller gives up on it. */
  signal: AbortSignal;
}

export type Handlers<A extends ApiDefinition> = {
  [K in ProcedureNames<A>]: (input: ParsedInputOf<A[K]>, ctx: CallContext) => Promise<OutputOf<A[K]> | RawJson<OutputOf<A[K]>>> | OutputOf<A[K]> | RawJson<OutputOf<A[K]>>;
} & {
  [K in StreamNames<A>]: (input: ParsedInputOf<A[K]>, sink: StreamSink<ItemOf<A[K]>>, ctx: CallContext) => void | Promise<void>;
};

export interface ServeOptions {
  /** Items gathered for this long are sent as one frame. */
  frameMs?: number;
  maxItemsPerFrame?: number;
  /** Frames sent but not yet acknowledged by the client. */
  window?: number;
  /** push() starts returning false at this many buffered items. */
  highWater?: number;
  /** Hard bound: beyond it the stream's overflow policy applies. */
  maxBuffered?: number;
  observer?: ConnectionObserver;
}

/** Hooks for telemetry; the contract itself stays free of any metrics library. */
export interface ConnectionObserver {
  messageSent?(message: ServerMessage): void;
  streamOpened?(name: string): void;
  streamClosed?(name: string): void;
  call?(name: string, outcome: 'ok' | 'error'): void;
}

const defaults = { frameMs: 8, maxItemsPerFrame: 2000, window: 4, highWater: 10_000, maxBuffered: 50_000 };

export function serveConnection<A extends ApiDefinition>(
  transport: Transport<unknown, ServerMessage>,
  api: A,
  // The api alone decides A; handlers are then checked against it (and typed from it).
  handlers: NoInfer<Handlers<A>>,
  options: ServeOptions = {},
): { close(): void } {
  const opts = { ...defaults, ...options };
  const connection = new AbortController();
  const streams = new Map<number, OutgoingStream>();
  /** Procedure calls still running, so a `cancel` can abort their handler. */
  const calls = new Map<number, AbortController>();
  const send = (message: ServerMessage) => {
    if (connection.signal.aborted) return;
    transport.send(message);
    opts.observer?.messageSent?.(message);
  };

  const onMessage = (raw: unknown) => {
    const parsed = clientMessageSchema.safeParse(raw);
    if (!parsed.success) {
      send({ t: 'protocol-error', error: { code: 'BAD_INPUT', message: 'Malformed message', details: parsed.error.issues } });
      return;
    }
    const message = parsed.data;
    switch (message.t) {
      case 'call':
        void runCall(message);
        break;
      case 'sub':
        openStream(message);
        break;
      case 'cancel': {
        const stream = streams.get(message.id);
        if (stream) stream.cancel();
        else calls.get(message.id)?.abort();
        break;
      }
      case 'ack':
        streams.get(message.id)?.ack(message.seq);
        break;
    }
  };

  const lookup = (name: string, kind: 'procedure' | 'stream') => {
    const def = Object.hasOwn(api, name) ? api[name] : undefined;
    if (!def || def.kind !== kind) throw new ContractError('NOT_FOUND', `No ${kind} named "${name}"`);
    return def;
  };

  const parseInput = (schema: z.ZodType, input: unknown, name: string) => {
    const result = schema.safeParse(input);
    if (!result.success) {
      const first = result.error.issues[0];
      const where = first && first.path.length ? ` at ${first.path.join('.')}` : '';
      throw new ContractError('BAD_INPUT', `Invalid input for ${name}${where}: ${first?.message ?? 'rejected'}`, result.error.issues);
    }
    return result.data;
  };

  async function runCall(message: Extract<ClientMessage, { t: 'call' }>) {
    const call = new AbortController();
    const abort = () => call.abort();
    calls.set(message.id, call);
    connection.signal.addEventListener('abort', abort);
    try {
      const def = lookup(message.proc, 'procedure');
      const input = parseInput(def.input, message.input, message.proc);
      const handler = handlers[message.proc as keyof Handlers<A>] as (i: unknown, c: CallContext) => unknown;
      const value = await handler(input, { signal: call.signal });
      // A cancelled call's result is not wanted any more (it may be large): send nothing.
      if (!call.signal.aborted) send(value instanceof RawJson ? { t: 'result', id: message.id, ok: true, json: value.text } : { t: 'result', id: message.id, ok: true, value });
      opts.observer?.call?.(message.proc, 'ok');
    } catch (err) {
      if (!call.signal.aborted) send({ t: 'result', id: message.id, ok: false, error: toWireError(err) });
      opts.observer?.call?.(message.proc, 'error');
    } finally {
      calls.delete(message.id);
      connection.signal.removeEventListener('abort', abort);
    }
  }

  function openStream(message: Extract<ClientMessage, { t: 'sub' }>) {
    if (streams.has(message.id)) {
      send({ t: 'error', id: message.id, error: { code: 'BAD_INPUT', message: `Stream id ${message.id} is already open` } });
      return;
    }
    let def;
    let input;
    try {
      def = lookup(message.stream, 'stream');
      input = parseInput(def.input, message.input, message.stream);
    } catch (err) {
      send({ t: 'error', id: message.id, error: toWireError(err) });
      return;
    }
    const flow = def.kind === 'stream' ? def.flow : undefined;
    const limits = { ...opts, ...(flow?.maxItemsPerFrame ? { maxItemsPerFrame: flow.maxItemsPerFrame } : {}), ...(flow?.highWater ? { highWater: flow.highWater } : {}), ...(flow?.maxBuffered ? { maxBuffered: flow.maxBuffered } : {}) };
    const stream = new OutgoingStream(message.id, message.stream, def.kind === 'stream' ? def.overflow : 'fail', limits, flow as StreamFlow<unknown> | undefined, send, () => {
      streams.delete(message.id);
      opts.observer?.streamClosed?.(message.stream);
    });
    streams.set(message.id, stream);
    opts.observer?.streamOpened?.(message.stream);
    send({ t: 'start', id: message.id });
    const handler = handlers[message.stream as keyof Handlers<A>] as (i: unknown, s: StreamSink<unknown>, c: CallContext) => unknown;
    try {
      const result = handler(input, stream.sink, { signal: connection.signal });
      if (result instanceof Promise) result.catch((err: unknown) => stream.sink.error(err));
    } catch (err) {
      stream.sink.error(err);
    }
  }

  transport.onMessage(onMessage);
  const close = () => {
    if (connection.signal.aborted) return;
    for (const stream of [...streams.values()]) stream.cancel();
    connection.abort();
  };
  transport.onClose(close);
  return { close };
}

/** One open stream on the server side: a bounded buffer drained in frames under an ack window. */
class OutgoingStream {
  private buffer: unknown[] = [];
  private dropped = 0;
  private seq = 0;
  private unacked = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private finishing: { kind: 'end' } | { kind: 'error'; err: unknown } | undefined;
  private closed = false;
  private drainWaiters: Array<() => void> = [];
  private readonly abort = new AbortController();
  readonly sink: StreamSink<unknown>;

  constructor(
    private readonly id: number,
    private readonly name: string,
    private readonly overflow: 'drop-oldest' | 'fail',
    private readonly opts: Required<Omit<ServeOptions, 'observer'>>,
    private readonly flow: StreamFlow<unknown> | undefined,
    private readonly send: (m: ServerMessage) => void,
    private readonly onClosed: () => void,
  ) {
    this.sink = {
      push: (item) => this.push(item),
      drained: () => this.drained(),
      end: () => this.finish({ kind: 'end' }),
      error: (err) => this.finish({ kind: 'error', err }),
      signal: this.abort.signal,
    };
  }

  /** What the buffer holds, in the stream's flow units (items, or e.g. log lines). */
  private buffered = 0;
  private weights: number[] = [];
  /** The latest snapshot item not sent yet (see StreamFlow.snapshot). */
  private snapshot: { item: unknown } | undefined;
  /** The snapshot-only frame sent past a full window, until its ack. */
  private outsideWindow: number | undefined;

  private push(item: unknown): boolean {
    if (this.closed || this.finishing) return false;
    if (this.flow?.snapshot?.(item)) {
      this.snapshot = { item };
      this.schedule();
      return this.buffered < this.opts.highWater;
    }
    const weight = this.flow?.weight ? Math.max(1, this.flow.weight(item)) : 1;
    this.buffer.push(item);
    this.weights.push(weight);
    this.buffered += weight;
    if (this.buffered > this.opts.maxBuffered) {
      if (this.overflow === 'fail') {
        this.buffer = [];
        this.weights = [];
        this.buffered = 0;
        this.finish({
          kind: 'error',
          err: new ContractError('SLOW_CONSUMER', `Stream ${this.name} fell more than ${this.opts.maxBuffered} items behind its reader`),
        });
        return false;
      }
      let excess = 0;
      while (this.buffered > this.opts.maxBuffered && this.buffer.length > 1) {
        this.buffered -= this.weights[excess]!;
        this.dropped += this.weights[excess]!;
        excess++;
      }
      this.buffer.splice(0, excess);
      this.weights.splice(0, excess);
    }
    this.schedule();
    return this.buffered < this.opts.highWater;
  }

  private drained(): Promise<void> {
    if (this.closed || this.buffered < this.opts.highWater / 2) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  private schedule() {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, this.opts.frameMs);
  }

  private flush() {
    if (this.closed) return;
    while ((this.buffer.length > 0 || this.snapshot) && this.unacked < this.opts.window) {
      // Take items up to the frame's budget (at least one, however heavy).
      let count = 0;
      let weight = 0;
      while (count < this.buffer.length && (count === 0 || weight + this.weights[count]! <= this.opts.maxItemsPerFrame)) weight += this.weights[count++]!;
      let items = count === this.buffer.length ? this.buffer : this.buffer.slice(0, count);
      if (this.snapshot) {
        items = [this.snapshot.item, ...items];
        this.snapshot = undefined;
      }
      this.buffer = items === this.buffer ? [] : this.buffer.slice(count);
      this.weights = count === this.weights.length ? [] : this.weights.slice(count);
      this.buffered -= weight;
      const frame: ServerMessage = { t: 'data', id: this.id, seq: ++this.seq, items };
      if (this.dropped > 0) {
        frame.dropped = this.dropped;
        this.dropped = 0;
      }
      this.unacked++;
      this.send(frame);
    }
    // A snapshot does not wait for the window either: a full window means the client is busy
    // with big frames, and the state it shows (streams that opened) would wait behind the next
    // ack. One such frame at a time, acked like any other but not counted in the window.
    if (this.snapshot && this.outsideWindow === undefined) {
      const frame: ServerMessage = { t: 'data', id: this.id, seq: ++this.seq, items: [this.snapshot.item] };
      this.snapshot = undefined;
      this.outsideWindow = frame.seq;
      this.send(frame);
    }
    if (this.buffered < this.opts.highWater / 2 && this.drainWaiters.length) {
      const waiters = this.drainWaiters;
      this.drainWaiters = [];
      for (const resolve of waiters) resolve();
    }
    if (this.buffer.length === 0 && !this.snapshot && this.finishing) this.close(this.finishing);
  }

  ack(seq: number) {
    if (seq > this.seq) return; // an ack for a frame never sent: ignore rather than open the window
    if (seq === this.outsideWindow) this.outsideWindow = undefined;
    else this.unacked = Math.max(0, this.unacked - 1);
    this.flush();
  }

  private finish(how: { kind: 'end' } | { kind: 'error'; err: unknown }) {
    if (this.closed || this.finishing) return;
    this.finishing = how;
    // An error is reported at once; an end waits for buffered items to be delivered first.
    if (how.kind === 'error') this.close(how);
    else this.flush();
  }

  /** Client cancelled or went away: stop producing, send nothing more. */
  cancel() {
    if (this.closed) return;
    this.closed = true;
    this.release();
  }

  private close(how: { kind: 'end' } | { kind: 'error'; err: unknown }) {
    if (this.closed) return;
    this.closed = true;
    this.send(how.kind === 'end' ? { t: 'end', id: this.id } : { t: 'error', id: this.id, error: toWireError(how.err) });
    this.release();
  }

  private release() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.buffer = [];
    this.weights = [];
    this.buffered = 0;
    this.snapshot = undefined;
    this.abort.abort();
    for (const resolve of this.drainWaiters) resolve();
    this.drainWaiters = [];
    this.onClosed();
  }
}
