// The metrics procedures and streams of the contract (metricsApi), for the backend to spread
// into its handlers.
import { ContractError } from '../../contract/errors';
import type { metricsApi } from '../../contract/metrics-api';
import type { PrometheusErrorDetails } from '../../contract/metrics-types';
import type { Handlers } from '../../contract/server';
import type { ClusterCaches } from '../kube/clusters';
import type { KubeClient } from '../kube/kube-client';
import type { Settings } from '../settings';
import type { PromClient } from './prometheus/client';
import { Prometheuses, type PrometheusesOptions } from './prometheus/prometheuses';
import { ResourceMetrics, type ResourceMetricsOptions } from './resource/resource-metrics';

export interface MetricsDeps {
  caches: ClusterCaches;
  clientFor(context: string): Promise<KubeClient>;
  settings: Settings;
  resource?: ResourceMetricsOptions;
  prometheus?: PrometheusesOptions;
}

export function createMetrics(deps: MetricsDeps) {
  const resource = new ResourceMetrics(deps.caches, deps.resource);
  const prometheuses = new Prometheuses(deps.clientFor, deps.settings, deps.prometheus);

  /** Runs a query on the context's Prometheus; when the chosen one cannot be reached any more,
   *  the next call discovers again. */
  const onProm = async <T>(context: string, run: (c: PromClient) => Promise<T>): Promise<T> => {
    const client = await prometheuses.client(context);
    try {
      return await run(client);
    } catch (err) {
      const type = err instanceof ContractError ? (err.details as PrometheusErrorDetails | undefined)?.errorType : undefined;
      if (type === 'unavailable' || type === 'forbidden' || type === 'bad_response') prometheuses.invalidate(context);
      throw err;
    }
  };

  const handlers: Handlers<typeof metricsApi> = {
    'metrics.usage': ({ context, target }, sink) => resource.stream(context, target, sink),
    'metrics.usageHistory': ({ context, targets }) => Promise.all(targets.map((t) => resource.history(context, t))),
    'prometheus.discover': ({ context, refresh }) => prometheuses.discover(context, { refresh }),
    'prometheus.select': ({ context, choice }) => prometheuses.choose(context, choice),
    'prometheus.query': ({ context, timeoutS, ...req }, { signal }) => onProm(context, (c) => c.query(req, { signal, ...(timeoutS ? { timeoutS } : {}) })),
    'prometheus.queryRange': ({ context, timeoutS, ...req }, { signal }) => onProm(context, (c) => c.queryRange(req, { signal, ...(timeoutS ? { timeoutS } : {}) })),
    'prometheus.series': ({ context, timeoutS, ...req }, { signal }) => onProm(context, (c) => c.series(req, { signal, ...(timeoutS ? { timeoutS } : {}) })),
    'prometheus.labels': ({ context, timeoutS, ...req }, { signal }) => onProm(context, (c) => c.labels(req, { signal, ...(timeoutS ? { timeoutS } : {}) })),
    'prometheus.labelValues': ({ context, timeoutS, ...req }, { signal }) => onProm(context, (c) => c.labelValues(req, { signal, ...(timeoutS ? { timeoutS } : {}) })),
    'prometheus.metadata': ({ context, timeoutS, ...req }, { signal }) => onProm(context, (c) => c.metadata(req, { signal, ...(timeoutS ? { timeoutS } : {}) })),
  };

  return { handlers, resource, prometheuses, dispose: () => resource.dispose() };
}
