// A cluster without metrics-server: metrics.k8s.io is not served at all (404, not in discovery),
// and usage says so, with what to install, instead of an empty chart.
import { describe, expect, it } from 'vitest';
import { useBackendOnSandbox } from '../../testing';

const env = useBackendOnSandbox({
  server: { metricsServer: false },
  backend: { metrics: { resource: { poller: { minResolutionS: 1, minIntervalMs: 300, backoffMinMs: 300 } } } },
});

describe('usage without metrics-server', () => {
  it('says metrics-server is not installed and when it looks again', async () => {
    await expect
      .poll(async () => (await env.client.call('metrics.usageHistory', { context: 'orrery-sandbox', targets: [{ kind: 'cluster' }] }))[0]!.status.state, { timeout: 15_000 })
      .toBe('not-installed');
    const [h] = await env.client.call('metrics.usageHistory', { context: 'orrery-sandbox', targets: [{ kind: 'node', name: 'sandbox-node-1' }] });
    expect(h!.points.t).toHaveLength(0);
    expect(h!.status.message).toMatch(/^metrics.k8s.io is not served by this cluster: metrics-server is not installed\. Install it/);
    // Not a blip: asked again in a minute or more, not in seconds.
    expect(h!.status.retryInMs).toBeGreaterThanOrEqual(60_000);
  });
});
