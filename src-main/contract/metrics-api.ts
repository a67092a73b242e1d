// The metrics part of the contract (issue 6), spread into `api` (api.ts): resource usage with
// history (metrics.k8s.io), and Prometheus discovered per context and queried through Orrery.
// Prometheus times are unix seconds, as Prometheus's own API has them; usage times are unix ms.
import { z } from 'zod';
import { procedure, stream } from './define';
import type { PrometheusDiscovery, PromInstant, PromMetadataEntry, PromRange, UsageFrame, UsageHistory } from './metrics-types';

const contextName = z.string().min(1).max(253);
const namespaceName = z.string().min(1).max(63);
const objectName = z.string().min(1).max(253);

export const usageTargetSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('pod'), namespace: namespaceName, name: objectName }).strict(),
  z.object({ kind: z.literal('node'), name: objectName }).strict(),
  z.object({ kind: z.literal('namespace'), name: namespaceName }).strict(),
  z.object({ kind: z.literal('workload'), workloadKind: z.enum(['deployments', 'statefulsets', 'daemonsets', 'jobs', 'cronjobs', 'replicasets']), namespace: namespaceName, name: objectName }).strict(),
  z.object({ kind: z.literal('cluster') }).strict(),
]);

/** Unix seconds (fractions allowed). */
const unixS = z.number().finite().min(0).max(1e11);
const promql = z.string().min(1).max(100_000);
/** Seconds Prometheus may take (it is told, and answers "timeout" itself); default 30. */
const timeoutS = z.number().min(1).max(600).optional();
const matchers = z.array(z.string().min(1).max(10_000)).max(100);
const limit = z.number().int().min(1).max(1_000_000).optional();

export const prometheusChoiceSchema = z.union([
  /** One of the discovered candidates, by id. */
  z.object({ candidate: z.string().min(1).max(2000) }).strict(),
  /** A Service through the API server's proxy: "namespace/[https:]name[:port][/path/prefix]",
   *  e.g. "monitoring/prometheus-operated:9090" or "vm/vmselect-main:8481/select/0/prometheus". */
  z.object({ service: z.string().min(3).max(600) }).strict(),
  /** A URL the backend requests directly (http or https, no credentials), e.g. http://localhost:9090. */
  z.object({ url: z.string().min(8).max(2000) }).strict(),
  /** Forget the choice: pick automatically again. */
  z.object({ auto: z.literal(true) }).strict(),
]);

export const metricsApi = {
  /** CPU/memory usage of a pod, node, namespace, workload or the cluster: a `history` frame (the
   *  backend's history, at least an hour, with requests/limits/allocatable and the polling status),
   *  then a `point` per metrics-server sample, `spec` when requests/limits change, `status` when
   *  polling's state changes (e.g. metrics-server not installed, 403). */
  'metrics.usage': stream<UsageFrame>('drop-oldest')(z.object({ context: contextName, target: usageTargetSchema }).strict()),
  /** The same histories at once, for many targets (e.g. sparklines of a list's rows). */
  'metrics.usageHistory': procedure<UsageHistory[]>()(z.object({ context: contextName, targets: z.array(usageTargetSchema).min(1).max(500) }).strict()),
  /** Prometheus candidates of a context, verified and ranked, with the one in use and why.
   *  Reused for 5 minutes unless `refresh`. */
  'prometheus.discover': procedure<PrometheusDiscovery>()(z.object({ context: contextName, refresh: z.boolean().default(false) }).strict()),
  /** Pick a candidate, name a Service or URL (checked before it is remembered), or go back to
   *  automatic. Remembered per context across restarts. Returns the new discovery. */
  'prometheus.select': procedure<PrometheusDiscovery>()(z.object({ context: contextName, choice: prometheusChoiceSchema }).strict()),
  /** Instant query at `time` (default now). */
  'prometheus.query': procedure<PromInstant>()(z.object({ context: contextName, query: promql, time: unixS.optional(), timeoutS }).strict()),
  /** Range query. Without `step`, one is chosen for about `maxPoints` points (default 1,000),
   *  never under `minStep`; an explicit step is kept unless a series would exceed 11,000 points.
   *  start/end are aligned to the step; the result says what was used. */
  'prometheus.queryRange': procedure<PromRange>()(
    z
      .object({
        context: contextName,
        query: promql,
        start: unixS,
        end: unixS,
        step: z.number().positive().max(1e8).optional(),
        maxPoints: z.number().int().min(2).max(11_000).optional(),
        minStep: z.number().positive().max(1e8).optional(),
        timeoutS,
      })
      .strict(),
  ),
  /** Series matching any of the selectors. */
  'prometheus.series': procedure<Array<Record<string, string>>>()(z.object({ context: contextName, match: matchers.min(1), start: unixS.optional(), end: unixS.optional(), limit, timeoutS }).strict()),
  /** Label names (optionally of the series matching `match`). */
  'prometheus.labels': procedure<string[]>()(z.object({ context: contextName, match: matchers.optional(), start: unixS.optional(), end: unixS.optional(), limit, timeoutS }).strict()),
  /** Values of one label (`__name__` for metric names). */
  'prometheus.labelValues': procedure<string[]>()(
    z.object({ context: contextName, label: z.string().min(1).max(1000), match: matchers.optional(), start: unixS.optional(), end: unixS.optional(), limit, timeoutS }).strict(),
  ),
  /** Metric metadata (type, help, unit) by metric name. */
  'prometheus.metadata': procedure<Record<string, PromMetadataEntry[]>>()(z.object({ context: contextName, metric: z.string().min(1).max(1000).optional(), limit, timeoutS }).strict()),
} as const;
