// How to reach one Prometheus: through the API server's proxy subresource of a Service or Pod
// (`/api/v1/namespaces/NS/services/[https:]NAME:PORT/proxy/<prefix>/api/v1/...`), or at a URL.
// Requests are GETs: a proxy GET needs `get services/proxy`, a POST would need `create`, which
// read-only roles (and the sandbox's viewer) do not grant. Answers are read as bytes; failures are
// classified into what the UI can explain (RBAC, no endpoints, unreachable, timeout, not Prometheus).
import type { IncomingMessage } from 'node:http';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { PrometheusRejection } from '../../../contract/metrics-types';
import type { KubeClient } from '../../kube/kube-client';
import { KubeApiError } from '../../kube/kube-errors';

export interface PromLocation {
  via: 'service' | 'pod' | 'url';
  namespace?: string;
  name?: string;
  /** Port name or number; absent: the first port. */
  port?: string;
  scheme?: 'http' | 'https';
  /** Path before /api/v1, without a trailing slash ("" for none). */
  pathPrefix: string;
  /** For via 'url': the base URL (scheme, host, port, optional path). */
  url?: string;
}

export function locationId(l: PromLocation): string {
  if (l.via === 'url') return `url:${l.url}`;
  return `${l.via}:${l.namespace}/${l.scheme === 'https' ? 'https:' : ''}${l.name}${l.port ? `:${l.port}` : ''}${l.pathPrefix || '/'}`;
}

export function describeLocation(l: PromLocation): string {
  if (l.via === 'url') return l.url ?? '';
  return `${l.via} ${l.namespace}/${l.name}${l.port ? `:${l.port}` : ''}${l.pathPrefix}`;
}

/** The API server path that proxies to `path` (e.g. /api/v1/query?...) of the location. */
export function proxyPath(l: PromLocation, path: string): string {
  const resource = l.via === 'pod' ? 'pods' : 'services';
  const target = `${l.scheme === 'https' ? 'https:' : ''}${l.name}${l.port ? `:${l.port}` : ''}`;
  return `/api/v1/namespaces/${encodeURIComponent(l.namespace ?? '')}/${resource}/${encodeURIComponent(target).replace(/%3A/g, ':')}/proxy${l.pathPrefix}${path}`;
}

export interface PromAnswer {
  status: number;
  body: Buffer;
  contentType: string;
  ms: number;
}

/** Why a request to a candidate failed, in terms the discovery report and errors use. */
export class PromFailure extends Error {
  constructor(
    readonly rejection: PrometheusRejection,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'PromFailure';
  }
}

export interface PromRequestOptions {
  signal?: AbortSignal;
  timeoutMs: number;
  /** Answers larger than this fail (a range query is capped by 11,000 points per series anyway). */
  maxBytes?: number;
}

async function readAll(res: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) {
      res.destroy();
      throw new PromFailure('error', `the answer is larger than ${Math.round(maxBytes / 2 ** 20)} MiB`);
    }
    chunks.push(chunk as Buffer);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
}

function sendUrl(url: URL, signal: AbortSignal): Promise<IncomingMessage> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(url, { method: 'GET', headers: { Accept: 'application/json', 'User-Agent': 'orrery' }, signal }, resolve);
    req.on('error', reject);
    req.end();
  });
}

/** GET `path` (with its query string) of a Prometheus location. Resolves with any HTTP status;
 *  rejects with PromFailure for timeouts and unreachable servers, or the caller's abort reason. */
export async function promGet(kube: KubeClient | undefined, l: PromLocation, path: string, opts: PromRequestOptions): Promise<PromAnswer> {
  const t0 = performance.now();
  const controller = new AbortController();
  const timeout = new PromFailure('timeout', `no answer within ${Math.round(opts.timeoutMs / 100) / 10} s`);
  const timer = setTimeout(() => controller.abort(timeout), opts.timeoutMs);
  const onAbort = () => controller.abort(opts.signal?.reason);
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  if (opts.signal?.aborted) onAbort();
  try {
    let res: IncomingMessage;
    try {
      if (l.via === 'url') res = await sendUrl(new URL(`${l.url!.replace(/\/+$/, '')}${path}`), controller.signal);
      else {
        if (!kube) throw new PromFailure('error', 'no cluster connection');
        res = await kube.send({ path: proxyPath(l, path), signal: controller.signal });
      }
    } catch (err) {
      throw failureOf(err, controller.signal, l);
    }
    let body: Buffer;
    try {
      body = await readAll(res, opts.maxBytes ?? 512 * 2 ** 20);
    } catch (err) {
      throw failureOf(err, controller.signal, l);
    }
    return { status: res.statusCode ?? 0, body, contentType: String(res.headers['content-type'] ?? ''), ms: performance.now() - t0 };
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
  }
}

function failureOf(err: unknown, signal: AbortSignal, l: PromLocation): unknown {
  // Our timeout (a PromFailure) or the caller's abort reason.
  if (signal.aborted) return signal.reason;
  if (err instanceof PromFailure) return err;
  if (err instanceof KubeApiError) return new PromFailure(err.kind === 'forbidden' ? 'forbidden' : 'unreachable', err.message);
  const e = err as NodeJS.ErrnoException;
  return new PromFailure('unreachable', `cannot reach ${describeLocation(l)}: ${e.code ? `${e.code} ` : ''}${e.message}`);
}

interface KubeStatus {
  kind?: string;
  message?: string;
  reason?: string;
  code?: number;
}

function kubeStatusOf(text: string): KubeStatus | undefined {
  try {
    const s = JSON.parse(text) as KubeStatus;
    return s && typeof s === 'object' && s.kind === 'Status' ? s : undefined;
  } catch {
    return undefined;
  }
}

/** Explains a non-2xx answer that is not a Prometheus error: the API server's own refusals
 *  (RBAC, no endpoints, not found, cannot reach) or something that is not Prometheus at all. */
export function classifyHttpFailure(l: PromLocation, status: number, text: string): PromFailure {
  const st = kubeStatusOf(text);
  const where = l.namespace ? ` in namespace "${l.namespace}"` : '';
  const subresource = l.via === 'pod' ? 'pods/proxy' : 'services/proxy';
  if (st && l.via !== 'url') {
    const msg = st.message ?? '';
    if (status === 403) return new PromFailure('forbidden', `403 Forbidden: not allowed to get ${subresource}${where} (RBAC: ask for "get" on "${subresource}"). ${msg}`, status);
    if (status === 503 && /no endpoints available/i.test(msg)) return new PromFailure('no-endpoints', `${l.via === 'pod' ? 'Pod' : 'Service'} ${l.namespace}/${l.name} has no ready endpoints: ${msg}`, status);
    if (status === 404 && st.reason === 'NotFound') return new PromFailure('not-found', `${msg || `${l.namespace}/${l.name} not found`}`, status);
    if (status === 502 || status === 503) return new PromFailure('unreachable', `the API server could not reach ${describeLocation(l)}: ${msg}`, status);
    return new PromFailure('error', `${status} from the API server for ${describeLocation(l)}: ${msg}`, status);
  }
  const snippet = text.replace(/\s+/g, ' ').slice(0, 160);
  if (status === 401 || status === 403) return new PromFailure('forbidden', `${describeLocation(l)} answered ${status} (it wants its own authentication, e.g. an OAuth proxy): ${snippet}`, status);
  if (status === 404) return new PromFailure('not-prometheus', `${describeLocation(l)} answered 404 for the Prometheus API (wrong port or path prefix?): ${snippet}`, status);
  return new PromFailure(status >= 500 ? 'unreachable' : 'not-prometheus', `${describeLocation(l)} answered ${status}: ${snippet}`, status);
}
