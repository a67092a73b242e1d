// Checks a candidate the way it will be used: a PromQL query through the same path (`count(up)`,
// which also says how many targets it scrapes), plus buildinfo for the version. The outcome is
// either ok or one rejection with the reason in words.
import type { PrometheusCandidate } from '../../../contract/metrics-types';
import type { KubeClient } from '../../kube/kube-client';
import type { CandidateSpec } from './candidates';
import { classifyHttpFailure, locationId, PromFailure, promGet } from './endpoint';
import { stripParameterWrapper } from './errors';

export const VERIFY_QUERY = 'count(up)';

function base(spec: CandidateSpec): PrometheusCandidate {
  const l = spec.location;
  return {
    id: locationId(l),
    via: l.via,
    ...(l.namespace ? { namespace: l.namespace } : {}),
    ...(l.name ? { name: l.name } : {}),
    ...(l.port ? { port: l.port } : {}),
    ...(l.scheme ? { scheme: l.scheme } : {}),
    pathPrefix: l.pathPrefix,
    ...(l.url ? { url: l.url } : {}),
    flavor: spec.flavor,
    foundBy: spec.foundBy,
    status: 'rejected',
  };
}

interface QueryAnswer {
  status?: unknown;
  error?: unknown;
  data?: { resultType?: unknown; result?: Array<{ value?: [unknown, unknown] }> };
}

/** Endpoint addresses of a Service (ip:port), undefined when they cannot be read. */
export async function serviceBackends(kube: KubeClient, namespace: string, name: string, signal?: AbortSignal): Promise<string[] | undefined> {
  try {
    const ep = await kube.json<{ subsets?: Array<{ addresses?: Array<{ ip?: string }>; ports?: Array<{ port?: number }> }> }>({
      path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/endpoints/${encodeURIComponent(name)}`,
      timeoutMs: 5000,
      ...(signal ? { signal } : {}),
    });
    return (ep.subsets ?? []).flatMap((s) => (s.addresses ?? []).flatMap((a) => (s.ports ?? []).map((p) => `${a.ip}:${p.port}`)));
  } catch {
    return undefined;
  }
}

export async function verifyCandidate(kube: KubeClient | undefined, spec: CandidateSpec, opts: { timeoutMs: number; signal?: AbortSignal; backends?: string[] }): Promise<PrometheusCandidate> {
  const c = base(spec);
  const l = spec.location;
  if (opts.backends && opts.backends.length === 0) {
    return { ...c, rejection: 'no-endpoints', message: `Service ${l.namespace}/${l.name} has no ready endpoints (no running, ready pod behind it)` };
  }
  const req = { timeoutMs: opts.timeoutMs, ...(opts.signal ? { signal: opts.signal } : {}) };
  const [query, build] = await Promise.allSettled([
    promGet(kube, l, `/api/v1/query?query=${encodeURIComponent(VERIFY_QUERY)}`, req),
    promGet(kube, l, '/api/v1/status/buildinfo', req),
  ]);
  if (query.status === 'rejected') {
    const f = query.reason as unknown;
    if (f instanceof PromFailure) return { ...c, rejection: f.rejection, message: f.message };
    return { ...c, rejection: 'error', message: (f as Error).message ?? String(f) };
  }
  const answer = query.value;
  const text = answer.body.toString('utf8');
  let parsed: QueryAnswer | undefined;
  try {
    parsed = JSON.parse(text) as QueryAnswer;
  } catch {
    parsed = undefined;
  }
  const latencyMs = Math.round(answer.ms);
  if (answer.status < 200 || answer.status >= 300) {
    if (parsed?.status === 'error' && typeof parsed.error === 'string') {
      return { ...c, rejection: 'error', message: `Prometheus API answered ${answer.status} to ${VERIFY_QUERY}: ${stripParameterWrapper(parsed.error)}`, latencyMs };
    }
    const f = classifyHttpFailure(l, answer.status, text);
    return { ...c, rejection: f.rejection, message: f.message, latencyMs };
  }
  if (parsed?.status !== 'success' || parsed.data?.resultType !== 'vector' || !Array.isArray(parsed.data.result)) {
    const what = answer.contentType.includes('html') ? 'an HTML page' : `${answer.contentType || 'a body'} that is not the Prometheus API`;
    return { ...c, rejection: 'not-prometheus', message: `answered ${answer.status} with ${what} (wrong port or path prefix?)`, latencyMs };
  }
  const targets = Number(parsed.data.result[0]?.value?.[1] ?? 0);
  let version: string | undefined;
  if (build.status === 'fulfilled' && build.value.status === 200) {
    try {
      const v = (JSON.parse(build.value.body.toString('utf8')) as { data?: { version?: unknown } }).data?.version;
      if (typeof v === 'string') version = v;
    } catch {
      // buildinfo is optional (older Prometheus, some Thanos versions)
    }
  }
  return { ...c, status: 'ok', targets: Number.isFinite(targets) ? targets : 0, latencyMs, ...(version ? { version } : {}) };
}
