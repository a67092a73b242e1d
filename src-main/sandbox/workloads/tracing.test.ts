import http from 'node:http';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startLocalCluster, waitReady } from './local-cluster';
import { createWorkloadRuntime } from './runtime';
import { contextFromTraceparent } from './tracing';
import { trace } from '@opentelemetry/api';
import { jsonLines, until, viaGateway } from './test-util';

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: { key: string; value: { stringValue?: string; intValue?: string | number } }[];
  status?: { code?: number };
}
interface Received {
  resource: Record<string, string>;
  span: OtlpSpan;
}

// A minimal OTLP/HTTP receiver: JSON encoding, /v1/traces only.
const received: Received[] = [];
const contentTypes = new Set<string>();
const receiver = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    contentTypes.add(String(req.headers['content-type']));
    if (req.url === '/v1/traces') {
      const body = JSON.parse(Buffer.concat(chunks).toString()) as {
        resourceSpans: { resource: { attributes: { key: string; value: { stringValue?: string } }[] }; scopeSpans: { spans: OtlpSpan[] }[] }[];
      };
      for (const rs of body.resourceSpans) {
        const resource = Object.fromEntries(rs.resource.attributes.map((a) => [a.key, a.value.stringValue ?? '']));
        for (const ss of rs.scopeSpans) for (const span of ss.spans) received.push({ resource, span });
      }
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{}');
  });
});
let endpoint = '';

beforeAll(async () => {
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  endpoint = `http://127.0.0.1:${(receiver.address() as { port: number }).port}`;
});
afterAll(() => new Promise<void>((r) => receiver.close(() => r())));

test('spans reach an OTLP/HTTP receiver with pod resources and proper parent/child links', async () => {
  const runtime = createWorkloadRuntime({ otlpEndpoint: endpoint });
  const c = await startLocalCluster({
    runtime,
    services: { gateway: 1, frontend: 1, cart: 1, cache: 1 },
    env: { STARTUP_DELAY_MS: '30' },
  });
  await waitReady(c);
  expect((await viaGateway(c, 'GET', '/api/cart')).status).toBe(200);
  const traceId = jsonLines(c.podsOf('gateway')[0]!).find((l) => l.msg === 'request completed')!.trace_id as string;
  await c.stop(); // graceful stop flushes the batch processors
  await until(() => received.filter((r) => r.span.traceId === traceId).length >= 7, 5000, 'spans');
  expect([...contentTypes]).toContain('application/json');

  const spans = received.filter((r) => r.span.traceId === traceId);
  // gateway, frontend, cart, cache servers (4) + gateway->frontend, frontend->cart, cart->cache clients (3)
  expect(spans).toHaveLength(7);
  const by = (service: string, kind: number) => spans.find((s) => s.resource['service.name'] === service && s.span.kind === kind)!;
  const SERVER = 2;
  const CLIENT = 3;
  const gwServer = by('gateway', SERVER);
  const gwClient = by('gateway', CLIENT);
  const feServer = by('frontend', SERVER);
  const feClient = by('frontend', CLIENT);
  const cartServer = by('cart', SERVER);
  const cartClient = by('cart', CLIENT);
  const cacheServer = by('cache', SERVER);
  expect(gwServer.span.parentSpanId ?? '').toBe(''); // the load generator is outside the trace
  expect(gwClient.span.parentSpanId).toBe(gwServer.span.spanId);
  expect(feServer.span.parentSpanId).toBe(gwClient.span.spanId);
  expect(feClient.span.parentSpanId).toBe(feServer.span.spanId);
  expect(cartServer.span.parentSpanId).toBe(feClient.span.spanId);
  expect(cartClient.span.parentSpanId).toBe(cartServer.span.spanId);
  expect(cacheServer.span.parentSpanId).toBe(cartClient.span.spanId);
  expect(gwServer.span.name).toBe('GET /api/cart');
  expect(feClient.span.name).toBe('GET /cart');
  expect(cartServer.resource).toMatchObject({
    'service.name': 'cart',
    'service.namespace': 'shop',
    'k8s.namespace.name': 'shop',
    'k8s.pod.name': c.podsOf('cart')[0]!.pod,
    'k8s.deployment.name': 'cart',
  });
  const attr = (s: Received, k: string) => s.span.attributes.find((a) => a.key === k)?.value;
  expect(attr(cartServer, 'http.route')?.stringValue).toBe('/cart');
  expect(attr(feClient, 'server.address')?.stringValue).toBe('cart.shop.svc.cluster.local');
  expect(Number(attr(cacheServer, 'http.response.status_code')?.intValue)).toBe(404); // a cart nobody filled
});

test('without an endpoint nothing is exported, but trace ids still flow', async () => {
  const before = received.length;
  const c = await startLocalCluster({ runtime: createWorkloadRuntime({ otlpEndpoint: '' }), services: { cache: 1 }, env: { STARTUP_DELAY_MS: '30' } });
  await waitReady(c);
  const cache = c.podsOf('cache')[0]!;
  await fetch(`http://127.0.0.1:${cache.container.port}/get?key=a`);
  await c.stop();
  expect(jsonLines(cache).find((l) => l.msg === 'configuration loaded')?.otlp_export).toBe(false);
  expect(jsonLines(cache).find((l) => l.msg === 'request completed')?.trace_id).toMatch(/^[0-9a-f]{32}$/);
  await new Promise((r) => setTimeout(r, 200));
  expect(received.length).toBe(before);
});

test('traceparent parsing follows W3C Trace Context', () => {
  const sc = (h: string | undefined) => trace.getSpanContext(contextFromTraceparent(h));
  expect(sc('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')).toMatchObject({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1, isRemote: true });
  expect(sc('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00')?.traceFlags).toBe(0);
  expect(sc('00-00000000000000000000000000000000-00f067aa0ba902b7-01')).toBeUndefined();
  expect(sc('ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')).toBeUndefined();
  expect(sc('garbage')).toBeUndefined();
  expect(sc(undefined)).toBeUndefined();
});
