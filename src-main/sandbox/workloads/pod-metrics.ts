// Per-pod Prometheus metrics, in a per-pod prom-client Registry (many pods share one process, so
// the global registry would mix them up). Two families:
// - RED metrics as a prom-client-instrumented Node service would expose them;
// - mesh edge metrics with Istio's exact names and standard labels, as the Istio sidecar of this
//   pod would report them: the caller's sidecar with reporter="source", the callee's with
//   reporter="destination". Kiali-style service graphs are built from these.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { CLUSTER_DOMAIN } from './constellation';

/** Who a request came from or went to, as Istio's peer metadata exchange would tell. */
export interface MeshPeer {
  workload: string;
  namespace: string;
  app: string;
  version: string;
  serviceAccount: string;
}

/** Ingress traffic (the load generator) and failed upstreams look like this in Istio. */
export const UNKNOWN_PEER: MeshPeer = {
  workload: 'unknown',
  namespace: 'unknown',
  app: 'unknown',
  version: 'unknown',
  serviceAccount: '',
};

/** The Kubernetes Service a request was addressed to. */
export interface MeshService {
  name: string;
  namespace: string;
}

export interface MeshObservation {
  reporter: 'source' | 'destination';
  source: MeshPeer;
  destination: MeshPeer;
  service: MeshService;
  code: number;
  /** Envoy response flags: "-" for none, "UH" no healthy upstream, "UF" connect failure, "UT" timeout, "DC" downstream disconnect. */
  flags: string;
  durationMs: number;
  /** Whether the caller is in the mesh; ingress traffic arrives in plaintext. */
  mtls: boolean;
}

const ISTIO_LABELS = [
  'reporter',
  'source_workload',
  'source_workload_namespace',
  'source_principal',
  'source_app',
  'source_version',
  'source_canonical_service',
  'source_canonical_revision',
  'source_cluster',
  'destination_workload',
  'destination_workload_namespace',
  'destination_principal',
  'destination_app',
  'destination_version',
  'destination_service',
  'destination_service_name',
  'destination_service_namespace',
  'destination_canonical_service',
  'destination_canonical_revision',
  'destination_cluster',
  'request_protocol',
  'response_code',
  'grpc_response_status',
  'response_flags',
  'connection_security_policy',
] as const;
type IstioLabel = (typeof ISTIO_LABELS)[number];

// Istio's default buckets for istio_request_duration_milliseconds.
const ISTIO_MS_BUCKETS = [0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000];
const RED_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

function principal(p: MeshPeer): string {
  return p.serviceAccount ? `spiffe://${CLUSTER_DOMAIN}/ns/${p.namespace}/sa/${p.serviceAccount}` : 'unknown';
}

function istioLabels(o: MeshObservation): Record<IstioLabel, string> {
  const known = (p: MeshPeer): boolean => p.workload !== 'unknown';
  return {
    reporter: o.reporter,
    source_workload: o.source.workload,
    source_workload_namespace: o.source.namespace,
    source_principal: principal(o.source),
    source_app: o.source.app,
    source_version: o.source.version,
    source_canonical_service: o.source.app,
    source_canonical_revision: known(o.source) ? o.source.version : 'latest',
    source_cluster: known(o.source) ? 'Kubernetes' : 'unknown',
    destination_workload: o.destination.workload,
    destination_workload_namespace: o.destination.namespace,
    destination_principal: principal(o.destination),
    destination_app: o.destination.app,
    destination_version: o.destination.version,
    destination_service: `${o.service.name}.${o.service.namespace}.svc.${CLUSTER_DOMAIN}`,
    destination_service_name: o.service.name,
    destination_service_namespace: o.service.namespace,
    destination_canonical_service: o.destination.app,
    destination_canonical_revision: known(o.destination) ? o.destination.version : 'latest',
    destination_cluster: known(o.destination) ? 'Kubernetes' : 'unknown',
    request_protocol: 'http',
    response_code: String(o.code),
    grpc_response_status: '',
    response_flags: o.flags,
    // The client sidecar does not know the policy the server enforced; Istio reports "unknown".
    connection_security_policy: o.reporter === 'source' ? 'unknown' : o.mtls ? 'mutual_tls' : 'none',
  };
}

export class PodMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'method' | 'route' | 'code'>;
  private readonly duration: Histogram<'method' | 'route' | 'code'>;
  private readonly inFlight: Gauge;
  private readonly istioRequests: Counter<IstioLabel>;
  private readonly istioDuration: Histogram<IstioLabel>;
  readonly cacheEntries: Gauge;
  readonly cacheLookups: Counter<'result'>;

  constructor() {
    // No default labels (pod, namespace): Prometheus attaches those from service discovery, and
    // exposing them too would make it rename ours to exported_pod, as with real services.
    const registers = [this.registry];
    this.requests = new Counter({ name: 'http_requests_total', help: 'HTTP requests served, by route and status code', labelNames: ['method', 'route', 'code'], registers });
    this.duration = new Histogram({ name: 'http_request_duration_seconds', help: 'HTTP request duration in seconds', labelNames: ['method', 'route', 'code'], buckets: RED_BUCKETS, registers });
    this.inFlight = new Gauge({ name: 'http_requests_in_flight', help: 'HTTP requests being served', registers });
    this.istioRequests = new Counter({ name: 'istio_requests_total', help: 'Total requests.', labelNames: [...ISTIO_LABELS], registers });
    this.istioDuration = new Histogram({ name: 'istio_request_duration_milliseconds', help: 'Request duration in milliseconds.', labelNames: [...ISTIO_LABELS], buckets: ISTIO_MS_BUCKETS, registers });
    this.cacheEntries = new Gauge({ name: 'cache_entries', help: 'Keys held by the cache', registers: [] });
    this.cacheLookups = new Counter({ name: 'cache_lookups_total', help: 'Cache lookups by result', labelNames: ['result'], registers: [] });
  }

  /** Only the cache service exposes cache metrics. */
  enableCacheMetrics(): void {
    this.registry.registerMetric(this.cacheEntries);
    this.registry.registerMetric(this.cacheLookups);
  }

  requestStarted(): void {
    this.inFlight.inc();
  }

  requestFinished(method: string, route: string, code: number, seconds: number): void {
    this.inFlight.dec();
    const labels = { method, route, code: String(code) };
    this.requests.inc(labels);
    this.duration.observe(labels, seconds);
  }

  mesh(o: MeshObservation): void {
    const labels = istioLabels(o);
    this.istioRequests.inc(labels);
    this.istioDuration.observe(labels, o.durationMs);
  }

  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

// Peer identity travels in a request header, as Istio's metadata exchange does
// (x-envoy-peer-metadata); ours is readable: "workload=cart;namespace=shop;version=1.0;sa=cart".
export const PEER_HEADER = 'x-orrery-peer';

export function encodePeer(p: MeshPeer): string {
  return `workload=${p.workload};namespace=${p.namespace};app=${p.app};version=${p.version};sa=${p.serviceAccount}`;
}

export function decodePeer(h: string | string[] | undefined): MeshPeer {
  const v = Array.isArray(h) ? h[0] : h;
  if (!v) return UNKNOWN_PEER;
  const kv = Object.fromEntries(v.split(';').map((p) => { const i = p.indexOf('='); return [p.slice(0, i), p.slice(i + 1)]; }));
  if (!kv.workload || !kv.namespace) return UNKNOWN_PEER;
  return { workload: kv.workload, namespace: kv.namespace, app: kv.app || kv.workload, version: kv.version || 'unknown', serviceAccount: kv.sa ?? '' };
}
