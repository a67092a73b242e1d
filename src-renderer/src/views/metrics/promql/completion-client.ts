// codemirror-promql asks a PrometheusClient for metric names, labels, values and metadata while
// the user types. This one answers through Orrery's contract (PromApi) instead of fetch, over
// the last 12 hours (as Prometheus's own UI does), and caches answers for a minute.
import type { PrometheusClient } from '@prometheus-io/codemirror-promql';
import { EqlRegex, EqlSingle, Neq, NeqRegex } from '@prometheus-io/lezer-promql';
import type { PromApi } from './prom-api';

interface Matcher {
  type: number;
  name: string;
  value: string;
}

// Matchers arrive with the lezer token id of their operator.
const ops: Record<number, string> = { [EqlSingle]: '=', [Neq]: '!=', [EqlRegex]: '=~', [NeqRegex]: '!~' };
const LOOKBACK_MS = 12 * 3600_000;
const CACHE_MS = 60_000;

function quote(v: string): string {
  return JSON.stringify(v);
}

/** A series selector from a metric name and matchers, e.g. up{job="x"}. */
export function selector(metric: string | undefined, matchers: Matcher[] = []): string {
  const parts = matchers.filter((m) => m.name !== '__name__' || !metric).map((m) => `${m.name}${ops[m.type] ?? '='}${quote(m.value)}`);
  return `${metric ?? ''}{${parts.join(',')}}`;
}

export class ContractPrometheusClient implements PrometheusClient {
  private readonly cache = new Map<string, { at: number; value: Promise<unknown> }>();

  constructor(
    private readonly api: PromApi,
    private readonly onError: (e: unknown) => void = () => {},
  ) {}

  private cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.cache.get(key);
    if (hit && Date.now() - hit.at < CACHE_MS) return hit.value as Promise<T>;
    const value = load().then(
      (v) => {
        // Nothing yet (a Prometheus that just started) is asked again next time, not kept.
        if (Array.isArray(v) && v.length === 0) this.cache.delete(key);
        return v;
      },
      (e: unknown) => {
        this.cache.delete(key);
        this.onError(e);
        // Completion carries on without suggestions rather than breaking the editor.
        return [] as unknown as T;
      },
    );
    this.cache.set(key, { at: Date.now(), value });
    return value;
  }

  private window() {
    const end = Date.now();
    return { start: end - LOOKBACK_MS, end };
  }

  labelNames(metricName?: string): Promise<string[]> {
    return this.cached(`labels:${metricName ?? ''}`, () => this.api.labelNames({ ...(metricName ? { match: [selector(metricName)] } : {}), ...this.window() }));
  }

  labelValues(labelName: string, metricName?: string, matchers?: Matcher[]): Promise<string[]> {
    const match = metricName || matchers?.length ? [selector(metricName, matchers)] : undefined;
    return this.cached(`values:${labelName}:${match?.[0] ?? ''}`, () => this.api.labelValues({ label: labelName, ...(match ? { match } : {}), ...this.window() }));
  }

  metricMetadata(): Promise<Record<string, Array<{ type: string; help: string }>>> {
    return this.cached('metadata', () => this.api.metadata({}));
  }

  series(metricName: string, matchers?: Matcher[], labelName?: string): Promise<Map<string, string>[]> {
    const match = selector(metricName, matchers);
    return this.cached(`series:${match}:${labelName ?? ''}`, async () => {
      const list = await this.api.series({ match: [match], ...this.window() });
      return list.map((labels) => new Map(Object.entries(labels)));
    });
  }

  metricNames(): Promise<string[]> {
    return this.labelValues('__name__');
  }

  flags(): Promise<Record<string, string>> {
    return Promise.resolve({});
  }
}
