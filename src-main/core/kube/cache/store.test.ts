import { describe, expect, it } from 'vitest';
import { ObjectStore } from './store';
import type { KubeObject } from './types';

const pod = (name: string, ns: string, labels: Record<string, string>, node: string, rv: string): KubeObject => ({
  metadata: { name, namespace: ns, uid: `uid-${name}`, resourceVersion: rv, labels },
  spec: { nodeName: node },
});

const names = (objs: KubeObject[]) => objs.map((o) => o.metadata.name).sort();

describe('ObjectStore indexes', () => {
  it('builds an index (and the name lookup) on first use and keeps it up to date from then on, with the same answers as one kept from the start', () => {
    const early = new ObjectStore();
    const late = new ObjectStore({ indexers: { app: (o) => o.metadata.labels?.app } });
    early.byIndex('label', 'app=web'); // every default index in use from the start
    early.byIndex('namespace', 'a');
    early.byIndex('node', 'n1');
    early.byIndex('owner', 'x');
    early.getByName('a', 'p1'); // and the name lookup
    const apply = (fn: (s: ObjectStore) => void) => [early, late].forEach(fn);
    apply((s) => {
      s.beginReplace();
      s.replacePage([pod('p1', 'a', { app: 'web' }, 'n1', '1'), pod('p2', 'a', { app: 'db' }, 'n2', '1'), pod('p3', 'b', { app: 'web' }, 'n1', '1')]);
      s.finishReplace();
    });
    // `late` builds its indexes now, from what it holds.
    for (const s of [early, late]) {
      expect(names(s.byIndex('label', 'app=web'))).toEqual(['p1', 'p3']);
      expect(names(s.byIndex('node', 'n1'))).toEqual(['p1', 'p3']);
      expect(s.countByIndex('namespace', 'a')).toBe(2);
    }
    expect(names(late.byIndex('app', 'web'))).toEqual(['p1', 'p3']);
    for (const s of [early, late]) expect(s.getByName('b', 'p3')?.metadata.uid).toBe('uid-p3');
    // ... and maintains them afterwards.
    apply((s) => {
      s.apply('MODIFIED', pod('p1', 'a', { app: 'db' }, 'n2', '2'));
      s.apply('DELETED', pod('p3', 'b', { app: 'web' }, 'n1', '3'));
      s.apply('ADDED', pod('p4', 'c', { app: 'web' }, 'n1', '4'));
    });
    for (const s of [early, late]) {
      expect(names(s.byIndex('label', 'app=web'))).toEqual(['p4']);
      expect(names(s.byIndex('label', 'app=db'))).toEqual(['p1', 'p2']);
      expect(names(s.byIndex('node', 'n2'))).toEqual(['p1', 'p2']);
      expect(s.indexValues('namespace').sort()).toEqual(['a', 'c']);
    }
    expect(names(late.byIndex('app', 'web'))).toEqual(['p4']);
    for (const s of [early, late]) {
      expect(s.getByName('b', 'p3')).toBeUndefined();
      expect(s.getByName('c', 'p4')?.metadata.uid).toBe('uid-p4');
    }
    expect(() => late.byIndex('nope', 'x')).toThrow('no index named "nope"');
  });
});
