// CustomResourceDefinitions and their custom resources, checked with kubectl and raw requests:
// establishing, discovery, verbs, printer columns in Table responses, status subresource,
// versions, watch, validation and deletion.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startHarness, stream, type Harness } from './testkit';
import { constellationCrds, constellationCustomResources } from '../workloads/custom-resources';
import { parseJsonPath, evaluateJsonPath } from './jsonpath';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  h.server.store.create('namespaces', { metadata: { name: 'edge' } });
  h.server.store.create('namespaces', { metadata: { name: 'shop' } });
});
afterAll(async () => h.server.stop());

const TABLE = 'application/json;as=Table;g=meta.k8s.io;v=v1,application/json';

function widget(name: string, extra: Record<string, unknown> = {}) {
  return { apiVersion: 'example.orrery.dev/v1', kind: 'Widget', metadata: { name, namespace: 'shop' }, spec: { size: 3, color: 'blue' }, ...extra };
}
const widgetCrd = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.example.orrery.dev' },
  spec: {
    group: 'example.orrery.dev',
    scope: 'Namespaced',
    names: { plural: 'widgets', kind: 'Widget', shortNames: ['wd'] },
    versions: [
      { name: 'v1alpha1', served: true, storage: false, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } },
      {
        name: 'v1',
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
        additionalPrinterColumns: [
          { name: 'Size', type: 'integer', jsonPath: '.spec.size' },
          { name: 'Color', type: 'string', jsonPath: '.spec.color', priority: 1 },
          { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
        ],
      },
    ],
  },
};

describe('CustomResourceDefinitions', () => {
  it('kubectl applies the constellation CRDs; they become Established and discoverable', async () => {
    const docs = constellationCrds().map((c) => JSON.stringify(c)).join('\n');
    const applied = await h.kubectl(['apply', '-f', '-'], { input: docs });
    expect(applied.stderr).toBe('');
    expect(applied.stdout).toContain('customresourcedefinition.apiextensions.k8s.io/certificates.cert-manager.io created');
    const crd = (await api(h.server, 'GET', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/certificates.cert-manager.io')).json;
    expect(crd.status.conditions.map((c: { type: string; status: string }) => `${c.type}=${c.status}`)).toEqual(['NamesAccepted=True', 'Established=True']);
    expect(crd.status.acceptedNames).toMatchObject({ plural: 'certificates', kind: 'Certificate', shortNames: ['cert', 'certs'] });
    expect(crd.status.storedVersions).toEqual(['v1']);
    expect(crd.metadata.finalizers).toEqual(['customresourcecleanup.apiextensions.k8s.io']);
    const resources = await h.kubectl(['api-resources', '--api-group=cert-manager.io', '--no-headers']);
    expect(resources.stdout.split('\n').filter(Boolean).map((l) => l.split(/\s+/).join(' '))).toEqual([
      'certificates cert,certs cert-manager.io/v1 true Certificate',
      'clusterissuers ciss cert-manager.io/v1 false ClusterIssuer',
    ]);
  });

  it('prints custom resources with the CRD printer columns (kubectl get, -o wide)', async () => {
    const objects = constellationCustomResources();
    for (const { object } of objects) {
      const { status: _status, ...body } = object;
      const r = await h.kubectl(['create', '-f', '-'], { input: JSON.stringify(body) });
      expect(r.stderr).toBe('');
    }
    // Status comes through the status subresource, as cert-manager writes it.
    for (const { object } of objects) {
      const ns = object.metadata.namespace;
      const path = `/apis/cert-manager.io/v1/${ns ? `namespaces/${ns}/` : ''}${object.kind === 'Certificate' ? 'certificates' : 'clusterissuers'}/${object.metadata.name}`;
      const current = (await api(h.server, 'GET', path)).json;
      const put = await api(h.server, 'PUT', `${path}/status`, { body: { ...current, status: object.status } });
      expect(put.status).toBe(200);
    }
    const get = await h.kubectl(['get', 'certs', '-n', 'edge']);
    expect(get.stderr).toBe('');
    const rows = get.stdout.trim().split('\n').map((l) => l.split(/\s{2,}/));
    expect(rows[0]).toEqual(['NAME', 'READY', 'SECRET', 'AGE']);
    expect(rows.slice(1).map((r) => r.slice(0, 3))).toEqual([
      ['frontend', 'False', 'frontend-tls'],
      ['gateway', 'True', 'gateway-tls'],
    ]);
    expect(rows[1]![3]).toMatch(/^\d+s$/);
    const wide = await h.kubectl(['get', 'certificates.cert-manager.io', '-A', '-o', 'wide']);
    expect(wide.stdout.split('\n')[0]!.split(/\s{2,}/)).toEqual(['NAMESPACE', 'NAME', 'READY', 'SECRET', 'ISSUER', 'STATUS', 'AGE']);
    expect(wide.stdout).toContain('challenge for www.orrery.test failed: connection refused');
    const issuers = await h.kubectl(['get', 'clusterissuers']);
    expect(issuers.stdout.split('\n')[1]).toMatch(/^letsencrypt\s+True\s+\d+s$/);
  });

  it('serves every served version, with the Table and list of each', async () => {
    const created = await api(h.server, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', { body: widgetCrd });
    expect(created.status).toBe(201);
    const group = (await api(h.server, 'GET', '/apis/example.orrery.dev')).json;
    expect(group.versions.map((v: { version: string }) => v.version)).toEqual(['v1', 'v1alpha1']);
    expect(group.preferredVersion.version).toBe('v1');
    const list = (await api(h.server, 'GET', '/apis/example.orrery.dev/v1')).json;
    expect(list.resources).toEqual([
      { name: 'widgets', singularName: 'widget', namespaced: true, kind: 'Widget', verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['wd'] },
      { name: 'widgets/status', singularName: '', namespaced: true, kind: 'Widget', verbs: ['get', 'patch', 'update'] },
    ]);
    expect((await api(h.server, 'POST', '/apis/example.orrery.dev/v1/namespaces/shop/widgets', { body: widget('w1', { status: { phase: 'ignored on create' } }) })).status).toBe(201);
    const old = await api(h.server, 'GET', '/apis/example.orrery.dev/v1alpha1/namespaces/shop/widgets/w1');
    expect(old.json.apiVersion).toBe('example.orrery.dev/v1alpha1');
    expect(old.json.status).toBeUndefined();
    const table = (await api(h.server, 'GET', '/apis/example.orrery.dev/v1/namespaces/shop/widgets', { accept: TABLE })).json;
    expect(table.columnDefinitions.map((c: { name: string; type: string; priority: number }) => [c.name, c.type, c.priority])).toEqual([
      ['Name', 'string', 0],
      ['Size', 'integer', 0],
      ['Color', 'string', 1],
      ['Phase', 'string', 0],
    ]);
    expect(table.rows[0].cells).toEqual(['w1', 3, 'blue', null]);
    // v1alpha1 has no printer columns: Name and Age, as kube-apiserver defaults them.
    const oldTable = (await api(h.server, 'GET', '/apis/example.orrery.dev/v1alpha1/namespaces/shop/widgets', { accept: TABLE })).json;
    expect(oldTable.columnDefinitions.map((c: { name: string }) => c.name)).toEqual(['Name', 'Age']);
    expect((await api(h.server, 'GET', '/apis/example.orrery.dev/v1/namespaces/shop/widgets')).json.kind).toBe('WidgetList');
  });

  it('updates, patches, watches (also as Table) and deletes custom resources; status only through /status', async () => {
    const base = '/apis/example.orrery.dev/v1/namespaces/shop/widgets';
    const watch = stream(h.server, `${base}?watch=true&resourceVersion=${(await api(h.server, 'GET', base)).json.metadata.resourceVersion}`, { accept: TABLE });
    const cur = (await api(h.server, 'GET', `${base}/w1`)).json;
    const put = await api(h.server, 'PUT', `${base}/w1`, { body: { ...cur, spec: { ...cur.spec, size: 5 }, status: { phase: 'not via main resource' } } });
    expect(put.status).toBe(200);
    expect(put.json.metadata.generation).toBe(2);
    expect(put.json.status).toBeUndefined();
    const status = await api(h.server, 'PATCH', `${base}/w1/status`, { body: { status: { phase: 'Running' } }, contentType: 'application/merge-patch+json' });
    expect(status.json.status).toEqual({ phase: 'Running' });
    await watch.until((l) => l.length >= 2);
    expect(watch.lines.map((e) => [e.type, e.object.kind, e.object.rows[0].cells])).toEqual([
      ['MODIFIED', 'Table', ['w1', 5, 'blue', null]],
      ['MODIFIED', 'Table', ['w1', 5, 'blue', 'Running']],
    ]);
    expect((await api(h.server, 'DELETE', `${base}/w1`)).status).toBe(200);
    await watch.until((l) => l.length >= 3);
    expect(watch.lines[2].type).toBe('DELETED');
    watch.close();
    expect((await api(h.server, 'GET', `${base}/w1`)).json).toMatchObject({ code: 404, reason: 'NotFound', message: 'widgets.example.orrery.dev "w1" not found' });
  });

  it('rejects an invalid CRD with the reasons, and a kind of the wrong version', async () => {
    const bad = await api(h.server, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', {
      body: { metadata: { name: 'gadgets.example.orrery.dev' }, spec: { group: 'example.orrery.dev', scope: 'Galaxy', names: { plural: 'gizmos', kind: 'Gadget' }, versions: [{ name: 'v1', served: true, storage: false, additionalPrinterColumns: [{ name: 'X', type: 'color', jsonPath: 'spec.x' }] }] } },
    });
    expect(bad.status).toBe(422);
    expect(bad.json.details.causes.map((c: { field: string }) => c.field)).toEqual([
      'metadata.name',
      'spec.scope',
      'spec.versions',
      'spec.versions[0].schema.openAPIV3Schema',
      'spec.versions[0].additionalPrinterColumns[0].type',
      'spec.versions[0].additionalPrinterColumns[0].JSONPath',
    ]);
    const wrongVersion = await api(h.server, 'POST', '/apis/example.orrery.dev/v1/namespaces/shop/widgets', { body: { ...widget('w2'), apiVersion: 'example.orrery.dev/v2' } });
    expect(wrongVersion.status).toBe(400);
  });

  it('reports a name conflict instead of establishing a second CRD for the same kind', async () => {
    const other = { ...widgetCrd, metadata: { name: 'gadgets.example.orrery.dev' }, spec: { ...widgetCrd.spec, names: { plural: 'gadgets', kind: 'Widget' } } };
    expect((await api(h.server, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', { body: other })).status).toBe(201);
    const got = (await api(h.server, 'GET', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/gadgets.example.orrery.dev')).json;
    expect(got.status.conditions).toEqual([
      expect.objectContaining({ type: 'NamesAccepted', status: 'False', message: '"Widget" is already in use' }),
      expect.objectContaining({ type: 'Established', status: 'False' }),
    ]);
    expect((await api(h.server, 'GET', '/apis/example.orrery.dev/v1/namespaces/shop/gadgets')).status).toBe(404);
  });

  it('deleting a CRD deletes its custom resources and stops serving it', async () => {
    const base = '/apis/example.orrery.dev/v1/namespaces/shop/widgets';
    expect((await api(h.server, 'POST', base, { body: widget('doomed') })).status).toBe(201);
    const r = await h.kubectl(['delete', 'crd', 'widgets.example.orrery.dev']);
    expect(r.stdout).toContain('customresourcedefinition.apiextensions.k8s.io "widgets.example.orrery.dev" deleted');
    expect((await api(h.server, 'GET', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.orrery.dev')).status).toBe(404);
    expect((await api(h.server, 'GET', base)).status).toBe(404);
    expect(h.server.store.count('widgets.example.orrery.dev')).toBe(0);
    const groups = (await api(h.server, 'GET', '/apis')).json.groups.map((g: { name: string }) => g.name);
    expect(groups).toContain('cert-manager.io');
    expect(groups).not.toContain('example.orrery.dev');
  });
});

describe('printer column JSONPath', () => {
  it('evaluates fields, indexes, wildcards and filters as kube does', () => {
    const o = { status: { conditions: [{ type: 'Synced', status: 'True' }, { type: 'Ready', status: 'False', message: 'm' }] }, spec: { 'a.b': 1, list: [1, 2, 3] } };
    const at = (p: string) => evaluateJsonPath(parseJsonPath(p), o);
    expect(at('.status.conditions[?(@.type=="Ready")].status')).toEqual(['False']);
    expect(at(".status.conditions[?(@.type!='Ready')].type")).toEqual(['Synced']);
    expect(at(".spec['a.b']")).toEqual([1]);
    expect(at('.spec.list[-1]')).toEqual([3]);
    expect(at('.spec.list[*]')).toEqual([1, 2, 3]);
    expect(at('{.status.conditions[0].type}')).toEqual(['Synced']);
    expect(at('.status.missing.deeper')).toEqual([]);
    expect(() => parseJsonPath('status.x')).toThrow('must start with "."');
  });
});
