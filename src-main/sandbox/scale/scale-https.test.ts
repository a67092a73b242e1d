// Scale mode in a started sandbox: 20 000 synthetic pods next to the running constellation, listed
// over HTTPS in pages of 500 with limit/continue as kubectl and informers page, within seconds.
// (The 100 000-pod figure is measured by bench/sandbox-scale.bench.ts.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSandbox, type TestSandbox } from '../test-helpers';

const N = 20_000;
let t: TestSandbox;
const logs: string[] = [];

beforeAll(async () => {
  t = await startTestSandbox({ scalePods: N, rps: 1, log: (l) => logs.push(l) });
}, 60_000);

afterAll(async () => {
  await t?.sb.stop();
});

describe('scale mode over HTTPS', () => {
  it('creates the synthetic pods fast and starts the sandbox in time', () => {
    const m = logs.map((l) => /(\d+) synthetic pods in (\d+) namespaces on (\d+) nodes in (\d+) ms/.exec(l)).find(Boolean)!;
    expect(Number(m[1])).toBe(N);
    expect(Number(m[4])).toBeLessThan(2500);
    expect(t.startMs).toBeLessThan(5000);
  });

  it(`lists ${N} synthetic pods in pages of 500 with limit/continue`, async () => {
    const t0 = performance.now();
    const names = new Set<string>();
    let cont = '';
    let pages = 0;
    let rv = '';
    let remaining: number | undefined;
    do {
      const page = await t.admin.get(`/api/v1/pods?labelSelector=sandbox.orrery.dev%2Fsynthetic%3Dtrue&limit=500${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`);
      pages++;
      if (pages === 1) {
        rv = page.metadata.resourceVersion;
        remaining = page.metadata.remainingItemCount;
      } else expect(page.metadata.resourceVersion).toBe(rv); // one consistent snapshot
      expect(page.items.length).toBeLessThanOrEqual(500);
      for (const p of page.items) {
        expect(p.status.phase).toBe('Running');
        names.add(`${p.metadata.namespace}/${p.metadata.name}`);
      }
      cont = page.metadata.continue ?? '';
    } while (cont);
    const ms = performance.now() - t0;
    expect(names.size).toBe(N);
    expect(pages).toBe(N / 500);
    expect(remaining).toBeUndefined(); // as kube-apiserver: no remainingItemCount with a label selector
    expect(ms).toBeLessThan(15_000);
    console.log(`listed ${N} pods in ${pages} pages in ${Math.round(ms)} ms`);
  }, 40_000);

  it('the constellation still runs beside them; Table output and field selectors work at this size', async () => {
    const onNode = await t.admin.get('/api/v1/pods?fieldSelector=spec.nodeName%3Dorrery-scale-node-1&limit=500');
    expect(onNode.items).toHaveLength(110);
    const shop = await t.admin.get('/api/v1/namespaces/shop/pods');
    expect(shop.items.length).toBeGreaterThanOrEqual(11);
    const tbl = await t.admin.raw('GET', '/api/v1/pods?limit=500');
    expect(tbl.status).toBe(200);
    const nodes = await t.admin.get('/api/v1/nodes?limit=1');
    expect(nodes.metadata.remainingItemCount).toBe(Math.ceil(N / 110) + 3 - 1);
  });
});
