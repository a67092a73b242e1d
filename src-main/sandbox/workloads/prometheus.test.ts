import { afterAll, describe, expect, test } from 'vitest';
import { createWorkloadRuntime } from './runtime';
import { startLocalCluster, waitReady, type LocalCluster } from './local-cluster';
import { findPrometheusBinary, startPrometheus, type RunningPrometheus, type ScrapeTarget } from './prometheus';

const bin = findPrometheusBinary();
if (!bin) console.warn('SKIP prometheus.test.ts: no prometheus binary (install the Debian `prometheus` package or set PROMETHEUS_BIN)');

interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

async function query(url: string, q: string): Promise<Sample[]> {
  const r = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(q)}`);
  const j = (await r.json()) as { status: string; data: { result: Sample[] } };
  expect(j.status).toBe('success');
  return j.data.result;
}

function targetsOf(c: LocalCluster): ScrapeTarget[] {
  return c.pods
    .filter((p) => !p.exit)
    .map((p) => ({
      address: `127.0.0.1:${p.container.port}`,
      labels: { namespace: p.namespace, pod: p.pod, container: p.service, service: p.service, node: 'sandbox-node-1' },
    }));
}

test('without a binary, startPrometheus says so and carries on', async () => {
  const logs: string[] = [];
  const h = await startPrometheus({ bin: '/nonexistent/prometheus', log: (m) => logs.push(m) });
  expect(h.available).toBe(false);
  if (!h.available) expect(h.reason).toContain('/nonexistent/prometheus');
  await h.updateTargets([]);
  await h.stop();
  await startPrometheus({ bin: '/nonexistent/prometheus', log: (m) => logs.push(m) });
  expect(logs.length).toBeLessThanOrEqual(1); // logged once per process
  if (logs.length) expect(logs[0]).toMatch(/prometheus not found/);
});

describe.skipIf(!bin)('with the real Prometheus', () => {
  let cluster: LocalCluster | undefined;
  let prom: RunningPrometheus | undefined;
  afterAll(async () => {
    await prom?.stop();
    await cluster?.stop();
  });

  test('scrapes every pod with up == 1 within 30 s, labelled like kubernetes_sd', { timeout: 60_000 }, async () => {
    cluster = await startLocalCluster({ runtime: createWorkloadRuntime(), env: { STARTUP_DELAY_MS: '50' } });
    await waitReady(cluster);
    const h = await startPrometheus({ log: () => {}, scrapeIntervalSeconds: 5 });
    if (!h.available) throw new Error(h.reason);
    prom = h;
    const t0 = Date.now();
    await h.updateTargets(targetsOf(cluster));
    const want = cluster.pods.length;
    let up: Sample[] = [];
    while (Date.now() - t0 < 30_000) {
      up = await query(h.url, 'up{job!="prometheus"} == 1');
      if (up.length === want) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(up.length).toBe(want);
    const cart = up.find((s) => s.metric.service === 'cart');
    expect(cart?.metric).toMatchObject({ namespace: 'shop', container: 'cart', job: 'cart', node: 'sandbox-node-1' });
    expect(cart?.metric.pod).toMatch(/^cart-/);
    expect(Object.keys(cart!.metric).some((k) => k.startsWith('__meta'))).toBe(false);

    // Pods going away leave the target list.
    const gone = cluster.podsOf('payments')[0]!;
    await gone.container.stop();
    gone.exit = { exitCode: 0, reason: 'Completed' };
    await h.updateTargets(targetsOf(cluster));
    const deadline = Date.now() + 15_000;
    let tg: { activeTargets: { labels: Record<string, string> }[] } = { activeTargets: [] };
    while (Date.now() < deadline) {
      const r = (await (await fetch(`${h.url}/api/v1/targets?state=active`)).json()) as { data: typeof tg };
      tg = r.data;
      if (!tg.activeTargets.some((t) => t.labels.pod === gone.pod)) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(tg.activeTargets.some((t) => t.labels.pod === gone.pod)).toBe(false);
  });

  test('stop terminates the process and removes its directory', async () => {
    const h = prom!;
    await h.stop();
    const e = await h.exited;
    expect(e.code === 0 || e.signal === 'SIGTERM').toBe(true);
    expect(() => process.kill(h.pid, 0)).toThrow();
    const { existsSync } = await import('node:fs');
    expect(existsSync(h.dir)).toBe(false);
    prom = undefined;
  });
});

describe.skipIf(!bin)('orphans', () => {
  test('Prometheus dies with the process that started it, even on SIGKILL', { timeout: 40_000 }, async () => {
    const { spawn } = await import('node:child_process');
    const path = await import('node:path');
    // prometheus.ts has no relative imports, so Node 22 can run it directly with type stripping.
    const mod = path.resolve(__dirname, 'prometheus.ts');
    const script = `import { startPrometheus } from ${JSON.stringify(mod)};
      const h = await startPrometheus({ log: () => {} });
      console.log(h.pid);
      setInterval(() => {}, 1000);`;
    const parent = spawn(process.execPath, ['--experimental-strip-types', '--no-warnings', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
      cwd: path.resolve(__dirname, '../../..'),
    });
    const pid = await new Promise<number>((resolve, reject) => {
      let out = '';
      parent.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /(\d+)\n/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      parent.once('exit', (c) => reject(new Error(`parent exited early (${c})`)));
    });
    expect(pid).toBeGreaterThan(0);
    expect(() => process.kill(pid, 0)).not.toThrow();
    parent.kill('SIGKILL');
    const deadline = Date.now() + 15_000;
    let alive = true;
    while (alive && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      try {
        process.kill(pid, 0);
      } catch {
        alive = false;
      }
    }
    if (alive) process.kill(pid, 'SIGKILL');
    expect(alive).toBe(false);
  });
});
