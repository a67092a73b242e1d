// The metrics backend on the whole sandbox, with its real Prometheus laid out as a
// kube-prometheus-stack install: discovery finds it behind two Services (one server, not a
// choice to make), PromQL answers with the exporters' metrics, and usage history fills from the
// sandbox's metrics.k8s.io.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientError } from '../../contract/client';
import type { PromRange } from '../../contract/metrics-types';
import { startTestSandbox, type TestSandbox } from '../../sandbox/test-helpers';
import { findPrometheusBinary } from '../../sandbox/workloads/prometheus';
import { connectBackend } from '../testing';

const bin = findPrometheusBinary();
if (!bin) console.warn('SKIP metrics sandbox.test.ts: no prometheus binary');

describe.skipIf(!bin)('metrics on the sandbox', () => {
  let t: TestSandbox;
  let env: ReturnType<typeof connectBackend>;
  const context = 'orrery-sandbox';

  beforeAll(async () => {
    t = await startTestSandbox({ prometheus: 'auto' });
    env = connectBackend([t.kubeconfig]);
  }, 120_000);
  afterAll(async () => {
    env?.stop();
    await t?.sb.stop();
  });

  it('finds the sandbox\'s Prometheus behind its two Services and uses it without asking', async () => {
    // Right after start Prometheus has scraped nothing yet (count(up) is empty): look again until it has.
    let d = await env.client.call('prometheus.discover', { context });
    await expect
      .poll(async () => {
        d = await env.client.call('prometheus.discover', { context, refresh: true });
        return d.candidates.find((c) => c.id === d.selected)?.targets ?? 0;
      }, { timeout: 30_000, interval: 1000 })
      .toBeGreaterThan(3);
    const ok = d.candidates.filter((c) => c.status === 'ok');
    expect(ok.map((c) => c.name).sort()).toEqual(['kube-prometheus-stack-prometheus', 'prometheus-operated']);
    // The same pod behind both: the second is marked as the first again, so nothing to choose.
    expect(ok.filter((c) => c.sameAs)).toHaveLength(1);
    expect(d).toMatchObject({ selection: 'only', ambiguous: false });
    expect(d.candidates.find((c) => c.id === d.selected)?.foundBy.join(' ')).toMatch(/operated-prometheus=true|kube-prometheus-stack/);
  });

  it('answers PromQL over the exporters\' metrics through the API server', async () => {
    let r: PromRange | undefined;
    await expect
      .poll(
        async () => {
          const now = Date.now() / 1000;
          r = await env.client.call('prometheus.queryRange', { context, query: 'sum by (namespace) (container_memory_working_set_bytes{container!=""})', start: now - 120, end: now, maxPoints: 60 });
          return r.series.some((s) => s.metric.namespace === 'shop' && s.v.some((v) => typeof v === 'number' && v > 0));
        },
        { timeout: 60_000, interval: 2000 },
      )
      .toBe(true);
    expect(r!.step).toBe(5);
    // Each exporter is a scrape job of its own: cAdvisor answering does not mean the others have.
    await expect
      .poll(async () => await env.client.call('prometheus.labelValues', { context, label: '__name__' }), { timeout: 30_000, interval: 1000 })
      .toEqual(expect.arrayContaining(['kube_pod_info', 'container_cpu_usage_seconds_total', 'node_cpu_seconds_total']));
    const err = (await env.client.call('prometheus.query', { context, query: 'sum by (namespace (kube_pod_info)' }).catch((e: unknown) => e)) as ClientError;
    expect(err.details).toMatchObject({ errorType: 'bad_data', position: { line: 1 } });
  });

  it('keeps usage history of a workload and its pods from metrics.k8s.io', async () => {
    const pods = (await t.admin.get('/api/v1/namespaces/shop/pods?labelSelector=app.kubernetes.io%2Fname%3Dcart')).items as Array<{ metadata: { name: string } }>;
    const targets = [{ kind: 'workload', workloadKind: 'deployments', namespace: 'shop', name: 'cart' } as const, ...pods.map((p) => ({ kind: 'pod' as const, namespace: 'shop', name: p.metadata.name }))];
    await expect
      .poll(async () => (await env.client.call('metrics.usageHistory', { context, targets })).every((h) => h.points.t.length >= 1), { timeout: 30_000, interval: 1000 })
      .toBe(true);
    const [workload, ...perPod] = await env.client.call('metrics.usageHistory', { context, targets });
    const t0 = workload!.points.t.at(-1)!;
    const sum = perPod.reduce((a, h) => a + (h.points.memory[h.points.t.indexOf(t0)] ?? 0), 0);
    expect(workload!.points.memory.at(-1)).toBeCloseTo(sum, -3);
    expect(workload!.status).toMatchObject({ state: 'ok', resolutionS: 15 });
    expect(workload!.spec.pods).toBe(pods.length);
  });
});
