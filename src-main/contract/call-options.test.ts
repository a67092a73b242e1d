// Per-call cancellation and pre-serialized (RawJson) results.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ClientError, ContractClient } from './client';
import { procedure } from './define';
import { memoryTransportPair } from './memory-transport';
import { encodeServerMessage, type ServerMessage } from './messages';
import { RawJson } from './raw-json';
import { serveConnection, type Handlers } from './server';

const testApi = {
  slow: procedure<string>()(z.object({ ms: z.number() }).strict()),
  raw: procedure<{ xs: number[]; s: string }>()(z.object({ text: z.string() }).strict()),
};
type TestApi = typeof testApi;

function setup(handlers: Handlers<TestApi>) {
  const pair = memoryTransportPair();
  const sent: ServerMessage[] = [];
  serveConnection({ ...pair.server, send: (m) => (sent.push(m), pair.server.send(m)) }, testApi, handlers);
  return { client: new ContractClient<TestApi>(async () => pair.client), sent };
}

describe('cancelling a call', () => {
  it('rejects with CANCELLED, aborts the handler and sends no result', async () => {
    let started = false;
    let handlerAborted: Promise<string> | undefined;
    const { client, sent } = setup({
      slow: ({ ms }, ctx) => {
        started = true;
        handlerAborted = new Promise((resolve) => ctx.signal.addEventListener('abort', () => resolve('aborted')));
        return new Promise((resolve) => setTimeout(() => resolve('done'), ms));
      },
      raw: () => new RawJson(''),
    });
    const controller = new AbortController();
    const pending = client.call('slow', { ms: 300 }, { signal: controller.signal });
    await expect.poll(() => started).toBe(true);
    controller.abort();
    const err = (await pending.catch((e: unknown) => e)) as ClientError;
    expect(err).toBeInstanceOf(ClientError);
    expect(err.code).toBe('CANCELLED');
    await expect(handlerAborted).resolves.toBe('aborted');
    await new Promise((r) => setTimeout(r, 350));
    expect(sent.filter((m) => m.t === 'result')).toEqual([]);
    // The connection is fine afterwards.
    await expect(client.call('slow', { ms: 1 })).resolves.toBe('done');
  });

  it('rejects at once, without sending, when the signal is already aborted', async () => {
    let calls = 0;
    const { client } = setup({ slow: () => (calls++, 'x'), raw: () => new RawJson('') });
    const err = (await client.call('slow', { ms: 1 }, { signal: AbortSignal.abort() }).catch((e: unknown) => e)) as ClientError;
    expect(err.code).toBe('CANCELLED');
    await expect(client.call('slow', { ms: 1 })).resolves.toBe('x');
    expect(calls).toBe(1);
  });
});

describe('RawJson results', () => {
  it('reach the client parsed, over a structured-clone transport', async () => {
    const { client, sent } = setup({ slow: () => '', raw: ({ text }) => new RawJson(text) });
    await expect(client.call('raw', { text: '{"xs":[1,2.5,-3e-7],"s":"a\\"b\\u2028"}' })).resolves.toEqual({ xs: [1, 2.5, -3e-7], s: 'a"b\u2028' });
    expect(sent.find((m) => m.t === 'result')).toMatchObject({ json: expect.any(String) });
  });

  it('are spliced into WebSocket frames as a plain value', () => {
    const text = '{"xs":[1,2],"s":"}\\"],"}';
    const frame = encodeServerMessage({ t: 'result', id: 7, ok: true, json: text });
    expect(JSON.parse(frame)).toEqual({ t: 'result', id: 7, ok: true, value: { xs: [1, 2], s: '}"],' } });
    const plain: ServerMessage = { t: 'result', id: 8, ok: true, value: { a: 1 } };
    expect(encodeServerMessage(plain)).toBe(JSON.stringify(plain));
  });

  it('that are not valid JSON fail the call, not the connection', async () => {
    const { client } = setup({ slow: () => 'ok', raw: () => new RawJson('{not json') });
    const err = (await client.call('raw', { text: '' }).catch((e: unknown) => e)) as ClientError;
    expect(err.code).toBe('INTERNAL');
    await expect(client.call('slow', { ms: 1 })).resolves.toBe('ok');
  });
});
