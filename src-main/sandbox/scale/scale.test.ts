import { describe, expect, it } from 'vitest';
import { Pod } from 'kubernetes-models/v1';
import { Store } from '../apiserver/store';
import { storeResources } from '../apiserver/resources';
import { startScale } from './index';
import { SyntheticLog } from './synthetic-log';

describe('scale mode', () => {
  it('creates 20k synthetic pods quickly across namespaces and nodes', () => {
    const store = new Store(storeResources());
    store.create('namespaces', { metadata: { name: 'default' } });
    const t = Date.now();
    const s = startScale(store, { pods: 20_000, churn: 0, logRate: 10 });
    expect(Date.now() - t).toBeLessThan(5000);
    expect(store.count('pods')).toBe(20_000);
    expect(s.namespaces.length).toBe(10);
    expect(store.list('pods', { limit: 1 }).remainingItemCount).toBe(19_999);
    expect(new Set(store.list('pods').items.map((p) => p.spec.nodeName)).size).toBe(Math.ceil(20_000 / 110));
    const p = store.list('pods', { namespace: 'scale-01', limit: 1 }).items[0]!;
    expect(s.provider.podUsage!('scale-01', p.metadata.name!)![0]!.cpuNanoCores).toBeGreaterThan(0);
    s.stop();
  });

  it('synthetic pods are complete, schema-valid, independent objects; churn mutates them', async () => {
    const store = new Store(storeResources());
    store.create('namespaces', { metadata: { name: 'default' } });
    const s = startScale(store, { pods: 300, churn: 200, logRate: 0 });
    const [a, b] = store.list('pods', { limit: 2 }).items;
    for (const p of [a!, b!]) {
      new Pod(p as any).validate();
      expect(p.spec.tolerations.map((t: any) => t.key)).toEqual(['sandbox.orrery.dev/synthetic', 'node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']);
      expect(p.spec.containers[0]).toMatchObject({ terminationMessagePath: '/dev/termination-log', imagePullPolicy: 'IfNotPresent' });
      expect(Object.isFrozen(p.spec.containers[0])).toBe(true);
    }
    expect(a!.status.containerStatuses[0].containerID).not.toBe(b!.status.containerStatuses[0].containerID);
    expect(a!.metadata.uid).not.toBe(b!.metadata.uid);
    const rv = Number(store.resourceVersion);
    await new Promise((r) => setTimeout(r, 400));
    s.stop();
    expect(Number(store.resourceVersion) - rv).toBeGreaterThanOrEqual(40);
    expect(store.count('pods')).toBe(300);
    for (const p of store.list('pods').items) new Pod(p as any).validate();
  });

  it('synthetic logs: contiguous seq, timestamps consistent with tail and follow', async () => {
    const log = new SyntheticLog('p', Date.now() - 2000, 100, () => true);
    const lines = log.lines();
    expect(lines.length).toBeGreaterThanOrEqual(199);
    const seqs = lines.map((l) => JSON.parse(l.text).seq);
    expect(seqs[seqs.length - 1] - seqs[0]).toBe(seqs.length - 1);
    // Go's RFC3339Nano, as the kubelet writes it: trailing zeros of the fraction trimmed.
    for (const l of lines) expect(l.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{0,8}[1-9])?Z$/);
    expect(lines.map((l) => Date.parse(l.time))).toEqual([...lines.map((l) => Date.parse(l.time))].sort((a, b) => a - b));
    const got: number[] = [];
    const off = log.follow((l) => got.push(JSON.parse(l.text).seq), () => {});
    await new Promise((r) => setTimeout(r, 300));
    off();
    expect(got.length).toBeGreaterThan(15);
    expect(got[0]).toBe(seqs[seqs.length - 1] + 1);
    for (let i = 1; i < got.length; i++) expect(got[i]).toBe(got[i - 1]! + 1);
  });
});
