import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ClientError, ContractClient } from './client';
import { procedure, stream } from './define';
import { ContractError } from './errors';
import { memoryTransportPair } from './memory-transport';
import type { ServerMessage } from './messages';
import { serveConnection, type Handlers, type ServeOptions, type StreamSink } from './server';

const testApi = {
  add: procedure<number>()(z.object({ a: z.number(), b: z.number() }).strict()),
  fail: procedure<never>()(z.object({}).optional()),
  count: stream<number>('fail')(z.object({ to: z.number().int().min(0).max(1_000_000) })),
  latest: stream<number>('drop-oldest')(z.object({ to: z.number().int() })),
  forever: stream<number>('fail')(z.object({})),
  /** Items are batches; flow control counts their elements. */
  batches: stream<number[]>('fail', { weight: (b) => b.length, maxItemsPerFrame: 100, highWater: 300, maxBuffered: 10_000 })(z.object({})),
  /** 'S…' items are snapshots of state. */
  states: stream<string>('fail', { snapshot: (i) => i.startsWith('S') })(z.object({})),
};
type TestApi = typeof testApi;

function setup(handlers: Handlers<TestApi>, options: ServeOptions = {}) {
  const pair = memoryTransportPair();
  const sent: ServerMessage[] = [];
  const server = serveConnection(
    { ...pair.server, send: (m) => (sent.push(m), pair.server.send(m)) },
    testApi,
    handlers,
    options,
  );
  const client = new ContractClient<TestApi>(async () => pair.client);
  return { client, server, pair, sent };
}

function collect<T>(subscribe: (h: { onData(items: T[], dropped: number): void; onEnd(): void; onError(e: ClientError): void }) => unknown) {
  const items: T[] = [];
  const frames: number[] = [];
  let dropped = 0;
  const done = new Promise<{ items: T[]; frames: number[]; dropped: number; error?: ClientError }>((resolve) => {
    subscribe({
      onData(batch, d) {
        items.push(...batch);
        frames.push(batch.length);
        dropped += d;
      },
      onEnd: () => resolve({ items, frames, dropped }),
      onError: (error) => resolve({ items, frames, dropped, error }),
    });
  });
  return done;
}

const baseHandlers: Handlers<TestApi> = {
  add: ({ a, b }) => a + b,
  fail: () => {
    throw new ContractError('FORBIDDEN', 'User "viewer" cannot delete pods', { verb: 'delete', resource: 'pods' });
  },
  count: ({ to }, sink) => {
    for (let i = 0; i < to; i++) sink.push(i);
    sink.end();
  },
  latest: ({ to }, sink) => {
    for (let i = 0; i < to; i++) sink.push(i);
    sink.end();
  },
  forever: (_input, sink) => {
    const timer = setInterval(() => sink.push(1), 1);
    sink.signal.addEventListener('abort', () => clearInterval(timer));
  },
  batches: () => {},
  states: () => {},
};

describe('procedures', () => {
  it('validates input and returns the result', async () => {
    const { client } = setup(baseHandlers);
    await expect(client.call('add', { a: 2, b: 3 })).resolves.toBe(5);
  });

  it('rejects invalid input with a typed BAD_INPUT error naming the field', async () => {
    const { client } = setup(baseHandlers);
    const err = await client.call('add', { a: 'two', b: 3 } as never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClientError);
    expect((err as ClientError).code).toBe('BAD_INPUT');
    expect((err as ClientError).message).toMatch(/Invalid input for add at a/);
  });

  it('rejects unknown keys (strict schemas)', async () => {
    const { client } = setup(baseHandlers);
    const err = (await client.call('add', { a: 1, b: 2, c: 3 } as never).catch((e: unknown) => e)) as ClientError;
    expect(err.code).toBe('BAD_INPUT');
  });

  it('passes a handler ContractError through with its code and details', async () => {
    const { client } = setup(baseHandlers);
    const err = (await client.call('fail').catch((e: unknown) => e)) as ClientError;
    expect(err.code).toBe('FORBIDDEN');
    expect(err.details).toEqual({ verb: 'delete', resource: 'pods' });
  });

  it('answers an unknown procedure with NOT_FOUND, and a stream name used as a procedure too', async () => {
    const { client } = setup(baseHandlers);
    const unknown = (await client.call('nope' as never).catch((e: unknown) => e)) as ClientError;
    expect(unknown.code).toBe('NOT_FOUND');
    const wrongKind = (await client.call('count' as never).catch((e: unknown) => e)) as ClientError;
    expect(wrongKind.code).toBe('NOT_FOUND');
  });

  it('does not resolve inherited object properties as procedures', async () => {
    const { client } = setup(baseHandlers);
    const err = (await client.call('toString' as never).catch((e: unknown) => e)) as ClientError;
    expect(err.code).toBe('NOT_FOUND');
  });

  it('answers malformed messages with a protocol error and keeps serving', async () => {
    const pair = memoryTransportPair();
    const seen: ServerMessage[] = [];
    serveConnection(pair.server, testApi, baseHandlers);
    pair.client.onMessage((m) => seen.push(m));
    pair.client.send({ t: 'call', id: -1, proc: 'add', input: {} } as never);
    pair.client.send('garbage' as never);
    pair.client.send({ t: 'call', id: 7, proc: 'add', input: { a: 1, b: 1 } });
    await expect.poll(() => seen.length).toBe(3);
    expect(seen.filter((m) => m.t === 'protocol-error')).toHaveLength(2);
    expect(seen).toContainEqual({ t: 'result', id: 7, ok: true, value: 2 });
  });
});

describe('streams', () => {
  it('delivers every item in order, batched into frames, then ends', async () => {
    const { client, sent } = setup(baseHandlers, { maxItemsPerFrame: 1000 });
    const result = await collect<number>((h) => client.subscribe('count', { to: 25_000 }, h));
    expect(result.error).toBeUndefined();
    expect(result.items).toHaveLength(25_000);
    expect(result.items.every((v, i) => v === i)).toBe(true);
    // Batched: far fewer frames than items, none above the frame limit.
    expect(result.frames.length).toBeLessThanOrEqual(26);
    expect(Math.max(...result.frames)).toBeLessThanOrEqual(1000);
    expect(sent.filter((m) => m.t === 'data').length).toBe(result.frames.length);
    expect(sent.at(-1)).toMatchObject({ t: 'end' });
  });

  it('never has more unacknowledged frames in flight than the window', async () => {
    const pair = memoryTransportPair();
    let inFlight = 0;
    let maxInFlight = 0;
    serveConnection(
      {
        ...pair.server,
        send: (m) => {
          if (m.t === 'data') maxInFlight = Math.max(maxInFlight, ++inFlight);
          pair.server.send(m);
        },
      },
      testApi,
      baseHandlers,
      { window: 3, maxItemsPerFrame: 10 },
    );
    const client = new ContractClient<TestApi>(async () => ({
      ...pair.client,
      send: (m) => {
        if (m.t === 'ack') inFlight--;
        pair.client.send(m);
      },
    }));
    const result = await collect<number>((h) => client.subscribe('count', { to: 500 }, h));
    expect(result.items).toHaveLength(500);
    expect(maxInFlight).toBeLessThanOrEqual(3);
  });

  it('fails a "fail" stream with SLOW_CONSUMER when its reader never acks', async () => {
    const pair = memoryTransportPair();
    const seen: ServerMessage[] = [];
    serveConnection(pair.server, testApi, baseHandlers, { window: 1, maxItemsPerFrame: 10, maxBuffered: 100 });
    pair.client.onMessage((m) => seen.push(m)); // a client that never acks
    pair.client.send({ t: 'sub', id: 1, stream: 'count', input: { to: 1000 } });
    await expect.poll(() => seen.some((m) => m.t === 'error')).toBe(true);
    const error = seen.find((m) => m.t === 'error');
    expect(error).toMatchObject({ t: 'error', id: 1, error: { code: 'SLOW_CONSUMER' } });
    expect(seen.filter((m) => m.t === 'data').length).toBeLessThanOrEqual(1);
  });

  it('keeps the newest items of a "drop-oldest" stream and reports how many were dropped', async () => {
    const pair = memoryTransportPair();
    serveConnection(pair.server, testApi, baseHandlers, { window: 1, maxItemsPerFrame: 50, maxBuffered: 100 });
    const client = new ContractClient<TestApi>(async () => pair.client);
    const result = await collect<number>((h) => client.subscribe('latest', { to: 1000 }, h));
    expect(result.items.at(-1)).toBe(999);
    expect(result.items.length + result.dropped).toBe(1000);
    expect(result.dropped).toBeGreaterThan(0);
  });

  it('rejects a stream with invalid input as a stream error', async () => {
    const { client } = setup(baseHandlers);
    const result = await collect<number>((h) => client.subscribe('count', { to: -1 }, h));
    expect(result.error?.code).toBe('BAD_INPUT');
  });

  it('reports a handler that throws as a stream error', async () => {
    const { client } = setup({
      ...baseHandlers,
      count: () => {
        throw new ContractError('UNAVAILABLE', 'cluster unreachable');
      },
    });
    const result = await collect<number>((h) => client.subscribe('count', { to: 1 }, h));
    expect(result.error).toMatchObject({ code: 'UNAVAILABLE', message: 'cluster unreachable' });
  });

  it('aborts the producer when the client cancels', async () => {
    let aborted = false;
    const { client } = setup({
      ...baseHandlers,
      forever: (_i, sink) => {
        const timer = setInterval(() => sink.push(1), 1);
        sink.signal.addEventListener('abort', () => {
          aborted = true;
          clearInterval(timer);
        });
      },
    });
    let got = 0;
    const cancel = client.subscribe('forever', {}, { onData: (items) => (got += items.length) });
    await expect.poll(() => got).toBeGreaterThan(0);
    cancel();
    await expect.poll(() => aborted).toBe(true);
  });

  it('aborts every producer when the connection closes', async () => {
    let aborted = 0;
    let opened = 0;
    const { client, pair } = setup({
      ...baseHandlers,
      forever: (_i, sink) => {
        opened++;
        sink.signal.addEventListener('abort', () => aborted++);
      },
    });
    client.subscribe('forever', {}, { onData: () => {} });
    client.subscribe('forever', {}, { onData: () => {} });
    await expect.poll(() => opened).toBe(2);
    pair.close();
    expect(aborted).toBe(2);
    client.dispose();
  });

  it('reports back-pressure to the producer and resumes it once drained', async () => {
    let sawFull = false;
    const { client } = setup(
      {
        ...baseHandlers,
        count: async ({ to }, sink) => {
          for (let i = 0; i < to; i++) {
            if (!sink.push(i)) {
              sawFull = true;
              await sink.drained();
            }
          }
          sink.end();
        },
      },
      { highWater: 100, maxBuffered: 200, maxItemsPerFrame: 20, window: 1 },
    );
    const result = await collect<number>((h) => client.subscribe('count', { to: 5000 }, h));
    expect(result.error).toBeUndefined();
    expect(result.items).toHaveLength(5000);
    expect(sawFull).toBe(true);
  });
});

describe('weighted streams', () => {
  it('count batches by their size for frames and back-pressure', async () => {
    const pushes: boolean[] = [];
    const { client, sent } = setup({
      ...baseHandlers,
      batches: async (_i, sink) => {
        for (let i = 0; i < 20; i++) {
          const ok = sink.push(Array.from({ length: 50 }, (_, j) => i * 50 + j));
          pushes.push(ok);
          if (!ok) await sink.drained();
        }
        sink.end();
      },
    });
    const got: number[] = [];
    await new Promise<void>((resolve, reject) => client.subscribe('batches', {}, { onData: (items) => items.forEach((b) => got.push(...b)), onEnd: resolve, onError: reject }));
    expect(got).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    // 300 elements (6 batches of 50) reach the high-water mark: the 6th push says "slow down".
    expect(pushes.slice(0, 6)).toEqual([true, true, true, true, true, false]);
    // Frames carry at most 100 elements: two batches of 50.
    const frames = sent.filter((m) => m.t === 'data') as Array<{ items: number[][] }>;
    expect(Math.max(...frames.map((f) => f.items.reduce((n, b) => n + b.length, 0)))).toBeLessThanOrEqual(100);
  });
});

describe('snapshot items', () => {
  it('go out ahead of queued items, the latest replacing one still waiting', async () => {
    const { client, sent } = setup(
      {
        ...baseHandlers,
        states: (_i, sink) => {
          for (let i = 1; i <= 6; i++) sink.push(`line ${i}`);
          sink.push('S1');
          sink.push('S2');
          sink.push('line 7');
          sink.end();
        },
      },
      { window: 1, maxItemsPerFrame: 2 },
    );
    const got: string[] = [];
    await new Promise<void>((resolve, reject) => client.subscribe('states', {}, { onData: (items) => got.push(...items), onEnd: resolve, onError: reject }));
    expect(got).toEqual(['S2', 'line 1', 'line 2', 'line 3', 'line 4', 'line 5', 'line 6', 'line 7']);
    // A snapshot does not count against the frame's budget of ordinary items.
    expect((sent.find((m) => m.t === 'data') as { items: string[] }).items).toEqual(['S2', 'line 1', 'line 2']);
  });
});

describe('snapshot items past a full window', () => {
  it('go out at once, one snapshot-only frame at a time, without taking a place in the window', async () => {
    const pair = memoryTransportPair();
    const seen: ServerMessage[] = [];
    let sink: StreamSink<string> | undefined;
    serveConnection(pair.server, testApi, { ...baseHandlers, states: (_i, s) => void (sink = s) }, { window: 1, maxItemsPerFrame: 2, frameMs: 1 });
    pair.client.onMessage((m) => seen.push(m)); // acks by hand
    const data = () => seen.filter((m): m is Extract<ServerMessage, { t: 'data' }> => m.t === 'data');
    const ack = (seq: number) => pair.client.send({ t: 'ack', id: 1, seq });
    pair.client.send({ t: 'sub', id: 1, stream: 'states', input: {} });
    await expect.poll(() => sink).toBeDefined();
    for (const l of ['line 1', 'line 2', 'line 3']) sink!.push(l);
    await expect.poll(() => data().length).toBe(1); // the window (1 frame) is full
    sink!.push('S1');
    await expect.poll(() => data().length).toBe(2);
    expect(data()[1]!.items).toEqual(['S1']);
    sink!.push('S2');
    sink!.push('S3'); // the snapshot frame is not acked yet: the latest waits
    await new Promise((r) => setTimeout(r, 20));
    expect(data()).toHaveLength(2);
    ack(data()[1]!.seq);
    await expect.poll(() => data().length).toBe(3);
    expect(data()[2]!.items).toEqual(['S3']);
    // Its ack did not open the window for ordinary items; the first frame's ack does.
    await new Promise((r) => setTimeout(r, 20));
    expect(data()).toHaveLength(3);
    ack(data()[0]!.seq);
    await expect.poll(() => data().length).toBe(4);
    expect(data()[3]!.items).toEqual(['line 3']);
  });
});

describe('reconnection', () => {
  it('fails pending calls when the connection drops, then reconnects and reopens streams', async () => {
    const pairs: ReturnType<typeof memoryTransportPair>[] = [];
    const handlers: Handlers<TestApi> = {
      ...baseHandlers,
      add: () => new Promise(() => {}), // never answers
      forever: (_i, sink) => void sink.push(pairs.length),
    };
    const client = new ContractClient<TestApi>(
      async () => {
        const pair = memoryTransportPair();
        pairs.push(pair);
        serveConnection(pair.server, testApi, handlers);
        return pair.client;
      },
      { minDelayMs: 5 },
    );
    const received: number[] = [];
    let restarts = 0;
    client.subscribe('forever', {}, { onData: (items) => received.push(...items), onRestart: () => restarts++ });
    const pending = client.call('add', { a: 1, b: 1 });
    await expect.poll(() => received).toEqual([1]);
    pairs[0]!.close();
    await expect(pending).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    await expect.poll(() => received).toEqual([1, 2]);
    expect(client.state).toBe('open');
    expect(restarts).toBe(1);
    client.dispose();
  });
});
