// Scale mode at 100 000 synthetic pods (`--scale-pods 100000`), in this process:
// - creating them (defaulting, validation, frozen objects, indexes, watch history) vs the least an
//   in-memory store must do: a JSON copy of each same pod into a Map;
// - listing them all over HTTPS in pages of 500 (limit/continue, as kubectl and informers page)
//   vs a minimal HTTPS server (same kind of certificate, same client) serving the same pods from
//   an array, JSON.stringify per page.
// Also reports the sandbox's startup time with them (issue 3: under 5 s without scale mode).
import { createServer, request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateServingCerts } from '../src-main/sandbox/apiserver/certs';
import { startSandboxImpl } from '../src-main/sandbox/sandbox';
import { kubeClient } from '../src-main/sandbox/test-helpers';
import { report } from './report';

const N = 100_000;
const PAGE = 500;
const SELECTOR = 'labelSelector=sandbox.orrery.dev%2Fsynthetic%3Dtrue';

interface Pod {
  metadata: { namespace?: string; name?: string };
  [field: string]: unknown;
}
interface PodList {
  metadata: { continue?: string };
  items: Pod[];
}
type Get = (path: string) => Promise<PodList>;

async function listAll(get: Get, path: string): Promise<{ ms: number; items: Pod[] }> {
  const t0 = performance.now();
  const items: Pod[] = [];
  let cont = '';
  do {
    const page = await get(`${path}${path.includes('?') ? '&' : '?'}limit=${PAGE}${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`);
    items.push(...page.items);
    cont = page.metadata.continue ?? '';
  } while (cont);
  return { ms: performance.now() - t0, items };
}

/** The least a server can do: pods in an array, one JSON.stringify per page, continue = offset. */
async function minimalServer(pods: Pod[]): Promise<{ url: string; caPem: string; close(): void }> {
  const certs = await generateServingCerts();
  const server = createServer({ cert: certs.certPem, key: certs.keyPem }, (req, res) => {
    const u = new URL(req.url!, 'https://x');
    const limit = Number(u.searchParams.get('limit') ?? pods.length);
    const from = Number(u.searchParams.get('continue') ?? 0);
    const next = from + limit < pods.length ? String(from + limit) : undefined;
    const body = JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '1', ...(next ? { continue: next } : {}) }, items: pods.slice(from, from + limit) });
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, caPem: certs.caPem, close: () => server.close() };
}

/** The same kind of HTTPS GET + JSON.parse as the sandbox side (test-helpers' kubeClient). */
function getJson(url: string, caPem: string, path: string): Promise<PodList> {
  return new Promise((res, rej) => {
    const req = request(new URL(path, url), { ca: caPem, headers: { Accept: 'application/json' } }, (r) => {
      const chunks: Buffer[] = [];
      r.on('data', (d: Buffer) => chunks.push(d));
      r.on('end', () => res(JSON.parse(Buffer.concat(chunks).toString('utf8')) as PodList));
      r.on('error', rej);
    });
    req.on('error', rej);
    req.end();
  });
}

async function main(): Promise<void> {
  const kubeconfigPath = join(mkdtempSync(join(tmpdir(), 'orrery-bench-scale-')), 'kubeconfig');
  const logs: string[] = [];
  const t0 = performance.now();
  const sb = await startSandboxImpl({ kubeconfigPath, prometheus: 'off', scalePods: N, log: (l) => logs.push(l) });
  const startMs = performance.now() - t0;
  try {
    const m = logs.map((l) => /(\d+) synthetic pods .* in (\d+) ms/.exec(l)).find(Boolean);
    if (!m || Number(m[1]) !== N) throw new Error(`no creation line for ${N} pods in ${logs.join('\n')}`);
    const createMs = Number(m[2]);
    const admin = kubeClient(kubeconfigPath);
    await new Promise((r) => setTimeout(r, 2000)); // let the constellation start
    const listed = await listAll(admin.get, `/api/v1/pods?${SELECTOR}`);
    if (listed.items.length !== N) throw new Error(`listed ${listed.items.length} of ${N}`);
    console.log(`startup with ${N} pods ${Math.round(startMs)} ms; created in ${createMs} ms; listed in ${Math.round(listed.ms)} ms`);

    // Baselines with the very pods the sandbox served.
    const b0 = performance.now();
    const map = new Map<string, Pod>();
    for (const p of listed.items) map.set(`${p.metadata.namespace}/${p.metadata.name}`, JSON.parse(JSON.stringify(p)) as Pod);
    const copyMs = performance.now() - b0;
    const minimal = await minimalServer(listed.items);
    const base = await listAll((p) => getJson(minimal.url, minimal.caPem, p), '/api/v1/pods');
    minimal.close();
    if (base.items.length !== N || map.size !== N) throw new Error('baseline incomplete');

    report([
      { name: `create ${N.toLocaleString('en-US')} synthetic pods (--scale-pods)`, unit: 'ms', figure: createMs, baseline: copyMs, baselineName: 'JSON copy of each pod into a Map', better: 'lower', target: { maxRatio: 10 } },
      { name: `list ${N.toLocaleString('en-US')} pods over HTTPS in pages of ${PAGE}`, unit: 'ms', figure: listed.ms, baseline: base.ms, baselineName: 'minimal HTTPS server, array slice + JSON.stringify', better: 'lower', target: { maxRatio: 2 } },
      { name: `sandbox startup with ${N.toLocaleString('en-US')} synthetic pods`, unit: 'ms', figure: startMs, baseline: createMs, baselineName: 'creating the pods alone', better: 'lower' },
    ]);
  } finally {
    await sb.stop();
  }
}

await main();
