// Follows live pod sets from the watch caches of one or more contexts and runs one ContainerStream
// per container: new pods are tailed as they appear, deleted ones (or ones a changed selector no
// longer matches) stop, a restarted container is tailed again, and at most maxStreams run at once
// across all contexts (the rest wait, and the view says the limit is hit).
import { ContractError } from '../../contract/errors';
import type { LogStreamStatus } from '../../contract/types';
import type { CacheHandle } from '../kube/cache/cache';
import type { Delta } from '../kube/cache/store';
import type { KubeObject } from '../kube/cache/types';
import { containerSnapshot, podContainers, type ContainerKind } from './container';
import type { PodMatcher } from './source';
import { ContainerStream, type Carry, type LogClient } from './stream';
import type { LogView } from './view';

/** One context's part of a view: its pod cache, which pods qualify, and its client. */
export interface TailScope {
  context: string;
  handle: CacheHandle;
  matcher: PodMatcher;
  client: () => Promise<LogClient>;
}

interface ScopeState extends TailScope {
  pods: Map<string, KubeObject>;
  started: boolean;
  unsubscribe?: () => void;
}

export interface TailerOptions {
  includeInit: boolean;
  includeEphemeral: boolean;
  containerInclude?: RegExp;
  containerExclude?: RegExp;
  since?: string;
  tail?: number;
  maxStreams: number;
  quietAfterS: number;
}

interface Entry {
  status: LogStreamStatus;
  kind: ContainerKind;
  scope: ScopeState;
  podKey: string;
  stream?: ContainerStream;
  abort?: AbortController;
  /** Detaches the stream's abort from the tailer's. */
  detach?: () => void;
  /** The instance last tailed to its end (a new one re-tails). */
  doneInstance?: string;
  /** Where the last stream stopped (see StreamOptions.carry). */
  carry?: Carry;
  /** Tail with since/tail (the container was running when the view opened). */
  initial: boolean;
  waiters: Array<() => void>;
  removeTimer?: ReturnType<typeof setTimeout>;
}

/** How long a deleted pod's streams stay listed (as ended) before they leave the list. */
const GONE_LINGER_MS = 30_000;

/** Stream states are published at most this often. */
const PUBLISH_MS = 50;

export class Tailer {
  private readonly entries = new Map<string, Entry>();
  private readonly scopes: ScopeState[];
  /** Label streams (and so lines) with their context: the view spans more than one. */
  private readonly labelContexts: boolean;
  private active = 0;
  private publishTimer: ReturnType<typeof setTimeout> | undefined;
  private publishedAt = -Infinity;
  private quietTimer: ReturnType<typeof setInterval> | undefined;
  private started = false;
  private readonly abort = new AbortController();

  constructor(
    scopes: TailScope[],
    private readonly view: LogView,
    private readonly opts: TailerOptions,
  ) {
    this.scopes = scopes.map((s) => ({ ...s, pods: new Map(), started: false }));
    this.labelContexts = new Set(scopes.map((s) => s.context)).size > 1;
  }

  /** Resolves once every context's pods are listed (a context still connecting does not hold
   *  back the others); rejects when a context may not list or watch pods. */
  async start(signal: AbortSignal): Promise<void> {
    signal.addEventListener('abort', () => this.stop());
    this.started = true;
    this.quietTimer = setInterval(() => this.checkQuiet(), 1000);
    this.publish();
    await Promise.all(this.scopes.map((scope) => this.startScope(scope, signal)));
  }

  private async startScope(scope: ScopeState, signal: AbortSignal): Promise<void> {
    const { handle } = scope;
    scope.unsubscribe = handle.store.subscribe((batch) => this.onDeltas(scope, batch));
    // Without list/watch on pods the cache never syncs: fail the view instead of hanging.
    const forbidden = new Promise<never>((_, reject) => {
      const check = () => {
        const s = handle.state();
        const where = this.labelContexts ? ` in context "${scope.context}"` : '';
        if (s.phase === 'forbidden' && !s.synced) reject(new ContractError('FORBIDDEN', `Cannot follow pods${where}: ${s.error.message}`, { verb: s.verb, resource: s.resource }));
      };
      const off = handle.onState(check);
      signal.addEventListener('abort', off);
      void handle.synced(signal).then(off, off);
      check();
    });
    forbidden.catch(() => undefined);
    await Promise.race([handle.synced(signal), forbidden]);
    if (this.abort.signal.aborted) return;
    // Containers running now get since/tail; anything that starts later is new and read whole.
    scope.started = true;
    for (const pod of this.candidates(scope)) this.reconcile(scope, pod, true);
    this.changed();
  }

  /** The scope's selection changed (a workload's selector): tail what matches now, stop the rest.
   *  Pods that start to match were running already, so since/tail apply to them. */
  rescan(context: string): void {
    for (const scope of this.scopes) {
      if (scope.context !== context || !scope.started) continue;
      for (const pod of [...scope.pods.values()]) if (!this.inScope(scope, pod)) this.removePod(scope, pod, 'pod no longer matches the source');
      for (const pod of this.candidates(scope)) if (!scope.pods.has(this.podKey(pod))) this.reconcile(scope, pod, true);
    }
  }

  private candidates(scope: ScopeState): KubeObject[] {
    const { store } = scope.handle;
    const { matcher } = scope;
    const list = matcher.namespaces ? matcher.namespaces.flatMap((ns) => store.byIndex('namespace', ns)) : [...store.items()].map(([, o]) => o);
    return list.filter((p) => matcher.matches(p));
  }

  private inScope(scope: ScopeState, pod: KubeObject): boolean {
    const ns = pod.metadata.namespace ?? '';
    return (!scope.matcher.namespaces || scope.matcher.namespaces.includes(ns)) && scope.matcher.matches(pod);
  }

  private onDeltas(scope: ScopeState, batch: readonly Delta[]) {
    if (!scope.started) return;
    for (const d of batch) {
      if (d.type === 'DELETED' || !this.inScope(scope, d.object)) this.removePod(scope, d.object, d.type === 'DELETED' ? 'pod deleted' : 'pod no longer matches the source');
      else this.reconcile(scope, d.object, false);
    }
  }

  private podKey(pod: KubeObject) {
    return `${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''}`;
  }

  private reconcile(scope: ScopeState, pod: KubeObject, initial: boolean) {
    const podKey = this.podKey(pod);
    scope.pods.set(podKey, pod);
    const namespace = pod.metadata.namespace ?? '';
    const name = pod.metadata.name ?? '';
    const label = this.labelContexts ? { context: scope.context } : {};
    for (const c of podContainers(pod, { init: this.opts.includeInit, ephemeral: this.opts.includeEphemeral })) {
      if (this.opts.containerInclude && !this.opts.containerInclude.test(c.name)) continue;
      if (this.opts.containerExclude?.test(c.name)) continue;
      const key = `${this.labelContexts ? `${scope.context}/` : ''}${podKey}/${c.name}`;
      let e = this.entries.get(key);
      const snap = containerSnapshot(pod, c.name, c.kind);
      if (!e) {
        e = {
          status: {
            key,
            ...label,
            namespace,
            pod: name,
            container: c.name,
            ...(c.kind === 'init' ? { init: true as const } : c.kind === 'ephemeral' ? { ephemeral: true as const } : {}),
            state: 'waiting',
            restartCount: snap.restartCount,
            lines: 0,
          },
          kind: c.kind,
          scope,
          podKey,
          initial: initial && snap.started,
          waiters: [],
        };
        this.entries.set(key, e);
        this.changed();
      }
      if (e.removeTimer) {
        clearTimeout(e.removeTimer);
        delete e.removeTimer;
      }
      if (e.status.restartCount !== snap.restartCount) {
        e.status.restartCount = snap.restartCount;
        // A running stream may already follow the new instance; it recovers the old one's tail.
        void e.stream?.instanceChanged();
        this.changed();
      }
      // Wake a stream waiting on the pod (starting, settling after an end, retrying).
      for (const w of e.waiters.splice(0)) w();
      if (!e.stream && e.doneInstance !== snap.instance) this.admit(e);
    }
  }

  private admit(e: Entry) {
    if (e.stream) return;
    if (this.active >= this.opts.maxStreams) {
      if (e.status.state !== 'waiting') {
        e.status.state = 'waiting';
        this.changed();
      }
      return;
    }
    const pods = e.scope.pods;
    const pod = pods.get(e.podKey);
    if (!pod) return;
    const instance = containerSnapshot(pod, e.status.container, e.kind).instance;
    const abort = new AbortController();
    const stopAll = () => abort.abort();
    this.abort.signal.addEventListener('abort', stopAll);
    e.detach = () => this.abort.signal.removeEventListener('abort', stopAll);
    const stream = new ContainerStream(
      e.status,
      {
        client: e.scope.client,
        view: this.view,
        snapshot: () => {
          const p = pods.get(e.podKey);
          return p ? containerSnapshot(p, e.status.container, e.kind) : undefined;
        },
        podChange: (ms) =>
          new Promise<void>((resolve) => {
            const t = setTimeout(done, ms);
            function done() {
              clearTimeout(t);
              abort.signal.removeEventListener('abort', done);
              resolve();
            }
            e.waiters.push(done);
            abort.signal.addEventListener('abort', done);
          }),
        changed: () => this.changed(),
        signal: abort.signal,
      },
      {
        initial: e.initial ? { ...(this.opts.since ? { since: this.opts.since } : {}), ...(this.opts.tail !== undefined ? { tail: this.opts.tail } : {}) } : undefined,
        ...(e.carry ? { carry: e.carry } : {}),
      },
      instance,
    );
    // since/tail apply once; a restart or a later start is read whole.
    e.initial = false;
    e.stream = stream;
    e.abort = abort;
    this.active++;
    void stream.run().then(
      (outcome) => this.finished(e, stream, outcome),
      (err: unknown) => {
        e.status.state = 'error';
        e.status.reason = (err as Error).message;
        this.finished(e, stream, 'stopped');
      },
    );
  }

  private finished(e: Entry, stream: ContainerStream, outcome: string) {
    if (e.stream === stream) {
      e.detach?.();
      delete e.detach;
      delete e.stream;
      delete e.abort;
      this.active--;
    }
    if (outcome === 'ended') e.doneInstance = stream.instance;
    const carry = stream.carry();
    if (carry) e.carry = carry;
    this.changed();
    if (this.abort.signal.aborted) return;
    // A restarted instance is tailed again at once; a freed slot goes to a waiting stream.
    if (outcome === 'restarted') this.admit(e);
    for (const w of this.entries.values()) {
      if (this.active >= this.opts.maxStreams) break;
      if (w.status.state === 'waiting' && !w.stream) this.admit(w);
    }
  }

  private removePod(scope: ScopeState, pod: KubeObject, reason: string) {
    const podKey = this.podKey(pod);
    if (!scope.pods.delete(podKey)) return;
    for (const [key, e] of this.entries) {
      if (e.podKey !== podKey || e.scope !== scope) continue;
      e.abort?.abort();
      e.status.state = 'ended';
      e.status.reason = reason;
      delete e.status.attempt;
      delete e.status.quietForS;
      e.removeTimer = setTimeout(() => {
        this.entries.delete(key);
        this.changed();
      }, GONE_LINGER_MS);
    }
    this.changed();
  }

  private checkQuiet() {
    const now = Date.now();
    let any = false;
    for (const e of this.entries.values()) if (e.stream?.markQuiet(now, this.opts.quietAfterS * 1000)) any = true;
    if (any) this.changed();
  }

  /** Coalesces state changes into one 'streams' frame per 100 ms. */
  /** Publishes at once when the last publish is PUBLISH_MS old, else at most PUBLISH_MS after it
   *  (a burst of 200 streams opening is a few frames, and the first change shows at once). */
  private changed() {
    if (!this.started || this.publishTimer || this.abort.signal.aborted) return;
    const wait = this.publishedAt + PUBLISH_MS - performance.now();
    if (wait <= 0) return this.publish();
    this.publishTimer = setTimeout(() => {
      this.publishTimer = undefined;
      this.publish();
    }, wait);
  }

  private publish() {
    if (this.abort.signal.aborted) return;
    this.publishedAt = performance.now();
    const streams: LogStreamStatus[] = [];
    let limited = false;
    for (const e of this.entries.values()) {
      streams.push({ ...e.status });
      if (e.status.state === 'waiting') limited = true;
    }
    this.view.streams(streams, limited, this.opts.maxStreams);
  }

  /** Statuses now (for tests and diagnostics). */
  statuses(): LogStreamStatus[] {
    return [...this.entries.values()].map((e) => ({ ...e.status }));
  }

  stop() {
    if (this.abort.signal.aborted) return;
    this.abort.abort();
    for (const scope of this.scopes) scope.unsubscribe?.();
    if (this.publishTimer) clearTimeout(this.publishTimer);
    if (this.quietTimer) clearInterval(this.quietTimer);
    for (const e of this.entries.values()) {
      if (e.removeTimer) clearTimeout(e.removeTimer);
      e.abort?.abort();
    }
    for (const scope of this.scopes) scope.handle.release();
  }
}
