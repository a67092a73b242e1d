// Data shapes of the metrics contract (issue 6): resource usage from metrics.k8s.io with the
// backend's own history, and Prometheus found in the cluster. Plain JSON, like types.ts.

// ---- Resource usage (metrics.k8s.io) ----

export type WorkloadKindId = 'deployments' | 'statefulsets' | 'daemonsets' | 'jobs' | 'cronjobs' | 'replicasets';

/** What a usage series belongs to. A workload's usage is the sum of its pods' (including pods
 *  since replaced: the sum is recorded as samples arrive). */
export type UsageTarget =
  | { kind: 'pod'; namespace: string; name: string }
  | { kind: 'node'; name: string }
  | { kind: 'namespace'; name: string }
  | { kind: 'workload'; workloadKind: WorkloadKindId; namespace: string; name: string }
  | { kind: 'cluster' };

/** Usage over time, as columns. t: unix milliseconds; cpu: cores; memory: working set bytes.
 *  null: no sample for that series in that slot. */
export interface UsagePoints {
  t: number[];
  cpu: Array<number | null>;
  memory: Array<number | null>;
}

/** What the target may use, now, from the watch cache. cpu in cores, memory in bytes. */
export interface ResourceSpec {
  /** Sum of the containers' requests (absent when no container requests any). */
  requests: { cpu?: number; memory?: number };
  /** Sum of the containers' limits; absent when a container has none (then there is no bound). */
  limits: { cpu?: number; memory?: number };
  /** Nodes, and the cluster (sum over nodes). */
  allocatable?: { cpu: number; memory: number };
  /** Running pods counted into requests/limits (nodes, namespaces, workloads, cluster). */
  pods?: number;
}

/** How the context's metrics.k8s.io polling is doing, explained. */
export interface ResourceMetricsStatus {
  state: 'starting' | 'ok' | 'not-installed' | 'forbidden' | 'unavailable' | 'error';
  /** For every state but starting/ok: what failed and what to do. */
  message?: string;
  /** For forbidden: the permission that is missing, e.g. verb "list", resource "pods.metrics.k8s.io". */
  verb?: string;
  resource?: string;
  /** Seconds between metrics-server samples (from `window` and timestamps). */
  resolutionS?: number;
  /** Seconds between polls now: the resolution, or more when polls are expensive (polling uses at
   *  most a tenth of a core; at 100k pods that is tens of seconds). */
  pollS?: number;
  /** Seconds each stored slot spans (>= resolutionS; grows when many series share the memory budget). */
  slotS?: number;
  /** Seconds of history kept (at least 3600). */
  retentionS?: number;
  /** Time of the newest sample (unix ms). */
  lastSampleAt?: number;
  /** Series kept (pods, nodes, namespaces, workloads) and the bytes their history takes. */
  series?: number;
  historyBytes?: number;
  /** When the next attempt happens, for failed states (ms). */
  retryInMs?: number;
}

export interface UsageHistory {
  target: UsageTarget;
  points: UsagePoints;
  spec: ResourceSpec;
  status: ResourceMetricsStatus;
}

export interface ContainerUsage {
  name: string;
  cpu: number;
  memory: number;
}

export type UsageFrame =
  | ({ type: 'history' } & UsageHistory)
  /** A new sample. When t equals the last point's t, it replaces that point (a slot still filling). */
  | { type: 'point'; t: number; cpu: number | null; memory: number | null; containers?: ContainerUsage[] }
  | { type: 'spec'; spec: ResourceSpec }
  | { type: 'status'; status: ResourceMetricsStatus };

// ---- Prometheus ----

export type PrometheusFlavor = 'prometheus' | 'thanos' | 'victoriametrics' | 'unknown';

/** Why a candidate is not used. */
export type PrometheusRejection =
  | 'no-endpoints' // the Service has no ready endpoints
  | 'forbidden' // RBAC: the user may not use services/proxy (or pods/proxy) there
  | 'not-found' // the Service or Pod does not exist (manual choice)
  | 'not-prometheus' // answered, but not the Prometheus HTTP API
  | 'timeout'
  | 'unreachable' // the API server could not reach it (connection refused, ...)
  | 'error';

export interface PrometheusCandidate {
  /** Stable id, e.g. "service:monitoring/prometheus-operated:web/" or "url:http://...". */
  id: string;
  via: 'service' | 'pod' | 'url';
  namespace?: string;
  name?: string;
  /** Port name or number as used in the proxy path. */
  port?: string;
  scheme?: 'http' | 'https';
  /** Path before /api/v1 (e.g. "/select/0/prometheus" for vmselect), "" for none. */
  pathPrefix: string;
  url?: string;
  flavor: PrometheusFlavor;
  /** How it was found, e.g. "label operated-prometheus=true", "well-known name prometheus-k8s". */
  foundBy: string[];
  status: 'ok' | 'rejected';
  rejection?: PrometheusRejection;
  /** What happened, for people (e.g. `403: not allowed to get services/proxy in namespace "monitoring"`). */
  message?: string;
  version?: string;
  /** The same server as this (better ranked) candidate, behind another Service: not a rival. */
  sameAs?: string;
  /** count(up) at verification: how many targets it scrapes (0: answers, but has no data). */
  targets?: number;
  latencyMs?: number;
}

export interface PrometheusDiscovery {
  context: string;
  /** Best first (the order used to pick one automatically). */
  candidates: PrometheusCandidate[];
  /** The one queries go to, if any. */
  selected?: string;
  /** How it was chosen: the user's remembered pick or manual override, the only one that answers,
   *  or the best ranked of several (ambiguous: the UI should let the user pick). */
  selection: 'user' | 'manual' | 'only' | 'ranked' | 'none';
  ambiguous: boolean;
  /** Why the selection is what it is, for people. */
  explanation: string;
  /** Problems while looking (e.g. services could not be listed: 403). */
  problems: string[];
  checkedAt: string;
}

/** bad_data, execution, timeout, canceled, internal, not_found: Prometheus's own errorType (timeout
 *  also when it does not answer in time); forbidden: RBAC refused the proxy (or its own auth);
 *  unavailable: it cannot be reached; no_prometheus: none found or chosen in the context;
 *  bad_response: the answer is not the Prometheus API's. */
export type PrometheusErrorType = 'bad_data' | 'execution' | 'timeout' | 'canceled' | 'internal' | 'unavailable' | 'not_found' | 'forbidden' | 'no_prometheus' | 'bad_response';

/** `details` of a ContractError from a prometheus.* procedure. Codes: bad_data and execution ->
 *  BAD_INPUT; canceled -> CANCELLED; forbidden -> FORBIDDEN; no_prometheus -> NOT_FOUND; the
 *  rest -> UNAVAILABLE. */
export interface PrometheusErrorDetails {
  source: 'prometheus';
  errorType: PrometheusErrorType;
  /** Prometheus's own message (without the `invalid parameter "query":` wrapper). */
  message: string;
  /** HTTP status of Prometheus's answer, when there was one. */
  status?: number;
  /** Where in the query the parser stopped: 1-based line and column, and the 0-based offset into
   *  the query string (UTF-16, as editors count). Prometheus counts bytes; converted. */
  position?: { line: number; column: number; offset: number };
  /** The candidate that answered. */
  candidate?: string;
}

/** A sample value: a number, or Prometheus's non-finite spellings. */
export type PromValue = number | 'NaN' | '+Inf' | '-Inf';

/** One series as columns: t in unix seconds, v the values. */
export interface PromSeries {
  metric: Record<string, string>;
  t: number[];
  v: PromValue[];
  /** Native histogram samples, as Prometheus sends them ([t, histogram]). */
  histograms?: Array<[number, unknown]>;
}

export interface PromRange {
  resultType: 'matrix';
  series: PromSeries[];
  /** What was asked of Prometheus after step selection and alignment (unix seconds). */
  start: number;
  end: number;
  step: number;
  warnings?: string[];
  infos?: string[];
}

export type PromInstant = (
  | { resultType: 'vector'; samples: Array<{ metric: Record<string, string>; t: number; v: PromValue; histogram?: unknown }> }
  | { resultType: 'matrix'; series: PromSeries[] }
  | { resultType: 'scalar'; t: number; v: PromValue }
  | { resultType: 'string'; t: number; v: string }
) & { warnings?: string[]; infos?: string[] };

export interface PromMetadataEntry {
  type: string;
  help: string;
  unit: string;
}
