// servicegraph.* handlers: the context's Prometheus (as the metrics module found it) behind the
// small PromQuerier the graph code uses; a Prometheus that stops answering is looked for again.
import type { Api } from '../../../contract/api';
import type { ParsedInputOf } from '../../../contract/define';
import { ContractError } from '../../../contract/errors';
import type { PrometheusErrorDetails, PromRange } from '../../../contract/metrics-types';
import type { ServiceGraph, ServiceGraphHistory } from '../../../contract/servicegraph-types';
import type { ClusterCaches } from '../../kube/clusters';
import type { PromClient } from '../../metrics/prometheus/client';
import { knownObjects, serviceGraph, serviceGraphHistory, serviceGraphLatency, type PromQuerier } from './service';

export interface PrometheusSource {
  client(context: string): Promise<PromClient>;
  invalidate(context: string): void;
}

export function querierOf(c: PromClient): PromQuerier {
  return {
    id: c.id,
    query: (query, time, signal) => c.query({ query, ...(time !== undefined ? { time } : {}) }, signal ? { signal } : {}),
    queryRange: async (query, start, end, step, signal) => JSON.parse((await c.queryRange({ query, start, end, step }, signal ? { signal } : {})).text) as PromRange,
  };
}

export function serviceGraphHandlers(caches: ClusterCaches, prometheuses: PrometheusSource) {
  const withProm = async <T>(context: string, run: (q: PromQuerier) => Promise<T>): Promise<T> => {
    const client = await prometheuses.client(context);
    try {
      return await run(querierOf(client));
    } catch (err) {
      const type = err instanceof ContractError ? (err.details as PrometheusErrorDetails | undefined)?.errorType : undefined;
      if (type === 'unavailable' || type === 'forbidden' || type === 'bad_response') prometheuses.invalidate(context);
      throw err;
    }
  };
  return {
    graph: (req: ParsedInputOf<Api['servicegraph.graph']>, signal: AbortSignal): Promise<ServiceGraph> =>
      withProm(req.context, async (q) => serviceGraph(q, req, await knownObjects(caches, req.context, req.mode, req.namespaces, signal), signal)),
    latency: (req: ParsedInputOf<Api['servicegraph.latency']>, signal: AbortSignal) => withProm(req.context, (q) => serviceGraphLatency(q, req, signal)),
    history: (req: ParsedInputOf<Api['servicegraph.history']>, signal: AbortSignal): Promise<ServiceGraphHistory> => withProm(req.context, (q) => serviceGraphHistory(q, req, signal)),
  };
}
