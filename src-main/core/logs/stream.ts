// One container instance's follow stream: opens GET .../log?follow=true&timestamps=true, feeds
// the view, reconnects after a drop with sinceTime = last timestamp (whole seconds, as stern)
// and skips the lines it already delivered, and reports its state. It returns when the
// container terminated (ended), the pod went away, or it was stopped.
import type { IncomingMessage } from 'node:http';
import type { LogStreamStatus } from '../../contract/types';
import type { KubeRequest } from '../kube/kube-client';
import { statusError } from '../kube/kube-errors';
import type { ContainerSnapshot } from './container';
import { detached } from '../../contract/detached';
import { LineSplitter, type RawLine } from './line-splitter';
import { compareTs, sinceQuery, wholeSecond } from './time';
import type { LogView } from './view';

export interface LogClient {
  context: string;
  server: string;
  credentialKind(): string;
  execCommand(): string | undefined;
  send(req: KubeRequest): Promise<IncomingMessage>;
}

export interface StreamDeps {
  client(): Promise<LogClient>;
  view: LogView;
  /** The container as the pod cache shows it now (undefined: the pod is gone). */
  snapshot(): ContainerSnapshot | undefined;
  /** Resolves when the pod changes or after ms. */
  podChange(ms: number): Promise<void>;
  /** The status object changed (the tailer publishes it). */
  changed(): void;
  signal: AbortSignal;
}

export interface StreamOptions {
  /** First open of a container that was already running when the tail started. */
  initial: { since?: string; tail?: number } | undefined;
  /**
   * Where the container's previous stream stopped. A new instance is read from there (its
   * lines are all later): if the old stream already reconnected into the new instance before
   * the pod cache showed the restart, those lines are skipped instead of doubled.
   */
  carry?: Carry;
}

export interface Carry {
  lastTs: string;
  atLastTs: string[];
}

/** Lines remembered after a break, to skip them in a previous-instance catch-up. */
const MAX_REMEMBERED = 20_000;

/** Bytes a follow response buffers before reading pauses (see request()). */
const FOLLOW_BUFFER = 8 * 1024;

/** How long a follow that ended normally waits for the pod cache to show why. */
const SETTLE_MS = 1500;

export type StreamOutcome = 'ended' | 'gone' | 'stopped' | 'restarted';

export class ContainerStream {
  /** Timestamp of the last delivered line and the texts delivered at exactly that time. */
  private lastTs = '';
  private atLastTs: string[] = [];
  /** Set when the follow broke: where, and what was delivered since (for instanceChanged). */
  private broken: { lastTs: string; atLastTs: string[]; delivered: Map<string, number> } | undefined;
  private catchingUp = false;
  /** Lines a catch-up delivered that the follow may still bring (see instanceChanged). */
  private skip: { untilTs: string; keys: Map<string, number> } | undefined;
  lastLineAt = Date.now();

  constructor(
    readonly status: LogStreamStatus,
    private readonly deps: StreamDeps,
    private readonly opts: StreamOptions,
    /** The instance this stream follows (restart count). */
    readonly instance: string,
  ) {
    if (opts.carry) {
      this.lastTs = opts.carry.lastTs;
      this.atLastTs = [...opts.carry.atLastTs];
    }
  }

  /** Where this stream stopped, for the container's next instance. */
  carry(): Carry | undefined {
    return this.lastTs ? { lastTs: this.lastTs, atLastTs: this.atLastTs } : undefined;
  }

  private set(state: LogStreamStatus['state'], extra: { reason?: string; attempt?: number; exitCode?: number } = {}) {
    const s = this.status;
    if (s.state === state && s.reason === extra.reason && s.attempt === extra.attempt) return;
    s.state = state;
    delete s.reason;
    delete s.attempt;
    delete s.exitCode;
    delete s.quietForS;
    if (extra.reason !== undefined) s.reason = extra.reason;
    if (extra.attempt !== undefined) s.attempt = extra.attempt;
    if (extra.exitCode !== undefined) s.exitCode = extra.exitCode;
    this.deps.changed();
  }

  async run(): Promise<StreamOutcome> {
    const { signal } = this.deps;
    let attempt = 0;
    while (!signal.aborted) {
      const snap = this.deps.snapshot();
      if (!snap) return 'gone';
      if (snap.instance !== this.instance) {
        await this.instanceChanged();
        return 'restarted';
      }
      if (!snap.started) {
        this.set('starting', snap.waitingReason ? { reason: snap.waitingReason } : {});
        await this.deps.podChange(5000);
        continue;
      }
      if (attempt === 0 && this.status.state !== 'reconnecting') this.set('starting');
      let res: IncomingMessage;
      const client = await this.deps.client();
      const req = this.request();
      try {
        res = await sendWithHeaderTimeout(client, req, signal);
      } catch (err) {
        if (signal.aborted) break;
        attempt++;
        this.set('reconnecting', { attempt, reason: (err as Error).message });
        await sleep(backoff(attempt), signal);
        continue;
      }
      if (res.statusCode !== 200) {
        const body = await readText(res);
        const error = statusError(res.statusCode ?? 0, body, req, client);
        if (signal.aborted) break;
        if (res.statusCode === 403 || res.statusCode === 401) {
          // Permissions rarely change while a view is open: retry slowly, stay in error meanwhile.
          this.set('error', { reason: error.message });
          await this.deps.podChange(30_000);
        } else if (res.statusCode === 404) {
          this.set('error', { reason: error.message });
          await this.deps.podChange(5000);
        } else {
          // 400: e.g. "container ... is waiting to start": not started yet in the kubelet's view.
          attempt++;
          this.set('starting', { reason: error.message });
          await this.deps.podChange(backoff(attempt));
        }
        continue;
      }
      this.set('streaming');
      attempt = 0;
      const cut = await this.read(res);
      if (signal.aborted) break;
      let reason: string;
      if (cut === undefined) {
        // The kubelet ended the follow: the container stopped, restarted, or its log rotated.
        const outcome = await this.settle();
        if (outcome) return outcome;
        reason = 'the log stream ended while the container is running';
      } else {
        reason = cut;
        if (!this.broken && this.lastTs) this.broken = { lastTs: this.lastTs, atLastTs: [...this.atLastTs], delivered: new Map() };
      }
      attempt++;
      this.set('reconnecting', { attempt, reason });
      await sleep(attempt === 1 ? 100 : backoff(attempt), signal);
    }
    return 'stopped';
  }

  /**
   * The pod cache shows a new instance. If our follow broke during the old one, the reconnect
   * may have landed on the new instance (the kubelet switched before the cache showed it), and
   * the old instance's last lines would be lost: read them from its "previous" log, skipping
   * what was delivered. They arrive after the new instance's first lines in that case.
   */
  async instanceChanged(): Promise<void> {
    const brk = this.broken;
    if (!brk || this.catchingUp) return;
    this.catchingUp = true;
    const req = this.request();
    req.query = { previous: true, timestamps: true, container: this.status.container, sinceTime: wholeSecond(brk.lastTs) };
    try {
      const res = await sendWithHeaderTimeout(await this.deps.client(), req, this.deps.signal);
      if (res.statusCode !== 200) {
        res.resume();
        return;
      }
      const splitter = new LineSplitter();
      const raws: RawLine[] = [];
      for await (const chunk of res) splitter.push(chunk as Buffer, raws);
      splitter.end(raws);
      const atBreak = [...brk.atLastTs];
      const fresh = raws.filter((l) => {
        const c = compareTs(l.ts, brk.lastTs);
        if (c < 0) return false;
        if (c === 0) {
          const i = atBreak.indexOf(l.text);
          if (i >= 0) {
            atBreak.splice(i, 1);
            return false;
          }
        }
        const key = `${l.ts} ${l.text}`;
        const n = brk.delivered.get(key);
        if (n) {
          brk.delivered.set(key, n - 1);
          return false;
        }
        return true;
      });
      if (fresh.length > 0) {
        this.status.lines += fresh.length;
        this.deps.view.append(this.status, fresh);
        // Our follow may still be on the old instance, behind: it must not deliver these again.
        this.skip = { untilTs: fresh[fresh.length - 1]!.ts, keys: new Map() };
        for (const l of fresh) this.skip.keys.set(`${l.ts} ${l.text}`, (this.skip.keys.get(`${l.ts} ${l.text}`) ?? 0) + 1);
      }
    } catch {
      // Best effort: the new instance is tailed either way.
    } finally {
      // Recording stopped only now: lines the follow delivered during the fetch were skipped.
      if (this.broken === brk) this.broken = undefined;
      this.catchingUp = false;
    }
  }

  /** After a normal end: ended (terminated), restarted, gone, or undefined to resume. */
  private async settle(): Promise<StreamOutcome | undefined> {
    const deadline = Date.now() + SETTLE_MS;
    for (;;) {
      const snap = this.deps.snapshot();
      if (!snap) return 'gone';
      if (snap.instance !== this.instance) {
        await this.instanceChanged();
        return 'restarted';
      }
      if (!snap.running && snap.terminated) {
        const t = snap.terminated;
        this.set('ended', {
          reason: `container terminated: ${t.reason ?? 'Terminated'}${t.exitCode !== undefined ? ` (exit code ${t.exitCode})` : ''}`,
          ...(t.exitCode !== undefined ? { exitCode: t.exitCode } : {}),
        });
        return 'ended';
      }
      const left = deadline - Date.now();
      if (left <= 0 || this.deps.signal.aborted) return undefined;
      await this.deps.podChange(left);
    }
  }

  private request(): KubeRequest {
    const s = this.status;
    const query: Record<string, string | number | boolean> = { follow: true, timestamps: true, container: s.container };
    if (this.lastTs) {
      query.sinceTime = wholeSecond(this.lastTs);
    } else if (this.opts.initial) {
      const { since, tail } = this.opts.initial;
      Object.assign(query, sinceQuery(since ?? '48h'));
      if (tail !== undefined) query.tailLines = tail;
    }
    return {
      path: `/api/v1/namespaces/${encodeURIComponent(s.namespace)}/pods/${encodeURIComponent(s.pod)}/log`,
      query,
      // A follow that waits on the renderer buffers this much before the connection pushes back
      // (node's 64 KiB, twice over with the socket's, was ~35 MB across 200 streams).
      highWaterMark: FOLLOW_BUFFER,
      intent: { verb: 'get', resource: 'pods/log', namespace: s.namespace, name: s.pod },
    };
  }

  /** Reads until the response ends (undefined) or breaks (the reason). */
  private async read(res: IncomingMessage): Promise<string | undefined> {
    const splitter = new LineSplitter();
    // Resuming: lines up to the last delivered timestamp come again; skip those already seen.
    let skipping = this.lastTs !== '';
    let seen = skipping ? [...this.atLastTs] : [];
    const batch: RawLine[] = [];
    const deliver = () => {
      if (batch.length === 0) return;
      // A fresh array per delivery: the view keeps nothing of it, but the batch is reused.
      let out: RawLine[] = batch.slice();
      if (skipping) {
        out = [];
        for (const l of batch) {
          if (skipping) {
            const c = compareTs(l.ts, this.lastTs);
            if (c < 0) continue;
            if (c === 0) {
              const i = seen.indexOf(l.text);
              if (i >= 0) {
                seen.splice(i, 1);
                continue;
              }
            } else {
              skipping = false;
              seen = [];
            }
          }
          out.push(l);
        }
      }
      batch.length = 0;
      if (this.skip) out = this.skipCaughtUp(out);
      if (out.length === 0) return;
      this.track(out);
      this.deps.view.append(this.status, out);
    };
    try {
      for await (const chunk of res) {
        splitter.push(chunk as Buffer, batch);
        deliver();
        const wait = this.deps.view.writable();
        if (wait) await wait;
        if (this.deps.signal.aborted) {
          res.destroy();
          return undefined;
        }
      }
    } catch (err) {
      // A partial last line is dropped here: it is read again after the resume.
      return (err as Error).message || 'connection lost';
    }
    splitter.end(batch);
    deliver();
    return undefined;
  }

  private skipCaughtUp(lines: RawLine[]): RawLine[] {
    const out: RawLine[] = [];
    for (const l of lines) {
      const skip = this.skip;
      if (skip) {
        if (compareTs(l.ts, skip.untilTs) > 0) this.skip = undefined;
        else {
          const key = `${l.ts} ${l.text}`;
          const n = skip.keys.get(key);
          if (n) {
            skip.keys.set(key, n - 1);
            continue;
          }
        }
      }
      out.push(l);
    }
    return out;
  }

  private track(lines: readonly RawLine[]) {
    this.status.lines += lines.length;
    const brk = this.broken;
    if (brk) {
      // Remembered only for a while: a restart long after a break cannot have hidden lines.
      if (brk.delivered.size > MAX_REMEMBERED) this.broken = undefined;
      else for (const l of lines) brk.delivered.set(`${l.ts} ${l.text}`, (brk.delivered.get(`${l.ts} ${l.text}`) ?? 0) + 1);
    }
    this.lastLineAt = Date.now();
    if (this.status.state === 'quiet') this.set('streaming');
    let added = this.atLastTs.length;
    const lastTs = this.lastTs;
    for (const l of lines) {
      if (!l.ts) continue;
      if (l.ts === this.lastTs) this.atLastTs.push(l.text);
      else {
        this.lastTs = l.ts;
        this.atLastTs = [l.text];
        added = 0;
      }
    }
    // Kept for the stream's life: copies, not slices pinning the strings they came from.
    if (this.lastTs !== lastTs) this.lastTs = detached(this.lastTs);
    for (let i = added; i < this.atLastTs.length; i++) this.atLastTs[i] = detached(this.atLastTs[i]!);
  }

  markQuiet(now: number, quietAfterMs: number): boolean {
    const s = this.status;
    if (s.state !== 'streaming' && s.state !== 'quiet') return false;
    const idle = now - this.lastLineAt;
    if (idle < quietAfterMs) return false;
    const quietForS = Math.floor(idle / 1000);
    if (s.state === 'quiet' && quietForS - (s.quietForS ?? 0) < 5) return false;
    if (s.state !== 'quiet') this.set('quiet');
    s.quietForS = quietForS;
    return true;
  }
}

/** How long a log request may wait for response headers. */
const HEADER_TIMEOUT_MS = 30_000;

/**
 * KubeRequest.timeoutMs is a socket idle timeout that stays armed while the body streams, which
 * would cut every quiet follow after 30 s. This bounds only the wait for headers.
 */
async function sendWithHeaderTimeout(client: LogClient, req: KubeRequest, signal: AbortSignal): Promise<IncomingMessage> {
  const ac = new AbortController();
  const onAbort = () => ac.abort();
  signal.addEventListener('abort', onAbort);
  const timer = setTimeout(() => ac.abort(), HEADER_TIMEOUT_MS);
  try {
    const res = await client.send({ ...req, signal: ac.signal });
    // The stream's own signal keeps aborting this request (and its body) until the body closes.
    res.once('close', () => signal.removeEventListener('abort', onAbort));
    return res;
  } catch (err) {
    signal.removeEventListener('abort', onAbort);
    if (ac.signal.aborted && !signal.aborted) throw new Error(`no response from the API server within ${HEADER_TIMEOUT_MS / 1000} s`, { cause: err });
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

function backoff(attempt: number): number {
  return Math.min(5000, 250 * 2 ** Math.min(attempt - 1, 5));
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}

async function readText(res: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  try {
    for await (const c of res) chunks.push(c as Buffer);
  } catch {
    // The status body is a nicety; the status code alone still classifies the failure.
  }
  return Buffer.concat(chunks).toString('utf8').slice(0, 4096);
}
