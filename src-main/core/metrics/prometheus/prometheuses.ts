// The Prometheus of each context: discovered (Services and Pods -> candidates -> verified ->
// ranked), chosen (the user's remembered pick, a manual override, the only one answering, or the
// best ranked), and handed to queries as a PromClient. Discovery results are kept for a few
// minutes; a refresh, a new choice, or a query that cannot reach the chosen one starts over.
import type { PrometheusCandidate, PrometheusDiscovery } from '../../../contract/metrics-types';
import { ContractError } from '../../../contract/errors';
import type { KubeObject } from '../../kube/cache/types';
import type { KubeClient } from '../../kube/kube-client';
import type { Settings } from '../../settings';
import { findCandidates, podSelectors, wellKnownServices, type CandidateSpec } from './candidates';
import { PromClient } from './client';
import { locationId, type PromLocation } from './endpoint';
import { prometheusError } from './errors';
import { parseServiceRef, parseUrl } from './manual';
import { rank, select, type Remembered, type Verified } from './ranking';
import { serviceBackends, verifyCandidate } from './verify';

export type PrometheusChoice = { candidate: string } | { service: string } | { url: string } | { auto: true };

type Stored = { kind: 'candidate'; id: string } | { kind: 'manual'; id: string; location: PromLocation };

interface Found {
  discovery: PrometheusDiscovery;
  locations: Map<string, PromLocation>;
  at: number;
}

export interface PrometheusesOptions {
  verifyTimeoutMs?: number;
  /** How long a discovery is reused. */
  ttlMs?: number;
  /** Candidates verified at once. */
  concurrency?: number;
}

const settingKey = (context: string) => `prometheus:${context}`;

async function mapLimit<T, R>(items: T[], limit: number, f: (x: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await f(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export class Prometheuses {
  /** The last completed discovery per context. */
  private readonly found = new Map<string, Found>();
  /** The discovery under way per context, and a counter so an older run never replaces a newer. */
  private readonly running = new Map<string, { seq: number; promise: Promise<Found> }>();
  private seq = 0;
  private readonly foundSeq = new Map<string, number>();
  private readonly opts: Required<PrometheusesOptions>;

  constructor(
    private readonly clientFor: (context: string) => Promise<KubeClient>,
    private readonly settings: Settings,
    opts: PrometheusesOptions = {},
  ) {
    this.opts = { verifyTimeoutMs: 5000, ttlMs: 5 * 60_000, concurrency: 8, ...opts };
  }

  private remembered(context: string): Stored | undefined {
    return this.settings.get<Stored>(settingKey(context));
  }

  /** The context's discovery, reused while fresh unless `refresh`. */
  async discover(context: string, opts: { refresh?: boolean } = {}): Promise<PrometheusDiscovery> {
    return (await this.current(context, opts.refresh)).discovery;
  }

  /** The discovery to use: a fresh one is reused; a stale one with a selection is still used by
   *  queries (`allowStale`) while a new one runs in the background, so a query never waits for a
   *  re-discovery; otherwise the new one is awaited. `refresh` starts a new one even if one is
   *  under way (the settings may have changed since it started). */
  private async current(context: string, refresh = false, allowStale = false): Promise<Found> {
    const f = this.found.get(context);
    if (f && !refresh) {
      const fresh = Date.now() - f.at < (f.discovery.selected ? this.opts.ttlMs : 30_000);
      if (fresh) return f;
      if (allowStale && f.discovery.selected) {
        void this.start(context, false).catch(() => undefined);
        return f;
      }
    }
    return this.start(context, refresh);
  }

  private start(context: string, force: boolean): Promise<Found> {
    const under = this.running.get(context);
    if (under && !force) return under.promise;
    const seq = ++this.seq;
    const promise = this.run(context).then((found) => {
      const latest = this.found.get(context);
      if (!latest || (this.foundSeq.get(context) ?? 0) < seq) {
        this.found.set(context, found);
        this.foundSeq.set(context, seq);
      }
      return latest && (this.foundSeq.get(context) ?? 0) > seq ? latest : found;
    });
    this.running.set(context, { seq, promise });
    const clear = () => this.running.get(context)?.seq === seq && this.running.delete(context);
    promise.then(clear, clear);
    return promise;
  }

  /** Forget the discovery (e.g. the chosen one stopped answering): the next use looks again. */
  invalidate(context: string) {
    this.found.delete(context);
  }

  private async run(context: string): Promise<Found> {
    let kube: KubeClient;
    try {
      kube = await this.clientFor(context);
    } catch (err) {
      throw new ContractError('UNAVAILABLE', (err as Error).message);
    }
    const problems: string[] = [];
    const services = await this.listServices(kube, problems);
    const pods: KubeObject[] = [];
    for (const selector of podSelectors) {
      try {
        pods.push(...(await kube.json<{ items: KubeObject[] }>({ path: '/api/v1/pods', query: { labelSelector: selector }, timeoutMs: 15_000, intent: { verb: 'list', resource: 'pods' } })).items);
      } catch (err) {
        problems.push(`Pods could not be listed (${(err as Error).message}); Prometheus pods without a Service are not found`);
        break;
      }
    }
    const specs = findCandidates(services, pods);
    const stored = this.remembered(context);
    if (stored?.kind === 'manual') {
      const same = specs.find((s) => locationId(s.location) === stored.id);
      if (same) same.foundBy.unshift('manual override');
      else specs.unshift({ location: stored.location, flavor: 'unknown', foundBy: ['manual override'], tier: 'server', preference: -1 });
    }
    const verified = await mapLimit(specs, this.opts.concurrency, async (spec): Promise<Verified> => {
      const l = spec.location;
      const backends = l.via === 'service' ? await serviceBackends(kube, l.namespace!, l.name!) : undefined;
      const candidate = await verifyCandidate(kube, spec, { timeoutMs: this.opts.verifyTimeoutMs, ...(backends ? { backends } : {}) });
      return { spec, candidate, ...(backends ? { backends } : {}) };
    });
    const ranked = rank(verified).map((v) => v.candidate);
    const remembered: Remembered | undefined = stored ? { kind: stored.kind, id: stored.id } : undefined;
    const discovery: PrometheusDiscovery = { context, candidates: ranked, ...select(ranked, remembered), problems, checkedAt: new Date().toISOString() };
    return { discovery, locations: new Map(specs.map((s) => [locationId(s.location), s.location])), at: Date.now() };
  }

  private async listServices(kube: KubeClient, problems: string[]): Promise<KubeObject[]> {
    try {
      return (await kube.json<{ items: KubeObject[] }>({ path: '/api/v1/services', timeoutMs: 15_000, intent: { verb: 'list', resource: 'services' } })).items;
    } catch (err) {
      problems.push(`Services could not be listed cluster-wide (${(err as Error).message}); only the well-known names were checked`);
    }
    const found = await Promise.all(
      wellKnownServices.map(({ namespace, name }) =>
        kube.json<KubeObject>({ path: `/api/v1/namespaces/${namespace}/services/${name}`, timeoutMs: 5000 }).catch(() => undefined),
      ),
    );
    return found.filter((s): s is KubeObject => !!s);
  }

  /** Choose a candidate, name one (Service or URL), or go back to automatic. A named one must
   *  answer before it is remembered. */
  async choose(context: string, choice: PrometheusChoice): Promise<PrometheusDiscovery> {
    const key = settingKey(context);
    if ('auto' in choice) {
      await this.settings.set(key, undefined);
    } else if ('candidate' in choice) {
      const found = await this.current(context);
      const c = found.discovery.candidates.find((x) => x.id === choice.candidate);
      if (!c) throw new ContractError('NOT_FOUND', `No candidate "${choice.candidate}" in context "${context}"; discover again to see the current ones`);
      if (c.status !== 'ok') throw new ContractError('BAD_INPUT', `${c.id} does not answer: ${c.message ?? c.rejection}`, { candidate: c });
      await this.settings.set(key, { kind: 'candidate', id: c.id } satisfies Stored);
    } else {
      const location = 'service' in choice ? parseServiceRef(choice.service) : parseUrl(choice.url);
      const candidate = await this.check(context, location);
      if (candidate.status !== 'ok') throw new ContractError('BAD_INPUT', `${candidate.id} does not answer as Prometheus: ${candidate.message ?? candidate.rejection}`, { candidate });
      await this.settings.set(key, { kind: 'manual', id: candidate.id, location } satisfies Stored);
    }
    return (await this.current(context, true)).discovery;
  }

  private async check(context: string, location: PromLocation): Promise<PrometheusCandidate> {
    const kube = location.via === 'url' ? undefined : await this.clientFor(context).catch((err: Error) => {
      throw new ContractError('UNAVAILABLE', err.message);
    });
    const spec: CandidateSpec = { location, flavor: 'unknown', foundBy: ['manual override'], tier: 'server', preference: -1 };
    return verifyCandidate(kube, spec, { timeoutMs: this.opts.verifyTimeoutMs });
  }

  /** A client for the context's chosen Prometheus; NOT_FOUND (no_prometheus) explains why there is none. */
  async client(context: string): Promise<PromClient> {
    const found = await this.current(context, false, true);
    const id = found.discovery.selected;
    const location = id ? found.locations.get(id) : undefined;
    if (!id || !location) {
      throw prometheusError({ errorType: 'no_prometheus', message: found.discovery.explanation }, `No Prometheus in context "${context}": ${found.discovery.explanation}`);
    }
    const kube = location.via === 'url' ? undefined : await this.clientFor(context);
    return new PromClient(kube, location);
  }
}
