// The sandbox must not be the slow side of benchmarks: big paged lists and watch fan-out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startHarness, stream, type Harness } from './testkit';

let h: Harness;
const N = 100_000;

beforeAll(async () => {
  h = await startHarness({ auditPath: undefined as unknown as string });
  const s = h.server.store;
  for (const ns of ['a', 'b', 'c', 'd']) s.create('namespaces', { metadata: { name: ns } });
  const t0 = performance.now();
  for (let i = 0; i < N; i++) {
    s.create('pods', {
      metadata: { name: `pod-${i}`, namespace: 'abcd'[i % 4], labels: { app: `app-${i % 20}`, 'pod-template-hash': 'abc123' } },
      spec: { nodeName: `node-${i % 50}`, containers: [{ name: 'main', image: 'orrery/service:v1', ports: [{ containerPort: 8080 }] }] },
      status: { phase: 'Running', podIP: `10.244.${(i >> 8) & 255}.${i & 255}`, containerStatuses: [{ name: 'main', ready: true, restartCount: 0, image: 'orrery/service:v1', imageID: '', started: true, state: { running: { startedAt: '2026-01-01T00:00:00Z' } } }] },
    });
  }
  console.log(`created ${N} pods in ${(performance.now() - t0).toFixed(0)} ms`);
}, 120_000);
afterAll(async () => {
  await h?.server.stop();
});

describe('performance', () => {
  it(`lists ${N} pods over HTTPS in pages of 500`, async () => {
    const run = async (accept?: string) => {
      const t0 = performance.now();
      let token: string | undefined;
      let n = 0;
      let rv: string | undefined;
      do {
        const r = await api(h.server, 'GET', `/api/v1/pods?limit=500${token ? `&continue=${encodeURIComponent(token)}` : ''}`, accept ? { accept } : {});
        const items = r.json.items ?? r.json.rows;
        n += items.length;
        rv ??= r.json.metadata.resourceVersion;
        expect(r.json.metadata.resourceVersion).toBe(rv);
        token = r.json.metadata.continue;
      } while (token);
      expect(n).toBe(N);
      return performance.now() - t0;
    };
    const json = await run();
    const table = await run('application/json;as=Table;v=v1;g=meta.k8s.io,application/json');
    console.log(`paged list: JSON ${json.toFixed(0)} ms, Table ${table.toFixed(0)} ms`);
    expect(json).toBeLessThan(15_000);
  }, 120_000);

  it('streams 20,000 watch events to 5 watchers', async () => {
    const rv = h.server.store.resourceVersion;
    const watchers = Array.from({ length: 5 }, () => stream(h.server, `/api/v1/namespaces/a/pods?watch=1&resourceVersion=${rv}`));
    await new Promise((r) => setTimeout(r, 100));
    const t0 = performance.now();
    for (let i = 0; i < 20_000; i++) {
      const name = `pod-${(i * 4) % N}`;
      h.server.store.patch('pods', 'a', name, (p) => {
        p.status.containerStatuses[0].restartCount = i + 1;
      }, { status: true });
    }
    const wrote = performance.now() - t0;
    await Promise.all(watchers.map((w) => w.until((l) => l.length >= 20_000, 60_000)));
    const total = performance.now() - t0;
    for (const w of watchers) w.close();
    console.log(`20k status updates: store ${wrote.toFixed(0)} ms, delivered to 5 watchers in ${total.toFixed(0)} ms`);
    expect(watchers.every((w) => w.lines.length === 20_000)).toBe(true);
  }, 120_000);
});
