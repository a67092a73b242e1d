// PromQL for the side panel's RED charts of a service graph node (what it answers) or edge (what
// one caller gets from it), in the metrics of the source the graph was built from.
import type { TrafficEdge, TrafficNode, TrafficSource } from '../../../../src-main/contract/servicegraph-types';

export interface RedQueries {
  rate: string;
  /** 5xx (or failures) and 4xx as ratios of all requests. */
  errors: Array<{ expr: string; legend: string }>;
  /** Seconds. */
  p95: string;
}

type End = Pick<TrafficNode, 'kind' | 'namespace' | 'name'>;
const q = (v: string) => JSON.stringify(v);

function istioTarget(n: End): string {
  return n.kind === 'service' ? `destination_service_namespace=${q(n.namespace ?? '')}, destination_service_name=${q(n.name)}` : `destination_workload_namespace=${q(n.namespace ?? '')}, destination_workload=${q(n.name)}`;
}
function istioSource(n: End): string {
  if (n.kind === 'external') return `source_workload=${q(n.name)}`;
  return n.kind === 'service' ? `source_workload_namespace=${q(n.namespace ?? '')}, source_canonical_service=${q(n.name)}` : `source_workload_namespace=${q(n.namespace ?? '')}, source_workload=${q(n.name)}`;
}

/** 0 rather than no data while there are requests but no errors (a flat line, not a blank chart). */
function ratio(metric: string, sel: string, bad: string): string {
  return `(sum(rate(${metric}{${sel}, ${bad}}[1m])) or vector(0)) / sum(rate(${metric}{${sel}}[1m]))`;
}

export function redQueries(source: TrafficSource, target: End, caller?: End): RedQueries {
  if (source === 'istio') {
    const sel = ['reporter="destination"', istioTarget(target), ...(caller ? [istioSource(caller)] : [])].join(', ');
    return {
      rate: `sum(rate(istio_requests_total{${sel}}[1m]))`,
      errors: [
        { expr: ratio('istio_requests_total', sel, 'response_code=~"5.."'), legend: '5xx' },
        { expr: ratio('istio_requests_total', sel, 'response_code=~"4.."'), legend: '4xx' },
      ],
      p95: `histogram_quantile(0.95, sum by (le) (rate(istio_request_duration_milliseconds_bucket{${sel}}[1m]))) / 1000`,
    };
  }
  if (source === 'linkerd') {
    const to = target.kind === 'service' ? `dst_namespace=${q(target.namespace ?? '')}, dst_service=${q(target.name)}` : `dst_namespace=${q(target.namespace ?? '')}, dst_deployment=${q(target.name)}`;
    const from = caller && caller.kind !== 'external' ? `, namespace=${q(caller.namespace ?? '')}, deployment=${q(caller.name)}` : '';
    const sel = `direction="outbound", ${to}${from}`;
    return {
      rate: `sum(rate(response_total{${sel}}[1m]))`,
      errors: [
        { expr: ratio('response_total', sel, 'classification="failure"'), legend: 'failures' },
        { expr: ratio('response_total', sel, 'status_code=~"4.."'), legend: '4xx' },
      ],
      p95: `histogram_quantile(0.95, sum by (le) (rate(response_latency_ms_bucket{${sel}}[1m]))) / 1000`,
    };
  }
  const sel = `server=${q(target.name)}${caller ? `, client=${q(caller.name)}` : ''}`;
  return {
    rate: `sum(rate(traces_service_graph_request_total{${sel}}[1m]))`,
    errors: [{ expr: `(sum(rate(traces_service_graph_request_failed_total{${sel}}[1m])) or vector(0)) / sum(rate(traces_service_graph_request_total{${sel}}[1m]))`, legend: 'failures' }],
    p95: `histogram_quantile(0.95, sum by (le) (rate(traces_service_graph_request_server_seconds_bucket{${sel}}[1m])))`,
  };
}

/** The queries for an edge: what `source` gets from `target`. */
export function edgeRedQueries(source: TrafficSource, edge: TrafficEdge, nodes: ReadonlyMap<string, TrafficNode>): RedQueries | undefined {
  const from = nodes.get(edge.source);
  const to = nodes.get(edge.target);
  return from && to ? redQueries(source, to, from) : undefined;
}
