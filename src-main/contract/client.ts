// The client side of the contract, used by the renderer (over WebSocket or the Electron
// preload bridge), by e2e tests and by benchmarks. It reconnects with backoff and reopens the
// streams that were open, so a backend restart is a blip rather than a dead window.
import type { ApiDefinition, InputOf, ItemOf, OutputOf, ProcedureNames, StreamNames } from './define';
import { isWireError, type ErrorCode, type WireError } from './errors';
import type { ClientMessage, ServerMessage, Transport } from './messages';

export class ClientError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;
  constructor(error: WireError) {
    super(error.message);
    this.name = 'ClientError';
    this.code = error.code;
    this.details = error.details;
  }
}

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

/** Opens a transport; called again after each disconnect. */
export type Connector = () => Promise<Transport<ServerMessage, ClientMessage>>;

export interface StreamHandlers<T> {
  onData(items: T[], dropped: number): void;
  onError?(error: ClientError): void;
  onEnd?(): void;
  /** The connection was re-established and the stream reopened: state built so far may be stale. */
  onRestart?(): void;
}

interface PendingCall {
  resolve(value: unknown): void;
  reject(err: Error): void;
}

interface OpenStream {
  name: string;
  input: unknown;
  handlers: StreamHandlers<unknown>;
}

export interface CallOptions {
  /** Aborting gives up on the call: it rejects with CANCELLED and the backend's handler is
   *  told (its signal aborts), e.g. when the view that asked closes. */
  signal?: AbortSignal;
}

export interface ClientOptions {
  /** Backoff between reconnect attempts, doubling from min to max. */
  minDelayMs?: number;
  maxDelayMs?: number;
}

export class ContractClient<A extends ApiDefinition> {
  private transport: Transport<ServerMessage, ClientMessage> | undefined;
  private nextId = 1;
  private readonly calls = new Map<number, PendingCall>();
  private readonly streams = new Map<number, OpenStream>();
  private readonly stateListeners = new Set<(s: ConnectionState, detail?: string) => void>();
  private _state: ConnectionState = 'connecting';
  private _detail: string | undefined;
  private delay: number;
  private disposed = false;
  private ready: Promise<void>;
  private markReady!: () => void;

  constructor(
    private readonly connector: Connector,
    private readonly options: ClientOptions = {},
  ) {
    this.delay = options.minDelayMs ?? 250;
    this.ready = new Promise((resolve) => (this.markReady = resolve));
    void this.connect();
  }

  get state(): ConnectionState {
    return this._state;
  }
  get stateDetail(): string | undefined {
    return this._detail;
  }

  onState(listener: (state: ConnectionState, detail?: string) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  async call<K extends ProcedureNames<A>>(name: K, input?: InputOf<A[K]>, options: CallOptions = {}): Promise<OutputOf<A[K]>> {
    const { signal } = options;
    const cancelled = () => new ClientError({ code: 'CANCELLED', message: `${name} was cancelled` });
    if (signal?.aborted) throw cancelled();
    await this.ready;
    if (signal?.aborted) throw cancelled();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        if (!this.calls.delete(id)) return;
        this.send({ t: 'cancel', id });
        reject(cancelled());
      };
      const done = () => signal?.removeEventListener('abort', onAbort);
      this.calls.set(id, {
        resolve: (v) => (done(), resolve(v as OutputOf<A[K]>)),
        reject: (e) => (done(), reject(e)),
      });
      signal?.addEventListener('abort', onAbort, { once: true });
      this.send({ t: 'call', id, proc: name, input: input ?? {} });
    });
  }

  /** Opens a stream; returns a function that cancels it. */
  subscribe<K extends StreamNames<A>>(name: K, input: InputOf<A[K]> | undefined, handlers: StreamHandlers<ItemOf<A[K]>>): () => void {
    const id = this.nextId++;
    this.streams.set(id, { name, input: input ?? {}, handlers: handlers as StreamHandlers<unknown> });
    if (this._state === 'open') this.send({ t: 'sub', id, stream: name, input: input ?? {} });
    return () => {
      if (!this.streams.delete(id)) return;
      if (this._state === 'open') this.send({ t: 'cancel', id });
    };
  }

  dispose() {
    this.disposed = true;
    this.setState('closed');
    this.failCalls('connection closed by client');
  }

  private send(message: ClientMessage) {
    this.transport?.send(message);
  }

  private setState(state: ConnectionState, detail?: string) {
    this._state = state;
    this._detail = detail;
    for (const listener of this.stateListeners) listener(state, detail);
  }

  private async connect(): Promise<void> {
    if (this.disposed) return;
    let transport: Transport<ServerMessage, ClientMessage>;
    try {
      transport = await this.connector();
    } catch (err) {
      this.scheduleReconnect(err instanceof Error ? err.message : String(err));
      return;
    }
    if (this.disposed) return;
    this.transport = transport;
    transport.onMessage((m) => this.onMessage(m));
    transport.onClose(() => {
      if (this.transport !== transport) return;
      this.transport = undefined;
      this.failCalls('connection to the Orrery backend was lost');
      this.scheduleReconnect('connection lost');
    });
    const reopening = this._state === 'reconnecting';
    this.delay = this.options.minDelayMs ?? 250;
    this.setState('open');
    this.markReady();
    for (const [id, stream] of this.streams) {
      if (reopening) stream.handlers.onRestart?.();
      this.send({ t: 'sub', id, stream: stream.name, input: stream.input });
    }
  }

  private scheduleReconnect(reason: string) {
    if (this.disposed) return;
    this.ready = new Promise((resolve) => (this.markReady = resolve));
    this.setState('reconnecting', reason);
    const jitter = 0.8 + Math.random() * 0.4;
    setTimeout(() => void this.connect(), this.delay * jitter);
    this.delay = Math.min(this.delay * 2, this.options.maxDelayMs ?? 5000);
  }

  private failCalls(reason: string) {
    for (const call of this.calls.values()) call.reject(new ClientError({ code: 'UNAVAILABLE', message: reason }));
    this.calls.clear();
  }

  private onMessage(message: ServerMessage) {
    switch (message.t) {
      case 'result': {
        const call = this.calls.get(message.id);
        if (!call) return;
        this.calls.delete(message.id);
        if (message.ok) {
          if (!('json' in message)) call.resolve(message.value);
          else {
            try {
              call.resolve(JSON.parse(message.json));
            } catch {
              call.reject(new ClientError({ code: 'INTERNAL', message: 'The backend sent a result that is not valid JSON' }));
            }
          }
        } else call.reject(new ClientError(isWireError(message.error) ? message.error : { code: 'INTERNAL', message: 'Malformed error' }));
        return;
      }
      case 'data': {
        // Ack after the items are handled (that is the back-pressure), and even for a stream
        // just cancelled, so the server's window never wedges.
        try {
          this.streams.get(message.id)?.handlers.onData(message.items, message.dropped ?? 0);
        } finally {
          this.send({ t: 'ack', id: message.id, seq: message.seq });
        }
        return;
      }
      case 'error': {
        const stream = this.streams.get(message.id);
        this.streams.delete(message.id);
        stream?.handlers.onError?.(new ClientError(message.error));
        return;
      }
      case 'end': {
        const stream = this.streams.get(message.id);
        this.streams.delete(message.id);
        stream?.handlers.onEnd?.();
        return;
      }
      case 'start':
        return;
      case 'protocol-error':
        // Our own client produced a message the server rejected: a bug worth surfacing loudly.
        console.error('Orrery protocol error:', message.error.message, message.error.details);
        return;
    }
  }
}
