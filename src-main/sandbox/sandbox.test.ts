// End-to-end: a started sandbox driven by the real kubectl.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandboxImpl } from './sandbox';
import type { Sandbox } from './options';
import { until } from './test-helpers';

let sb: Sandbox;
let kubeconfig: string;
let startMs = 0;

function kubectl(args: string[], context?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('kubectl', [...(context ? ['--context', context] : []), ...args], { env: { ...process.env, KUBECONFIG: kubeconfig, KUBECTL_KUBERC: 'false' }, timeout: 90_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}


async function pods(ns: string, selector?: string): Promise<any[]> {
  const r = await kubectl(['get', 'pods', '-n', ns, '-o', 'json', ...(selector ? ['-l', selector] : [])]);
  return JSON.parse(r.stdout).items;
}

const readyCount = (ps: any[]) => ps.filter((p) => !p.metadata.deletionTimestamp && p.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True')).length;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'orrery-sandbox-'));
  kubeconfig = join(dir, 'kubeconfig');
  const t = Date.now();
  sb = await startSandboxImpl({ kubeconfigPath: kubeconfig, prometheus: 'auto', backoffBaseMs: 500, backoffMaxMs: 4000 });
  startMs = Date.now() - t;
  await until('constellation ready', async () => {
    const all = JSON.parse((await kubectl(['get', 'pods', '-A', '-o', 'json'])).stdout).items;
    return all.length >= 17 && readyCount(all) === all.length;
  });
}, 60_000);

afterAll(async () => {
  await sb?.stop();
});

describe('sandbox with kubectl', () => {
  it('starts in under 5 s and writes both contexts', async () => {
    expect(startMs).toBeLessThan(5000);
    const r = await kubectl(['config', 'get-contexts', '-o', 'name']);
    expect(r.stdout.split('\n').filter(Boolean).sort()).toEqual(['orrery-sandbox', 'orrery-sandbox-viewer']);
  });

  it('get pods -A shows the constellation Running and Ready', async () => {
    const r = await kubectl(['get', 'pods', '-A']);
    const lines = r.stdout.trim().split('\n').slice(1);
    expect(lines.length).toBeGreaterThanOrEqual(18);
    for (const l of lines) expect(l).toMatch(/\s1\/1\s+Running\s/);
    for (const ns of ['edge', 'shop', 'data', 'monitoring']) expect(r.stdout).toContain(`${ns} `);
  });

  it('describe pod shows node, IP, conditions and kubelet events', async () => {
    const [p] = await pods('shop', 'app.kubernetes.io/name=cart');
    const r = await kubectl(['describe', 'pod', '-n', 'shop', p.metadata.name]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Node:\s+orrery-node-\d\/127\.0\.0\.1/);
    expect(r.stdout).toMatch(/Controlled By:\s+ReplicaSet\/cart-/);
    expect(r.stdout).toMatch(/Container ID:\s+containerd:\/\/[0-9a-f]{64}/);
    expect(r.stdout).toMatch(/CACHE_TTL|cart-config/);
    expect(r.stdout).toMatch(/Started container cart/);
    expect(r.stdout).toMatch(/Successfully assigned shop\//);
  });

  it('logs, top, metrics.k8s.io and nodes', async () => {
    const logs = await kubectl(['logs', '-n', 'edge', 'deploy/gateway', '--tail', '5', '--timestamps']);
    expect(logs.stdout).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z \{"time"/m);
    const top = await until('top pods', async () => {
      const r = await kubectl(['top', 'pods', '-n', 'shop']);
      return r.code === 0 && r.stdout.includes('payments') ? r.stdout : undefined;
    });
    expect(top).toMatch(/\d+m\s+\d+Mi/);
    const raw = JSON.parse((await kubectl(['get', '--raw', '/apis/metrics.k8s.io/v1beta1/nodes'])).stdout);
    expect(raw.items.map((i: any) => i.metadata.name).sort()).toEqual(['orrery-node-1', 'orrery-node-2', 'orrery-node-3']);
    const nodes = await kubectl(['get', 'nodes']);
    expect(nodes.stdout.match(/\sReady\s/g)?.length).toBe(3);
  });

  it('kubectl debug: the ephemeral container runs once, has its own status and logs, and leaves the app alone', async () => {
    const [p] = await pods('shop', 'app.kubernetes.io/name=cart');
    const name = p.metadata.name;
    const image = p.spec.containers[0].image;
    const r = await kubectl(['debug', name, '-n', 'shop', `--image=${image}`, '-c', 'dbg', '--env=ORRERY_TASK=inspect', '--env=ORRERY_TASK_DURATION=1s']);
    expect(r.stderr).not.toMatch(/error/i);
    const done = await until('debug container completed', async () => {
      const now = JSON.parse((await kubectl(['get', 'pod', name, '-n', 'shop', '-o', 'json'])).stdout);
      const st = now.status.ephemeralContainerStatuses?.find((c: any) => c.name === 'dbg');
      return st?.state?.terminated ? { pod: now, st } : undefined;
    });
    expect(done.st).toMatchObject({ restartCount: 0, ready: false, image, state: { terminated: { exitCode: 0, reason: 'Completed' } } });
    expect(done.st.containerID).toMatch(/^containerd:\/\/[0-9a-f]{64}$/);
    // Its log, read like any container's.
    const logs = await kubectl(['logs', name, '-n', 'shop', '-c', 'dbg']);
    expect(logs.stdout).toContain('"msg":"task started"');
    expect(logs.stdout).toContain('"msg":"task completed"');
    // Never restarted; the app container keeps running, Ready, and reachable on its port.
    await new Promise((res) => setTimeout(res, 1500));
    const after = JSON.parse((await kubectl(['get', 'pod', name, '-n', 'shop', '-o', 'json'])).stdout);
    expect(after.status.ephemeralContainerStatuses.find((c: any) => c.name === 'dbg').restartCount).toBe(0);
    expect(after.status.containerStatuses.map((c: any) => [c.name, c.ready, c.restartCount])).toEqual([[p.spec.containers[0].name, true, p.status.containerStatuses[0].restartCount]]);
    const health = await kubectl(['get', '--raw', `/api/v1/namespaces/shop/pods/${name}:8080/proxy/healthz`]);
    expect(health.code).toBe(0);
    expect((await kubectl(['describe', 'pod', name, '-n', 'shop'])).stdout).toMatch(/Started container dbg/);
  });

  it('viewer can list but not delete or read secrets', async () => {
    expect((await kubectl(['auth', 'can-i', 'list', 'pods', '-A'], 'orrery-sandbox-viewer')).stdout.trim()).toBe('yes');
    expect((await kubectl(['auth', 'can-i', 'delete', 'pods', '-n', 'shop'], 'orrery-sandbox-viewer')).stdout.trim()).toBe('no');
    expect((await kubectl(['auth', 'can-i', 'get', 'secrets', '-n', 'shop'], 'orrery-sandbox-viewer')).stdout.trim()).toBe('no');
  });

  it('a deleted pod is replaced by its ReplicaSet; get pods -w sees it', async () => {
    const before = await pods('shop', 'app.kubernetes.io/name=inventory');
    const victim = before[0].metadata.name;
    const watch = execFile('kubectl', ['get', 'pods', '-n', 'shop', '-w', '--output-watch-events'], { env: { ...process.env, KUBECONFIG: kubeconfig } });
    let seen = '';
    watch.stdout?.on('data', (d) => (seen += d));
    await new Promise((r) => setTimeout(r, 800));
    const del = await kubectl(['delete', 'pod', '-n', 'shop', victim]);
    expect(del.code).toBe(0);
    await until('replacement ready', async () => {
      const now = await pods('shop', 'app.kubernetes.io/name=inventory');
      return now.length === 2 && !now.some((p) => p.metadata.name === victim) && readyCount(now) === 2;
    });
    watch.kill();
    expect(seen).toMatch(new RegExp(`DELETED\\s+${victim}`));
    const ev = await kubectl(['get', 'events', '-n', 'shop', '--field-selector', `involvedObject.name=${victim}`]);
    expect(ev.stdout).toMatch(/Killing/);
  });

  it('scale deployment: the pod count follows', async () => {
    expect((await kubectl(['scale', 'deployment/checkout', '-n', 'shop', '--replicas=4'])).code).toBe(0);
    await until('4 ready', async () => readyCount(await pods('shop', 'app.kubernetes.io/name=checkout')) === 4);
    expect((await kubectl(['scale', 'deployment/checkout', '-n', 'shop', '--replicas=2'])).code).toBe(0);
    await until('2 pods', async () => (await pods('shop', 'app.kubernetes.io/name=checkout')).length === 2);
  });

  it('rollout restart: rollout status completes and revision 2 exists', async () => {
    expect((await kubectl(['rollout', 'restart', 'deployment/payments', '-n', 'shop'])).code).toBe(0);
    const r = await kubectl(['rollout', 'status', 'deployment/payments', '-n', 'shop', '--timeout=60s']);
    expect(r.stdout).toContain('successfully rolled out');
    const hist = await kubectl(['rollout', 'history', 'deployment/payments', '-n', 'shop']);
    expect(hist.stdout).toMatch(/^2\s/m);
    const d = JSON.parse((await kubectl(['get', 'deploy', 'payments', '-n', 'shop', '-o', 'json'])).stdout);
    expect(d.status.conditions.find((c: any) => c.type === 'Progressing').reason).toBe('NewReplicaSetAvailable');
    const ev = await kubectl(['get', 'events', '-n', 'shop', '--field-selector', 'involvedObject.name=payments']);
    expect(ev.stdout).toMatch(/Scaled down replica set payments-/);
  }, 90_000);

  it('Prometheus: up is 1 for every constellation pod, through the services proxy', async () => {
    if (!sb.prometheusUrl) return; // no prometheus binary here
    await until(
      'up == 1 everywhere',
      async () => {
        const r = await kubectl(['get', '--raw', '/api/v1/namespaces/monitoring/services/prometheus-operated:9090/proxy/api/v1/query?query=up']);
        const res = JSON.parse(r.stdout).data.result as any[];
        const all = JSON.parse((await kubectl(['get', 'pods', '-A', '-o', 'json'])).stdout).items.filter((p: any) => p.metadata.namespace !== 'monitoring' && !p.metadata.deletionTimestamp);
        return all.every((p: any) => res.some((x) => x.metric.pod === p.metadata.name && x.value[1] === '1'));
      },
      30_000,
    );
  }, 40_000);

  it('crash-loop scenario: restarts, CrashLoopBackOff, previous logs, audit', async () => {
    await sb.startScenario('crash-loop');
    await until('restarts', async () => (await pods('shop', 'app.kubernetes.io/name=inventory')).some((p) => p.status.containerStatuses?.[0]?.restartCount >= 2), 40_000);
    const ps = await pods('shop', 'app.kubernetes.io/name=inventory');
    const p = ps.find((x) => x.status.containerStatuses[0].restartCount >= 1);
    expect(p.status.containerStatuses[0].lastState.terminated.reason).toBe('Error');
    const prev = await kubectl(['logs', '-n', 'shop', p.metadata.name, '--previous']);
    expect(prev.code).toBe(0);
    expect(prev.stdout.length).toBeGreaterThan(0);
    const ev = await kubectl(['get', 'events', '-n', 'shop', '--field-selector', 'reason=BackOff']);
    expect(ev.stdout).toMatch(/Back-off restarting failed container inventory/);
    await sb.stopScenario('crash-loop');
    const audit = readFileSync(sb.auditLogPath, 'utf8');
    expect(audit).toMatch(/"username":"orrery-scenario"/);
  }, 60_000);

  it('bad-rollout scenario: new pods never ready, rollout stuck, old pods keep serving', async () => {
    await sb.startScenario('bad-rollout');
    await until('broken pods running but unready', async () => {
      const ps = await pods('shop', 'app.kubernetes.io/name=catalog');
      const broken = ps.filter((p) => p.spec.containers[0].image === 'orrery/service:broken' && p.status.phase === 'Running');
      return broken.length > 0 && broken.every((p) => !p.status.containerStatuses[0].ready);
    });
    const d = JSON.parse((await kubectl(['get', 'deploy', 'catalog', '-n', 'shop', '-o', 'json'])).stdout);
    expect(d.status.availableReplicas).toBeGreaterThanOrEqual(2);
    expect(d.status.updatedReplicas).toBeLessThan(3);
    const r = await kubectl(['rollout', 'status', 'deployment/catalog', '-n', 'shop', '--timeout=2s']);
    expect(r.code).not.toBe(0);
    await sb.stopScenario('bad-rollout');
    const ok = await kubectl(['rollout', 'status', 'deployment/catalog', '-n', 'shop', '--timeout=60s']);
    expect(ok.stdout).toContain('successfully rolled out');
  }, 90_000);

  it('node-not-ready scenario: node Unknown and tainted, its pods unready, then back', async () => {
    await sb.startScenario('node-not-ready');
    const n = JSON.parse((await kubectl(['get', 'node', 'orrery-node-3', '-o', 'json'])).stdout);
    expect(n.status.conditions.find((c: any) => c.type === 'Ready').status).toBe('Unknown');
    expect(n.spec.taints.some((t: any) => t.key === 'node.kubernetes.io/unreachable')).toBe(true);
    const all = JSON.parse((await kubectl(['get', 'pods', '-A', '--field-selector', 'spec.nodeName=orrery-node-3', '-o', 'json'])).stdout).items;
    expect(all.length).toBeGreaterThan(0);
    expect(readyCount(all)).toBe(0);
    await sb.stopScenario('node-not-ready');
    await until('pods ready again', async () => {
      const again = JSON.parse((await kubectl(['get', 'pods', '-A', '--field-selector', 'spec.nodeName=orrery-node-3', '-o', 'json'])).stdout).items;
      return readyCount(again) === again.length;
    });
  }, 60_000);
});
