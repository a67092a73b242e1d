// Every object the server hands out must validate against the real Kubernetes schemas.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as core from 'kubernetes-models/v1';
import * as apps from 'kubernetes-models/apps/v1';
import * as batch from 'kubernetes-models/batch/v1';
import * as discovery from 'kubernetes-models/discovery.k8s.io/v1';
import * as events from 'kubernetes-models/events.k8s.io/v1';
import * as networking from 'kubernetes-models/networking.k8s.io/v1';
import * as autoscalingV2 from 'kubernetes-models/autoscaling/v2';
import * as autoscalingV1 from 'kubernetes-models/autoscaling/v1';
import * as rbac from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import * as authz from 'kubernetes-models/authorization.k8s.io/v1';
import * as coordination from 'kubernetes-models/coordination.k8s.io/v1';
import * as apiextensions from 'kubernetes-models/apiextensions.k8s.io/v1';
import * as authn from 'kubernetes-models/authentication.k8s.io/v1';
import { constellationCrds } from '../workloads/custom-resources';
import { api, seedShop, startFakeRuntime, startHarness, stream, type FakeRuntime, type Harness } from './testkit';
import { RESOURCES, apiVersionOf } from './resources';

const MODELS: Record<string, Record<string, unknown>> = {
  v1: core,
  'apps/v1': apps,
  'batch/v1': batch,
  'discovery.k8s.io/v1': discovery,
  'events.k8s.io/v1': events,
  'networking.k8s.io/v1': networking,
  'autoscaling/v2': autoscalingV2,
  'autoscaling/v1': autoscalingV1,
  'rbac.authorization.k8s.io/v1': rbac,
  'authorization.k8s.io/v1': authz,
  'coordination.k8s.io/v1': coordination,
  'apiextensions.k8s.io/v1': apiextensions,
  'authentication.k8s.io/v1': authn,
};

function validate(obj: any): void {
  const Model = MODELS[obj.apiVersion]?.[obj.kind] as (new (o: unknown) => { validate(): void }) | undefined;
  if (!Model) throw new Error(`no model for ${obj.apiVersion} ${obj.kind}`);
  try {
    new Model(obj).validate();
  } catch (e) {
    throw new Error(`${obj.apiVersion} ${obj.kind} ${obj.metadata?.namespace ?? ''}/${obj.metadata?.name}: ${(e as Error).message}\n${JSON.stringify(obj)}`, { cause: e });
  }
}

let h: Harness;
let rt: FakeRuntime;
const tpl = (app: string, restartPolicy?: string) => ({
  metadata: { labels: { app } },
  spec: { ...(restartPolicy ? { restartPolicy } : {}), containers: [{ name: 'c', image: 'orrery/service:v1', ports: [{ containerPort: 8080 }], readinessProbe: { httpGet: { path: '/readyz', port: 8080 } } }] },
});

beforeAll(async () => {
  rt = await startFakeRuntime();
  h = await startHarness({ metrics: rt.metrics });
  seedShop(h.server.store);
  const post = async (path: string, body: object) => {
    const r = await api(h.server, 'POST', path, { body });
    if (r.status !== 201) throw new Error(`${path}: ${r.body}`);
  };
  const ns = '/apis/apps/v1/namespaces/shop';
  await post(`${ns}/statefulsets`, { metadata: { name: 'db' }, spec: { serviceName: 'db', selector: { matchLabels: { app: 'db' } }, template: tpl('db') } });
  await post(`${ns}/daemonsets`, { metadata: { name: 'agent' }, spec: { selector: { matchLabels: { app: 'agent' } }, template: tpl('agent') } });
  await post('/apis/batch/v1/namespaces/shop/jobs', { metadata: { name: 'migrate' }, spec: { template: tpl('migrate', 'Never') } });
  await post('/apis/batch/v1/namespaces/shop/cronjobs', { metadata: { name: 'nightly' }, spec: { schedule: '0 3 * * *', jobTemplate: { spec: { template: tpl('nightly', 'OnFailure') } } } });
  await post('/apis/networking.k8s.io/v1/namespaces/shop/ingresses', { metadata: { name: 'web' }, spec: { rules: [{ host: 'shop.local', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }] } });
  await post('/apis/networking.k8s.io/v1/namespaces/shop/networkpolicies', { metadata: { name: 'deny' }, spec: { podSelector: {}, policyTypes: ['Ingress'] } });
  await post('/apis/autoscaling/v2/namespaces/shop/horizontalpodautoscalers', { metadata: { name: 'web' }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, maxReplicas: 5, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }] } });
  await post('/api/v1/namespaces/shop/persistentvolumeclaims', { metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } });
  await post('/api/v1/namespaces/shop/serviceaccounts', { metadata: { name: 'web' } });
  await post('/apis/discovery.k8s.io/v1/namespaces/shop/endpointslices', { metadata: { name: 'web-abc12', labels: { 'kubernetes.io/service-name': 'web' } }, addressType: 'IPv4', endpoints: [{ addresses: ['10.244.0.5'], conditions: { ready: true } }], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] });
  await post('/apis/rbac.authorization.k8s.io/v1/namespaces/shop/roles', { metadata: { name: 'r' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] });
  await post('/apis/rbac.authorization.k8s.io/v1/namespaces/shop/rolebindings', { metadata: { name: 'rb' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'r' }, subjects: [{ kind: 'User', name: 'viewer', apiGroup: 'rbac.authorization.k8s.io' }] });
  await post('/apis/apiextensions.k8s.io/v1/customresourcedefinitions', constellationCrds()[0]!);
  await post('/apis/coordination.k8s.io/v1/namespaces/kube-system/leases', { metadata: { name: 'kube-scheduler' }, spec: { holderIdentity: 'orrery-sandbox', leaseDurationSeconds: 15 } });
  await post('/apis/events.k8s.io/v1/namespaces/shop/events', { metadata: { name: 'ev2' }, eventTime: '2026-01-01T00:00:00.000000Z', reportingController: 'orrery/scheduler', reportingInstance: 'sandbox', action: 'Binding', reason: 'Scheduled', regarding: { kind: 'Pod', namespace: 'shop', name: 'x' }, note: 'Successfully assigned', type: 'Normal' });
});
afterAll(async () => {
  await h?.server.stop();
  await rt?.close();
});

describe('served objects validate against kubernetes-models', () => {
  it('every stored kind, listed and fetched', async () => {
    let checked = 0;
    for (const r of RESOURCES) {
      if (r.virtual) continue;
      const base = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
      const list = await api(h.server, 'GET', `${base}/${r.resource}`);
      expect(list.status, `${r.resource}: ${list.body}`).toBe(200);
      expect(list.json.kind).toBe(`${r.kind}List`);
      expect(list.json.items.length, `${apiVersionOf(r)} ${r.resource} has objects`).toBeGreaterThan(0);
      for (const item of list.json.items) {
        validate(item);
        checked++;
      }
      const first = list.json.items[0];
      const one = await api(h.server, 'GET', `${base}${r.namespaced ? `/namespaces/${first.metadata.namespace}` : ''}/${r.resource}/${first.metadata.name}`);
      validate(one.json);
    }
    expect(checked).toBeGreaterThan(30);
  });

  it('watch events, subresources and reviews', async () => {
    const w = stream(h.server, '/api/v1/pods?watch=1&resourceVersion=0');
    await w.until((l) => l.length > 0);
    w.close();
    for (const ev of w.lines) validate(ev.object);
    validate((await api(h.server, 'GET', '/apis/apps/v1/namespaces/shop/deployments/web/scale')).json);
    validate((await api(h.server, 'GET', '/apis/apps/v1/namespaces/shop/deployments/web/status')).json);
    validate((await api(h.server, 'POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', { body: { spec: { resourceAttributes: { verb: 'get', resource: 'pods' } } } })).json);
    validate((await api(h.server, 'POST', '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews', { user: 'viewer', body: { spec: { namespace: 'shop' } } })).json);
    validate((await api(h.server, 'POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', { user: 'viewer', body: {} })).json);
    const metrics = await api(h.server, 'GET', '/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods');
    // No published model for metrics.k8s.io: check the shape metrics-server serves.
    expect(metrics.json.items[0]).toMatchObject({ kind: 'PodMetrics', apiVersion: 'metrics.k8s.io/v1beta1', window: '15s', containers: [{ name: 'web', usage: { cpu: expect.stringMatching(/^\d+n$/), memory: expect.stringMatching(/^\d+Ki$/) } }] });
  });
});
