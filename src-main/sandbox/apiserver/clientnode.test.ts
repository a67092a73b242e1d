// Drives @kubernetes/client-node 2.x (list, watch, log, informer) against the sandbox.
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppsV1Api, CoreV1Api, KubeConfig, Log, Watch, makeInformer } from '@kubernetes/client-node';
import { seedShop, startFakeRuntime, startHarness, WEB_POD, type FakeRuntime, type Harness } from './testkit';
import { ContainerLogBuffer } from './logs';

let h: Harness;
let rt: FakeRuntime;
let kc: KubeConfig;

beforeAll(async () => {
  rt = await startFakeRuntime();
  h = await startHarness({ logs: rt.logs, proxy: rt.proxy, metrics: rt.metrics });
  seedShop(h.server.store);
  kc = new KubeConfig();
  kc.loadFromFile(h.kubeconfig);
});
afterAll(async () => {
  await h?.server.stop();
  await rt?.close();
});

describe('@kubernetes/client-node against the sandbox', () => {
  it('lists pods and deployments with typed models', async () => {
    const core = kc.makeApiClient(CoreV1Api);
    const pods = await core.listNamespacedPod({ namespace: 'shop', labelSelector: 'app=web' });
    expect(pods.items.map((p) => p.metadata?.name)).toEqual([WEB_POD]);
    expect(pods.items[0]!.status?.containerStatuses?.[0]?.ready).toBe(true);
    expect(pods.items[0]!.metadata?.creationTimestamp).toBeInstanceOf(Date);
    const all = await core.listPodForAllNamespaces({ limit: 1 });
    expect(all.items).toHaveLength(1);
    const apps = kc.makeApiClient(AppsV1Api);
    const dep = await apps.readNamespacedDeployment({ name: 'web', namespace: 'shop' });
    expect(dep.spec?.strategy?.type).toBe('RollingUpdate');
    await expect(core.readNamespacedPod({ name: 'nope', namespace: 'shop' })).rejects.toMatchObject({ code: 404 });
  });

  it('watches pods', async () => {
    const seen: string[] = [];
    const rv = h.server.store.resourceVersion;
    const done = new Promise<void>((resolve) => {
      void new Watch(kc)
        .watch('/api/v1/namespaces/shop/pods', { resourceVersion: rv, allowWatchBookmarks: true }, (type, obj) => {
          seen.push(`${type} ${obj.metadata?.name}`);
          if (type === 'DELETED') resolve();
        }, () => {})
        .then((ctrl) => {
          h.server.store.create('pods', { metadata: { name: 'cn-1', namespace: 'shop' }, spec: { containers: [{ name: 'c', image: 'x:1' }] } });
          h.server.store.patch('pods', 'shop', 'cn-1', (p) => {
            p.metadata.labels = { a: 'b' };
          });
          h.server.store.delete('pods', 'shop', 'cn-1');
          void done.then(() => ctrl.abort());
        });
    });
    await done;
    expect(seen).toEqual(['ADDED cn-1', 'MODIFIED cn-1', 'DELETED cn-1']);
  });

  it('reports 410 to the watch callback as an ERROR event', async () => {
    const store = h.server.store;
    const small = await startHarness({ storeOptions: { historySize: 3 } });
    try {
      const kc2 = new KubeConfig();
      kc2.loadFromFile(small.kubeconfig);
      const old = small.server.store.resourceVersion;
      for (let i = 0; i < 5; i++) small.server.store.create('configmaps', { metadata: { name: `x${i}`, namespace: 'default' } });
      const ev = await new Promise<{ type: string; obj: any }>((resolve) => {
        void new Watch(kc2).watch('/api/v1/configmaps', { resourceVersion: old }, (type, obj) => resolve({ type, obj }), () => {});
      });
      expect(ev.type).toBe('ERROR');
      expect(ev.obj).toMatchObject({ kind: 'Status', code: 410, reason: 'Expired' });
    } finally {
      await small.server.stop();
    }
    expect(store).toBeDefined();
  });

  it('reads and follows logs', async () => {
    const buf = new ContainerLogBuffer();
    buf.append('line 1');
    buf.append('line 2');
    rt.logs.buffers.set(`shop/${WEB_POD}/web`, buf);
    const out = new PassThrough();
    let text = '';
    out.on('data', (d) => (text += d));
    const finished = new Promise<void>((resolve) => out.on('end', () => resolve()));
    await new Log(kc).log('shop', WEB_POD, 'web', out, { follow: true, tailLines: 1 });
    await new Promise((r) => setTimeout(r, 100));
    buf.append('line 3');
    buf.stop();
    await finished;
    expect(text).toBe('line 2\nline 3\n');
  });

  it('feeds an informer', async () => {
    const core = kc.makeApiClient(CoreV1Api);
    const informer = makeInformer(kc, '/api/v1/namespaces/shop/configmaps', () => core.listNamespacedConfigMap({ namespace: 'shop' }));
    const added: string[] = [];
    informer.on('add', (o) => added.push(o.metadata!.name!));
    await informer.start();
    h.server.store.create('configmaps', { metadata: { name: 'inf-1', namespace: 'shop' } });
    for (let i = 0; i < 50 && !added.includes('inf-1'); i++) await new Promise((r) => setTimeout(r, 20));
    await informer.stop();
    expect(added).toContain('web-config');
    expect(added).toContain('inf-1');
  });
});
