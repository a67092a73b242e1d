import { describe, expect, test } from 'vitest';
import { Deployment } from 'kubernetes-models/apps/v1';
import { ConfigMap, Namespace, Service, ServiceAccount } from 'kubernetes-models/v1';
import {
  CONSTELLATION,
  constellationEdges,
  constellationManifests,
  edgesReachedFrom,
  ENTRY_ROUTES,
  findRoute,
  findService,
  parseMemoryQuantity,
  type KubeObject,
} from './constellation';
import { loadConfig, parseDuration } from './config';
import { ImagePullError, parseServiceImage } from './image';

const validators: Record<string, (o: KubeObject) => { validate(): void }> = {
  Namespace: (o) => new Namespace(o as never),
  ServiceAccount: (o) => new ServiceAccount(o as never),
  ConfigMap: (o) => new ConfigMap(o as never),
  Service: (o) => new Service(o as never),
  Deployment: (o) => new Deployment(o as never),
};

describe('constellation', () => {
  test('about 8 services in 3 namespaces with 1-3 replicas', () => {
    expect(CONSTELLATION.length).toBe(8);
    expect(new Set(CONSTELLATION.map((s) => s.namespace))).toEqual(new Set(['edge', 'shop', 'data']));
    for (const s of CONSTELLATION) {
      expect(s.replicas).toBeGreaterThanOrEqual(1);
      expect(s.replicas).toBeLessThanOrEqual(3);
    }
  });

  test('every call targets an existing route, and the load mix reaches every edge', () => {
    for (const s of CONSTELLATION)
      for (const r of s.routes)
        for (const c of r.calls) expect(findRoute(findService(c.service)!, c.method, c.path), `${s.name} -> ${c.service} ${c.path}`).toBeDefined();
    const key = (e: { from: string; to: string }) => `${e.from}->${e.to}`;
    expect(new Set(edgesReachedFrom(ENTRY_ROUTES).map(key))).toEqual(new Set(constellationEdges().map(key)));
    expect(constellationEdges().map(key)).toEqual(expect.arrayContaining(['gateway->frontend', 'frontend->catalog', 'frontend->cart', 'cart->cache', 'checkout->payments', 'checkout->inventory']));
  });

  test('manifests are valid Kubernetes objects', () => {
    const objs = constellationManifests({ otlpEndpoint: 'http://127.0.0.1:4318' });
    const kinds = objs.map((o) => o.kind);
    expect(kinds.filter((k) => k === 'Namespace')).toHaveLength(3);
    for (const k of ['Deployment', 'Service', 'ConfigMap', 'ServiceAccount']) expect(kinds.filter((x) => x === k)).toHaveLength(8);
    // Namespaces come first so that namespaced objects can be created in order.
    expect(kinds.slice(0, 3)).toEqual(['Namespace', 'Namespace', 'Namespace']);
    for (const o of objs) {
      const v = validators[o.kind];
      expect(v, o.kind).toBeDefined();
      expect(() => v!(o).validate(), `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`).not.toThrow();
    }
  });

  test('deployments carry what the kubelet and the dashboards need', () => {
    const objs = constellationManifests();
    const dep = objs.find((o) => o.kind === 'Deployment' && o.metadata.name === 'cart') as unknown as {
      metadata: { namespace: string; labels: Record<string, string> };
      spec: { replicas: number; selector: { matchLabels: Record<string, string> }; template: { metadata: { labels: Record<string, string> }; spec: { serviceAccountName: string; containers: Record<string, unknown>[] } } };
    };
    expect(dep.metadata.namespace).toBe('shop');
    expect(dep.metadata.labels).toMatchObject({ 'app.kubernetes.io/name': 'cart', 'app.kubernetes.io/part-of': 'orrery-constellation', version: '1.0' });
    expect(dep.spec.replicas).toBe(2);
    const tpl = dep.spec.template;
    for (const [k, v] of Object.entries(dep.spec.selector.matchLabels)) expect(tpl.metadata.labels[k]).toBe(v);
    expect(tpl.spec.serviceAccountName).toBe('cart');
    const c = tpl.spec.containers[0]!;
    expect(c).toMatchObject({
      image: 'orrery/service:1.0',
      ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
      envFrom: [{ configMapRef: { name: 'cart-config' } }],
      readinessProbe: { httpGet: { path: '/readyz', port: 'http' } },
      livenessProbe: { httpGet: { path: '/healthz', port: 'http' } },
      resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '250m', memory: '128Mi' } },
    });
    expect(c.env).toContainEqual({ name: 'ORRERY_SERVICE', value: 'cart' });
    const svc = objs.find((o) => o.kind === 'Service' && o.metadata.name === 'cart') as unknown as { spec: { ports: unknown[]; selector: unknown } };
    expect(svc.spec.ports).toEqual([{ name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP', appProtocol: 'http' }]);
    expect(svc.spec.selector).toEqual(dep.spec.selector.matchLabels);
    const cm = objs.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'cart-config') as unknown as { data: Record<string, string> };
    expect(cm.data.CACHE_TTL).toBe('30m');
    expect(constellationManifests({ tag: '1.1', replicas: { cart: 3 } }).find((o) => o.kind === 'Deployment' && o.metadata.name === 'cart')).toMatchObject({
      spec: { replicas: 3, template: { spec: { containers: [{ image: 'orrery/service:1.1' }] } } },
    });
  });

  test('every ConfigMap value is valid for the service that reads it', () => {
    for (const s of CONSTELLATION) expect(loadConfig(s.config).errors, s.name).toEqual([]);
  });
});

describe('helpers', () => {
  test('images: known tags run, anything else is ErrImagePull', () => {
    expect(parseServiceImage('orrery/service:1.0')).toEqual({ tag: '1.0', broken: false });
    expect(parseServiceImage('docker.io/orrery/service:broken')).toEqual({ tag: 'broken', broken: true });
    expect(parseServiceImage('orrery/service')).toEqual({ tag: 'latest', broken: false });
    expect(() => parseServiceImage('orrery/service:nope')).toThrow(ImagePullError);
    try {
      parseServiceImage('nginx:1.27');
    } catch (e) {
      expect(e).toBeInstanceOf(ImagePullError);
      expect((e as ImagePullError).reason).toBe('ErrImagePull');
      expect((e as Error).message).toContain('failed to pull and unpack image "docker.io/library/nginx:1.27"');
    }
  });

  test('durations, quantities, config errors', () => {
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('abc')).toBeUndefined();
    expect(parseDuration('30')).toBeUndefined();
    expect(parseMemoryQuantity('128Mi')).toBe(128 * 1024 * 1024);
    expect(parseMemoryQuantity('134217728')).toBe(134217728);
    const c = loadConfig({ CACHE_TTL: 'abc', DECLINE_RATE: '2', LOG_LEVEL: 'debug' });
    expect(c.errors.map((e) => e.key).sort()).toEqual(['CACHE_TTL', 'DECLINE_RATE']);
    expect(c.errorFor('CACHE_TTL')?.reason).toBe('time: invalid duration "abc"');
    expect(c.logLevel).toBe('debug');
  });
});
