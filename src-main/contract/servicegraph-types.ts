// Data shapes of the service communication graph (issue 7): who talks to whom, from request
// metrics in Prometheus, with Kiali's health rules. Plain JSON, like types.ts. The health rule
// lives here too, so the renderer colours replayed history exactly as the backend colours now.
import type { Health, HealthLevel } from './types';

/** Where edges come from: Istio's standard metrics, Linkerd's proxy metrics, or service graph
 *  metrics derived from spans (Tempo's metrics-generator, the OpenTelemetry servicegraph connector). */
export type TrafficSource = 'istio' | 'linkerd' | 'spans';
export const TRAFFIC_SOURCES: readonly TrafficSource[] = ['istio', 'linkerd', 'spans'];
export const TRAFFIC_WINDOWS = ['30s', '1m', '2m', '5m', '15m', '30m', '1h'] as const;
export type TrafficWindow = (typeof TRAFFIC_WINDOWS)[number];

/** Error-rate thresholds in percent of requests (Kiali's defaults: any 5xx degraded, > 10%
 *  failing; 4xx over 10% degraded, over 20% failing). */
export interface HealthThresholds {
  degraded5xx: number;
  failing5xx: number;
  degraded4xx: number;
  failing4xx: number;
}
export const KIALI_THRESHOLDS: HealthThresholds = { degraded5xx: 0, failing5xx: 10, degraded4xx: 10, failing4xx: 20 };

/** Request rates of one edge or one node's inbound side, per second. errors: 5xx (and, for
 *  sources that only tell failure, every failure); clientErrors: 4xx. */
export interface Rates {
  rps: number;
  errors: number;
  clientErrors: number;
}

export interface TrafficNode {
  /** "namespace/name" (workloads), "svc:namespace/name" (services), or an external caller's name. */
  id: string;
  kind: 'workload' | 'service' | 'external';
  namespace?: string;
  name: string;
  /** The Kubernetes object behind it when the watch cache knows it (for its page and pods). */
  object?: { kindId: string; kind: string; namespace: string; name: string };
  /** Requests arrived or left in the window; false: shown dimmed. */
  traffic: boolean;
  inbound: Rates;
  outbound: Rates;
  /** From what it answers (inbound), by the thresholds; absent without inbound requests. */
  health?: Health;
  /** Its own failures: more than half of its 5xx answers are not explained by failed calls it
   *  made (where an error chain starts). */
  origin?: boolean;
}

export interface TrafficEdge {
  /** "source>target". */
  id: string;
  source: string;
  target: string;
  protocol: 'http' | 'grpc' | 'tcp';
  rates: Rates;
  /** 95th percentile latency of successful requests, ms (absent without histogram data). */
  p95Ms?: number;
  /** TCP edges: bytes sent per second. */
  bytesPerSecond?: number;
  health: Health;
}

export interface ServiceGraph {
  source: TrafficSource;
  /** Every source found, with its series count (the UI shows which one is used and why). */
  detected: Array<{ source: TrafficSource; series: number }>;
  window: TrafficWindow;
  /** Unix seconds the rates are for. */
  time: number;
  nodes: TrafficNode[];
  edges: TrafficEdge[];
  thresholds: HealthThresholds;
  /** The Prometheus that answered (candidate id) and the time taken. */
  prometheus: string;
  queryMs: number;
  buildMs: number;
}

/** Edges and nodes over time (the replay): one value per step, NaN where there was no traffic. */
export interface ServiceGraphHistory {
  source: TrafficSource;
  window: TrafficWindow;
  /** Unix seconds of each step. */
  times: number[];
  edges: Array<{ id: string; source: string; target: string; rps: number[]; errors: number[]; clientErrors: number[] }>;
  nodes: Array<{ id: string; rps: number[]; errors: number[]; clientErrors: number[] }>;
  queryMs: number;
}

const pct = (x: number) => `${x < 1 && x > 0 ? x.toFixed(2) : x.toFixed(1)}%`;

/** Kiali's rule: the worse of the 5xx and the 4xx verdicts; no requests: no verdict. */
export function trafficHealth(r: Rates, t: HealthThresholds = KIALI_THRESHOLDS): Health | undefined {
  if (!(r.rps > 0)) return undefined;
  const e5 = (100 * r.errors) / r.rps;
  const e4 = (100 * r.clientErrors) / r.rps;
  const level = (v: number, degraded: number, failing: number): HealthLevel => (v > failing ? 'failing' : v > degraded || (degraded === 0 && v > 0) ? 'degraded' : 'ok');
  const l5 = level(e5, t.degraded5xx, t.failing5xx);
  const l4 = level(e4, t.degraded4xx, t.failing4xx);
  const rank: Record<HealthLevel, number> = { ok: 0, unknown: 0, degraded: 1, failing: 2 };
  const worst = rank[l5] >= rank[l4] ? l5 : l4;
  const parts = [`${pct(e5)} 5xx`, `${pct(e4)} 4xx`];
  return { level: worst, reason: `${parts.join(', ')} of ${r.rps.toFixed(r.rps < 10 ? 2 : 0)} req/s` };
}
