// PromApi over Orrery's contract: every Prometheus request goes to the backend (prometheus.*),
// which found the context's Prometheus and reaches it through the API server's proxy. Times
// cross as unix seconds, as Prometheus's API has them. Calls are cancelled with their signal.
import { useMemo } from 'react';
import { client } from '../../../api/client';
import type { PromApi } from './prom-api';

const s = (ms: number | undefined) => (ms === undefined ? undefined : ms / 1000);

export function contractPromApi(context: string): PromApi {
  return {
    queryRange: (q, signal) => client.call('prometheus.queryRange', { context, query: q.query, start: s(q.start)!, end: s(q.end)!, step: q.stepS }, { signal }),
    query: (q, signal) => client.call('prometheus.query', { context, query: q.query, ...(q.time !== undefined ? { time: s(q.time) } : {}) }, { signal }),
    labelNames: (q, signal) => client.call('prometheus.labels', { context, ...(q.match ? { match: q.match } : {}), start: s(q.start), end: s(q.end) }, { signal }),
    labelValues: (q, signal) => client.call('prometheus.labelValues', { context, label: q.label, ...(q.match ? { match: q.match } : {}), start: s(q.start), end: s(q.end) }, { signal }),
    series: (q, signal) => client.call('prometheus.series', { context, match: q.match, start: s(q.start), end: s(q.end), limit: 10_000 }, { signal }),
    metadata: (q, signal) => client.call('prometheus.metadata', { context, ...(q.metric ? { metric: q.metric } : {}) }, { signal }),
  };
}

/** The context's PromApi, the same object while the context stays (the editor is built on it). */
export function usePromApi(context: string | undefined): PromApi | undefined {
  return useMemo(() => (context ? contractPromApi(context) : undefined), [context]);
}
