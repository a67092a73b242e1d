// Helpers shared by this folder's tests: reading Prometheus text exposition and talking to pods.
import type { LocalCluster, LocalPod } from './local-cluster';

export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parse the Prometheus text format (enough of it for prom-client's output). */
export function parseExposition(text: string): PromSample[] {
  const out: PromSample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)$/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

export async function scrape(pod: LocalPod): Promise<PromSample[]> {
  const r = await fetch(`http://127.0.0.1:${pod.container.port}/metrics`);
  return parseExposition(await r.text());
}

export async function scrapeAll(c: LocalCluster): Promise<PromSample[]> {
  const all = await Promise.all(c.pods.filter((p) => !p.exit).map(scrape));
  return all.flat();
}

/** Send a request to the first gateway pod, as the load generator would. */
export async function viaGateway(c: LocalCluster, method: string, path: string, user = 'u1'): Promise<{ status: number; ms: number }> {
  const gw = c.podsOf('gateway')[0]!;
  const t0 = performance.now();
  const body = method === 'GET' ? undefined : JSON.stringify({ user, product: 'p1', qty: 1 });
  const r = await fetch(`http://127.0.0.1:${gw.container.port}${path}?user=${user}&product=p1`, {
    method,
    body,
    headers: body ? { 'content-type': 'application/json' } : {},
  });
  await r.text();
  return { status: r.status, ms: performance.now() - t0 };
}

export function jsonLines(p: LocalPod): Record<string, unknown>[] {
  return p.lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
}

export async function until(cond: () => boolean | Promise<boolean>, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
