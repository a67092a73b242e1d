// The Prometheus HTTP API, for one location: query, query_range, series, labels, label values,
// metadata. Every call has a timeout (Prometheus is also told, so it answers with its own
// "timeout" error first) and stops when the caller's signal aborts. Failures become contract
// errors with PrometheusErrorDetails.
import { RawJson } from '../../../contract/raw-json';
import type { PromInstant, PromMetadataEntry, PromRange } from '../../../contract/metrics-types';
import type { KubeClient } from '../../kube/kube-client';
import { classifyHttpFailure, locationId, PromFailure, promGet, type PromLocation } from './endpoint';
import { fromErrorBody, prometheusError } from './errors';
import { BadResponse, parseInstant, rangeResultText } from './matrix';
import { chooseStep, type StepRequest } from './step';

const DEFAULT_TIMEOUT_S = 30;
/** Extra time we wait beyond the timeout Prometheus is given, for the answer to travel. */
const GRACE_MS = 2_000;

export interface Call {
  signal?: AbortSignal;
  timeoutS?: number;
}

type Params = Record<string, string | number | string[] | undefined>;

function queryString(params: Params): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const x of v) q.append(k, x);
    else q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

export class PromClient {
  readonly id: string;

  constructor(
    private readonly kube: KubeClient | undefined,
    readonly location: PromLocation,
  ) {
    this.id = locationId(location);
  }

  /** GET an API path; the body of a 2xx answer, else a contract error explaining the failure. */
  async get(path: string, params: Params, call: Call & { query?: string }): Promise<Buffer> {
    const timeoutS = call.timeoutS ?? DEFAULT_TIMEOUT_S;
    let answer;
    try {
      answer = await promGet(this.kube, this.location, `${path}${queryString(params)}`, { timeoutMs: timeoutS * 1000 + GRACE_MS, ...(call.signal ? { signal: call.signal } : {}) });
    } catch (err) {
      if (call.signal?.aborted) throw prometheusError({ errorType: 'canceled', message: 'the request was cancelled', candidate: this.id });
      if (err instanceof PromFailure) {
        const errorType = err.rejection === 'timeout' ? 'timeout' : err.rejection === 'forbidden' ? 'forbidden' : 'unavailable';
        throw prometheusError({ errorType, message: err.message, candidate: this.id, ...(err.status ? { status: err.status } : {}) });
      }
      throw err;
    }
    if (answer.status >= 200 && answer.status < 300) return answer.body;
    const text = answer.body.toString('utf8');
    const promError = fromErrorBody(text, answer.status, call.query, this.id);
    if (promError) throw promError;
    const failure = classifyHttpFailure(this.location, answer.status, text);
    throw prometheusError({ errorType: failure.rejection === 'forbidden' ? 'forbidden' : failure.rejection === 'not-prometheus' ? 'bad_response' : 'unavailable', message: failure.message, status: answer.status, candidate: this.id });
  }

  private async json<T>(path: string, params: Params, call: Call & { query?: string }): Promise<T> {
    const body = await this.get(path, params, call);
    let parsed: { status?: unknown; data?: unknown };
    try {
      parsed = JSON.parse(body.toString('utf8')) as typeof parsed;
    } catch {
      throw this.badResponse(`the answer to ${path} is not JSON`);
    }
    if (parsed?.status !== 'success') throw this.badResponse(`the answer to ${path} is not a Prometheus success answer`);
    return parsed.data as T;
  }

  private badResponse(message: string) {
    return prometheusError({ errorType: 'bad_response', message, candidate: this.id });
  }

  /** Prometheus's own evaluation timeout, a little under ours. */
  private static timeoutParam(call: Call): string {
    return `${call.timeoutS ?? DEFAULT_TIMEOUT_S}s`;
  }

  async query(req: { query: string; time?: number }, call: Call = {}): Promise<PromInstant> {
    const body = await this.get('/api/v1/query', { query: req.query, time: req.time, timeout: PromClient.timeoutParam(call) }, { ...call, query: req.query });
    try {
      return parseInstant(body.toString('utf8'));
    } catch (err) {
      if (err instanceof BadResponse) throw this.badResponse(err.message);
      throw err;
    }
  }

  /** A range query with the step chosen (and start/end aligned) so no series exceeds 11,000
   *  points. The answer is JSON text of PromRange, transcoded without building objects. */
  async queryRange(req: { query: string } & StepRequest, call: Call = {}): Promise<RawJson<PromRange>> {
    let range;
    try {
      range = chooseStep(req);
    } catch (err) {
      throw prometheusError({ errorType: 'bad_data', message: (err as Error).message, candidate: this.id });
    }
    const body = await this.get('/api/v1/query_range', { query: req.query, start: range.start, end: range.end, step: range.step, timeout: PromClient.timeoutParam(call) }, { ...call, query: req.query });
    try {
      return new RawJson<PromRange>(rangeResultText(body, { start: range.start, end: range.end, step: range.step }));
    } catch (err) {
      if (err instanceof BadResponse) throw this.badResponse(err.message);
      throw err;
    }
  }

  async series(req: { match: string[]; start?: number; end?: number; limit?: number }, call: Call = {}): Promise<Array<Record<string, string>>> {
    const data = await this.json<Array<Record<string, string>>>('/api/v1/series', { 'match[]': req.match, start: req.start, end: req.end, limit: req.limit }, { ...call, query: req.match.length === 1 ? req.match[0] : undefined });
    if (!Array.isArray(data)) throw this.badResponse('series: data is not a list');
    return req.limit ? data.slice(0, req.limit) : data;
  }

  async labels(req: { match?: string[]; start?: number; end?: number; limit?: number }, call: Call = {}): Promise<string[]> {
    const data = await this.json<string[]>('/api/v1/labels', { 'match[]': req.match, start: req.start, end: req.end, limit: req.limit }, call);
    if (!Array.isArray(data)) throw this.badResponse('labels: data is not a list');
    return req.limit ? data.slice(0, req.limit) : data;
  }

  async labelValues(req: { label: string; match?: string[]; start?: number; end?: number; limit?: number }, call: Call = {}): Promise<string[]> {
    const data = await this.json<string[]>(`/api/v1/label/${encodeURIComponent(req.label)}/values`, { 'match[]': req.match, start: req.start, end: req.end, limit: req.limit }, call);
    if (!Array.isArray(data)) throw this.badResponse('label values: data is not a list');
    return req.limit ? data.slice(0, req.limit) : data;
  }

  async metadata(req: { metric?: string; limit?: number }, call: Call = {}): Promise<Record<string, PromMetadataEntry[]>> {
    const data = await this.json<Record<string, PromMetadataEntry[]>>('/api/v1/metadata', { metric: req.metric, limit: req.limit }, call);
    if (!data || typeof data !== 'object' || Array.isArray(data)) throw this.badResponse('metadata: data is not an object');
    return data;
  }
}
