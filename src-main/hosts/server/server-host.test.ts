import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createBackend } from '../../core/backend';
import { createTelemetry } from '../../core/telemetry/telemetry';
import { contentSecurityPolicy } from '../csp';
import { startServerHost, type ServerHost } from './server-host';

let dir: string;
let host: ServerHost;
const kubeconfig = 'contexts: [{name: a, context: {cluster: c}}]\nclusters: [{name: c, cluster: {server: https://c.example}}]\n';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'orrery-host-'));
  await mkdir(join(dir, 'renderer', 'assets'), { recursive: true });
  await writeFile(join(dir, 'renderer', 'index.html'), '<!doctype html><title>Orrery</title>');
  await writeFile(join(dir, 'renderer', 'assets', 'app.js'), 'console.log(1)');
  await writeFile(join(dir, 'secret.txt'), 'outside the renderer');
  await writeFile(join(dir, 'config'), kubeconfig);
  const telemetry = createTelemetry();
  const backend = createBackend({ host: 'server', version: '0.0.0-test', kubeconfigPaths: [join(dir, 'config')], telemetry });
  host = await startServerHost({ backend, telemetry, rendererDir: join(dir, 'renderer') });
});
afterAll(async () => {
  await host.close();
  await rm(dir, { recursive: true, force: true });
});

const base = () => `http://127.0.0.1:${host.port}`;
const bearer = () => ({ authorization: `Bearer ${host.token}` });

function openSocket(headers: Record<string, string>): Promise<{ ws?: WebSocket; status?: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws`, { headers });
    ws.on('open', () => resolve({ ws }));
    ws.on('unexpected-response', (_req, res) => resolve({ status: res.statusCode }));
    ws.on('error', () => undefined);
  });
}

describe('server host', () => {
  it('binds to loopback only and prints a URL carrying the token', () => {
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/?token=${host.token}`);
    expect(host.token.length).toBeGreaterThanOrEqual(32);
  });

  it.each(['/', '/index.html', '/assets/app.js', '/metrics', '/healthz', '/no/such/page', '/ws'])('refuses %s without the token (401)', async (path) => {
    const res = await fetch(base() + path);
    expect(res.status).toBe(401);
  });

  it('refuses a wrong token and a wrong cookie', async () => {
    expect((await fetch(`${base()}/?token=nope`)).status).toBe(401);
    expect((await fetch(`${base()}/`, { headers: { cookie: `orrery_token_${host.port}=nope` } })).status).toBe(401);
    expect((await fetch(`${base()}/`, { headers: { authorization: 'Bearer nope' } })).status).toBe(401);
  });

  it('refuses the WebSocket without the token, with a wrong one, and from a foreign origin', async () => {
    expect((await openSocket({})).status).toBe(401);
    expect((await openSocket({ authorization: 'Bearer nope' })).status).toBe(401);
    expect((await openSocket({ ...bearer(), origin: 'http://evil.example' })).status).toBe(403);
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    const res = await new Promise<number>((resolve) => {
      void import('node:http').then(({ request }) => {
        request({ host: '127.0.0.1', port: host.port, path: `/?token=${host.token}`, headers: { host: 'evil.example' } }, (r) => resolve(r.statusCode ?? 0)).end();
      });
    });
    expect(res).toBe(403);
  });

  it('trades the URL token for an HttpOnly SameSite=Strict cookie and a clean URL', async () => {
    const res = await fetch(`${base()}/?token=${host.token}`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/');
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toContain(`orrery_token_${host.port}=${host.token}`);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    const page = await fetch(`${base()}/`, { headers: { cookie: cookie.split(';')[0]! } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>Orrery</title>');
    expect(page.headers.get('content-security-policy')).toBe(contentSecurityPolicy);
  });

  it('serves assets and deep links, but nothing outside the renderer folder', async () => {
    expect(await (await fetch(`${base()}/assets/app.js`, { headers: bearer() })).text()).toBe('console.log(1)');
    expect(await (await fetch(`${base()}/some/view`, { headers: bearer() })).text()).toContain('Orrery');
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt']) {
      const res = await fetch(base() + path, { headers: bearer() });
      expect(await res.text()).not.toContain('outside the renderer');
    }
  });

  it('serves Orrery metrics in Prometheus format with the token', async () => {
    const res = await fetch(`${base()}/metrics`, { headers: bearer() });
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).toMatch(/^# HELP orrery_process_cpu_user_seconds_total/m);
    expect(body).toContain('orrery_messages_sent_total');
  });

  it('answers the contract over the WebSocket, and counts it in /metrics', async () => {
    const { ws } = await openSocket(bearer());
    const messages: unknown[] = [];
    ws!.on('message', (data) => messages.push(JSON.parse(String(data))));
    ws!.send(JSON.stringify({ t: 'call', id: 1, proc: 'contexts.list', input: {} }));
    ws!.send(JSON.stringify({ t: 'call', id: 2, proc: 'contexts.list', input: { bogus: 1 } }));
    ws!.send('not json');
    await expect.poll(() => messages.length).toBe(3);
    expect(messages).toContainEqual(expect.objectContaining({ t: 'result', id: 1, ok: true, value: expect.objectContaining({ contexts: [expect.objectContaining({ name: 'a', server: 'https://c.example' })] }) }));
    expect(messages).toContainEqual(expect.objectContaining({ t: 'result', id: 2, ok: false, error: expect.objectContaining({ code: 'BAD_INPUT' }) }));
    expect(messages).toContainEqual(expect.objectContaining({ t: 'protocol-error' }));
    const metrics = await (await fetch(`${base()}/metrics`, { headers: bearer() })).text();
    expect(metrics).toMatch(/orrery_calls_total\{procedure="contexts.list",outcome="ok"\} 1/);
    expect(metrics).toMatch(/orrery_clients 1/);
    ws!.close();
  });

  it('pushes a new contexts snapshot when a kubeconfig file changes', async () => {
    const { ws } = await openSocket(bearer());
    const frames: Array<{ t: string; items?: Array<{ contexts: Array<{ name: string }> }> }> = [];
    ws!.on('message', (data) => {
      const m = JSON.parse(String(data));
      frames.push(m);
      if (m.t === 'data') ws!.send(JSON.stringify({ t: 'ack', id: m.id, seq: m.seq }));
    });
    ws!.send(JSON.stringify({ t: 'sub', id: 9, stream: 'contexts.watch', input: {} }));
    await expect.poll(() => frames.filter((f) => f.t === 'data').length).toBe(1);
    await writeFile(join(dir, 'config'), kubeconfig.replace('name: a,', 'name: renamed,'));
    await expect.poll(() => frames.filter((f) => f.t === 'data').at(-1)?.items?.at(-1)?.contexts[0]?.name, { timeout: 5000 }).toBe('renamed');
    ws!.close();
  });
});
