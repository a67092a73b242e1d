import { describe, expect, it } from 'vitest';
import { ObjectStore } from './store';
import type { KubeObject } from './types';
import { WindowedQuery, compileFilter, itemComparator, type SortSpec, type WindowDelta, type WindowRow } from './window';
import { labelMatcher, parseLabelSelector } from './label-selector';

// A deterministic PRNG so a failing seed can be replayed.
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Row {
  name: string;
  ns: string;
  rv: string;
}
const project = (o: KubeObject): Row => ({ name: o.metadata.name ?? '', ns: o.metadata.namespace ?? '', rv: o.metadata.resourceVersion ?? '' });

function applyDelta(rows: WindowRow<Row>[], d: WindowDelta<Row>): WindowRow<Row>[] {
  const removed = new Set(d.removed);
  const out = rows.filter((r) => !removed.has(r.key));
  for (const ins of d.inserted) out.splice(ins.index, 0, { key: ins.key, row: ins.row });
  for (const c of d.changed) {
    expect(out[c.index]?.key).toBe(c.key);
    out[c.index] = { key: c.key, row: c.row };
  }
  return out;
}

describe('label selectors', () => {
  it('parses and matches the kubectl syntax', () => {
    const m = (sel: string, labels?: Record<string, string>) => labelMatcher(parseLabelSelector(sel))(labels);
    expect(m('app=web', { app: 'web' })).toBe(true);
    expect(m('app==web,tier!=db', { app: 'web', tier: 'fe' })).toBe(true);
    expect(m('app=web,tier!=db', { app: 'web', tier: 'db' })).toBe(false);
    expect(m('tier in (a, b)', { tier: 'b' })).toBe(true);
    expect(m('tier notin (a,b)', { tier: 'b' })).toBe(false);
    expect(m('tier notin (a,b)', {})).toBe(true);
    expect(m('canary', { canary: '' })).toBe(true);
    expect(m('!canary', { canary: '' })).toBe(false);
    expect(m('!canary', undefined)).toBe(true);
    expect(m('app.kubernetes.io/name=x', { 'app.kubernetes.io/name': 'x' })).toBe(true);
    expect(() => parseLabelSelector('a=b c')).toThrow(/invalid label selector/);
  });
});

describe('WindowedQuery', () => {
  const sorts: Array<[SortSpec, boolean]> = [
    ['name', false],
    ['namespace', true],
    ['age', false],
    [{ key: (o) => Number(o.metadata.labels?.rank ?? 0) }, true],
  ];
  for (const [sort, descending] of sorts) {
    it(`matches a brute-force oracle under random mutations (sort ${typeof sort === 'string' ? sort : 'custom'}${descending ? ' desc' : ''})`, () => {
      for (const seed of [1, 2, 3]) fuzz(seed, sort, descending);
    });
  }

  it('coalesces many batches into one delta when the owner takes it (onChange + takeDelta), matching the oracle', () => {
    for (const seed of [4, 5]) fuzz(seed, 'name', false, true);
    fuzz(6, 'age', true, true);
  });

  function fuzz(seed: number, sort: SortSpec, descending: boolean, coalesce = false) {
    const rand = rng(seed);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
    let flushes: (() => void)[] = [];
    const store = new ObjectStore({ schedule: (f) => flushes.push(f) });
    const flush = () => {
      const f = flushes;
      flushes = [];
      for (const x of f) x();
    };
    let rv = 1;
    let uid = 0;
    const live = new Map<string, KubeObject>();
    const make = (u: string, name?: string): KubeObject => ({
      metadata: {
        uid: u,
        name: name ?? `${pick(['web', 'api', 'db', 'cache'])}-${Math.floor(rand() * 300)}`,
        namespace: pick(['a', 'b', 'c', 'd']),
        resourceVersion: String(rv++),
        creationTimestamp: `2026-01-0${1 + Math.floor(rand() * 9)}T00:00:${String(Math.floor(rand() * 60)).padStart(2, '0')}Z`,
        labels: { app: pick(['web', 'api', 'db']), rank: String(Math.floor(rand() * 20)), ...(rand() < 0.3 ? { canary: '' } : {}) },
      },
      status: { phase: pick(['Running', 'Pending', 'Failed']) },
    });
    const add = () => {
      const o = make(`u${uid++}`);
      live.set(o.metadata.uid!, o);
      store.apply('ADDED', o);
    };
    for (let i = 0; i < 500; i++) add();
    flush();

    const filter = { namespaces: ['a', 'b', 'c'], nameContains: rand() < 0.5 ? 'e' : '', labelSelector: 'app in (web,api),!canary', status: (o: KubeObject) => (o.status as { phase: string }).phase !== 'Failed' };
    let range = { offset: 0, limit: 25 };
    let mirror: WindowRow<Row>[] = [];
    let total = 0;
    const q = new WindowedQuery<Row>(store, {
      filter,
      sort,
      descending,
      project,
      window: range,
      ...(coalesce
        ? { onChange: () => void changes++ }
        : {
            onDelta: (d: WindowDelta<Row>) => {
              mirror = applyDelta(mirror, d);
              total = d.total;
            },
          }),
    });
    let changes = 0;
    const take = () => {
      const d = q.takeDelta();
      if (d) {
        mirror = applyDelta(mirror, d);
        total = d.total;
      }
    };
    const snap = q.snapshot();
    mirror = snap.rows;
    total = snap.total;

    const matches = compileFilter(filter);
    const sortKey = typeof sort === 'object' ? sort.key : (o: KubeObject) => (sort === 'name' ? o.metadata.name! : sort === 'namespace' ? o.metadata.namespace! : o.metadata.creationTimestamp!);
    const cmp = itemComparator(sort, descending);
    const oracle = () => {
      const all = [...live.values()]
        .filter(matches)
        .map((o) => ({ key: o.metadata.uid!, sort: sortKey(o), ns: o.metadata.namespace ?? '', name: o.metadata.name ?? '', obj: o }))
        .sort(cmp);
      return { total: all.length, rows: all.slice(range.offset, range.offset + range.limit).map((i) => ({ key: i.key, row: project(i.obj) })) };
    };
    const check = () => {
      const want = oracle();
      expect(total).toBe(want.total);
      expect(mirror).toEqual(want.rows);
      expect(q.snapshot().rows).toEqual(want.rows);
    };
    check();
    for (let step = 0; step < 400; step++) {
      const ops = 1 + Math.floor(rand() * 20);
      for (let i = 0; i < ops; i++) {
        const r = rand();
        const keys = [...live.keys()];
        if (r < 0.3 || keys.length === 0) add();
        else if (r < 0.5) {
          const k = pick(keys);
          const o = live.get(k)!;
          live.delete(k);
          store.apply('DELETED', o);
        } else {
          const k = pick(keys);
          const prev = live.get(k)!;
          // Sometimes only the RV changes (same position), sometimes sort keys and labels too.
          const o = rand() < 0.4 ? { ...prev, metadata: { ...prev.metadata, resourceVersion: String(rv++) } } : make(k, rand() < 0.5 ? prev.metadata.name : undefined);
          live.set(k, o);
          store.apply('MODIFIED', o);
        }
      }
      if (step % 97 === 50) {
        // A relist that drops a third and adds 2,500 (a batch big enough to rebuild).
        store.beginReplace();
        const keep = [...live.values()].filter(() => rand() < 0.66);
        live.clear();
        for (const o of keep) live.set(o.metadata.uid!, o);
        for (let i = 0; i < 2500; i++) {
          const o = make(`u${uid++}`);
          live.set(o.metadata.uid!, o);
        }
        store.replacePage([...live.values()]);
        store.finishReplace();
      }
      flush();
      if (rand() < 0.1) {
        range = { offset: Math.floor(rand() * Math.max(1, total)), limit: 1 + Math.floor(rand() * 40) };
        const d = q.setWindow(range); // includes changes not taken yet
        if (d) {
          mirror = applyDelta(mirror, d);
          total = d.total;
        }
        check();
      }
      // Coalescing: the owner takes the delta now and then, after several batches.
      if (!coalesce) check();
      else if (rand() < 0.25) {
        take();
        check();
      }
    }
    if (coalesce) expect(changes).toBeGreaterThan(100);
    q.dispose();
  }

  it('sends only window rows and nothing when a change is outside the window', () => {
    const flushes: (() => void)[] = [];
    const store = new ObjectStore({ schedule: (f) => flushes.push(f) });
    const flush = () => flushes.splice(0).forEach((f) => f());
    for (let i = 0; i < 1000; i++) store.apply('ADDED', { metadata: { uid: `u${i}`, name: `p-${String(i).padStart(4, '0')}`, namespace: 'a', resourceVersion: '1' } });
    flush();
    const deltas: WindowDelta<Row>[] = [];
    const q = new WindowedQuery<Row>(store, { project, window: { offset: 0, limit: 10 }, onDelta: (d) => deltas.push(d) });
    store.apply('MODIFIED', { metadata: { uid: 'u500', name: 'p-0500', namespace: 'a', resourceVersion: '2' } });
    flush();
    expect(deltas).toEqual([]);
    store.apply('MODIFIED', { metadata: { uid: 'u3', name: 'p-0003', namespace: 'a', resourceVersion: '2' } });
    flush();
    expect(deltas).toEqual([{ total: 1000, offset: 0, removed: [], inserted: [], changed: [{ index: 3, key: 'u3', row: { name: 'p-0003', ns: 'a', rv: '2' } }] }]);
    store.apply('DELETED', { metadata: { uid: 'u999', name: 'p-0999', namespace: 'a', resourceVersion: '3' } });
    flush();
    expect(deltas[1]).toEqual({ total: 999, offset: 0, removed: [], inserted: [], changed: [] });
    q.dispose();
  });
});
