import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../../sandbox/apiserver/testkit';
import type { KObject } from '../../../sandbox/apiserver';
import { WatchCache, type CacheHandle } from './cache';
import type { ReflectorState } from './reflector';
import { FlakyProxy, sandboxClient, until } from './testing';
import { tableCell } from './table-rows';
import type { ResourceId } from './types';

const PODS: ResourceId = { group: '', version: 'v1', resource: 'pods' };
const CONFIGMAPS: ResourceId = { group: '', version: 'v1', resource: 'configmaps' };
const SECRETS: ResourceId = { group: '', version: 'v1', resource: 'secrets' };
const DEPLOYMENTS: ResourceId = { group: 'apps', version: 'v1', resource: 'deployments' };
const FAST = { backoff: { initialMs: 20, maxMs: 300 }, pageSize: 50 };
const NAMESPACES = ['n1', 'n2', 'n3', 'n4'];

let h: Harness;

function pod(name: string, ns: string, extra: Record<string, unknown> = {}) {
  return {
    metadata: { name, namespace: ns, labels: { app: name.split('-')[0]! } },
    spec: { nodeName: `node-${name.length % 3}`, containers: [{ name: 'main', image: 'orrery/service:v1' }] },
    status: { phase: 'Running' },
    ...extra,
  };
}

/** uid -> resourceVersion of what the server holds. */
function serverState(resource: string): Map<string, string> {
  const items: KObject[] = h.server.store.list(resource, {}).items;
  return new Map(items.map((o) => [o.metadata.uid!, o.metadata.resourceVersion!]));
}
function cacheState(handle: CacheHandle): Map<string, string> {
  return new Map([...handle.store.items()].map(([k, o]) => [k, o.metadata.resourceVersion!]));
}
const equalState = (a: Map<string, string>, b: Map<string, string>) => a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);

beforeAll(async () => {
  h = await startHarness({ auditPath: undefined as unknown as string, bookmarkIntervalMs: 150, storeOptions: { historySize: 40 } });
  for (const ns of NAMESPACES) h.server.store.create('namespaces', { metadata: { name: ns } });
  for (let i = 0; i < 300; i++) h.server.store.create('pods', pod(`web-${i}`, NAMESPACES[i % 4]!));
});
afterAll(async () => {
  await h?.server.stop();
});

describe('WatchCache against the sandbox API server', () => {
  it('syncs a paged list equal to the server, then follows live changes', async () => {
    const cache = new WatchCache(await sandboxClient(h.server, h.dir), { reflector: FAST });
    const handle = cache.acquire(PODS);
    const listing: number[] = [];
    handle.onState((s) => s.phase === 'listing' && listing.push(s.listed));
    await handle.synced();
    expect(equalState(cacheState(handle), serverState('pods'))).toBe(true);
    expect(Math.max(...listing)).toBe(300);
    expect(listing.length).toBeGreaterThan(5); // pages of 50, progress reported per page
    await until(() => handle.state().phase === 'watching', 5000, 'watching');

    // indexes
    expect(handle.store.byIndex('namespace', 'n2').length).toBe(75);
    expect(handle.store.countByIndex('label', 'app=web')).toBe(300);

    const s = h.server.store;
    const created = s.create('pods', pod('api-1', 'n1'));
    s.patch('pods', 'n2', 'web-1', (d: KObject) => {
      d.metadata.labels = { app: 'changed' };
    });
    s.delete('pods', 'n3', 'web-2');
    await until(() => equalState(cacheState(handle), serverState('pods')), 5000, 'live changes');
    expect(handle.store.get(created.metadata.uid!)?.metadata.name).toBe('api-1');
    expect(handle.store.countByIndex('label', 'app=changed')).toBe(1);
    expect(handle.store.getByName('n3', 'web-2')).toBeUndefined();
    await cache.close();
  });

  it('drops managedFields and last-applied-configuration on ingest; serves metadata-only lists', async () => {
    h.server.store.create('configmaps', {
      metadata: {
        name: 'heavy', namespace: 'n1',
        annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"big":true}', keep: 'me' },
        managedFields: [{ manager: 'kubectl', operation: 'Apply', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': {} } }],
      },
      data: { a: 'b' },
    });
    const cache = new WatchCache(await sandboxClient(h.server, h.dir), { reflector: FAST });
    const full = cache.acquire(CONFIGMAPS);
    const meta = cache.acquire(CONFIGMAPS, { metadataOnly: true });
    await Promise.all([full.synced(), meta.synced()]);
    const obj = full.store.getByName('n1', 'heavy')!;
    expect(obj.data).toEqual({ a: 'b' });
    expect(obj.metadata.managedFields).toBeUndefined();
    expect(obj.metadata.annotations).toEqual({ keep: 'me' });
    const partial = meta.store.getByName('n1', 'heavy')!;
    expect(partial.kind).toBe('PartialObjectMetadata');
    expect(partial.data).toBeUndefined();
    await until(() => meta.state().phase === 'watching', 5000, 'metadata watch');
    h.server.store.create('configmaps', { metadata: { name: 'later', namespace: 'n2' }, data: { x: 'y' } });
    await until(() => meta.store.getByName('n2', 'later') !== undefined, 5000, 'metadata watch event');
    expect(meta.store.getByName('n2', 'later')!.kind).toBe('PartialObjectMetadata');
    await cache.close();
  });

  it('lists Tables with metadata only: cells and metadata from the server, never the contents', async () => {
    const s = h.server.store;
    s.create('secrets', { metadata: { name: 'tls', namespace: 'n1' }, type: 'kubernetes.io/tls', data: { 'tls.crt': 'Y2VydA==', 'tls.key': 'a2V5' } });
    const cache = new WatchCache(await sandboxClient(h.server, h.dir), { reflector: FAST });
    const handle = cache.acquire(SECRETS, { table: true, metadataOnly: true });
    await handle.synced();
    const tls = handle.store.getByName('n1', 'tls')!;
    expect(tls.data).toBeUndefined();
    expect(JSON.stringify(tls)).not.toContain('a2V5');
    expect(tls.metadata.uid).toBe(s.get('secrets', 'n1', 'tls')!.metadata.uid);
    expect([tableCell(tls, 'Type'), tableCell(tls, 'Data')]).toEqual(['kubernetes.io/tls', 2]);
    // Watch events carry the cells too.
    await until(() => handle.state().phase === 'watching', 5000, 'watching');
    s.patch('secrets', 'n1', 'tls', (d: KObject) => void (d.data = { ...d.data, 'ca.crt': 'Y2E=' }));
    await until(() => tableCell(handle.store.getByName('n1', 'tls')!, 'Data') === 3, 5000, 'cells from a watch event');
    expect(handle.store.getByName('n1', 'tls')!.data).toBeUndefined();
    // Cached apart from full objects and from plain Tables.
    const full = cache.acquire(SECRETS);
    await full.synced();
    expect(full.store).not.toBe(handle.store);
    expect((full.store.getByName('n1', 'tls')!.data as Record<string, string>)['tls.key']).toBe('a2V5');
    await cache.close();
  });

  it('advances the resourceVersion with bookmarks', async () => {
    const cache = new WatchCache(await sandboxClient(h.server, h.dir), { reflector: FAST });
    const handle = cache.acquire(DEPLOYMENTS);
    await handle.synced();
    await until(() => handle.state().phase === 'watching', 5000, 'watching');
    const listed = (handle.state() as { resourceVersion: string }).resourceVersion;
    // Changes elsewhere move the global RV; only a bookmark can tell the deployments watch.
    for (let i = 0; i < 5; i++) h.server.store.create('configmaps', { metadata: { name: `bm-${i}`, namespace: 'n1' } });
    const target = h.server.store.resourceVersion;
    expect(target).not.toBe(listed);
    const reflector = (cache as unknown as { slots: Map<string, { reflector: { resourceVersion: string } }> }).slots.values().next().value!.reflector;
    await until(() => reflector.resourceVersion === target, 5000, 'bookmark RV');
    expect(handle.store.size).toBe(0);
    await cache.close();
  });

  it('relists after a 410 on a resumed watch and ends in the server state', async () => {
    const proxy = new FlakyProxy({ host: '127.0.0.1', port: h.server.port });
    await proxy.open();
    const cache = new WatchCache(await sandboxClient(h.server, h.dir, { url: proxy.url }), { reflector: { ...FAST, backoff: { initialMs: 200, maxMs: 300 } } });
    const handle = cache.acquire(PODS);
    const states: ReflectorState[] = [];
    handle.onState((s) => states.push(s));
    await handle.synced();
    await until(() => handle.state().phase === 'watching', 5000, 'watching');
    states.length = 0;
    proxy.dropAll();
    // More changes than the history keeps, while the watch is down: the resume gets 410.
    const s = h.server.store;
    for (let i = 0; i < 60; i++) s.patch('pods', NAMESPACES[(i + 10) % 4]!, `web-${i + 10}`, (d: KObject) => void (d.metadata.labels = { app: `v${i}` }));
    s.delete('pods', 'n1', 'web-100');
    await until(() => equalState(cacheState(handle), serverState('pods')), 10_000, 'relisted state');
    const phases = states.map((x) => x.phase);
    expect(phases).toContain('backoff');
    expect(phases.indexOf('listing')).toBeGreaterThan(phases.indexOf('watching')); // watch answered 410 -> relist
    await cache.close();
    await proxy.shut();
  });

  it('restarts a paged list whose continue token expired (410) and ends equal to the server; backs off when it keeps expiring', async () => {
    const inner = await sandboxClient(h.server, h.dir);
    const s = h.server.store;
    // Before some continue requests, more changes than the history keeps: that token expires.
    let expireNext = 0;
    let continues = 0;
    let gen = 0;
    const client: typeof inner = Object.create(inner, {
      send: {
        value: (req: Parameters<typeof inner.send>[0]) => {
          if (req.query?.continue !== undefined && req.query.continue !== '') {
            continues++;
            if (expireNext > 0) {
              expireNext--;
              for (const o of s.list('pods', { limit: 50 }).items as KObject[]) s.patch('pods', o.metadata.namespace!, o.metadata.name!, (d: KObject) => void (d.metadata.labels = { app: `g${gen++}` }));
            }
          }
          return inner.send(req);
        },
      },
    });
    const cache = new WatchCache(client, { reflector: { ...FAST, backoff: { initialMs: 50, maxMs: 100 } } });
    expireNext = 1;
    const handle = cache.acquire(PODS);
    const states: ReflectorState[] = [];
    handle.onState((st) => states.push(st));
    await handle.synced();
    expect(equalState(cacheState(handle), serverState('pods'))).toBe(true);
    // One restart: 'listing' went back to 0 after progress, and no backoff was needed.
    const listed = states.filter((st) => st.phase === 'listing').map((st) => (st as { listed: number }).listed);
    expect(listed.some((n, i) => i > 0 && n === 0 && listed[i - 1]! > 0)).toBe(true);
    expect(states.some((st) => st.phase === 'backoff')).toBe(false);
    await cache.close();

    // Expiring on every attempt: after a few restarts the reflector backs off with the 410, then recovers.
    const before = continues;
    expireNext = 6;
    const again = new WatchCache(client, { reflector: { ...FAST, backoff: { initialMs: 50, maxMs: 100 } } });
    const h2 = again.acquire(PODS);
    const seen: ReflectorState[] = [];
    h2.onState((st) => seen.push(st));
    await h2.synced();
    const backoff = seen.find((st) => st.phase === 'backoff');
    expect(backoff && backoff.phase === 'backoff' && backoff.error.kind).toBe('gone');
    expect(continues - before).toBeGreaterThan(6);
    expect(equalState(cacheState(h2), serverState('pods'))).toBe(true);
    await again.close();
  });

  it('fault test: random drops, 410 resumes and a restart during 1,000 mutations; the cache equals the server', async () => {
    const proxy = new FlakyProxy({ host: '127.0.0.1', port: h.server.port });
    await proxy.open();
    const cache = new WatchCache(await sandboxClient(h.server, h.dir, { url: proxy.url }), { reflector: FAST });
    const handle = cache.acquire(PODS);
    const seen = new Set<string>();
    let syncs = 0;
    handle.onState((st) => {
      seen.add(st.phase);
      if (st.phase === 'synced') syncs++;
    });
    await handle.synced();
    const s = h.server.store;
    let seq = 0;
    const live = () => s.list('pods', {}).items as KObject[];
    for (let i = 0; i < 1000; i++) {
      const r = Math.random();
      const items = live();
      if (r < 0.4 || items.length < 50) s.create('pods', pod(`f${seq++}-x`, NAMESPACES[Math.floor(Math.random() * 4)]!));
      else if (r < 0.75) {
        const o = items[Math.floor(Math.random() * items.length)]!;
        s.patch('pods', o.metadata.namespace!, o.metadata.name!, (d: KObject) => void (d.metadata.labels = { app: `m${i}` }));
      } else {
        const o = items[Math.floor(Math.random() * items.length)]!;
        s.delete('pods', o.metadata.namespace!, o.metadata.name!);
      }
      if (i % 10 === 0) await new Promise((res) => setTimeout(res, 5 + Math.random() * 10));
      if (Math.random() < 0.03) proxy.dropOne();
      if (i === 500) {
        await proxy.shut(); // the server "restarts": refused for a while
        await new Promise((res) => setTimeout(res, 300));
        await proxy.open();
      }
    }
    await until(() => equalState(cacheState(handle), serverState('pods')), 20_000, 'cache equal to server');
    // and it stays a working watch afterwards
    s.create('pods', pod('after-fault', 'n1'));
    await until(() => handle.store.getByName('n1', 'after-fault') !== undefined, 10_000, 'watch after faults');
    expect(equalState(cacheState(handle), serverState('pods'))).toBe(true);
    expect(seen.has('backoff')).toBe(true);
    expect(syncs).toBeGreaterThan(1); // resumes answered 410 led to relists
    await cache.close();
    await proxy.shut();
  }, 60_000);

  it('reports forbidden with verb and resource for the viewer on secrets', async () => {
    const cache = new WatchCache(await sandboxClient(h.server, h.dir, { context: 'orrery-sandbox-viewer' }), { reflector: FAST });
    const handle = cache.acquire(SECRETS);
    await until(() => handle.state().phase === 'forbidden', 5000, 'forbidden');
    const st = handle.state();
    if (st.phase !== 'forbidden') throw new Error('unreachable');
    expect(st.verb).toBe('list');
    expect(st.resource).toBe('secrets');
    expect(st.error.kind).toBe('forbidden');
    expect(st.retryAt).toBeGreaterThan(Date.now() + 30_000);
    expect(st.synced).toBe(false);
    // the viewer can list pods
    const pods = cache.acquire(PODS);
    await pods.synced();
    await cache.close();
  });

  it('backs off while the server is unreachable and recovers when it comes back', async () => {
    const proxy = new FlakyProxy({ host: '127.0.0.1', port: h.server.port });
    await proxy.open();
    const url = proxy.url;
    await proxy.shut();
    const cache = new WatchCache(await sandboxClient(h.server, h.dir, { url }), { reflector: { ...FAST, backoff: { initialMs: 100, maxMs: 400 } } });
    const handle = cache.acquire(PODS);
    await until(() => handle.state().phase === 'backoff', 5000, 'backoff');
    const st = handle.state();
    if (st.phase !== 'backoff') throw new Error('unreachable');
    expect(st.error.kind).toBe('unreachable');
    expect(st.error.message).toMatch(/connection refused/);
    expect(st.retryAt).toBeGreaterThanOrEqual(Date.now() - 50);
    await until(() => handle.state().phase === 'backoff' && (handle.state() as { attempt: number }).attempt >= 3, 5000, 'repeated backoff');
    await proxy.open();
    await handle.synced();
    expect(equalState(cacheState(handle), serverState('pods'))).toBe(true);
    await cache.close();
    await proxy.shut();
  });

  it('starts watches on first acquire and stops them after the last release and the linger', async () => {
    let open = 0;
    const events: string[] = [];
    const cache = new WatchCache(await sandboxClient(h.server, h.dir), {
      lingerMs: 200,
      reflector: FAST,
      telemetry: {
        onWatchOpen: (ctx, r) => {
          open++;
          events.push(`open ${ctx} ${r.resource}`);
        },
        onWatchClose: () => void open--,
      },
    });
    const a = cache.acquire(PODS);
    const b = cache.acquire(PODS);
    expect(a.store).toBe(b.store);
    await until(() => open === 1, 5000, 'watch open');
    expect(events[0]).toBe('open orrery-sandbox pods');
    a.release();
    a.release(); // idempotent
    await new Promise((r) => setTimeout(r, 400));
    expect(open).toBe(1); // b still holds it
    b.release();
    await new Promise((r) => setTimeout(r, 50));
    const c = cache.acquire(PODS); // within the linger: same warm store
    expect(c.store).toBe(a.store);
    c.release();
    await until(() => open === 0, 5000, 'watch closed after linger');
    expect(cache.statuses()).toEqual([]);
    const d = cache.acquire(PODS);
    expect(d.store).not.toBe(a.store);
    await d.synced();
    expect(cache.status(PODS)?.size).toBe(h.server.store.count('pods'));
    await cache.close();
    expect(open).toBe(0);
  });
});
