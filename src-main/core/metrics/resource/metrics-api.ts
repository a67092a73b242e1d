// metrics.k8s.io/v1beta1: NodeMetrics and PodMetrics lists, parsed into numbers (cores, bytes,
// unix ms), and what went wrong said plainly: metrics-server not installed (404), installed but
// not answering (503), not allowed (403, naming the verb and resource).
import type { ContainerUsage, ResourceMetricsStatus } from '../../../contract/metrics-types';
import type { KubeClient } from '../../kube/kube-client';
import { readBody } from '../../kube/kube-client';
import { KubeApiError, statusError } from '../../kube/kube-errors';
import { parseQuantity } from '../../kube/quantity';
import { parseGoDuration } from './duration';

export interface UsageSample {
  namespace?: string;
  name: string;
  cpu: number;
  memory: number;
  /** unix ms */
  timestamp: number;
  /** seconds the CPU rate was measured over */
  windowS: number;
  /** PodMetrics: the containers as listed (see containersOf; converted only when someone looks). */
  rawContainers?: RawItem['containers'];
}

interface RawItem {
  metadata?: { name?: string; namespace?: string };
  timestamp?: string;
  window?: string;
  usage?: Record<string, string>;
  containers?: Array<{ name?: string; usage?: Record<string, string> }>;
}

export class MetricsUnavailable extends Error {
  constructor(readonly status: Pick<ResourceMetricsStatus, 'state' | 'message' | 'verb' | 'resource'>) {
    super(status.message);
    this.name = 'MetricsUnavailable';
  }
}

const DIGITS = /^\d+$/;

/** metrics-server writes CPU in nanocores ("12500000n") and memory in KiB ("49152Ki"): those are
 *  read without the general parser (100k pods per poll), anything else goes through it. */
const num = (q: string | undefined) => {
  if (q === undefined) return 0;
  const last = q.charCodeAt(q.length - 1);
  if (last === 110 /* n */ && DIGITS.test(q.slice(0, -1))) return Number(q.slice(0, -1)) * 1e-9;
  if (last === 105 /* i */ && q.endsWith('Ki') && DIGITS.test(q.slice(0, -2))) return Number(q.slice(0, -2)) * 1024;
  const v = parseQuantity(q);
  return Number.isFinite(v) ? v : 0;
};

/** Samples of one list share a few timestamps and windows: parse each text once. */
export class SampleParser {
  private tsText = '';
  private ts = NaN;
  private windowText: string | undefined = '';
  private window = NaN;

  parse(item: RawItem): UsageSample | undefined {
    const name = item.metadata?.name;
    const tsText = item.timestamp ?? '';
    if (tsText !== this.tsText) {
      this.tsText = tsText;
      this.ts = Date.parse(tsText);
    }
    if (item.window !== this.windowText) {
      this.windowText = item.window;
      this.window = parseGoDuration(item.window);
    }
    const timestamp = this.ts;
    if (!name || !Number.isFinite(timestamp)) return undefined;
    const base = { name, ...(item.metadata?.namespace ? { namespace: item.metadata.namespace } : {}), timestamp, windowS: Number.isFinite(this.window) ? this.window : NaN };
    if (item.containers) {
      let cpu = 0;
      let memory = 0;
      for (const c of item.containers) {
        cpu += num(c.usage?.cpu);
        memory += num(c.usage?.memory);
      }
      return { ...base, cpu, memory, rawContainers: item.containers };
    }
    return { ...base, cpu: num(item.usage?.cpu), memory: num(item.usage?.memory) };
  }
}

export function parseSample(item: RawItem): UsageSample | undefined {
  return new SampleParser().parse(item);
}

/** A PodMetrics sample's containers, as numbers. */
export function containersOf(sample: UsageSample): ContainerUsage[] | undefined {
  return sample.rawContainers?.map((c) => ({ name: c.name ?? '', cpu: num(c.usage?.cpu), memory: num(c.usage?.memory) }));
}

export function describeFailure(err: unknown, resource: 'pods.metrics.k8s.io' | 'nodes.metrics.k8s.io', namespace?: string): MetricsUnavailable {
  const where = namespace ? ` in namespace "${namespace}"` : ' cluster-wide';
  if (err instanceof KubeApiError) {
    if (err.kind === 'not-found') {
      return new MetricsUnavailable({
        state: 'not-installed',
        message: 'metrics.k8s.io is not served by this cluster: metrics-server is not installed. Install it to see CPU and memory usage (kubectl apply -f https://github.com/kubernetes-sigs/metrics-server/releases/latest/download/components.yaml).',
      });
    }
    if (err.kind === 'forbidden') {
      return new MetricsUnavailable({
        state: 'forbidden',
        verb: 'list',
        resource,
        message: `Not allowed to list ${resource}${where}: ask for RBAC "list" on "${resource.split('.')[0]}" in API group "metrics.k8s.io". ${err.extra.statusBody?.message ?? ''}`.trim(),
      });
    }
    if (err.extra.status === 503) {
      return new MetricsUnavailable({
        state: 'unavailable',
        message: `metrics.k8s.io is registered but not answering (503): metrics-server is not ready or unreachable; check "kubectl get apiservice v1beta1.metrics.k8s.io". ${err.extra.statusBody?.message ?? ''}`.trim(),
      });
    }
    return new MetricsUnavailable({ state: err.kind === 'unreachable' || err.kind === 'tls' || err.kind === 'unauthorized' ? 'unavailable' : 'error', message: err.message });
  }
  return new MetricsUnavailable({ state: 'error', message: (err as Error).message ?? String(err) });
}

/** Lists NodeMetrics or PodMetrics (all namespaces, or one). */
export async function listUsage(kube: KubeClient, what: 'nodes' | 'pods', opts: { namespace?: string; signal?: AbortSignal; timeoutMs?: number } = {}): Promise<UsageSample[]> {
  const resource = what === 'nodes' ? 'nodes.metrics.k8s.io' : 'pods.metrics.k8s.io';
  const path = opts.namespace ? `/apis/metrics.k8s.io/v1beta1/namespaces/${encodeURIComponent(opts.namespace)}/pods` : `/apis/metrics.k8s.io/v1beta1/${what}`;
  const req = { path, timeoutMs: opts.timeoutMs ?? 30_000, intent: { verb: 'list', resource, ...(opts.namespace ? { namespace: opts.namespace } : {}) }, ...(opts.signal ? { signal: opts.signal } : {}) };
  let items: RawItem[];
  try {
    const res = await kube.send(req);
    // 100k PodMetrics are ~40 MB of JSON: more than the client's default body limit.
    const text = await readBody(res, 1024 * 2 ** 20);
    if (!res.statusCode || res.statusCode < 200 || res.statusCode >= 300) throw statusError(res.statusCode ?? 0, text, req, kube);
    items = (JSON.parse(text) as { items?: RawItem[] }).items ?? [];
  } catch (err) {
    if (opts.signal?.aborted) throw err;
    throw describeFailure(err, resource, opts.namespace);
  }
  const out: UsageSample[] = [];
  const parser = new SampleParser();
  for (const item of items) {
    const s = parser.parse(item);
    if (s) out.push(s);
  }
  return out;
}
