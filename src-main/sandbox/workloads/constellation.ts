// The sandbox's constellation as data: which services exist, where, how many replicas, which
// routes they serve and which peers each route calls. Everything else (the pod servers, the load
// generator, the manifests the sandbox applies at start, the tests that check "every edge and only
// those") is derived from this one table, so changing the constellation is editing this file.

export const SERVICE_IMAGE = 'orrery/service';
export const DEFAULT_TAG = '1.0';
export const SERVICE_PORT = 8080;
export const PART_OF = 'orrery-constellation';
export const CLUSTER_DOMAIN = 'cluster.local';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** One downstream call a route makes, in order. The caller forwards its query string. */
export interface RouteCall {
  service: string;
  method: HttpMethod;
  path: string;
  /** 'miss': only when the previous call answered 404 (fill the cache after a miss). */
  when?: 'miss';
}

/** Special behaviours a few routes have on top of "wait, call peers, answer". */
export type RouteBehaviour =
  | 'cache-get' // reads a key from the pod's in-memory store (miss -> 404)
  | 'cache-set' // writes a key with a TTL (memory grows with entries)
  | 'payment'; // declines a fraction of charges with 402 (DECLINE_RATE)

export interface RouteSpec {
  method: HttpMethod;
  path: string;
  /** Downstream calls, made one after the other (like most request handlers do). */
  calls: RouteCall[];
  /** The route's own processing time, uniformly within [min, max] ms (an async wait, no CPU burn). */
  latencyMs: [number, number];
  /** Modelled CPU cost of one request in milliseconds, used for metrics.k8s.io usage. */
  cpuMs: number;
  /** Approximate response body size. */
  responseBytes: number;
  /** Config keys (from the ConfigMap) this route depends on; a bad value fails the route. */
  uses?: string[];
  behaviour?: RouteBehaviour;
  /** Answers 201 Created instead of 200. */
  created?: boolean;
}

export interface ResourceSpec {
  requests: { cpu: string; memory: string };
  limits: { cpu: string; memory: string };
}

export interface ServiceSpec {
  name: string;
  namespace: string;
  replicas: number;
  description: string;
  routes: RouteSpec[];
  /** Tunables, delivered as a ConfigMap referenced through envFrom. */
  config: Record<string, string>;
  resources: ResourceSpec;
  /** Resting working set of one pod (runtime heap, code, buffers) in bytes. */
  baseMemoryBytes: number;
}

/** Traffic the load generator sends to the gateway, by relative weight. */
export interface EntryRoute {
  method: HttpMethod;
  path: string;
  weight: number;
}

const Mi = 1024 * 1024;

const common = (over: Record<string, string> = {}): Record<string, string> => ({
  LOG_LEVEL: 'info',
  SLOW_REQUEST_MS: '250',
  UPSTREAM_TIMEOUT_MS: '2000',
  STARTUP_DELAY_MS: '1500',
  FAIL_FAST: 'false',
  ...over,
});

const small: ResourceSpec = {
  requests: { cpu: '50m', memory: '64Mi' },
  limits: { cpu: '250m', memory: '128Mi' },
};
const medium: ResourceSpec = {
  requests: { cpu: '100m', memory: '96Mi' },
  limits: { cpu: '500m', memory: '192Mi' },
};

export const CONSTELLATION: readonly ServiceSpec[] = [
  {
    name: 'gateway',
    namespace: 'edge',
    replicas: 2,
    description: 'Public API gateway: routes external traffic to the frontend',
    config: common({ RATE_LIMIT_RPS: '200' }),
    resources: small,
    baseMemoryBytes: 42 * Mi,
    routes: [
      { method: 'GET', path: '/', calls: [{ service: 'frontend', method: 'GET', path: '/' }], latencyMs: [1, 3], cpuMs: 0.6, responseBytes: 2400 },
      { method: 'GET', path: '/api/products', calls: [{ service: 'frontend', method: 'GET', path: '/products' }], latencyMs: [1, 3], cpuMs: 0.6, responseBytes: 3200 },
      { method: 'GET', path: '/api/cart', calls: [{ service: 'frontend', method: 'GET', path: '/cart' }], latencyMs: [1, 3], cpuMs: 0.5, responseBytes: 900 },
      { method: 'POST', path: '/api/cart/items', calls: [{ service: 'frontend', method: 'POST', path: '/cart/items' }], latencyMs: [1, 3], cpuMs: 0.5, responseBytes: 300, created: true },
      { method: 'POST', path: '/api/checkout', calls: [{ service: 'frontend', method: 'POST', path: '/checkout' }], latencyMs: [1, 3], cpuMs: 0.7, responseBytes: 600 },
    ],
  },
  {
    name: 'frontend',
    namespace: 'edge',
    replicas: 3,
    description: 'Server-side rendered storefront',
    config: common({ TEMPLATE_CACHE: 'true' }),
    resources: medium,
    baseMemoryBytes: 58 * Mi,
    routes: [
      { method: 'GET', path: '/', calls: [{ service: 'catalog', method: 'GET', path: '/products/featured' }], latencyMs: [3, 9], cpuMs: 2.5, responseBytes: 2400 },
      { method: 'GET', path: '/products', calls: [{ service: 'catalog', method: 'GET', path: '/products' }], latencyMs: [2, 6], cpuMs: 2, responseBytes: 3200 },
      { method: 'GET', path: '/cart', calls: [{ service: 'cart', method: 'GET', path: '/cart' }], latencyMs: [2, 5], cpuMs: 1.5, responseBytes: 900 },
      { method: 'POST', path: '/cart/items', calls: [{ service: 'cart', method: 'POST', path: '/cart/items' }], latencyMs: [1, 4], cpuMs: 1, responseBytes: 300, created: true },
      { method: 'POST', path: '/checkout', calls: [{ service: 'checkout', method: 'POST', path: '/checkout' }], latencyMs: [2, 6], cpuMs: 1.8, responseBytes: 600 },
    ],
  },
  {
    name: 'catalog',
    namespace: 'shop',
    replicas: 3,
    description: 'Product catalog with stock levels; caches product pages',
    config: common({ LOG_LEVEL: 'debug', CACHE_TTL: '30s', PAGE_SIZE: '24' }),
    resources: medium,
    baseMemoryBytes: 64 * Mi,
    routes: [
      {
        method: 'GET', path: '/products/featured',
        calls: [
          { service: 'cache', method: 'GET', path: '/get' },
          { service: 'cache', method: 'PUT', path: '/set', when: 'miss' },
        ],
        latencyMs: [2, 6], cpuMs: 1.5, responseBytes: 1800, uses: ['CACHE_TTL'],
      },
      {
        method: 'GET', path: '/products',
        calls: [
          { service: 'cache', method: 'GET', path: '/get' },
          { service: 'cache', method: 'PUT', path: '/set', when: 'miss' },
          { service: 'inventory', method: 'GET', path: '/stock' },
        ],
        latencyMs: [4, 12], cpuMs: 3, responseBytes: 3000, uses: ['CACHE_TTL', 'PAGE_SIZE'],
      },
    ],
  },
  {
    name: 'cart',
    namespace: 'shop',
    replicas: 2,
    description: 'Shopping carts, stored in the cache',
    config: common({ CACHE_TTL: '30m', MAX_ITEMS: '50' }),
    resources: small,
    baseMemoryBytes: 46 * Mi,
    routes: [
      { method: 'GET', path: '/cart', calls: [{ service: 'cache', method: 'GET', path: '/get' }], latencyMs: [1, 4], cpuMs: 0.8, responseBytes: 800, uses: ['CACHE_TTL'] },
      {
        method: 'POST', path: '/cart/items',
        calls: [
          { service: 'cache', method: 'GET', path: '/get' },
          { service: 'cache', method: 'PUT', path: '/set' },
        ],
        latencyMs: [1, 4], cpuMs: 1, responseBytes: 250, uses: ['CACHE_TTL', 'MAX_ITEMS'], created: true,
      },
    ],
  },
  {
    name: 'checkout',
    namespace: 'shop',
    replicas: 2,
    description: 'Places orders: reads the cart, reserves stock, charges the payment',
    config: common({ SLOW_REQUEST_MS: '500', ORDER_TIMEOUT: '5s' }),
    resources: medium,
    baseMemoryBytes: 60 * Mi,
    routes: [
      {
        method: 'POST', path: '/checkout',
        calls: [
          { service: 'cart', method: 'GET', path: '/cart' },
          { service: 'inventory', method: 'POST', path: '/reserve' },
          { service: 'payments', method: 'POST', path: '/charge' },
        ],
        latencyMs: [5, 15], cpuMs: 4, responseBytes: 500, uses: ['ORDER_TIMEOUT'],
      },
    ],
  },
  {
    name: 'payments',
    namespace: 'shop',
    replicas: 2,
    description: 'Charges cards through an (imaginary) payment provider',
    config: common({ SLOW_REQUEST_MS: '400', DECLINE_RATE: '0.02', PROVIDER_TIMEOUT: '3s' }),
    resources: small,
    baseMemoryBytes: 50 * Mi,
    routes: [
      { method: 'POST', path: '/charge', calls: [], latencyMs: [20, 60], cpuMs: 2, responseBytes: 220, uses: ['DECLINE_RATE', 'PROVIDER_TIMEOUT'], behaviour: 'payment' },
    ],
  },
  {
    name: 'inventory',
    namespace: 'shop',
    replicas: 2,
    description: 'Stock levels and reservations',
    config: common({ RESERVATION_TTL: '10m' }),
    resources: small,
    baseMemoryBytes: 48 * Mi,
    routes: [
      { method: 'GET', path: '/stock', calls: [], latencyMs: [2, 8], cpuMs: 1.2, responseBytes: 1200 },
      { method: 'POST', path: '/reserve', calls: [], latencyMs: [4, 12], cpuMs: 1.6, responseBytes: 200, uses: ['RESERVATION_TTL'], created: true },
    ],
  },
  {
    name: 'cache',
    namespace: 'data',
    replicas: 1,
    description: 'Redis-like in-memory key/value cache with TTLs',
    config: common({ LOG_LEVEL: 'debug', MAX_ENTRIES: '10000', DEFAULT_TTL: '5m' }),
    resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '250m', memory: '256Mi' } },
    baseMemoryBytes: 72 * Mi,
    routes: [
      { method: 'GET', path: '/get', calls: [], latencyMs: [0, 1], cpuMs: 0.2, responseBytes: 400, behaviour: 'cache-get' },
      { method: 'PUT', path: '/set', calls: [], latencyMs: [0, 1], cpuMs: 0.3, responseBytes: 40, uses: ['DEFAULT_TTL', 'MAX_ENTRIES'], behaviour: 'cache-set' },
    ],
  },
];

/** The load generator's traffic mix (all to the gateway). Together these cover every edge. */
export const ENTRY_ROUTES: readonly EntryRoute[] = [
  { method: 'GET', path: '/', weight: 3 },
  { method: 'GET', path: '/api/products', weight: 4 },
  { method: 'GET', path: '/api/cart', weight: 2 },
  { method: 'POST', path: '/api/cart/items', weight: 2 },
  { method: 'POST', path: '/api/checkout', weight: 1 },
];

export const ENTRY_SERVICE = 'gateway';

export function findService(name: string): ServiceSpec | undefined {
  const bare = name.includes('/') ? name.slice(name.indexOf('/') + 1) : name;
  return CONSTELLATION.find((s) => s.name === bare);
}

export function serviceFqdn(spec: Pick<ServiceSpec, 'name' | 'namespace'>): string {
  return `${spec.name}.${spec.namespace}.svc.${CLUSTER_DOMAIN}`;
}

export function findRoute(spec: ServiceSpec, method: string, path: string): RouteSpec | undefined {
  return spec.routes.find((r) => r.method === method && r.path === path);
}

export interface Edge {
  from: string;
  to: string;
}

/** Distinct caller->callee service pairs of the call graph. */
export function constellationEdges(): Edge[] {
  const seen = new Set<string>();
  const out: Edge[] = [];
  for (const s of CONSTELLATION) {
    for (const r of s.routes) {
      for (const c of r.calls) {
        const key = `${s.name}->${c.service}`;
        if (!seen.has(key)) {
          seen.add(key);
          out.push({ from: s.name, to: c.service });
        }
      }
    }
  }
  return out;
}

/** Edges reached from a set of entry routes, following route calls transitively. */
export function edgesReachedFrom(entries: readonly EntryRoute[]): Edge[] {
  const seen = new Set<string>();
  const out: Edge[] = [];
  const gateway = findService(ENTRY_SERVICE);
  const visit = (spec: ServiceSpec, route: RouteSpec): void => {
    for (const c of route.calls) {
      const callee = findService(c.service);
      const next = callee && findRoute(callee, c.method, c.path);
      if (!callee || !next) throw new Error(`constellation: ${spec.name} calls unknown ${c.service} ${c.method} ${c.path}`);
      const key = `${spec.name}->${callee.name}`;
      if (!seen.has(key)) {
        seen.add(key);
        out.push({ from: spec.name, to: callee.name });
      }
      visit(callee, next);
    }
  };
  for (const e of entries) {
    const route = gateway && findRoute(gateway, e.method, e.path);
    if (!gateway || !route) throw new Error(`constellation: no gateway route ${e.method} ${e.path}`);
    visit(gateway, route);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Manifests

export interface ManifestOptions {
  /** Image tag for every Deployment (default 1.0). */
  tag?: string;
  /** Put OTEL_EXPORTER_OTLP_ENDPOINT into every ConfigMap so the pods export traces there. */
  otlpEndpoint?: string;
  /** Override replica counts by service name. */
  replicas?: Record<string, number>;
}

/** A Kubernetes object as plain JSON. */
export type KubeObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> } } & Record<string, unknown>;

export function serviceLabels(spec: ServiceSpec, tag = DEFAULT_TAG): Record<string, string> {
  return {
    // `app` and `version` are what Istio and Kiali read; app.kubernetes.io/* what everyone else does.
    app: spec.name,
    version: tag,
    'app.kubernetes.io/name': spec.name,
    'app.kubernetes.io/part-of': PART_OF,
    'app.kubernetes.io/version': tag,
  };
}

export function configMapName(spec: ServiceSpec): string {
  return `${spec.name}-config`;
}

/** The objects the sandbox applies at start, in a safe apply order. */
export function constellationManifests(opts: ManifestOptions = {}): KubeObject[] {
  const tag = opts.tag ?? DEFAULT_TAG;
  const namespaces = [...new Set(CONSTELLATION.map((s) => s.namespace))];
  const out: KubeObject[] = [];
  for (const ns of namespaces) {
    out.push({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: ns, labels: { 'kubernetes.io/metadata.name': ns, 'app.kubernetes.io/part-of': PART_OF, 'istio-injection': 'enabled' } },
    });
  }
  for (const spec of CONSTELLATION) {
    const labels = serviceLabels(spec, tag);
    const selector = { 'app.kubernetes.io/name': spec.name };
    out.push({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: spec.name, namespace: spec.namespace, labels },
    });
    const data: Record<string, string> = { ...spec.config };
    if (opts.otlpEndpoint) data.OTEL_EXPORTER_OTLP_ENDPOINT = opts.otlpEndpoint;
    out.push({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: configMapName(spec), namespace: spec.namespace, labels },
      data,
    });
    out.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: spec.name, namespace: spec.namespace, labels },
      spec: {
        type: 'ClusterIP',
        selector,
        ports: [{ name: 'http', port: SERVICE_PORT, targetPort: 'http', protocol: 'TCP', appProtocol: 'http' }],
      },
    });
    out.push({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: spec.name, namespace: spec.namespace, labels, annotations: { description: spec.description } },
      spec: {
        replicas: opts.replicas?.[spec.name] ?? spec.replicas,
        revisionHistoryLimit: 10,
        selector: { matchLabels: selector },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
        template: {
          metadata: {
            labels,
            annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(SERVICE_PORT), 'prometheus.io/path': '/metrics' },
          },
          spec: {
            serviceAccountName: spec.name,
            terminationGracePeriodSeconds: 30,
            containers: [
              {
                name: spec.name,
                image: `${SERVICE_IMAGE}:${tag}`,
                imagePullPolicy: 'IfNotPresent',
                ports: [{ name: 'http', containerPort: SERVICE_PORT, protocol: 'TCP' }],
                env: [
                  { name: 'ORRERY_SERVICE', value: spec.name },
                  { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
                  { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
                  { name: 'MEMORY_LIMIT', valueFrom: { resourceFieldRef: { containerName: spec.name, resource: 'limits.memory' } } },
                ],
                envFrom: [{ configMapRef: { name: configMapName(spec) } }],
                readinessProbe: {
                  httpGet: { path: '/readyz', port: 'http' },
                  initialDelaySeconds: 1, periodSeconds: 5, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3,
                },
                livenessProbe: {
                  httpGet: { path: '/healthz', port: 'http' },
                  initialDelaySeconds: 5, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3,
                },
                resources: spec.resources,
              },
            ],
          },
        },
      },
    });
  }
  // Apply order: namespaces first, then whatever pods reference (SA, ConfigMap), then the rest.
  const rank: Record<string, number> = { Namespace: 0, ServiceAccount: 1, ConfigMap: 2, Service: 3, Deployment: 4 };
  return out.sort((a, b) => (rank[a.kind] ?? 9) - (rank[b.kind] ?? 9));
}

/** Parse a Kubernetes memory quantity ("128Mi", "1G", "134217728") into bytes. */
export function parseMemoryQuantity(q: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T|m)?$/.exec(q.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const mult: Record<string, number> = { Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4, k: 1e3, M: 1e6, G: 1e9, T: 1e12, m: 1e-3 };
  return Math.round(n * (m[2] ? (mult[m[2]] ?? 1) : 1));
}
