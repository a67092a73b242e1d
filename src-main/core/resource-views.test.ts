// The list views' backend end to end, in process: contract client -> backend -> watch cache ->
// the sandbox API server over HTTPS.
import { describe, expect, it } from 'vitest';
import { useBackendOnSandbox } from './testing';
import type { ClientError } from '../contract/client';
import type { ResourceRow, ResourceWindowFrame, SyncState } from '../contract/types';

const env = useBackendOnSandbox({
  seed: ({ server }) => {
    for (let i = 0; i < 30; i++) {
      server.store.create('pods', { metadata: { name: `batch-${String(i).padStart(2, '0')}`, namespace: i % 2 ? 'shop' : 'default', labels: { app: 'batch', parity: i % 2 ? 'odd' : 'even' } }, spec: { containers: [{ name: 'c', image: 'x' }] } } as never);
    }
  },
});

/** Applies frames the way the renderer does, keeping the visible rows. */
function openView(input: Parameters<typeof env.client.subscribe<'resources.window'>>[1]) {
  const view = { rows: [] as ResourceRow[], total: -1, offset: 0, state: undefined as SyncState | undefined, error: undefined as ClientError | undefined };
  const apply = (f: ResourceWindowFrame) => {
    if (f.type === 'state') view.state = f.state;
    else if (f.type === 'snapshot') Object.assign(view, { rows: f.rows, total: f.total, offset: f.offset });
    else {
      view.total = f.total;
      view.offset = f.offset;
      let rows = view.rows.filter((r) => !f.removed.includes(r.key));
      for (const ins of f.inserted) rows.splice(ins.index, 0, ins.row); // indexes are within the window
      rows = rows.map((r) => r);
      for (const ch of f.changed) rows[ch.index] = ch.row;
      view.rows = rows;
    }
  };
  const cancel = env.client.subscribe('resources.window', input, { onData: (frames) => frames.forEach(apply), onError: (e) => (view.error = e) });
  return { view, cancel };
}

describe('resources.window', () => {
  it('lists the kinds with their columns', async () => {
    const kinds = await env.client.call('resources.kinds');
    expect(kinds.find((k) => k.id === 'pods')?.columns.map((c) => c.title)).toEqual(['Ready', 'Status', 'Restarts', 'Age', 'IP', 'Node']);
  });

  it('streams a sorted, filtered window, then deltas as the cluster changes', async () => {
    const { view, cancel } = openView({ viewId: 'view-00000001', context: 'orrery-sandbox', kind: 'pods', namespaces: ['shop'], labelSelector: 'app=batch', sort: 'name', offset: 0, limit: 5 });
    await expect.poll(() => view.total).toBe(15);
    expect(view.rows.map((r) => r.name)).toEqual(['batch-01', 'batch-03', 'batch-05', 'batch-07', 'batch-09']);
    expect(view.state?.synced).toBe(true);
    env.h.server.store.create('pods', { metadata: { name: 'batch-00a', namespace: 'shop', labels: { app: 'batch' } }, spec: { containers: [{ name: 'c', image: 'x' }] } } as never);
    await expect.poll(() => view.rows[0]?.name).toBe('batch-00a');
    expect(view.total).toBe(16);
    env.h.server.store.delete('pods', 'shop', 'batch-00a');
    await expect.poll(() => view.rows[0]?.name).toBe('batch-01');
    // Scrolling moves the window; rows arrive on the same stream.
    await env.client.call('resources.scroll', { viewId: 'view-00000001', offset: 10, limit: 5 });
    await expect.poll(() => view.rows.map((r) => r.name)).toEqual(['batch-21', 'batch-23', 'batch-25', 'batch-27', 'batch-29']);
    cancel();
  });

  it('sorts by a column, descending', async () => {
    const { view, cancel } = openView({ viewId: 'view-00000002', context: 'orrery-sandbox', kind: 'pods', name: 'batch-1', sort: 'name', descending: true, offset: 0, limit: 3 });
    await expect.poll(() => view.rows.map((r) => r.name)).toEqual(['batch-19', 'batch-18', 'batch-17']);
    cancel();
  });

  it('rejects an unknown sort column and an unknown kind with typed errors', async () => {
    const a = openView({ viewId: 'view-00000003', context: 'orrery-sandbox', kind: 'pods', sort: 'bogus', offset: 0, limit: 5 });
    const b = openView({ viewId: 'view-00000004', context: 'orrery-sandbox', kind: 'widgets', sort: 'name', offset: 0, limit: 5 });
    await expect.poll(() => [a.view.error?.code, b.view.error?.code]).toEqual(['BAD_INPUT', 'NOT_FOUND']);
  });

  it('shows which permission is missing when the viewer lists secrets', async () => {
    const { view, cancel } = openView({ viewId: 'view-00000005', context: 'orrery-sandbox-viewer', kind: 'secrets', sort: 'name', offset: 0, limit: 5 });
    await expect.poll(() => view.state?.phase).toBe('forbidden');
    expect(view.state).toMatchObject({ verb: 'list', resource: 'secrets' });
    expect(view.state?.message).toContain('cannot list resource "secrets"');
    cancel();
  });

  it('sends a burst of changes as a few coalesced deltas, and the full count before saying synced', async () => {
    const store = env.h.server.store;
    store.create('namespaces', { metadata: { name: 'burst' } } as never);
    for (let i = 0; i < 1200; i++) store.create('configmaps', { metadata: { name: `cm-${String(i).padStart(4, '0')}`, namespace: 'burst' }, data: { i: String(i) } } as never);
    const items: ResourceWindowFrame[] = [];
    const cancel = env.client.subscribe('resources.window', { viewId: 'view-00000010', context: 'orrery-sandbox', kind: 'configmaps', namespaces: ['burst'], sort: 'name', offset: 0, limit: 20 }, { onData: (frames) => items.push(...frames) });
    await expect.poll(() => items.some((f) => f.type === 'state' && f.state.phase === 'watching')).toBe(true);
    // A cold cache: listed in pages; the frame that says synced comes after the one with all of them.
    const synced = items.findIndex((f) => f.type === 'state' && f.state.synced);
    const lastCount = items.slice(0, synced).findLast((f) => f.type === 'delta' || f.type === 'snapshot');
    expect(lastCount && 'total' in lastCount && lastCount.total).toBe(1200);
    // 300 creations over 30 event-loop turns: a handful of deltas, not one per turn.
    items.length = 0;
    for (let turn = 0; turn < 30; turn++) {
      for (let i = 0; i < 10; i++) store.create('configmaps', { metadata: { name: `b-${turn}-${i}`, namespace: 'burst' } } as never);
      await new Promise((r) => setImmediate(r));
    }
    await expect.poll(() => items.findLast((f) => f.type === 'delta')?.total).toBe(1500);
    const deltas = items.filter((f) => f.type === 'delta').length;
    expect(deltas).toBeGreaterThan(0);
    expect(deltas).toBeLessThan(6);
    cancel();
  });

  it('lists Secrets and ConfigMaps with Type and Data from the server, values never cached', async () => {
    const store = env.h.server.store;
    store.create('secrets', { metadata: { name: 'registry', namespace: 'shop' }, type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': 'e30=' } } as never);
    store.create('configmaps', { metadata: { name: 'settings', namespace: 'shop' }, data: { a: '1', b: '2' }, binaryData: { c: 'AA==' } } as never);
    const secrets = openView({ viewId: 'view-00000011', context: 'orrery-sandbox', kind: 'secrets', namespaces: ['shop'], name: 'registry', sort: 'name', offset: 0, limit: 5 });
    const configs = openView({ viewId: 'view-00000012', context: 'orrery-sandbox', kind: 'configmaps', namespaces: ['shop'], name: 'settings', sort: 'name', offset: 0, limit: 5 });
    await expect.poll(() => secrets.view.rows.map((r) => [r.name, ...r.cells.slice(0, 2)])).toEqual([['registry', 'kubernetes.io/dockerconfigjson', 1]]);
    await expect.poll(() => configs.view.rows.map((r) => [r.name, r.cells[0]])).toEqual([['settings', 3]]);
    secrets.cancel();
    configs.cancel();
  });

  it('streams namespace names for the namespace filter', async () => {
    const names: string[][] = [];
    const cancel = env.client.subscribe('cluster.namespaces', { context: 'orrery-sandbox' }, { onData: (items) => names.push(...items) });
    await expect.poll(() => names.at(-1)).toEqual(expect.arrayContaining(['default', 'kube-system', 'shop']));
    cancel();
  });
});

describe('discovered kinds', () => {
  it('lists kinds Orrery has no definition for (here: leases) with generic columns', async () => {
    env.h.server.store.create('leases', { metadata: { name: 'kube-scheduler', namespace: 'kube-system' }, spec: { holderIdentity: 'x' } } as never);
    const kinds = await env.client.call('resources.kinds', { context: 'orrery-sandbox' });
    const lease = kinds.find((k) => k.id === 'leases.coordination.k8s.io');
    expect(lease).toMatchObject({ kind: 'Lease', group: 'coordination.k8s.io', version: 'v1', namespaced: true, category: 'Other', columns: [{ id: 'age', title: 'Age', type: 'age' }] });
    // Known kinds are not listed twice, and review or metrics APIs are not lists at all.
    expect(kinds.filter((k) => k.resource === 'deployments')).toHaveLength(1);
    expect(kinds.some((k) => k.group === 'metrics.k8s.io' || k.group === 'authorization.k8s.io')).toBe(false);
    const { view, cancel } = openView({ viewId: 'view-00000009', context: 'orrery-sandbox', kind: 'leases.coordination.k8s.io', sort: 'name', offset: 0, limit: 10 });
    await expect.poll(() => view.rows.map((r) => r.name)).toEqual(['kube-scheduler']);
    cancel();
  });
});
