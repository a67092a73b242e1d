// The contract over WebSocket against raw `ws`, in the same process and run:
// - stream throughput: items/s through serveConnection + ContractClient (validation, batching,
//   acks) vs a raw ws server pushing the same items as JSON arrays of the same size;
// - call latency: a procedure round trip vs a raw ws echo round trip;
// - stream delivery latency: push -> onData, vs a raw ws message push -> receive.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import WebSocket, { WebSocketServer } from 'ws';
import { z } from 'zod';
import { ContractClient } from '../src-main/contract/client';
import { procedure, stream } from '../src-main/contract/define';
import { serveConnection } from '../src-main/contract/server';
import { webSocketTransport } from '../src-main/hosts/server/ws-transport';
import { report } from './report';
import { wsTransport } from './stack';

const benchApi = {
  echo: procedure<{ n: number }>()(z.object({ n: z.number() })),
  flood: stream<{ seq: number; pod: string; line: string }>('fail')(z.object({ count: z.number().int() })),
  ticks: stream<{ sentAt: number }>('fail')(z.object({ count: z.number().int(), everyMs: z.number() })),
};

const ITEMS = 1_000_000;
const item = (seq: number) => ({ seq, pod: 'checkout-7d9f8b6c5-x2x9z', line: `{"level":"info","msg":"request served","route":"/api/checkout","status":200,"seq":${seq}}` });

async function listen(onSocket: (ws: WebSocket) => void) {
  const server = createServer();
  const wss = new WebSocketServer({ server });
  wss.on('connection', onSocket);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      wss.close();
      server.close();
    },
  };
}


const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((values.length * p) / 100))]!;

async function contractSide() {
  const server = await listen((ws) =>
    serveConnection(webSocketTransport(ws), benchApi, {
      echo: (input) => input,
      flood: async ({ count }, sink) => {
        for (let i = 0; i < count; i++) if (!sink.push(item(i))) await sink.drained();
        sink.end();
      },
      ticks: ({ count, everyMs }, sink) => {
        let sent = 0;
        const timer = setInterval(() => {
          sink.push({ sentAt: performance.now() });
          if (++sent === count) {
            clearInterval(timer);
            sink.end();
          }
        }, everyMs);
      },
    }),
  );
  const client = new ContractClient<typeof benchApi>(() => wsTransport(server.url));

  const started = performance.now();
  let received = 0;
  let lastSeq = -1;
  await new Promise<void>((resolve, reject) =>
    client.subscribe('flood', { count: ITEMS }, {
      onData(items) {
        for (const it of items) {
          if (it.seq !== lastSeq + 1) reject(new Error(`out of order: ${it.seq} after ${lastSeq}`));
          lastSeq = it.seq;
        }
        received += items.length;
      },
      onEnd: resolve,
      onError: reject,
    }),
  );
  const throughput = received / ((performance.now() - started) / 1000);

  const rtts: number[] = [];
  for (let i = 0; i < 3000; i++) {
    const t = performance.now();
    await client.call('echo', { n: i });
    rtts.push(performance.now() - t);
  }

  const delays: number[] = [];
  await new Promise<void>((resolve, reject) =>
    client.subscribe('ticks', { count: 300, everyMs: 3 }, {
      onData: (items) => items.forEach((it) => delays.push(performance.now() - it.sentAt)),
      onEnd: resolve,
      onError: reject,
    }),
  );
  client.dispose();
  server.close();
  return { throughput, callP50: percentile(rtts, 50), callP99: percentile(rtts, 99), streamP50: percentile(delays, 50) };
}

async function rawSide() {
  // Raw ws: the server pushes the same items in arrays of the contract's frame size, no acks.
  const server = await listen((ws) => {
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data)) as { kind: string; n?: number; count?: number };
      if (msg.kind === 'echo') ws.send(JSON.stringify({ n: msg.n }));
      else if (msg.kind === 'flood') {
        const frame = 2000;
        let i = 0;
        const pump = () => {
          while (i < msg.count!) {
            const batch = [];
            for (let j = 0; j < frame && i < msg.count!; j++) batch.push(item(i++));
            ws.send(JSON.stringify(batch));
            if (ws.bufferedAmount > 4 * 1024 * 1024) return void setImmediate(pump);
          }
          ws.send('"end"');
        };
        pump();
      } else if (msg.kind === 'ticks') {
        let sent = 0;
        const timer = setInterval(() => {
          ws.send(JSON.stringify({ sentAt: performance.now() }));
          if (++sent === msg.count) {
            clearInterval(timer);
            ws.send('"end"');
          }
        }, 3);
      }
    });
  });
  const ws = new WebSocket(server.url);
  await new Promise((r) => ws.on('open', r));
  const next = () => new Promise<unknown>((r) => ws.once('message', (d) => r(JSON.parse(String(d)))));

  const started = performance.now();
  let received = 0;
  await new Promise<void>((resolve) => {
    const onMessage = (d: WebSocket.RawData) => {
      const parsed = JSON.parse(String(d)) as unknown;
      if (parsed === 'end') return (ws.off('message', onMessage), resolve());
      received += (parsed as unknown[]).length;
    };
    ws.on('message', onMessage);
    ws.send(JSON.stringify({ kind: 'flood', count: ITEMS }));
  });
  const throughput = received / ((performance.now() - started) / 1000);

  const rtts: number[] = [];
  for (let i = 0; i < 3000; i++) {
    const t = performance.now();
    const reply = next();
    ws.send(JSON.stringify({ kind: 'echo', n: i }));
    await reply;
    rtts.push(performance.now() - t);
  }

  const delays: number[] = [];
  await new Promise<void>((resolve) => {
    const onMessage = (d: WebSocket.RawData) => {
      const parsed = JSON.parse(String(d)) as { sentAt: number } | 'end';
      if (parsed === 'end') return (ws.off('message', onMessage), resolve());
      delays.push(performance.now() - parsed.sentAt);
    };
    ws.on('message', onMessage);
    ws.send(JSON.stringify({ kind: 'ticks', count: 300 }));
  });
  ws.close();
  server.close();
  return { throughput, callP50: percentile(rtts, 50), callP99: percentile(rtts, 99), streamP50: percentile(delays, 50) };
}

const raw = await rawSide();
const contract = await contractSide();
report([
  { name: 'contract stream throughput (1M log-line items)', unit: 'items/s', figure: contract.throughput, baseline: raw.throughput, baselineName: 'raw ws push, same frames', better: 'higher' },
  { name: 'contract call latency p50', unit: 'ms', figure: contract.callP50, baseline: raw.callP50, baselineName: 'raw ws echo', better: 'lower' },
  { name: 'contract call latency p99', unit: 'ms', figure: contract.callP99, baseline: raw.callP99, baselineName: 'raw ws echo', better: 'lower' },
  { name: 'stream delivery latency p50 (8 ms frames)', unit: 'ms', figure: contract.streamP50, baseline: raw.streamP50, baselineName: 'raw ws message per item', better: 'lower' },
]);
