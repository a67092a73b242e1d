// Custom resources end to end against the sandbox API server: discovery with the CRD's printer
// columns, lists whose cells come from the server's Table, health from Ready conditions, detail
// pages, and a CRD added while Orrery watches.
import { describe, expect, it } from 'vitest';
import type { ClientError } from '../contract/client';
import type { KindInfo, ObjectDetail, ResourceRow, ResourceWindowFrame, SyncState } from '../contract/types';
import { api } from '../sandbox/apiserver/testkit';
import { CERTIFICATES, constellationCrds, constellationCustomResources } from '../sandbox/workloads/custom-resources';
import { useBackendOnSandbox } from './testing';

const env = useBackendOnSandbox({
  seed: ({ server }) => {
    server.store.create('namespaces', { metadata: { name: 'edge' } });
    for (const crd of constellationCrds()) server.store.create('customresourcedefinitions', crd);
    for (const { resource, object } of constellationCustomResources()) server.store.create(resource, object);
  },
});
const context = 'orrery-sandbox';

function openView(input: { kind: string; sort?: string; namespaces?: string[] }) {
  const view = { rows: [] as ResourceRow[], total: -1, state: undefined as SyncState | undefined, error: undefined as ClientError | undefined };
  const apply = (f: ResourceWindowFrame) => {
    if (f.type === 'state') view.state = f.state;
    else if (f.type === 'snapshot') Object.assign(view, { rows: f.rows, total: f.total });
    else {
      view.total = f.total;
      let rows = view.rows.filter((r) => !f.removed.includes(r.key));
      for (const ins of f.inserted) rows.splice(ins.index, 0, ins.row);
      rows = [...rows];
      for (const ch of f.changed) rows[ch.index] = ch.row;
      view.rows = rows;
    }
  };
  const cancel = env.client.subscribe(
    'resources.window',
    { context, viewId: `view-${Math.random().toString(36).slice(2, 10)}`, sort: input.sort ?? 'name', descending: false, offset: 0, limit: 50, kind: input.kind, ...(input.namespaces ? { namespaces: input.namespaces } : {}) },
    { onData: (frames) => frames.forEach(apply), onError: (e) => (view.error = e) },
  );
  return { view, cancel };
}

function followKinds() {
  const state = { kinds: undefined as KindInfo[] | undefined, pushes: 0 };
  const cancel = env.client.subscribe('resources.kindsWatch', { context }, {
    onData: (items) => {
      state.kinds = items.at(-1);
      state.pushes += items.length;
    },
  });
  return { state, cancel };
}

describe('custom resources', () => {
  it('discovers CRD kinds with their printer columns (priority > 0 as wide, Age live)', async () => {
    const kinds = await env.client.call('resources.kinds', { context });
    const cert = kinds.find((k) => k.id === CERTIFICATES);
    expect(cert).toMatchObject({ group: 'cert-manager.io', version: 'v1', resource: 'certificates', kind: 'Certificate', namespaced: true, category: 'Custom' });
    expect(cert!.columns).toEqual([
      { id: 'ready', title: 'Ready', type: 'text' },
      { id: 'secret', title: 'Secret', type: 'text' },
      { id: 'issuer', title: 'Issuer', type: 'text', wide: true },
      { id: 'status', title: 'Status', type: 'text', wide: true },
      { id: 'age', title: 'Age', type: 'age' },
    ]);
    expect(kinds.find((k) => k.id === 'clusterissuers.cert-manager.io')).toMatchObject({ namespaced: false, columns: [{ id: 'ready' }, { id: 'status', wide: true }, { id: 'age' }] });
    // The backend's own bookkeeping does not reach the renderer.
    expect(Object.keys(cert!)).not.toContain('serverTable');
  });

  it("lists them with the cells of the server's Table and health from the Ready condition", async () => {
    const { view, cancel } = openView({ kind: CERTIFICATES });
    await expect.poll(() => view.total).toBe(3);
    expect(view.error).toBeUndefined();
    const byName = (n: string) => view.rows.find((r) => r.name === n)!;
    expect(byName('gateway').cells.slice(0, 3)).toEqual(['True', 'gateway-tls', 'letsencrypt']);
    expect(byName('gateway').cells[4]).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(byName('gateway').health).toEqual({ level: 'ok', reason: 'Ready' });
    expect(byName('frontend').cells.slice(0, 2)).toEqual(['False', 'frontend-tls']);
    expect(byName('frontend').cells[3]).toContain('challenge for www.orrery.test failed');
    expect(byName('frontend').health).toEqual({ level: 'failing', reason: expect.stringMatching(/^Failed: The certificate request has failed/) });
    // Status written through the API (as cert-manager does) shows up in the same row.
    const path = '/apis/cert-manager.io/v1/namespaces/edge/certificates/frontend/status';
    const patched = await api(env.h.server, 'PATCH', path, { contentType: 'application/merge-patch+json', body: { status: { conditions: [{ type: 'Ready', status: 'True', reason: 'Ready', message: 'Certificate is up to date and has not expired', lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z') }] } } });
    expect(patched.status).toBe(200);
    await expect.poll(() => byName('frontend').cells[0]).toBe('True');
    expect(byName('frontend').health?.level).toBe('ok');
    cancel();
  });

  it('sorts by a printer column and lists cluster-scoped kinds', async () => {
    const sorted = openView({ kind: CERTIFICATES, sort: 'secret' });
    await expect.poll(() => sorted.view.rows.map((r) => r.cells[1])).toEqual(['catalog-internal-tls', 'frontend-tls', 'gateway-tls']);
    sorted.cancel();
    const issuers = openView({ kind: 'clusterissuers.cert-manager.io' });
    await expect.poll(() => issuers.view.rows.map((r) => [r.name, r.namespace, r.cells[0], r.health?.level])).toEqual([['letsencrypt', undefined, 'True', 'ok']]);
    issuers.cancel();
  });

  it('shows a detail page with conditions and health, and the object without cell bookkeeping', async () => {
    let detail: ObjectDetail | undefined;
    const cancel = env.client.subscribe('resources.detail', { context, kind: CERTIFICATES, namespace: 'edge', name: 'gateway' }, { onData: (items) => (detail = items.at(-1)) });
    await expect.poll(() => detail?.conditions.length).toBe(1);
    expect(detail!.kind.id).toBe(CERTIFICATES);
    expect(detail!.health).toEqual({ level: 'ok', reason: 'Ready' });
    expect(detail!.conditions[0]).toMatchObject({ type: 'Ready', status: 'True', message: 'Certificate is up to date and has not expired' });
    expect(detail!.object).toMatchObject({ apiVersion: 'cert-manager.io/v1', kind: 'Certificate', spec: { secretName: 'gateway-tls' } });
    expect(Object.keys(detail!.object as object).sort()).toEqual(['apiVersion', 'kind', 'metadata', 'spec', 'status']);
    cancel();
  });

  it('shows a CRD created at runtime without a restart, with its list', async () => {
    const watch = followKinds();
    await expect.poll(() => watch.state.kinds?.some((k) => k.id === CERTIFICATES)).toBe(true);
    expect(watch.state.kinds?.some((k) => k.id === 'pods')).toBe(true);
    const created = await api(env.h.server, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', {
      body: {
        metadata: { name: 'rollouts.argoproj.io' },
        spec: {
          group: 'argoproj.io',
          scope: 'Namespaced',
          names: { plural: 'rollouts', kind: 'Rollout', shortNames: ['ro'] },
          versions: [
            {
              name: 'v1alpha1',
              served: true,
              storage: true,
              subresources: { status: {} },
              schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
              additionalPrinterColumns: [
                { name: 'Desired', type: 'integer', jsonPath: '.spec.replicas' },
                { name: 'Current', type: 'integer', jsonPath: '.status.replicas' },
                { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
              ],
            },
          ],
        },
      },
    });
    expect(created.status).toBe(201);
    await expect.poll(() => watch.state.kinds?.find((k) => k.id === 'rollouts.argoproj.io')?.columns.map((c) => `${c.title}:${c.type}`), { timeout: 10_000 }).toEqual(['Desired:num', 'Current:num', 'Age:age']);
    const { view, cancel } = openView({ kind: 'rollouts.argoproj.io' });
    await expect.poll(() => view.state?.synced).toBe(true);
    expect(view.total).toBe(0);
    expect((await api(env.h.server, 'POST', '/apis/argoproj.io/v1alpha1/namespaces/edge/rollouts', { body: { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name: 'gateway' }, spec: { replicas: 4 } } })).status).toBe(201);
    await expect.poll(() => view.rows.map((r) => [r.name, r.cells[0], r.cells[1]])).toEqual([['gateway', 4, null]]);
    cancel();
    // Deleting the CRD takes the kind away again.
    expect((await api(env.h.server, 'DELETE', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/rollouts.argoproj.io')).status).toBe(200);
    await expect.poll(() => watch.state.kinds?.some((k) => k.id === 'rollouts.argoproj.io'), { timeout: 10_000 }).toBe(false);
    watch.cancel();
  });
});
