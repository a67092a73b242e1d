// A sandbox without metrics-server (--no-metrics-server), checked with the real kubectl:
// metrics.k8s.io is not served, and an HPA reports that it cannot get metrics, as on such a cluster.
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from './options';
import { startSandboxImpl } from './sandbox';
import { until } from './test-helpers';

let sb: Sandbox | undefined;
let kubeconfig: string;

function kubectl(args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile('kubectl', args, { env: { ...process.env, KUBECONFIG: kubeconfig, KUBECTL_KUBERC: 'false' }, timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    if (input !== undefined) child.stdin!.end(input);
  });
}

beforeAll(async () => {
  kubeconfig = join(mkdtempSync(join(tmpdir(), 'orrery-sandbox-nms-')), 'kubeconfig');
  sb = await startSandboxImpl({ kubeconfigPath: kubeconfig, prometheus: 'off', metricsServer: false });
}, 60_000);

afterAll(async () => {
  await sb?.stop();
});

describe('sandbox without metrics-server', () => {
  it('serves no metrics.k8s.io, and an HPA says it cannot get metrics', async () => {
    const raw = await kubectl(['get', '--raw', '/apis/metrics.k8s.io/v1beta1/nodes']);
    expect(raw.code).not.toBe(0);
    expect(raw.stderr).toMatch(/NotFound|could not find the requested resource|404/);
    const hpa = {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'catalog', namespace: 'shop' },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'catalog' },
        minReplicas: 1,
        maxReplicas: 5,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }],
      },
    };
    const created = await kubectl(['apply', '-f', '-'], JSON.stringify(hpa));
    expect(created.stderr).toBe('');
    await until('the HPA reports FailedGetResourceMetric', async () => {
      const got = JSON.parse((await kubectl(['get', 'hpa.v2.autoscaling', '-n', 'shop', 'catalog', '-o', 'json'])).stdout);
      const active = (got.status?.conditions ?? []).find((c: { type: string }) => c.type === 'ScalingActive');
      return active?.status === 'False' && active.reason === 'FailedGetResourceMetric' && /no metrics returned from resource metrics API/.test(active.message);
    });
  }, 60_000);
});
