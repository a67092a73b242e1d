import type { Dashboard } from './types';

// RED from the service's own HTTP metrics (http_requests_total, http_request_duration_seconds, as
// prom-client and most instrumentation libraries name them) and from the mesh (Istio's standard
// metrics, reported by the destination's sidecar).
const app = 'namespace=~"$namespace", service=~"$service"';
const mesh = 'reporter="destination", destination_service_namespace=~"$namespace", destination_service_name=~"$service"';

export const serviceRedDashboard: Dashboard = {
  id: 'service',
  title: 'Service RED',
  description: 'Rate, errors and duration of a service, from its HTTP metrics and from the mesh (istio_requests_total).',
  annotations: 'workload',
  variables: [
    { name: 'namespace', label: 'Namespace', source: { kind: 'namespaces' } },
    { name: 'service', label: 'Service', source: { kind: 'objects', resource: 'services', namespaced: true } },
  ],
  panels: [
    { id: 'rate', title: 'Requests by route', unit: 'reqps', stacked: true, queries: [{ expr: `sum by (route) (rate(http_requests_total{${app}}[$__rate_interval]))`, legend: '{{route}}' }] },
    // "or 0 * all": no 5xx series at all is a ratio of 0, not "no data".
    { id: 'errors', title: 'Error ratio (5xx)', unit: 'ratio', queries: [{ expr: `(sum(rate(http_requests_total{${app}, code=~"5.."}[$__rate_interval])) or 0 * sum(rate(http_requests_total{${app}}[$__rate_interval]))) / sum(rate(http_requests_total{${app}}[$__rate_interval]))`, legend: '5xx' }] },
    {
      id: 'duration',
      title: 'Duration percentiles',
      unit: 'seconds',
      span: 12,
      queries: [
        { expr: `histogram_quantile(0.5, sum by (le) (rate(http_request_duration_seconds_bucket{${app}}[$__rate_interval])))`, legend: 'p50' },
        { expr: `histogram_quantile(0.9, sum by (le) (rate(http_request_duration_seconds_bucket{${app}}[$__rate_interval])))`, legend: 'p90' },
        { expr: `histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{${app}}[$__rate_interval])))`, legend: 'p99' },
      ],
    },
    { id: 'mesh-rate', title: 'Mesh: requests by caller', unit: 'reqps', stacked: true, queries: [{ expr: `sum by (source_workload) (rate(istio_requests_total{${mesh}}[$__rate_interval]))`, legend: '{{source_workload}}' }] },
    {
      id: 'mesh-errors',
      title: 'Mesh: error ratio by caller (5xx)',
      unit: 'ratio',
      queries: [
        {
          expr: `(sum by (source_workload) (rate(istio_requests_total{${mesh}, response_code=~"5.."}[$__rate_interval])) or 0 * sum by (source_workload) (rate(istio_requests_total{${mesh}}[$__rate_interval]))) / sum by (source_workload) (rate(istio_requests_total{${mesh}}[$__rate_interval]))`,
          legend: '{{source_workload}}',
        },
      ],
    },
    {
      id: 'mesh-duration',
      title: 'Mesh: duration percentiles',
      unit: 'seconds',
      span: 12,
      queries: [
        { expr: `histogram_quantile(0.5, sum by (le) (rate(istio_request_duration_milliseconds_bucket{${mesh}}[$__rate_interval]))) / 1000`, legend: 'p50' },
        { expr: `histogram_quantile(0.99, sum by (le) (rate(istio_request_duration_milliseconds_bucket{${mesh}}[$__rate_interval]))) / 1000`, legend: 'p99' },
      ],
    },
  ],
};
