import { describe, expect, it } from 'vitest';
import { redQueries } from './red-queries';

describe('redQueries', () => {
  it('selects what a workload answers, reported by its own sidecar (Istio)', () => {
    const r = redQueries('istio', { kind: 'workload', namespace: 'shop', name: 'payments' });
    expect(r.rate).toBe('sum(rate(istio_requests_total{reporter="destination", destination_workload_namespace="shop", destination_workload="payments"}[1m]))');
    expect(r.errors[0]!.expr).toContain('response_code=~"5.."');
    expect(r.p95).toContain('istio_request_duration_milliseconds_bucket');
  });

  it('narrows to one caller for an edge, in each source’s labels', () => {
    expect(redQueries('istio', { kind: 'workload', namespace: 'shop', name: 'payments' }, { kind: 'workload', namespace: 'shop', name: 'checkout' }).rate).toContain('source_workload_namespace="shop", source_workload="checkout"');
    expect(redQueries('istio', { kind: 'workload', namespace: 'edge', name: 'gateway' }, { kind: 'external', name: 'unknown' }).rate).toContain('source_workload="unknown"');
    expect(redQueries('linkerd', { kind: 'workload', namespace: 'shop', name: 'payments' }, { kind: 'workload', namespace: 'shop', name: 'checkout' }).rate).toBe(
      'sum(rate(response_total{direction="outbound", dst_namespace="shop", dst_deployment="payments", namespace="shop", deployment="checkout"}[1m]))',
    );
    expect(redQueries('spans', { kind: 'service', name: 'payments' }, { kind: 'service', name: 'checkout' }).errors[0]!.expr).toContain('traces_service_graph_request_failed_total{server="payments", client="checkout"}');
  });
});
