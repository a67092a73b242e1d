import { describe, expect, it } from 'vitest';
import { ApiError } from './errors';
import { Store, type StoreResource, type WatchEvent } from './store';
import { pathGetter } from './selectors';

const RES: StoreResource[] = [
  { resource: 'namespaces', group: '', apiVersion: 'v1', kind: 'Namespace', namespaced: false, hasStatus: true },
  {
    resource: 'pods', group: '', apiVersion: 'v1', kind: 'Pod', namespaced: true, hasStatus: true, graceful: true,
    fields: { 'spec.nodeName': pathGetter('spec.nodeName'), 'status.phase': pathGetter('status.phase') },
  },
  { resource: 'configmaps', group: '', apiVersion: 'v1', kind: 'ConfigMap', namespaced: true },
  { resource: 'deployments', group: 'apps', apiVersion: 'apps/v1', kind: 'Deployment', namespaced: true, hasStatus: true, generation: true },
  { resource: 'replicasets', group: 'apps', apiVersion: 'apps/v1', kind: 'ReplicaSet', namespaced: true, hasStatus: true, generation: true },
];

function newStore(opts = {}) {
  const s = new Store(RES, opts);
  s.create('namespaces', { metadata: { name: 'default' } });
  s.create('namespaces', { metadata: { name: 'shop' } });
  return s;
}

function pod(name: string, labels: Record<string, string> = {}, extra: Record<string, unknown> = {}) {
  return { metadata: { name, namespace: 'shop', labels }, spec: { containers: [{ name: 'c', image: 'x' }] }, ...extra };
}

function err(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error('expected an ApiError');
}

describe('Store', () => {
  it('creates with uid, timestamps, a growing resourceVersion, and frozen objects', () => {
    const s = newStore();
    const a = s.create('pods', pod('a'));
    const b = s.create('pods', pod('b'));
    expect(a.apiVersion).toBe('v1');
    expect(a.kind).toBe('Pod');
    expect(a.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(Number(b.metadata.resourceVersion)).toBeGreaterThan(Number(a.metadata.resourceVersion));
    expect(Object.isFrozen(a.metadata.labels)).toBe(true);
    expect(() => {
      (a.metadata as { name: string }).name = 'z';
    }).toThrow();
    expect(s.getEntry('pods', 'shop', 'a')!.json).toBe(JSON.stringify(a));
  });

  it('reports AlreadyExists, NotFound, missing namespace and missing name like the API', () => {
    const s = newStore();
    s.create('pods', pod('a'));
    expect(err(() => s.create('pods', pod('a'))).toStatus()).toMatchObject({ code: 409, reason: 'AlreadyExists', message: 'pods "a" already exists' });
    expect(err(() => s.delete('pods', 'shop', 'nope')).message).toBe('pods "nope" not found');
    expect(err(() => s.create('pods', { metadata: { name: 'x', namespace: 'ghost' } })).message).toBe('namespaces "ghost" not found');
    const inv = err(() => s.create('pods', { metadata: { namespace: 'shop' } }));
    expect(inv.code).toBe(422);
    expect(inv.message).toBe('Pod "" is invalid: metadata.name: Required value: name or generateName is required');
    expect(inv.details?.causes?.[0]?.field).toBe('metadata.name');
    const d = s.create('deployments', { metadata: { name: 'web', namespace: 'shop' }, spec: {} });
    expect(err(() => s.update('deployments', { ...d, metadata: { ...d.metadata, resourceVersion: '1' } })).message).toBe(
      'Operation cannot be fulfilled on deployments.apps "web": the object has been modified; please apply your changes to the latest version and try again',
    );
    const g = s.create('pods', { metadata: { generateName: 'web-', namespace: 'shop' } });
    expect(g.metadata.name).toMatch(/^web-[a-z0-9]{5}$/);
  });

  it('keeps status on update, bumps generation on spec change only, skips no-op writes', () => {
    const s = newStore();
    const d = s.create('deployments', { metadata: { name: 'web', namespace: 'shop' }, spec: { replicas: 1 }, status: { replicas: 9 } });
    expect(d.metadata.generation).toBe(1);
    const st = s.updateStatus('deployments', { ...d, status: { replicas: 1 } });
    expect(st.status).toEqual({ replicas: 1 });
    expect(st.metadata.generation).toBe(1);
    const up = s.update('deployments', { ...st, spec: { replicas: 3 }, status: { replicas: 100 } });
    expect(up.status).toEqual({ replicas: 1 });
    expect(up.metadata.generation).toBe(2);
    const same = s.update('deployments', up);
    expect(same.metadata.resourceVersion).toBe(up.metadata.resourceVersion);
    const lab = s.patch('deployments', 'shop', 'web', (o) => {
      o.metadata.labels = { a: 'b' };
    });
    expect(lab.metadata.generation).toBe(2);
    expect(s.getEntry('deployments', 'shop', 'web')!.json).toBe(JSON.stringify(lab));
  });

  it('lists with label selectors of every operator and field selectors', () => {
    const s = newStore();
    s.create('pods', pod('a', { app: 'web', tier: 'fe' }, { spec: { nodeName: 'n1' }, status: { phase: 'Running' } }));
    s.create('pods', pod('b', { app: 'api' }, { spec: { nodeName: 'n2' }, status: { phase: 'Pending' } }));
    s.create('pods', pod('c', { app: 'db', tier: 'be' }, { spec: { nodeName: 'n1' }, status: { phase: 'Running' } }));
    const names = (o: Parameters<Store['list']>[1]) => s.list('pods', o).items.map((p) => p.metadata.name);
    expect(names({ labelSelector: 'app=web' })).toEqual(['a']);
    expect(names({ labelSelector: 'app==web' })).toEqual(['a']);
    expect(names({ labelSelector: 'app!=web' })).toEqual(['b', 'c']);
    expect(names({ labelSelector: 'app in (web, db)' })).toEqual(['a', 'c']);
    expect(names({ labelSelector: 'app notin (web,db)' })).toEqual(['b']);
    expect(names({ labelSelector: 'tier' })).toEqual(['a', 'c']);
    expect(names({ labelSelector: '!tier' })).toEqual(['b']);
    expect(names({ labelSelector: 'tier,app in (db,api)' })).toEqual(['c']);
    expect(names({ fieldSelector: 'spec.nodeName=n1,status.phase=Running' })).toEqual(['a', 'c']);
    expect(names({ fieldSelector: 'metadata.name!=a' })).toEqual(['b', 'c']);
    expect(names({ namespace: 'default' })).toEqual([]);
    expect(err(() => s.list('pods', { fieldSelector: 'spec.bogus=1' })).message).toBe('field label not supported: spec.bogus');
    expect(err(() => s.list('pods', { labelSelector: 'a in b' })).code).toBe(400);
  });

  it('pages with a stable resourceVersion and expiring continue tokens', () => {
    let now = 1_000_000;
    const s = newStore({ now: () => now });
    for (let i = 0; i < 25; i++) s.create('pods', pod(`p${String(i).padStart(2, '0')}`));
    const first = s.list('pods', { limit: 10 });
    expect(first.items).toHaveLength(10);
    expect(first.remainingItemCount).toBe(15);
    s.create('configmaps', { metadata: { name: 'x', namespace: 'shop' } });
    const second = s.list('pods', { limit: 10, continue: first.continue! });
    expect(second.resourceVersion).toBe(first.resourceVersion);
    expect(second.items[0]!.metadata.name).toBe('p10');
    const third = s.list('pods', { limit: 10, continue: second.continue! });
    expect(third.items).toHaveLength(5);
    expect(third.continue).toBeUndefined();
    now += 6 * 60_000;
    const e = err(() => s.list('pods', { limit: 10, continue: first.continue! }));
    expect(e.code).toBe(410);
    expect(e.reason).toBe('Expired');
  });

  it('serves later pages from the first page\'s snapshot', () => {
    const s = newStore();
    for (let i = 0; i < 9; i++) s.create('pods', pod(`p${i}`, { v: '1' }));
    const first = s.list('pods', { limit: 3 });
    expect(first.items.map((p) => p.metadata.name)).toEqual(['p0', 'p1', 'p2']);
    s.delete('pods', 'shop', 'p4');
    s.create('pods', pod('p35'));
    s.patch('pods', 'shop', 'p5', (p) => {
      p.metadata.labels = { v: '2' };
    });
    const rest: string[] = [];
    let tok = first.continue;
    let snapshotLabel = '';
    while (tok) {
      const page = s.list('pods', { limit: 3, continue: tok });
      expect(page.resourceVersion).toBe(first.resourceVersion);
      for (const p of page.items) {
        rest.push(p.metadata.name!);
        if (p.metadata.name === 'p5') snapshotLabel = p.metadata.labels!.v!;
      }
      tok = page.continue;
    }
    expect(rest).toEqual(['p3', 'p4', 'p5', 'p6', 'p7', 'p8']);
    expect(snapshotLabel).toBe('1');
  });

  it('watches from a resourceVersion, translates selector transitions, and 410s on old ones', () => {
    const s = newStore({ historySize: 5 });
    const a = s.create('pods', pod('a', { app: 'web' }));
    const rv0 = a.metadata.resourceVersion!;
    const seen: string[] = [];
    const stop = s.watch('pods', { resourceVersion: rv0, labelSelector: 'app=web' }, (ev: WatchEvent) => {
      seen.push(`${ev.type} ${ev.object.metadata.name} ${ev.object.metadata.labels?.app}`);
      expect(ev.json).toBe(JSON.stringify(ev.object));
    });
    s.create('pods', pod('b', { app: 'web' }));
    s.patch('pods', 'shop', 'b', (o) => {
      o.metadata.labels = { app: 'api' };
    });
    s.patch('pods', 'shop', 'b', (o) => {
      o.metadata.labels = { app: 'web' };
    });
    s.delete('pods', 'shop', 'a');
    stop();
    s.create('pods', pod('c', { app: 'web' }));
    expect(seen).toEqual(['ADDED b web', 'DELETED b web', 'ADDED b web', 'DELETED a web']);
    // replay from history
    const replay: string[] = [];
    s.watch('pods', { resourceVersion: rv0 }, (ev) => replay.push(ev.type))();
    for (let i = 0; i < 10; i++) s.create('configmaps', { metadata: { name: `cm${i}`, namespace: 'shop' } });
    for (let i = 0; i < 6; i++) s.create('pods', pod(`q${i}`));
    const big = err(() => s.watch('pods', { resourceVersion: String(Number(s.resourceVersion) + 100) }, () => {}));
    expect(big.toStatus()).toMatchObject({ code: 504, reason: 'Timeout', details: { causes: [{ reason: 'ResourceVersionTooLarge' }] } });
    const e = err(() => s.watch('pods', { resourceVersion: rv0 }, () => {}));
    expect(e.code).toBe(410);
    expect(e.message).toMatch(/^too old resource version: \d+ \(\d+\)$/);
    // RV "0": the current state as ADDED first
    const init: string[] = [];
    s.watch('pods', { resourceVersion: '0', labelSelector: 'app=web' }, (ev) => init.push(`${ev.type} ${ev.object.metadata.name}`));
    expect(init).toEqual(['ADDED b', 'ADDED c']);
  });

  it('keeps history by time: many changes within the window keep continue tokens and resumes valid, older ones 410', () => {
    let now = 1_000_000;
    const s = newStore({ historyWindowMs: 60_000, now: () => now });
    for (let i = 0; i < 20; i++) s.create('pods', pod(`p${String(i).padStart(2, '0')}`));
    const first = s.list('pods', { limit: 5 });
    const rv0 = first.resourceVersion;
    // Far more changes than the old fixed 10,000-event ring held, all within the window.
    for (let i = 0; i < 12_000; i++) {
      s.patch('pods', 'shop', `p${String(i % 20).padStart(2, '0')}`, (p) => {
        p.metadata.labels = { gen: String(i) };
      });
      if (i % 1000 === 0) now += 1000;
    }
    const second = s.list('pods', { limit: 5, continue: first.continue });
    expect(second.resourceVersion).toBe(rv0);
    expect(second.items.map((p) => p.metadata.labels?.gen)).toEqual([undefined, undefined, undefined, undefined, undefined]); // as of the list
    let replayed = 0;
    s.watch('pods', { resourceVersion: rv0 }, () => replayed++)();
    expect(replayed).toBe(12_000);
    // Past the window the list's changes are compacted away, even with no write since.
    now += 60_000;
    expect(err(() => s.list('pods', { limit: 5, continue: second.continue })).code).toBe(410);
    expect(err(() => s.watch('pods', { resourceVersion: rv0 }, () => {})).code).toBe(410);
    // A watch from the current resourceVersion is fine.
    s.watch('pods', { resourceVersion: s.resourceVersion }, () => {})();
  });

  it('bounds the history by memory: past historyMaxBytes the oldest changes go early', () => {
    const s = newStore({ historyMaxBytes: 50_000 });
    s.create('pods', pod('a', { n: 'x' }));
    const rv0 = s.resourceVersion;
    const size = JSON.stringify(s.get('pods', 'shop', 'a')).length; // every version is this size
    const fits = Math.floor(50_000 / size);
    for (let i = 0; i < fits - 5; i++) s.patch('pods', 'shop', 'a', (p) => void (p.metadata.labels = { n: String(i % 10) }));
    s.watch('pods', { resourceVersion: rv0 }, () => {})(); // still within the bound
    for (let i = 0; i < 20; i++) s.patch('pods', 'shop', 'a', (p) => void (p.metadata.labels = { n: String(i % 10) }));
    expect(err(() => s.watch('pods', { resourceVersion: rv0 }, () => {})).code).toBe(410);
    let replayed = 0;
    const recent = String(Number(s.resourceVersion) - 10);
    s.watch('pods', { resourceVersion: recent }, () => replayed++)();
    expect(replayed).toBe(10);
  });

  it('delivers events in order even when a watcher writes from its callback', () => {
    const s = newStore();
    const order: string[] = [];
    s.watch('pods', { resourceVersion: s.resourceVersion }, (ev) => {
      order.push(`A:${ev.object.metadata.name}`);
      if (ev.object.metadata.name === 'a') s.create('pods', pod('b'));
    });
    s.watch('pods', { resourceVersion: s.resourceVersion }, (ev) => order.push(`B:${ev.object.metadata.name}`));
    s.create('pods', pod('a'));
    expect(order).toEqual(['A:a', 'B:a', 'A:b', 'B:b']);
  });

  it('collects dependents in the background, waits for them in the foreground, and orphans', async () => {
    const s = newStore();
    const tick = () => new Promise((r) => setTimeout(r, 5));
    const mk = (n: string) => {
      const d = s.create('deployments', { metadata: { name: n, namespace: 'shop' }, spec: {} });
      const ref = { apiVersion: 'apps/v1', kind: 'Deployment', name: n, uid: d.metadata.uid!, controller: true, blockOwnerDeletion: true };
      const rs = s.create('replicasets', { metadata: { name: `${n}-rs`, namespace: 'shop', ownerReferences: [ref] }, spec: {} });
      const rref = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs.metadata.name!, uid: rs.metadata.uid!, controller: true };
      s.create('pods', pod(`${n}-pod`, {}, { metadata: { name: `${n}-pod`, namespace: 'shop', ownerReferences: [rref] } }));
    };
    mk('bg');
    const bgDep = s.get('deployments', 'shop', 'bg')!;
    expect(s.findByUid(bgDep.metadata.uid!)).toEqual({ resource: 'deployments', object: bgDep });
    s.delete('deployments', 'shop', 'bg');
    expect(s.get('replicasets', 'shop', 'bg-rs')).toBeDefined();
    await tick();
    expect(s.get('replicasets', 'shop', 'bg-rs')).toBeUndefined();
    expect(s.get('pods', 'shop', 'bg-pod')).toBeUndefined();

    mk('fg');
    const marked = s.delete('deployments', 'shop', 'fg', { propagationPolicy: 'Foreground' });
    expect(marked.metadata.deletionTimestamp).toBeDefined();
    expect(marked.metadata.finalizers).toEqual(['foregroundDeletion']);
    await tick();
    await tick();
    expect(s.get('pods', 'shop', 'fg-pod')).toBeUndefined();
    expect(s.get('replicasets', 'shop', 'fg-rs')).toBeUndefined();
    expect(s.get('deployments', 'shop', 'fg')).toBeUndefined();

    mk('or');
    s.delete('deployments', 'shop', 'or', { propagationPolicy: 'Orphan' });
    await tick();
    const rs = s.get('replicasets', 'shop', 'or-rs');
    expect(rs).toBeDefined();
    expect(rs!.metadata.ownerReferences).toBeUndefined();
  });

  it('keeps objects with finalizers until the last one is removed', () => {
    const s = newStore();
    s.create('configmaps', { metadata: { name: 'f', namespace: 'shop', finalizers: ['x/y'] } });
    const m = s.delete('configmaps', 'shop', 'f');
    expect(m.metadata.deletionTimestamp).toBeDefined();
    s.patch('configmaps', 'shop', 'f', (o) => {
      o.metadata.finalizers = [];
    });
    expect(s.get('configmaps', 'shop', 'f')).toBeUndefined();
  });

  it('deletes scheduled pods gracefully when asked to', () => {
    const s = newStore({ gracefulPodDeletion: true });
    s.create('pods', pod('a', {}, { spec: { nodeName: 'n1', terminationGracePeriodSeconds: 30 } }));
    const m = s.delete('pods', 'shop', 'a');
    expect(m.metadata.deletionGracePeriodSeconds).toBe(30);
    expect(s.get('pods', 'shop', 'a')).toBeDefined();
    s.delete('pods', 'shop', 'a', { gracePeriodSeconds: 0 });
    expect(s.get('pods', 'shop', 'a')).toBeUndefined();
  });

  it('empties a deleted namespace', async () => {
    const s = newStore();
    s.create('pods', pod('a'));
    const ns = s.delete('namespaces', undefined, 'shop');
    expect(ns.status?.phase).toBe('Terminating');
    expect(err(() => s.create('pods', pod('b'))).code).toBe(403);
    await new Promise((r) => setTimeout(r, 5));
    expect(s.get('pods', 'shop', 'a')).toBeUndefined();
    expect(s.get('namespaces', undefined, 'shop')).toBeUndefined();
  });

  it('lists 100,000 pods in pages of 500 quickly', () => {
    const s = newStore({ historySize: 1000 });
    const t0 = performance.now();
    for (let i = 0; i < 100_000; i++) {
      s.create('pods', { metadata: { name: `pod-${i}`, namespace: 'shop', labels: { app: `a${i % 10}` } }, spec: { nodeName: `n${i % 50}` } });
    }
    const created = performance.now() - t0;
    const t1 = performance.now();
    let tok: string | undefined;
    let n = 0;
    let bytes = 0;
    do {
      const page = s.list('pods', { limit: 500, continue: tok });
      n += page.items.length;
      bytes += page.entries.reduce((a, e) => a + e.json.length, 0);
      tok = page.continue;
    } while (tok);
    const listed = performance.now() - t1;
    expect(n).toBe(100_000);
    expect(bytes).toBeGreaterThan(0);
    // Second pass reuses the cached JSON.
    const t2 = performance.now();
    tok = undefined;
    do {
      const page = s.list('pods', { limit: 500, continue: tok });
      for (const e of page.entries) bytes += e.json.length;
      tok = page.continue;
    } while (tok);
    const relisted = performance.now() - t2;
    console.log(`100k pods: create ${created.toFixed(0)} ms, list+serialize ${listed.toFixed(0)} ms, relist ${relisted.toFixed(0)} ms`);
    expect(relisted).toBeLessThan(1000);
  }, 60_000);
});
