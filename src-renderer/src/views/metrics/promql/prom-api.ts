// What the metrics views need from Prometheus, behind one interface: the explorer, dashboards
// and the editor's completion all go through it, and it goes through Orrery's contract (the
// renderer never talks to Prometheus itself).
import type { MatrixSeries } from '../charts/series';

export interface InstantSample {
  metric: Record<string, string>;
  value: [number, string];
}

export type QueryData =
  | { resultType: 'matrix'; result: MatrixSeries[] }
  | { resultType: 'vector'; result: InstantSample[] }
  | { resultType: 'scalar' | 'string'; result: [number, string] };

export interface QueryResult {
  data: QueryData;
  /** Prometheus's warnings (partial data, e.g. a failed remote read); shown, not thrown. */
  warnings?: string[];
  /** The step the backend used (it may raise ours to stay under 11,000 points a series). */
  stepS?: number;
}

export interface MetricMeta {
  type: string;
  help: string;
  unit?: string;
}

export interface PromApi {
  queryRange(q: { query: string; start: number; end: number; stepS: number }, signal?: AbortSignal): Promise<QueryResult>;
  query(q: { query: string; time?: number }, signal?: AbortSignal): Promise<QueryResult>;
  labelNames(q: { match?: string[]; start?: number; end?: number }, signal?: AbortSignal): Promise<string[]>;
  labelValues(q: { label: string; match?: string[]; start?: number; end?: number }, signal?: AbortSignal): Promise<string[]>;
  series(q: { match: string[]; start?: number; end?: number }, signal?: AbortSignal): Promise<Array<Record<string, string>>>;
  metadata(q: { metric?: string }, signal?: AbortSignal): Promise<Record<string, MetricMeta[]>>;
}

/** A failed query, as the views show it: what kind of failure, the message, where in the query. */
export interface QueryFailure {
  /** bad_data, execution, timeout, canceled, unavailable (Prometheus not found/down), ... */
  kind: string;
  message: string;
  /** Offsets into the query text, when Prometheus named a position. */
  position?: { start: number; end: number };
}
