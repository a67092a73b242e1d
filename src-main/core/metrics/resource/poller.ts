// Polls metrics.k8s.io for one context at metrics-server's resolution: the samples' `window`
// says how often metrics-server scrapes (15 s by default, 60 s in older installs), and the next
// poll is timed just after the newest sample's timestamp plus that resolution. A poll that
// brings no newer timestamp is retried a little later instead of recorded twice. When listing
// pods cluster-wide is forbidden, it polls the namespaces it is asked about one by one.
import type { ResourceMetricsStatus } from '../../../contract/metrics-types';
import type { KubeClient } from '../../kube/kube-client';
import { listUsage, MetricsUnavailable, type UsageSample } from './metrics-api';

export interface PollRound {
  /** Newest sample timestamp of the round (unix ms). */
  timestampMs: number;
  resolutionS: number;
  nodes?: UsageSample[];
  pods?: UsageSample[];
  /** Pods were listed in these namespaces only (cluster-wide listing is forbidden). */
  namespaces?: string[];
  /** Why part of the round is missing (e.g. nodes forbidden), for the status. */
  partial?: string;
}

export interface PollerOptions {
  /** Never poll more often than this (ms). */
  minIntervalMs?: number;
  /** Bounds on the resolution learned from `window` (s): default 5 and 300. */
  minResolutionS?: number;
  maxResolutionS?: number;
  /** Backoff after failures, doubling from min to max (ms). */
  backoffMinMs?: number;
  backoffMaxMs?: number;
  /** How long before trying cluster-wide again after a 403 (ms). */
  clusterRetryMs?: number;
  now?: () => number;
}

export interface PollerDeps {
  kube(): Promise<KubeClient>;
  onRound(round: PollRound): void;
  onStatus(status: ResourceMetricsStatus): void;
  /** Namespaces to poll when cluster-wide listing is forbidden. */
  namespaces(): string[];
  /** Which pods to poll: all of them, or only those of some namespaces (none: nodes only). A
   *  large cluster polls only the namespaces in view: at 100k pods one cluster-wide poll costs
   *  over a second of CPU, which an idle app must not spend every minute. */
  podScope?(): { all: true } | { namespaces: string[]; why: string };
}

const DEFAULT_RESOLUTION_S = 15;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export class UsagePoller {
  private timer: NodeJS.Timeout | undefined;
  private readonly abort = new AbortController();
  private lastTs = 0;
  private stale = 0;
  private scopeGrew = false;
  private failures = 0;
  private resolutionS = DEFAULT_RESOLUTION_S;
  private clusterForbiddenAt = 0;
  private readonly opts: Required<PollerOptions>;
  private running = false;
  /** The delay chosen after the last successful poll (ms). */
  intervalMs: number | undefined;

  constructor(
    private readonly deps: PollerDeps,
    opts: PollerOptions = {},
  ) {
    this.opts = { minIntervalMs: 2000, minResolutionS: 5, maxResolutionS: 300, backoffMinMs: 5000, backoffMaxMs: 120_000, clusterRetryMs: 10 * 60_000, now: Date.now, ...opts };
  }

  start() {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  stop() {
    this.running = false;
    clearTimeout(this.timer);
    this.abort.abort();
  }

  /** Listing pods cluster-wide was refused: namespaces are polled one by one. */
  get byNamespace(): boolean {
    return this.clusterForbiddenAt > 0;
  }

  /** Polls now (a namespace was added to the scope), unless a poll is under way. That round is
   *  recorded even if metrics-server has not scraped since the last one: the new namespace's
   *  samples are new to us (dropped as stale, its first point waited a whole scrape interval). */
  pokeSoon() {
    this.scopeGrew = true;
    if (this.running && this.timer) this.schedule(0);
  }

  private schedule(ms: number) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.tick();
    }, ms);
  }

  private fail(err: unknown) {
    this.failures++;
    // metrics-server missing is not a blip: ask again every few minutes (someone may install it).
    const notInstalled = err instanceof MetricsUnavailable && err.status.state === 'not-installed';
    const base = notInstalled ? Math.max(this.opts.backoffMinMs, 60_000) : this.opts.backoffMinMs;
    const max = notInstalled ? Math.max(this.opts.backoffMaxMs, 300_000) : this.opts.backoffMaxMs;
    const retryInMs = Math.min(max, base * 2 ** Math.min(10, this.failures - 1));
    const status: ResourceMetricsStatus =
      err instanceof MetricsUnavailable ? { ...err.status, retryInMs } : { state: 'unavailable', message: (err as Error).message ?? String(err), retryInMs };
    this.deps.onStatus(status);
    this.schedule(retryInMs);
  }

  private async listPods(kube: KubeClient): Promise<{ pods?: UsageSample[]; namespaces?: string[]; refused?: string[]; scoped?: string }> {
    const signal = this.abort.signal;
    const scope = this.deps.podScope?.() ?? { all: true };
    if (!('all' in scope)) {
      if (scope.namespaces.length === 0) return { scoped: scope.why };
      const { pods, namespaces, refused } = await this.listNamespaces(kube, scope.namespaces);
      return { pods, namespaces, scoped: scope.why, ...(refused ? { refused } : {}) };
    }
    const tryCluster = !this.clusterForbiddenAt || this.opts.now() - this.clusterForbiddenAt > this.opts.clusterRetryMs;
    if (tryCluster) {
      try {
        const pods = await listUsage(kube, 'pods', { signal });
        this.clusterForbiddenAt = 0;
        return { pods };
      } catch (err) {
        if (!(err instanceof MetricsUnavailable && err.status.state === 'forbidden')) throw err;
        this.clusterForbiddenAt = this.opts.now();
        if (this.deps.namespaces().length === 0) throw err;
      }
    }
    const namespaces = this.deps.namespaces();
    if (namespaces.length === 0) {
      throw new MetricsUnavailable({ state: 'forbidden', verb: 'list', resource: 'pods.metrics.k8s.io', message: 'Not allowed to list pods.metrics.k8s.io cluster-wide, and no namespace to look at' });
    }
    return this.listNamespaces(kube, namespaces);
  }

  private async listNamespaces(kube: KubeClient, namespaces: string[]): Promise<{ pods: UsageSample[]; namespaces: string[]; refused?: string[] }> {
    const signal = this.abort.signal;
    const pods: UsageSample[] = [];
    let firstError: unknown;
    const allowed: string[] = [];
    const refused: string[] = [];
    for (const ns of namespaces) {
      try {
        pods.push(...(await listUsage(kube, 'pods', { namespace: ns, signal })));
        allowed.push(ns);
      } catch (err) {
        firstError ??= err;
        refused.push(ns);
      }
    }
    if (allowed.length === 0) throw firstError;
    return { pods, namespaces: allowed, ...(refused.length ? { refused } : {}) };
  }

  private async tick() {
    if (!this.running) return;
    // Taken before listing: a namespace added while this round lists is in the next one.
    const scopeGrew = this.scopeGrew;
    this.scopeGrew = false;
    const cpuStart = process.cpuUsage();
    let kube: KubeClient;
    try {
      kube = await this.deps.kube();
    } catch (err) {
      this.fail(err);
      return;
    }
    const [nodesR, podsR] = await Promise.allSettled([listUsage(kube, 'nodes', { signal: this.abort.signal }), this.listPods(kube)]);
    if (!this.running) return;
    if (podsR.status === 'rejected' && nodesR.status === 'rejected') {
      this.fail(podsR.reason);
      return;
    }
    if (nodesR.status === 'rejected' && podsR.status === 'fulfilled' && !podsR.value.pods) {
      this.fail(nodesR.reason); // nodes were all there was to poll
      return;
    }
    const nodes = nodesR.status === 'fulfilled' ? nodesR.value : undefined;
    const pods = podsR.status === 'fulfilled' ? podsR.value.pods : undefined;
    const namespaces = podsR.status === 'fulfilled' ? podsR.value.namespaces : undefined;
    const refused = podsR.status === 'fulfilled' ? podsR.value.refused : undefined;
    const scoped = podsR.status === 'fulfilled' ? podsR.value.scoped : undefined;
    let maxTs = 0;
    const windows: number[] = [];
    for (const list of [nodes, pods]) {
      for (const s of list ?? []) {
        if (s.timestamp > maxTs) maxTs = s.timestamp;
        if (s.windowS > 0) windows.push(s.windowS);
      }
    }
    if (windows.length) this.resolutionS = Math.min(this.opts.maxResolutionS, Math.max(this.opts.minResolutionS, median(windows)!));
    const resolutionMs = this.resolutionS * 1000;
    if (maxTs === 0) {
      // Nothing listed (an empty cluster, or metrics-server has no samples yet).
      this.failures = 0;
      this.deps.onStatus({ state: 'ok', resolutionS: this.resolutionS, message: 'metrics-server has no samples yet' });
      this.schedule(resolutionMs);
      return;
    }
    if (maxTs <= this.lastTs && !scopeGrew) {
      // metrics-server has not scraped since the last poll: look again a little later.
      this.stale++;
      this.schedule(this.scopeGrew ? 0 : Math.max(this.opts.minIntervalMs, Math.min(resolutionMs / 3, 5000) * this.stale));
      return;
    }
    this.stale = 0;
    this.failures = 0;
    this.lastTs = Math.max(this.lastTs, maxTs);
    const partial = [
      nodesR.status === 'rejected' ? `node usage: ${(nodesR.reason as Error).message}` : '',
      podsR.status === 'rejected' ? `pod usage: ${(podsR.reason as Error).message}` : '',
      scoped ? `${scoped}${refused ? ` (forbidden in ${refused.join(', ')})` : ''}` : '',
      namespaces && !scoped ? `listing pods.metrics.k8s.io cluster-wide is forbidden; only namespaces ${namespaces.join(', ')} are polled${refused ? ` (also forbidden in ${refused.join(', ')})` : ''}` : '',
    ]
      .filter(Boolean)
      .join('; ');
    this.deps.onRound({ timestampMs: maxTs, resolutionS: this.resolutionS, ...(nodes ? { nodes } : {}), ...(pods ? { pods } : {}), ...(namespaces ? { namespaces } : {}), ...(partial ? { partial } : {}) });
    // Just after metrics-server's next scrape should be visible; but polling (parsing the lists,
    // recording) uses at most a tenth of a core: at 100k pods, where a poll costs a second or so
    // of CPU, polls are spaced out (slots span about a minute there anyway).
    const next = maxTs + resolutionMs + 1500 - this.opts.now();
    const cpu = process.cpuUsage(cpuStart);
    const spentMs = (cpu.user + cpu.system) / 1000;
    this.intervalMs = Math.max(this.opts.minIntervalMs, Math.min(2 * resolutionMs, next), Math.round(10 * spentMs));
    this.schedule(this.scopeGrew ? 0 : this.intervalMs);
  }
}
