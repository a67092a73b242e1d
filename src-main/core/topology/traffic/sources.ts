// The request metrics a service graph can be built from, per source: how to tell the source is
// there, the PromQL for request rates, latency and TCP bytes over a window, and how a result
// series names its two ends and its outcome.
//   Istio: istio_requests_total / istio_request_duration_milliseconds / istio_tcp_sent_bytes_total,
//     reported by the caller's sidecar (reporter="source") and the callee's ("destination").
//   Linkerd: response_total / response_latency_ms, direction="outbound", dst_* labels.
//   Spans: traces_service_graph_request_total / _request_failed_total /
//     _request_server_seconds (Tempo's metrics-generator, the OTel servicegraph connector).
import type { TrafficSource, TrafficWindow } from '../../../contract/servicegraph-types';

export type GraphMode = 'workloads' | 'services';

/** One end of an edge as a series names it. */
export interface EndKey {
  kind: 'workload' | 'service' | 'external';
  namespace?: string;
  name: string;
}

export type Outcome = 'ok' | 'client-error' | 'error';

export interface EdgeSample {
  source: EndKey;
  target: EndKey;
  protocol: 'http' | 'grpc' | 'tcp';
  /** Istio only: which sidecar reported it. */
  reporter?: 'source' | 'destination';
  outcome: Outcome;
}

export interface SourceDef {
  source: TrafficSource;
  /** A query answering one sample whose value is the number of request series (0 or none: absent). */
  detect: string;
  requests(w: TrafficWindow): string;
  /** Spans tell failures in a separate counter. */
  failures?(w: TrafficWindow): string;
  /** p95 latency in ms, per edge. */
  latency(w: TrafficWindow): string;
  tcp?(w: TrafficWindow): string;
  /** Names the ends and outcome of a result series; undefined for series that are no edge. */
  edge(metric: Record<string, string>, mode: GraphMode): EdgeSample | undefined;
}

const UNKNOWN = 'unknown';

const SECONDS: Record<TrafficWindow, number> = { '30s': 30, '1m': 60, '2m': 120, '5m': 300, '15m': 900, '30m': 1800, '1h': 3600 };

/** Per-series rate over the window that also counts error series born inside it. rate() drops a
 *  new series' first sample, so the first errors of an edge (a new response_code="500" series per
 *  pod) stay invisible until each pod has failed twice; a series absent a window ago has all of
 *  its current value inside the window. Only the error series (`errors`, a few) get this: doing
 *  it for every series would double the query's cost, and a new success series missing its
 *  first sample changes no verdict. */
export function windowRate(metric: string, w: TrafficWindow, errors?: string): string {
  const all = `rate(${metric}[${w}])`;
  if (!errors) return all;
  const bad = `${metric.endsWith('}') ? `${metric.slice(0, -1)}, ` : `${metric}{`}${errors}}`;
  // Only where the target was already scraped a window ago: a target Prometheus just started
  // scraping has nothing but new series, whose whole history is not this window's.
  return `((${bad} unless ${bad} offset ${w}) and on (job, instance) (up offset ${w})) / ${SECONDS[w]} or ${all}`;
}

const ext = (name: string): EndKey => ({ kind: 'external', name });
const wl = (namespace: string | undefined, name: string | undefined): EndKey => (!name || name === UNKNOWN || !namespace || namespace === UNKNOWN ? ext(UNKNOWN) : { kind: 'workload', namespace, name });
const svc = (namespace: string | undefined, name: string | undefined): EndKey => (!name || name === UNKNOWN || !namespace || namespace === UNKNOWN ? ext(UNKNOWN) : { kind: 'service', namespace, name });

function httpOutcome(code: string | undefined): Outcome {
  if (!code) return 'ok';
  if (code.startsWith('5') || code === '0') return 'error'; // 0: no response at all (Envoy)
  if (code.startsWith('4')) return 'client-error';
  return 'ok';
}

const ISTIO_ENDS = 'reporter, source_workload, source_workload_namespace, source_canonical_service, destination_workload, destination_workload_namespace, destination_service_name, destination_service_namespace';

const istio: SourceDef = {
  source: 'istio',
  detect: 'count(istio_requests_total)',
  requests: (w) => `sum by (${ISTIO_ENDS}, request_protocol, response_code, grpc_response_status) (${windowRate('istio_requests_total', w, 'response_code=~"5..|0"')})`,
  // Kiali's p95 counts successful requests only; the callee's sidecar's histogram (each request is
  // in both sidecars' histograms: reading one halves the query's work).
  latency: (w) => `histogram_quantile(0.95, sum by (le, ${ISTIO_ENDS}) (rate(istio_request_duration_milliseconds_bucket{reporter="destination", response_code=~"2.."}[${w}])))`,
  tcp: (w) => `sum by (${ISTIO_ENDS}) (rate(istio_tcp_sent_bytes_total[${w}]))`,
  edge(m, mode) {
    const source = mode === 'services' && m.source_canonical_service && m.source_canonical_service !== UNKNOWN ? svc(m.source_workload_namespace, m.source_canonical_service) : wl(m.source_workload_namespace, m.source_workload);
    const target = mode === 'services' ? svc(m.destination_service_namespace, m.destination_service_name) : wl(m.destination_workload_namespace, m.destination_workload);
    const grpc = m.request_protocol === 'grpc' || (m.grpc_response_status !== undefined && m.grpc_response_status !== '');
    const outcome: Outcome = grpc && m.grpc_response_status && m.grpc_response_status !== '0' ? 'error' : httpOutcome(m.response_code);
    return { source, target, protocol: m.response_code === undefined ? 'tcp' : grpc ? 'grpc' : 'http', reporter: m.reporter === 'source' ? 'source' : 'destination', outcome };
  },
};

const LINKERD_ENDS = 'namespace, deployment, statefulset, daemonset, dst_namespace, dst_deployment, dst_statefulset, dst_daemonset, dst_service';

const linkerd: SourceDef = {
  source: 'linkerd',
  detect: 'count(response_total{direction="outbound"})',
  requests: (w) => `sum by (${LINKERD_ENDS}, status_code, classification) (${windowRate('response_total{direction="outbound"}', w, 'classification="failure"')})`,
  latency: (w) => `histogram_quantile(0.95, sum by (le, ${LINKERD_ENDS}) (rate(response_latency_ms_bucket{direction="outbound", classification="success"}[${w}])))`,
  edge(m, mode) {
    const from = m.deployment ?? m.statefulset ?? m.daemonset;
    const to = m.dst_deployment ?? m.dst_statefulset ?? m.dst_daemonset;
    const source = wl(m.namespace, from);
    const target = mode === 'services' ? svc(m.dst_namespace, m.dst_service) : wl(m.dst_namespace, to ?? m.dst_service);
    const outcome: Outcome = m.classification === 'failure' ? 'error' : httpOutcome(m.status_code);
    return { source, target, protocol: 'http', outcome };
  },
};

// Span-derived graphs name services (service.name), not workloads; a namespace is known when the
// generator was told to add it as a dimension (the k8s or service.namespace attributes).
const SPAN_ENDS = 'client, server, connection_type, client_service_namespace, server_service_namespace, client_k8s_namespace_name, server_k8s_namespace_name';
const spanEnd = (name: string | undefined, ns: string | undefined): EndKey => (!name || name === UNKNOWN ? ext(UNKNOWN) : ns ? { kind: 'service', namespace: ns, name } : { kind: 'service', name });

const spans: SourceDef = {
  source: 'spans',
  detect: 'count(traces_service_graph_request_total)',
  requests: (w) => `sum by (${SPAN_ENDS}) (${windowRate('traces_service_graph_request_total', w)})`,
  failures: (w) => `sum by (${SPAN_ENDS}) (${windowRate('traces_service_graph_request_failed_total', w, 'client=~".+"')})`,
  latency: (w) => `histogram_quantile(0.95, sum by (le, ${SPAN_ENDS}) (rate(traces_service_graph_request_server_seconds_bucket[${w}]))) * 1000`,
  edge(m) {
    const source = spanEnd(m.client, m.client_service_namespace ?? m.client_k8s_namespace_name);
    const target = spanEnd(m.server, m.server_service_namespace ?? m.server_k8s_namespace_name);
    return { source, target, protocol: 'http', outcome: 'ok' };
  },
};

export const SOURCES: Record<TrafficSource, SourceDef> = { istio, linkerd, spans };

export function endId(e: EndKey): string {
  if (e.kind === 'external') return e.name;
  const base = e.namespace ? `${e.namespace}/${e.name}` : e.name;
  return e.kind === 'service' ? `svc:${base}` : base;
}
