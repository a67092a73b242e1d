// Follows a live pod set from the watch cache and runs one ContainerStream per container:
// new pods are tailed as they appear, deleted ones stop, a restarted container is tailed again,
// and at most maxStreams run at once (the rest wait, and the view says the limit is hit).
import { ContractError } from '../../contract/errors';
import type { LogStreamStatus } from '../../contract/types';
import type { CacheHandle } from '../kube/cache/cache';
import type { Delta } from '../kube/cache/store';
import type { KubeObject } from '../kube/cache/types';
import { containerSnapshot, podContainers } from './container';
import type { PodMatcher } from './source';
import { ContainerStream, type Carry, type LogClient } from './stream';
import type { LogView } from './view';

export interface TailerOptions {
  includeInit: boolean;
  containerInclude?: RegExp;
  containerExclude?: RegExp;
  since?: string;
  tail?: number;
  maxStreams: number;
  quietAfterS: number;
}

interface Entry {
  status: LogStreamStatus;
  init: boolean;
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

export class Tailer {
  private readonly entries = new Map<string, Entry>();
  private readonly pods = new Map<string, KubeObject>();
  private active = 0;
  private publishTimer: ReturnType<typeof setTimeout> | undefined;
  private quietTimer: ReturnType<typeof setInterval> | undefined;
  private unsubscribe: (() => void) | undefined;
  private started = false;
  private readonly abort = new AbortController();

  constructor(
    private readonly handle: CacheHandle,
    private readonly matcher: PodMatcher,
    private readonly client: () => Promise<LogClient>,
    private readonly view: LogView,
    private readonly opts: TailerOptions,
  ) {}

  async start(signal: AbortSignal): Promise<void> {
    signal.addEventListener('abort', () => this.stop());
    this.unsubscribe = this.handle.store.subscribe((batch) => this.onDeltas(batch));
    // Without list/watch on pods the cache never syncs: fail the view instead of hanging.
    const forbidden = new Promise<never>((_, reject) => {
      const check = () => {
        const s = this.handle.state();
        if (s.phase === 'forbidden' && !s.synced) reject(new ContractError('FORBIDDEN', `Cannot follow pods: ${s.error.message}`, { verb: s.verb, resource: s.resource }));
      };
      const off = this.handle.onState(check);
      signal.addEventListener('abort', off);
      void this.handle.synced(signal).then(off, off);
      check();
    });
    forbidden.catch(() => undefined);
    await Promise.race([this.handle.synced(signal), forbidden]);
    // Containers running now get since/tail; anything that starts later is new and read whole.
    this.started = true;
    for (const pod of this.candidates()) this.reconcile(pod, true);
    this.quietTimer = setInterval(() => this.checkQuiet(), 1000);
    this.publish();
  }

  private candidates(): KubeObject[] {
    const store = this.handle.store;
    const list = this.matcher.namespaces ? this.matcher.namespaces.flatMap((ns) => store.byIndex('namespace', ns)) : [...store.items()].map(([, o]) => o);
    return list.filter((p) => this.matcher.matches(p));
  }

  private inScope(pod: KubeObject): boolean {
    const ns = pod.metadata.namespace ?? '';
    return (!this.matcher.namespaces || this.matcher.namespaces.includes(ns)) && this.matcher.matches(pod);
  }

  private onDeltas(batch: readonly Delta[]) {
    if (!this.started) return;
    for (const d of batch) {
      if (d.type === 'DELETED' || !this.inScope(d.object)) this.removePod(d.object, d.type === 'DELETED' ? 'pod deleted' : 'pod no longer matches the source');
      else this.reconcile(d.object, false);
    }
  }

  private podKey(pod: KubeObject) {
    return `${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''}`;
  }

  private reconcile(pod: KubeObject, initial: boolean) {
    const podKey = this.podKey(pod);
    this.pods.set(podKey, pod);
    const namespace = pod.metadata.namespace ?? '';
    const name = pod.metadata.name ?? '';
    for (const c of podContainers(pod, this.opts.includeInit)) {
      if (this.opts.containerInclude && !this.opts.containerInclude.test(c.name)) continue;
      if (this.opts.containerExclude?.test(c.name)) continue;
      const key = `${podKey}/${c.name}`;
      let e = this.entries.get(key);
      const snap = containerSnapshot(pod, c.name, c.init);
      if (!e) {
        e = {
          status: { key, namespace, pod: name, container: c.name, ...(c.init ? { init: true as const } : {}), state: 'waiting', restartCount: snap.restartCount, lines: 0 },
          init: c.init,
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
    const pod = this.pods.get(e.podKey);
    if (!pod) return;
    const instance = containerSnapshot(pod, e.status.container, e.init).instance;
    const abort = new AbortController();
    const stopAll = () => abort.abort();
    this.abort.signal.addEventListener('abort', stopAll);
    e.detach = () => this.abort.signal.removeEventListener('abort', stopAll);
    const stream = new ContainerStream(
      e.status,
      {
        client: this.client,
        view: this.view,
        snapshot: () => {
          const p = this.pods.get(e.podKey);
          return p ? containerSnapshot(p, e.status.container, e.init) : undefined;
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

  private removePod(pod: KubeObject, reason: string) {
    const podKey = this.podKey(pod);
    if (!this.pods.delete(podKey)) return;
    for (const [key, e] of this.entries) {
      if (e.podKey !== podKey) continue;
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
  private changed() {
    if (!this.started || this.publishTimer || this.abort.signal.aborted) return;
    this.publishTimer = setTimeout(() => {
      this.publishTimer = undefined;
      this.publish();
    }, 100);
  }

  private publish() {
    if (this.abort.signal.aborted) return;
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
    this.unsubscribe?.();
    if (this.publishTimer) clearTimeout(this.publishTimer);
    if (this.quietTimer) clearInterval(this.quietTimer);
    for (const e of this.entries.values()) {
      if (e.removeTimer) clearTimeout(e.removeTimer);
      e.abort?.abort();
    }
    this.handle.release();
  }
}
