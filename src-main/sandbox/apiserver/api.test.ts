// The HTTP API's semantics: watch/410, paging, selectors, patches, GC, errors, tables, audit.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, seedShop, startHarness, stream, WEB_POD, type Harness } from './testkit';

let h: Harness;
const POD = (name: string, labels: Record<string, string> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, labels },
  spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] },
});

beforeAll(async () => {
  h = await startHarness({ storeOptions: { historySize: 50 }, bookmarkIntervalMs: 100 });
  seedShop(h.server.store);
});
afterAll(async () => {
  await h?.server.stop();
});

describe('watch', () => {
  it('streams ADDED/MODIFIED/DELETED from a resourceVersion', async () => {
    const list = await api(h.server, 'GET', '/api/v1/namespaces/shop/configmaps');
    const rv = list.json.metadata.resourceVersion;
    const w = stream(h.server, `/api/v1/namespaces/shop/configmaps?watch=1&resourceVersion=${rv}`);
    await api(h.server, 'POST', '/api/v1/namespaces/shop/configmaps', { body: { metadata: { name: 'w1' }, data: { a: '1' } } });
    await api(h.server, 'PATCH', '/api/v1/namespaces/shop/configmaps/w1', { body: { data: { a: '2' } }, contentType: 'application/merge-patch+json' });
    await api(h.server, 'DELETE', '/api/v1/namespaces/shop/configmaps/w1');
    await w.until((l) => l.length >= 3);
    w.close();
    expect(w.status).toBe(200);
    expect(w.lines.map((l) => l.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
    expect(w.lines[1].object.data.a).toBe('2');
    expect(Number(w.lines[2].object.metadata.resourceVersion)).toBeGreaterThan(Number(w.lines[1].object.metadata.resourceVersion));
  });

  it('answers a too-old resourceVersion with 200 and an ERROR event carrying a 410 Status', async () => {
    const old = h.server.store.resourceVersion;
    for (let i = 0; i < 60; i++) h.server.store.create('configmaps', { metadata: { name: `churn-${i}`, namespace: 'shop' } });
    const w = stream(h.server, `/api/v1/namespaces/shop/configmaps?watch=true&resourceVersion=${old}`);
    await w.until(() => w.ended);
    expect(w.status).toBe(200);
    expect(w.lines).toHaveLength(1);
    const ev = w.lines[0];
    expect(ev.type).toBe('ERROR');
    expect(ev.object).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: expect.stringMatching(new RegExp(`^too old resource version: ${old} \\(\\d+\\)$`)),
      reason: 'Expired',
      code: 410,
    });
  });

  it('sends bookmarks when allowed and closes at timeoutSeconds', async () => {
    const t0 = Date.now();
    const w = stream(h.server, `/api/v1/pods?watch=1&resourceVersion=${h.server.store.resourceVersion}&allowWatchBookmarks=true&timeoutSeconds=1`);
    await w.until(() => w.ended, 5000);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
    const bm = w.lines.filter((l) => l.type === 'BOOKMARK');
    expect(bm.length).toBeGreaterThanOrEqual(3);
    expect(bm[0].object).toEqual({ kind: 'Pod', apiVersion: 'v1', metadata: { resourceVersion: h.server.store.resourceVersion } });
  });

  it('filters watches by label selector and sends the initial state for resourceVersion 0', async () => {
    const w = stream(h.server, '/api/v1/namespaces/shop/pods?watch=1&resourceVersion=0&labelSelector=app%3Dweb');
    await w.until((l) => l.length >= 1);
    expect(w.lines[0]).toMatchObject({ type: 'ADDED', object: { metadata: { name: WEB_POD } } });
    await api(h.server, 'POST', '/api/v1/namespaces/shop/pods', { body: POD('other', { app: 'api' }) });
    await api(h.server, 'POST', '/api/v1/namespaces/shop/pods', { body: POD('web-2', { app: 'web' }) });
    await w.until((l) => l.length >= 2);
    w.close();
    expect(w.lines.map((l) => l.object.metadata.name)).toEqual([WEB_POD, 'web-2']);
    await api(h.server, 'DELETE', '/api/v1/namespaces/shop/pods/other');
    await api(h.server, 'DELETE', '/api/v1/namespaces/shop/pods/web-2');
  });

  it('streams initial events ending in an annotated bookmark for sendInitialEvents', async () => {
    const w = stream(h.server, '/api/v1/namespaces/shop/configmaps?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true');
    await w.until((l) => l.some((x) => x.type === 'BOOKMARK'));
    w.close();
    const bm = w.lines.findIndex((x) => x.type === 'BOOKMARK');
    expect(bm).toBeGreaterThan(0);
    expect(w.lines.slice(0, bm).every((x) => x.type === 'ADDED')).toBe(true);
    expect(w.lines[bm].object.metadata.annotations).toEqual({ 'k8s.io/initial-events-end': 'true' });
  });

  it('serves Table rows on watch for kubectl get -w', async () => {
    const w = stream(h.server, `/api/v1/namespaces/shop/pods?watch=1&resourceVersion=${h.server.store.resourceVersion}`, { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' });
    await api(h.server, 'POST', '/api/v1/namespaces/shop/pods', { body: POD('tabled') });
    await w.until((l) => l.length >= 1);
    w.close();
    expect(w.lines[0].object.kind).toBe('Table');
    expect(w.lines[0].object.rows[0].cells.slice(0, 4)).toEqual(['tabled', '0/1', 'Pending', '0']);
    expect(w.lines[0].object.rows[0].object.kind).toBe('PartialObjectMetadata');
    await api(h.server, 'DELETE', '/api/v1/namespaces/shop/pods/tabled');
  });
});

describe('list', () => {
  it('pages with limit/continue at one resourceVersion and expires old tokens with 410', async () => {
    for (let i = 0; i < 12; i++) h.server.store.create('secrets', { metadata: { name: `s-${String(i).padStart(2, '0')}`, namespace: 'default' } });
    const p1 = await api(h.server, 'GET', '/api/v1/namespaces/default/secrets?limit=5');
    expect(p1.json.items).toHaveLength(5);
    expect(p1.json.metadata.remainingItemCount).toBe(7);
    h.server.store.create('configmaps', { metadata: { name: 'bump', namespace: 'default' } });
    const p2 = await api(h.server, 'GET', `/api/v1/namespaces/default/secrets?limit=5&continue=${encodeURIComponent(p1.json.metadata.continue)}`);
    expect(p2.json.metadata.resourceVersion).toBe(p1.json.metadata.resourceVersion);
    expect(p2.json.items[0].metadata.name).toBe('s-05');
    const p3 = await api(h.server, 'GET', `/api/v1/namespaces/default/secrets?limit=5&continue=${encodeURIComponent(p2.json.metadata.continue)}`);
    expect(p3.json.items.map((s: any) => s.metadata.name)).toEqual(['s-10', 's-11']);
    expect(p3.json.metadata.continue).toBeUndefined();
    // Push the token's resourceVersion out of the history: the token expires.
    for (let i = 0; i < 60; i++) h.server.store.create('secrets', { metadata: { name: `t-${i}`, namespace: 'default' } });
    const gone = await api(h.server, 'GET', `/api/v1/namespaces/default/secrets?limit=5&continue=${encodeURIComponent(p1.json.metadata.continue)}`);
    expect(gone.status).toBe(410);
    expect(gone.json).toMatchObject({ kind: 'Status', reason: 'Expired', code: 410 });
  });

  it('filters by label and field selectors', async () => {
    const q = (s: string) => api(h.server, 'GET', `/api/v1/pods?${s}`).then((r) => r.json.items.map((p: any) => p.metadata.name));
    expect(await q('labelSelector=' + encodeURIComponent('app in (web,db),pod-template-hash'))).toEqual([WEB_POD]);
    expect(await q('labelSelector=' + encodeURIComponent('app notin (web)'))).toEqual([]);
    expect(await q('fieldSelector=' + encodeURIComponent('spec.nodeName=sandbox-node-1,status.phase=Running'))).toEqual([WEB_POD]);
    expect(await q('fieldSelector=' + encodeURIComponent('metadata.namespace!=shop'))).toEqual([]);
    const ev = await api(h.server, 'GET', `/api/v1/namespaces/shop/events?fieldSelector=${encodeURIComponent(`involvedObject.name=${WEB_POD},involvedObject.kind=Pod`)}`);
    expect(ev.json.items).toHaveLength(1);
    const bad = await api(h.server, 'GET', '/api/v1/pods?fieldSelector=spec.foo%3Dbar');
    expect(bad.status).toBe(400);
    expect(bad.json.message).toBe('field label not supported: spec.foo');
  });

  it('serves Table and PartialObjectMetadataList', async () => {
    const t = await api(h.server, 'GET', '/apis/apps/v1/namespaces/shop/deployments?includeObject=Object', { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' });
    expect(t.json.kind).toBe('Table');
    expect(t.json.columnDefinitions.map((c: any) => c.name)).toEqual(['Name', 'Ready', 'Up-to-date', 'Available', 'Age', 'Containers', 'Images', 'Selector']);
    expect(t.json.rows[0].object.kind).toBe('Deployment');
    const p = await api(h.server, 'GET', '/api/v1/namespaces/shop/pods', { accept: 'application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io' });
    expect(p.json.kind).toBe('PartialObjectMetadataList');
    expect(p.json.items[0]).toEqual({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: expect.objectContaining({ name: WEB_POD }) });
  });

  it('serves events.k8s.io/v1 as a view of core events', async () => {
    const r = await api(h.server, 'GET', '/apis/events.k8s.io/v1/namespaces/shop/events');
    expect(r.json.kind).toBe('EventList');
    expect(r.json.items[0]).toMatchObject({ apiVersion: 'events.k8s.io/v1', kind: 'Event', note: 'Started container web', regarding: { name: WEB_POD }, reportingController: 'kubelet' });
  });
});

describe('writes', () => {
  it('applies merge, JSON and strategic merge patches', async () => {
    const base = '/apis/apps/v1/namespaces/shop/deployments/web';
    const smp = await api(h.server, 'PATCH', base, {
      contentType: 'application/strategic-merge-patch+json',
      body: { spec: { template: { spec: { containers: [{ name: 'web', env: [{ name: 'EXTRA', value: '1' }], ports: [{ containerPort: 9090, name: 'metrics' }] }, { name: 'sidecar', image: 'envoy:1' }] } } } },
    });
    expect(smp.status).toBe(200);
    const cs = smp.json.spec.template.spec.containers;
    expect(cs.map((c: any) => c.name)).toEqual(['web', 'sidecar']);
    expect(cs[0].image).toBe('orrery/service:web');
    expect(cs[0].env.map((e: any) => e.name)).toEqual(['MODE', 'EXTRA']);
    expect(cs[0].ports.map((p: any) => p.containerPort)).toEqual([8080, 9090]);
    expect(cs[1].terminationMessagePath).toBe('/dev/termination-log');
    expect(smp.json.metadata.generation).toBe(2);
    const del = await api(h.server, 'PATCH', base, {
      contentType: 'application/strategic-merge-patch+json',
      body: { spec: { template: { spec: { containers: [{ name: 'sidecar', $patch: 'delete' }] } } } },
    });
    expect(del.json.spec.template.spec.containers.map((c: any) => c.name)).toEqual(['web']);
    const jp = await api(h.server, 'PATCH', base, {
      contentType: 'application/json-patch+json',
      body: [
        { op: 'replace', path: '/spec/replicas', value: 4 },
        { op: 'add', path: '/metadata/labels/tier', value: 'front' },
        { op: 'test', path: '/spec/replicas', value: 4 },
      ],
    });
    expect(jp.json.spec.replicas).toBe(4);
    expect(jp.json.metadata.labels.tier).toBe('front');
    const mp = await api(h.server, 'PATCH', base, { contentType: 'application/merge-patch+json', body: { metadata: { labels: { tier: null } } } });
    expect(mp.json.metadata.labels).toEqual({ app: 'web' });
    const failed = await api(h.server, 'PATCH', base, { contentType: 'application/json-patch+json', body: [{ op: 'test', path: '/spec/replicas', value: 99 }] });
    expect(failed.status).toBe(422);
    const stale = await api(h.server, 'PATCH', base, { contentType: 'application/merge-patch+json', body: { metadata: { resourceVersion: '2' }, spec: { replicas: 1 } } });
    expect(stale.status).toBe(409);
    expect(stale.json.reason).toBe('Conflict');
    const st = await api(h.server, 'PATCH', `${base}/status`, { contentType: 'application/merge-patch+json', body: { status: { readyReplicas: 0 }, spec: { replicas: 50 } } });
    expect(st.json.status.readyReplicas).toBe(0);
    expect(st.json.spec.replicas).toBe(4);
    const scale = await api(h.server, 'GET', `${base}/scale`);
    expect(scale.json).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 4 }, status: { selector: 'app=web' } });
    await api(h.server, 'PATCH', base, { contentType: 'application/merge-patch+json', body: { spec: { replicas: 1 } } });
  });

  it('answers errors with kube-apiserver Status objects', async () => {
    const nf = await api(h.server, 'GET', '/api/v1/namespaces/shop/pods/nope');
    expect(nf.json).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'pods "nope" not found', reason: 'NotFound', details: { name: 'nope', kind: 'pods' }, code: 404 });
    const dup = await api(h.server, 'POST', '/api/v1/namespaces/shop/configmaps', { body: { metadata: { name: 'web-config' } } });
    expect(dup.json).toMatchObject({ reason: 'AlreadyExists', code: 409, message: 'configmaps "web-config" already exists' });
    const inv = await api(h.server, 'POST', '/apis/apps/v1/namespaces/shop/deployments', { body: { metadata: { name: 'bad' }, spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'c' } }, spec: { containers: [{ name: 'x' }] } } } } });
    expect(inv.status).toBe(422);
    expect(inv.json.reason).toBe('Invalid');
    expect(inv.json.details.causes.map((c: any) => c.field)).toEqual(['spec.template.metadata.labels', 'spec.template.spec.containers[0].image']);
    const noName = await api(h.server, 'POST', '/api/v1/namespaces/shop/configmaps', { body: { metadata: {} } });
    expect(noName.json.message).toBe('ConfigMap "" is invalid: metadata.name: Required value: name or generateName is required');
    const unauth = await api(h.server, 'GET', '/api/v1/pods', { token: 'wrong' });
    expect(unauth.status).toBe(401);
    expect(unauth.json).toMatchObject({ reason: 'Unauthorized', code: 401 });
    const method = await api(h.server, 'DELETE', '/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods/x');
    expect(method.status).toBe(405);
    const missing = await api(h.server, 'GET', '/apis/apps/v1/namespaces/shop/widgets');
    expect(missing.json).toMatchObject({ reason: 'NotFound', message: 'the server could not find the requested resource', code: 404 });
    const nsMissing = await api(h.server, 'POST', '/api/v1/namespaces/ghost/configmaps', { body: { metadata: { name: 'x' } } });
    expect(nsMissing.json.message).toBe('namespaces "ghost" not found');
  });

  it('garbage-collects dependents: background, foreground and orphan', async () => {
    const store = h.server.store;
    const makeTree = (n: string) => {
      const d = store.create('deployments', { metadata: { name: n, namespace: 'shop' }, spec: { selector: { matchLabels: { app: n } }, template: { metadata: { labels: { app: n } }, spec: { containers: [{ name: 'c', image: 'x:1' }] } } } });
      const rs = store.create('replicasets', { metadata: { name: `${n}-1`, namespace: 'shop', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: n, uid: d.metadata.uid!, controller: true, blockOwnerDeletion: true }] }, spec: { selector: { matchLabels: { app: n } }, template: { metadata: { labels: { app: n } }, spec: { containers: [{ name: 'c', image: 'x:1' }] } } } });
      store.create('pods', { metadata: { name: `${n}-1-a`, namespace: 'shop', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${n}-1`, uid: rs.metadata.uid!, controller: true, blockOwnerDeletion: true }] }, spec: { containers: [{ name: 'c', image: 'x:1' }] } });
    };
    const settle = () => new Promise((r) => setTimeout(r, 20));
    makeTree('bg');
    await api(h.server, 'DELETE', '/apis/apps/v1/namespaces/shop/deployments/bg', { body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' } });
    await settle();
    expect(store.get('replicasets', 'shop', 'bg-1')).toBeUndefined();
    expect(store.get('pods', 'shop', 'bg-1-a')).toBeUndefined();
    makeTree('fg');
    const r = await api(h.server, 'DELETE', '/apis/apps/v1/namespaces/shop/deployments/fg?propagationPolicy=Foreground');
    expect(r.status).toBe(202);
    expect(r.json.metadata.finalizers).toEqual(['foregroundDeletion']);
    await settle();
    expect(store.get('deployments', 'shop', 'fg')).toBeUndefined();
    expect(store.get('pods', 'shop', 'fg-1-a')).toBeUndefined();
    makeTree('or');
    await api(h.server, 'DELETE', '/apis/apps/v1/namespaces/shop/deployments/or', { body: { propagationPolicy: 'Orphan' } });
    await settle();
    expect(store.get('replicasets', 'shop', 'or-1')!.metadata.ownerReferences).toBeUndefined();
    expect(store.get('pods', 'shop', 'or-1-a')).toBeDefined();
  });

  it('deletes collections by label selector', async () => {
    for (const n of ['dc-1', 'dc-2', 'dc-3']) h.server.store.create('configmaps', { metadata: { name: n, namespace: 'default', labels: { batch: n === 'dc-3' ? 'keep' : 'drop' } } });
    const r = await api(h.server, 'DELETE', '/api/v1/namespaces/default/configmaps?labelSelector=batch%3Ddrop');
    expect(r.status).toBe(200);
    expect(r.json.items.map((i: any) => i.metadata.name)).toEqual(['dc-1', 'dc-2']);
    expect(h.server.store.get('configmaps', 'default', 'dc-3')).toBeDefined();
  });

  it('defaults objects on create like kube-apiserver', async () => {
    const svc = await api(h.server, 'POST', '/api/v1/namespaces/shop/services', { body: { metadata: { name: 'cart' }, spec: { selector: { app: 'cart' }, ports: [{ port: 80, targetPort: 8080 }] } } });
    expect(svc.status).toBe(201);
    expect(svc.json.spec).toMatchObject({ type: 'ClusterIP', sessionAffinity: 'None', ipFamilies: ['IPv4'], ports: [{ port: 80, protocol: 'TCP', targetPort: 8080 }] });
    expect(svc.json.spec.clusterIP).toMatch(/^10\.(9[6-9]|10\d|11[01])\.\d+\.\d+$/);
    const ns = await api(h.server, 'POST', '/api/v1/namespaces', { body: { metadata: { name: 'fresh' } } });
    expect(ns.json.status).toEqual({ phase: 'Active' });
    const pod = await api(h.server, 'POST', '/api/v1/namespaces/fresh/pods', { body: { ...POD('p'), status: { phase: 'Running' } } });
    expect(pod.json.spec).toMatchObject({ restartPolicy: 'Always', dnsPolicy: 'ClusterFirst', terminationGracePeriodSeconds: 30, schedulerName: 'default-scheduler', serviceAccountName: 'default' });
    expect(pod.json.spec.containers[0]).toMatchObject({ terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', imagePullPolicy: 'IfNotPresent' });
    expect(pod.json.status).toEqual({ phase: 'Pending', qosClass: 'BestEffort' });
    const dep = await api(h.server, 'POST', '/apis/apps/v1/namespaces/fresh/deployments', { body: { metadata: { name: 'd' }, spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } } } });
    expect(dep.json.spec).toMatchObject({ replicas: 1, revisionHistoryLimit: 10, progressDeadlineSeconds: 600, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } } });
    expect(dep.json.spec.template.spec.containers[0].imagePullPolicy).toBe('Always');
    // deleting the namespace empties it
    await api(h.server, 'DELETE', '/api/v1/namespaces/fresh');
    await new Promise((r) => setTimeout(r, 20));
    expect(h.server.store.get('namespaces', undefined, 'fresh')).toBeUndefined();
    expect(h.server.store.get('pods', 'fresh', 'p')).toBeUndefined();
  });
});

describe('authorization', () => {
  it('answers SelfSubjectAccessReview and SelfSubjectRulesReview from RBAC', async () => {
    const ssar = (user: string, ra: object) => api(h.server, 'POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', { user, body: { kind: 'SelfSubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', spec: { resourceAttributes: ra } } });
    expect((await ssar('viewer', { verb: 'list', resource: 'pods', namespace: 'shop' })).json.status.allowed).toBe(true);
    expect((await ssar('viewer', { verb: 'get', resource: 'secrets', namespace: 'shop' })).json.status.allowed).toBe(false);
    expect((await ssar('viewer', { verb: 'create', resource: 'pods', subresource: 'exec', namespace: 'shop' })).json.status.allowed).toBe(false);
    expect((await ssar('admin', { verb: 'delete', resource: 'nodes' })).json.status.allowed).toBe(true);
    const rules = await api(h.server, 'POST', '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews', { user: 'viewer', body: { spec: { namespace: 'shop' } } });
    expect(rules.status).toBe(201);
    expect(rules.json.status.incomplete).toBe(false);
    expect(rules.json.status.resourceRules).toContainEqual(expect.objectContaining({ resources: expect.arrayContaining(['pods']), verbs: ['get', 'list', 'watch'] }));
  });

  it('honours Role/RoleBinding with resourceNames and subresources', async () => {
    const store = h.server.store;
    store.create('roles', { metadata: { name: 'log-reader', namespace: 'shop' }, rules: [{ apiGroups: [''], resources: ['secrets'], resourceNames: ['db-password'], verbs: ['get'] }] });
    store.create('rolebindings', { metadata: { name: 'viewer-log-reader', namespace: 'shop' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'log-reader' }, subjects: [{ kind: 'User', name: 'viewer', apiGroup: 'rbac.authorization.k8s.io' }] });
    expect((await api(h.server, 'GET', '/api/v1/namespaces/shop/secrets/db-password', { user: 'viewer' })).status).toBe(200);
    const other = await api(h.server, 'GET', '/api/v1/namespaces/default/secrets/s-00', { user: 'viewer' });
    expect(other.status).toBe(403);
    expect(other.json).toEqual({
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
      message: 'secrets "s-00" is forbidden: User "viewer" cannot get resource "secrets" in API group "" in the namespace "default"',
      reason: 'Forbidden', details: { name: 's-00', kind: 'secrets' }, code: 403,
    });
    const postStatus = await api(h.server, 'POST', '/api/v1/namespaces/shop/pods/x/status', { body: {} });
    expect(postStatus.status).toBe(405);
    const path = await api(h.server, 'GET', '/logs/', { user: 'viewer' });
    expect(path.json.message).toBe('forbidden: User "viewer" cannot get path "/logs/"');
  });
});

describe('audit', () => {
  it('writes audit.k8s.io/v1 events with stages, levels and decisions', async () => {
    await api(h.server, 'GET', '/healthz');
    const cm = await api(h.server, 'POST', '/api/v1/namespaces/shop/configmaps', { body: { metadata: { name: 'audited' }, data: { k: 'v' } } });
    await api(h.server, 'GET', '/api/v1/namespaces/shop/pods');
    await api(h.server, 'DELETE', `/api/v1/namespaces/shop/pods/${WEB_POD}`, { user: 'viewer' });
    const w = stream(h.server, `/api/v1/namespaces/shop/pods?watch=1&resourceVersion=${h.server.store.resourceVersion}&timeoutSeconds=1`);
    await w.until(() => w.ended, 5000);
    await h.server.stop(); // flushes the buffered log
    const events = readFileSync(h.auditPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(events.every((e) => e.kind === 'Event' && e.apiVersion === 'audit.k8s.io/v1')).toBe(true);
    expect(events.some((e) => e.requestURI === '/healthz')).toBe(false);
    // The name of a created object is known only once it is decoded: RequestReceived lacks it.
    const id = events.find((e) => e.verb === 'create' && e.objectRef?.name === 'audited').auditID;
    const create = events.filter((e) => e.auditID === id);
    expect(create.map((e) => e.stage)).toEqual(['RequestReceived', 'ResponseComplete']);
    expect(create[0].auditID).toBe(create[1].auditID);
    const done = create[1];
    expect(done).toMatchObject({
      level: 'RequestResponse',
      user: { username: 'admin', groups: ['system:masters', 'system:authenticated'] },
      sourceIPs: ['127.0.0.1'],
      userAgent: 'orrery-test/1.0',
      objectRef: { resource: 'configmaps', namespace: 'shop', name: 'audited', apiVersion: 'v1' },
      responseStatus: { metadata: {}, code: 201 },
      requestObject: { metadata: { name: 'audited' }, data: { k: 'v' } },
      responseObject: { metadata: { name: 'audited', uid: cm.json.metadata.uid } },
      annotations: { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': '' },
    });
    expect(done.stageTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    const list = events.find((e) => e.verb === 'list' && e.objectRef?.resource === 'pods' && e.stage === 'ResponseComplete');
    expect(list.level).toBe('Metadata');
    expect(list.responseObject).toBeUndefined();
    const denied = events.find((e) => e.verb === 'delete' && e.user.username === 'viewer' && e.stage === 'ResponseComplete');
    expect(denied.responseStatus).toMatchObject({ code: 403, reason: 'Forbidden', status: 'Failure' });
    expect(denied.annotations['authorization.k8s.io/decision']).toBe('forbid');
    const lastWatch = events.filter((e) => e.verb === 'watch').at(-1).auditID;
    const watch = events.filter((e) => e.auditID === lastWatch).map((e) => e.stage);
    expect(watch).toEqual(['RequestReceived', 'ResponseStarted', 'ResponseComplete']);
    // restart for any later tests in this file
    h = await startHarness({ storeOptions: { historySize: 50 } });
  });
});
