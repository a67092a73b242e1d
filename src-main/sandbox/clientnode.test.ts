// @kubernetes/client-node 2.x against a full started sandbox (the constellation Running): typed
// list, watch, pod log (tail and follow), and a watch resumed from a resourceVersion older than
// the watch history, which must get 410 Gone as an ERROR event carrying a Status.
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppsV1Api, CoreV1Api, KubeConfig, Log, Watch } from '@kubernetes/client-node';
import { startTestSandbox, until, type TestSandbox } from './test-helpers';

const HISTORY = 200;
let t: TestSandbox;
let kc: KubeConfig;
let core: CoreV1Api;

beforeAll(async () => {
  t = await startTestSandbox({ historySize: HISTORY, rps: 10 });
  kc = new KubeConfig();
  kc.loadFromFile(t.kubeconfig);
  core = kc.makeApiClient(CoreV1Api);
}, 60_000);

afterAll(async () => {
  await t?.sb.stop();
});

describe('@kubernetes/client-node against the full sandbox', () => {
  it('lists the constellation pods Running, with typed models, and pages', async () => {
    const all = await core.listPodForAllNamespaces();
    expect(all.items.length).toBeGreaterThanOrEqual(17);
    for (const p of all.items) {
      expect(p.status?.phase).toBe('Running');
      expect(p.status?.containerStatuses?.[0]?.ready).toBe(true);
      expect(p.status?.startTime).toBeInstanceOf(Date);
    }
    const shop = await core.listNamespacedPod({ namespace: 'shop', labelSelector: 'app.kubernetes.io/name=catalog' });
    expect(shop.items).toHaveLength(3);
    const page = await core.listPodForAllNamespaces({ limit: 5 });
    expect(page.items).toHaveLength(5);
    expect(page.metadata?._continue).toBeTruthy();
    const next = await core.listPodForAllNamespaces({ limit: 100, _continue: page.metadata!._continue! });
    expect(page.items.length + next.items.length).toBe(all.items.length);
    const deps = await kc.makeApiClient(AppsV1Api).listNamespacedDeployment({ namespace: 'shop' });
    expect(deps.items.map((d) => d.metadata?.name).sort()).toEqual(['cart', 'catalog', 'checkout', 'inventory', 'payments']);
    expect(deps.items.every((d) => d.status?.readyReplicas === d.spec?.replicas)).toBe(true);
  });

  it('watches a pod being deleted and its ReplicaSet replacing it', async () => {
    const list = await core.listNamespacedPod({ namespace: 'data', labelSelector: 'app.kubernetes.io/name=cache' });
    const victim = list.items[0]!.metadata!.name!;
    const seen: { type: string; name: string; ready: boolean; phase?: string }[] = [];
    const ctrl = await new Watch(kc).watch(
      '/api/v1/namespaces/data/pods',
      { resourceVersion: list.metadata!.resourceVersion!, allowWatchBookmarks: true, labelSelector: 'app.kubernetes.io/name=cache' },
      (type, obj) => {
        if (type !== 'BOOKMARK') seen.push({ type, name: obj.metadata?.name, ready: !!obj.status?.containerStatuses?.[0]?.ready, phase: obj.status?.phase });
      },
      () => {},
    );
    try {
      await core.deleteNamespacedPod({ name: victim, namespace: 'data' });
      await until('replacement Running and Ready, victim gone', () => seen.some((e) => e.type === 'DELETED' && e.name === victim) && seen.some((e) => e.type !== 'DELETED' && e.name !== victim && e.ready), 30_000, 100);
    } finally {
      ctrl.abort();
    }
    const types = seen.filter((e) => e.name === victim).map((e) => e.type);
    expect(types[0]).toBe('MODIFIED'); // deletionTimestamp set, graceful
    expect(types.at(-1)).toBe('DELETED');
    const added = seen.find((e) => e.type === 'ADDED' && e.name !== victim)!;
    expect(added.name).toMatch(/^cache-[a-z0-9]+-[a-z0-9]{5}$/);
  }, 40_000);

  it('reads a pod log (tail), follows it while the load generator drives traffic, the follow ends when the pod stops', async () => {
    const gw = (await core.listNamespacedPod({ namespace: 'edge', labelSelector: 'app.kubernetes.io/name=gateway' })).items[0]!;
    const tail = await core.readNamespacedPodLog({ name: gw.metadata!.name!, namespace: 'edge', tailLines: 3 });
    const lines = tail.trim().split('\n');
    expect(lines).toHaveLength(3);
    for (const l of lines) expect(JSON.parse(l)).toMatchObject({ level: expect.any(String), msg: expect.any(String) });

    const out = new PassThrough();
    let text = '';
    out.on('data', (d) => (text += d));
    const ended = new Promise<void>((resolve) => out.on('end', () => resolve()));
    await new Log(kc).log('edge', gw.metadata!.name!, 'gateway', out, { follow: true, tailLines: 0, timestamps: true });
    await until('followed lines', () => text.split('\n').filter(Boolean).length >= 3, 15_000, 100);
    // As with the kubelet, the follow stream ends when the container stops.
    await core.deleteNamespacedPod({ name: gw.metadata!.name!, namespace: 'edge' });
    await ended;
    const followed = text.split('\n').filter(Boolean);
    for (const l of followed) {
      const m = /^(\S+) (\{.*\})$/.exec(l)!;
      expect(m).toBeTruthy();
      expect(m[1]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
      expect(JSON.parse(m[2]!).route ?? JSON.parse(m[2]!).msg).toBeTruthy();
    }
  }, 30_000);

  it('a watch resumed from a resourceVersion older than the history gets 410 Gone', async () => {
    const list = await core.listNamespacedPod({ namespace: 'shop' });
    const old = list.metadata!.resourceVersion!;
    const target = list.items.find((p) => p.metadata?.labels?.['app.kubernetes.io/name'] === 'inventory')!.metadata!.name!;
    // Push more than HISTORY pod events through the API (annotation patches, 8 at a time).
    for (let i = 0; i < HISTORY + 20; i += 8) {
      await Promise.all(
        Array.from({ length: 8 }, (_, j) =>
          t.admin.raw('PATCH', `/api/v1/namespaces/shop/pods/${target}`, { metadata: { annotations: { 'test.orrery.dev/n': String(i + j) } } }, 'application/merge-patch+json').then((r) => expect(r.status).toBe(200)),
        ),
      );
    }
    const ev = await new Promise<{ type: string; obj: any }>((resolve, reject) => {
      void new Watch(kc).watch('/api/v1/namespaces/shop/pods', { resourceVersion: old }, (type, obj) => resolve({ type, obj }), (err) => err && reject(err));
    });
    expect(ev.type).toBe('ERROR');
    expect(ev.obj).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 410, reason: 'Expired' });
    expect(ev.obj.message).toMatch(/too old resource version: \d+ \(\d+\)/);
    // A fresh list + watch from its resourceVersion works again (what an informer does).
    const again = await core.listNamespacedPod({ namespace: 'shop' });
    const first = await new Promise<string>((resolve) => {
      void new Watch(kc)
        .watch('/api/v1/namespaces/shop/pods', { resourceVersion: again.metadata!.resourceVersion!, allowWatchBookmarks: true, timeoutSeconds: 5 }, (type) => resolve(type), () => {})
        .then(() => t.admin.raw('PATCH', `/api/v1/namespaces/shop/pods/${target}`, { metadata: { annotations: { 'test.orrery.dev/n': 'last' } } }, 'application/merge-patch+json'));
    });
    expect(first).toBe('MODIFIED');
  }, 30_000);
});
