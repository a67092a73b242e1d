// Helpers for tests that start a whole sandbox: an admin HTTPS client built from the written
// kubeconfig (so requests take the same path kubectl's do), polling, and Prometheus text parsing.
import { request } from 'node:https';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { startSandboxImpl, type InternalOptions } from './sandbox';
import type { Sandbox, SandboxOptions } from './options';
import { parseExposition, type PromSample } from './workloads/test-util';

export { parseExposition, type PromSample };

export interface KubeClient {
  url: string;
  caPem: string;
  token: string;
  /** Raw request; resolves with status and body text (never rejects on HTTP errors). */
  raw(method: string, path: string, body?: unknown, contentType?: string): Promise<{ status: number; text: string }>;
  /** GET returning parsed JSON; rejects on status >= 400. */
  get(path: string): Promise<any>;
  text(path: string): Promise<string>;
}

/** A client for one kubeconfig context (default: the admin context). */
export function kubeClient(kubeconfigPath: string, context = 'orrery-sandbox'): KubeClient {
  const kc = parse(readFileSync(kubeconfigPath, 'utf8'));
  const ctx = kc.contexts.find((c: any) => c.name === context).context;
  const cluster = kc.clusters.find((c: any) => c.name === ctx.cluster).cluster;
  const token: string = kc.users.find((u: any) => u.name === ctx.user).user.token;
  const caPem = Buffer.from(cluster['certificate-authority-data'], 'base64').toString('utf8');
  const url: string = cluster.server;
  const raw = (method: string, path: string, body?: unknown, contentType = 'application/json') =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const data = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
      const req = request(
        new URL(path, url),
        {
          method,
          ca: caPem,
          headers: { Authorization: `Bearer ${token}`, Accept: 'application/json', ...(data !== undefined ? { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(data) } : {}) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (d: Buffer) => chunks.push(d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(data);
    });
  const text = async (path: string) => {
    const r = await raw('GET', path);
    if (r.status >= 400) throw new Error(`GET ${path}: ${r.status} ${r.text.slice(0, 300)}`);
    return r.text;
  };
  return { url, caPem, token, raw, text, get: async (path) => JSON.parse(await text(path)) };
}

export async function until<T>(what: string, f: () => Promise<T | undefined | false> | T | undefined | false, ms = 30_000, everyMs = 250): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await f();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

export const podReady = (p: any) => !p.metadata.deletionTimestamp && p.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True');

export interface TestSandbox {
  sb: Sandbox;
  kubeconfig: string;
  admin: KubeClient;
  startMs: number;
}

/** Start a sandbox in this process and wait until every constellation pod is Running and Ready. */
export async function startTestSandbox(opts: Partial<SandboxOptions> & InternalOptions = {}): Promise<TestSandbox> {
  const dir = mkdtempSync(join(tmpdir(), 'orrery-sandbox-'));
  const kubeconfig = join(dir, 'kubeconfig');
  const t = Date.now();
  const sb = await startSandboxImpl({ kubeconfigPath: kubeconfig, prometheus: 'off', backoffBaseMs: 500, backoffMaxMs: 4000, ...opts });
  const startMs = Date.now() - t;
  const admin = kubeClient(kubeconfig);
  await until('constellation ready', async () => {
    const pods = (await admin.get('/api/v1/pods')).items.filter((p: any) => !p.metadata.annotations?.['sandbox.orrery.dev/synthetic']);
    return pods.length >= 17 && pods.every(podReady);
  });
  return { sb, kubeconfig, admin, startMs };
}

/** Pods of one constellation service (Running, not terminating). */
export async function servicePods(c: KubeClient, ns: string, app: string): Promise<any[]> {
  const items = (await c.get(`/api/v1/namespaces/${ns}/pods?labelSelector=${encodeURIComponent(`app.kubernetes.io/name=${app}`)}`)).items;
  return items.filter((p: any) => !p.metadata.deletionTimestamp && p.status?.phase === 'Running');
}

/** Scrape /metrics of every given pod through the API server's pods/proxy subresource. */
export async function scrapePods(c: KubeClient, pods: any[], port = 8080): Promise<PromSample[]> {
  const all = await Promise.all(pods.map((p) => c.text(`/api/v1/namespaces/${p.metadata.namespace}/pods/${p.metadata.name}:${port}/proxy/metrics`).then(parseExposition)));
  return all.flat();
}

/** Sum of the samples named `name` whose labels match every entry of `match` (a RegExp or exact value). */
export function sumSamples(samples: PromSample[], name: string, match: Record<string, string | RegExp> = {}): number {
  let s = 0;
  for (const x of samples) {
    if (x.name !== name) continue;
    if (Object.entries(match).every(([k, v]) => (typeof v === 'string' ? x.labels[k] === v : v.test(x.labels[k] ?? '')))) s += x.value;
  }
  return s;
}

/** Audit events (ResponseComplete) written for a user. */
export function auditEntries(path: string, user: string): any[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.includes(`"username":"${user}"`))
    .map((l) => JSON.parse(l))
    .filter((e) => e.stage === 'ResponseComplete');
}

/** The JSON lines of a pod's log (via pods/log). */
export async function podLogJson(c: KubeClient, pod: any, query = ''): Promise<any[]> {
  const text = await c.text(`/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}/log${query ? `?${query}` : ''}`);
  return text
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l));
}
