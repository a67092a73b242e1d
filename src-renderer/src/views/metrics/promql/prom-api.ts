// What the metrics views need from Prometheus, behind one interface: the explorer, dashboards
// and the editor's completion all go through it, and it goes through Orrery's contract (the
// renderer never talks to Prometheus itself).
import type { PromInstant, PromMetadataEntry, PromRange } from '../../../../../src-main/contract/metrics-types';

export type { PromInstant, PromRange };

export interface PromApi {
  /** start/end in unix ms; the result's times are unix seconds, as Prometheus has them. */
  queryRange(q: { query: string; start: number; end: number; stepS: number }, signal?: AbortSignal): Promise<PromRange>;
  query(q: { query: string; time?: number }, signal?: AbortSignal): Promise<PromInstant>;
  labelNames(q: { match?: string[]; start?: number; end?: number }, signal?: AbortSignal): Promise<string[]>;
  labelValues(q: { label: string; match?: string[]; start?: number; end?: number }, signal?: AbortSignal): Promise<string[]>;
  series(q: { match: string[]; start?: number; end?: number }, signal?: AbortSignal): Promise<Array<Record<string, string>>>;
  metadata(q: { metric?: string }, signal?: AbortSignal): Promise<Record<string, PromMetadataEntry[]>>;
}

/** A failed query, as the views show it: what kind of failure, the message, where in the query. */
export interface QueryFailure {
  /** bad_data, execution, timeout, canceled, unavailable (Prometheus not found/down), ... */
  kind: string;
  message: string;
  /** Offsets into the query text, when Prometheus named a position. */
  position?: { start: number; end: number };
}
