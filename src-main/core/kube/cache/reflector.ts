// One reflector per (context, resource): a paged list, then a watch from the list's
// resourceVersion, kept alive the way client-go's reflector does it. Bookmarks advance the
// resourceVersion; a 410 (an ERROR event, or an expired continue token) relists; any other error
// or a stream end re-watches after a jittered backoff. It never stops until stop() is called,
// and every state it is in is reported.
import type { IncomingMessage } from 'node:http';
import { readBody, type KubeRequest } from '../kube-client';
import { classifyNetworkError, KubeApiError, statusError, type CredentialDetails, type KubeStatus } from '../kube-errors';
import { Backoff, DEFAULT_BACKOFF, sleep, type BackoffOptions } from './backoff';
import { JsonLineSplitter } from './json-lines';
import { apiPath, isKubeObject, isRecord, resourceName, type KubeObject, type ResourceId, type WatchEventType } from './types';
import { isTable, TABLE_ACCEPT, TableDecoder } from './table-rows';

/** What the reflector needs of a KubeClient (tests may pass their own). */
export interface WatchClient {
  readonly context: string;
  readonly server: string;
  send(req: KubeRequest): Promise<IncomingMessage>;
  credentialKind(): string;
  execCommand(): string | undefined;
  credentialDetails?(): CredentialDetails;
}

/** Where listed and watched objects go (an ObjectStore). */
export interface ReflectorSink {
  apply(type: WatchEventType, obj: KubeObject): void;
  beginReplace(): void;
  replacePage(items: readonly KubeObject[]): void;
  finishReplace(): void;
}

export type ReflectorState =
  | { phase: 'listing'; synced: boolean; listed: number }
  | { phase: 'synced'; synced: true; count: number; resourceVersion: string }
  | { phase: 'watching'; synced: true; resourceVersion: string }
  | { phase: 'backoff'; synced: boolean; error: KubeApiError; retryAt: number; attempt: number }
  | { phase: 'forbidden'; synced: boolean; error: KubeApiError; verb: string; resource: string; namespace?: string; retryAt: number }
  | { phase: 'stopped'; synced: boolean };

export interface ReflectorOptions {
  client: WatchClient;
  resource: ResourceId;
  sink: ReflectorSink;
  /** Ask for PartialObjectMetadata instead of full objects (views that show metadata only). */
  metadataOnly?: boolean;
  /** Ask for Tables with the objects included: each object carries the server's cells (tableCellsOf).
   *  With metadataOnly too, the rows include only the objects' metadata (includeObject=Metadata):
   *  the cells are all a list shows, and the objects' contents never reach the cache. */
  table?: boolean;
  pageSize?: number;
  /** timeoutSeconds of each watch is drawn from this range (client-go: 5-10 min). */
  watchTimeoutSeconds?: [number, number];
  backoff?: Partial<BackoffOptions>;
  /** After a 403, try again this much later (permissions rarely change quickly). */
  forbiddenRetryMs?: number;
  /** No response headers within this long fails the request. */
  requestTimeoutMs?: number;
  onState?: (state: ReflectorState) => void;
  onWatchOpen?: () => void;
  onWatchClose?: () => void;
  random?: () => number;
  now?: () => number;
}

const JSON_ACCEPT = 'application/json';
const META_LIST_ACCEPT = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json';
const META_WATCH_ACCEPT = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json';
/** A watch that ends by itself sooner than this counts as a failure (no hot reconnect loop). */
const MIN_HEALTHY_WATCH_MS = 5_000;
/** Continue-token expiries in a row before the list goes through backoff instead. */
const MAX_LIST_RESTARTS = 5;

type WatchOutcome = 'expired' | 'ended';

class WatchEnded extends Error {}

export class Reflector {
  private readonly opts: Required<Pick<ReflectorOptions, 'pageSize' | 'watchTimeoutSeconds' | 'forbiddenRetryMs' | 'requestTimeoutMs' | 'random' | 'now'>> & ReflectorOptions;
  private readonly backoff: Backoff;
  private readonly abort = new AbortController();
  private running: Promise<void> | undefined;
  private rv = '';
  private synced = false;
  private current: ReflectorState = { phase: 'stopped', synced: false };
  private readonly tables = new TableDecoder();

  constructor(options: ReflectorOptions) {
    this.opts = {
      pageSize: 500,
      watchTimeoutSeconds: [300, 600],
      forbiddenRetryMs: 60_000,
      requestTimeoutMs: 30_000,
      random: Math.random,
      now: Date.now,
      ...options,
    };
    this.backoff = new Backoff({ ...DEFAULT_BACKOFF, ...options.backoff }, this.opts.random, this.opts.now);
  }

  get state(): ReflectorState {
    return this.current;
  }

  /** The last resourceVersion seen (list, event or bookmark). */
  get resourceVersion(): string {
    return this.rv;
  }

  start(): void {
    if (this.running || this.abort.signal.aborted) return;
    this.running = this.run();
  }

  /** Stops listing and watching; resolves when the loop has exited. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
    this.setState({ phase: 'stopped', synced: this.synced });
  }

  private setState(s: ReflectorState): void {
    this.current = s;
    this.opts.onState?.(s);
  }

  private async run(): Promise<void> {
    const signal = this.abort.signal;
    let needList = true;
    while (!signal.aborted) {
      try {
        if (needList) {
          await this.list(signal);
          needList = false;
        }
        const outcome = await this.watch(signal);
        if (outcome === 'expired') needList = true; // relist with RV "" at once
      } catch (err) {
        if (signal.aborted) break;
        const error = this.toKubeError(err);
        if (error.kind === 'forbidden') {
          // Stays an error state naming what is missing; retried slowly, from a fresh list.
          const retryAt = this.opts.now() + this.opts.forbiddenRetryMs;
          this.setState({
            phase: 'forbidden',
            synced: this.synced,
            error,
            verb: error.extra.verb ?? 'list',
            resource: error.extra.resource ?? resourceName(this.opts.resource),
            ...(error.extra.namespace ? { namespace: error.extra.namespace } : {}),
            retryAt,
          });
          needList = true;
          await sleep(this.opts.forbiddenRetryMs, signal);
          continue;
        }
        if (error.kind === 'gone') needList = true;
        const delay = this.backoff.next();
        this.setState({ phase: 'backoff', synced: this.synced, error, retryAt: this.opts.now() + delay, attempt: this.backoff.attempts });
        await sleep(delay, signal);
      }
    }
  }

  private toKubeError(err: unknown): KubeApiError {
    if (err instanceof KubeApiError) return err;
    if (err instanceof WatchEnded) return new KubeApiError('unreachable', err.message);
    const e: Error & { code?: string } = err instanceof Error ? err : new Error(String(err));
    if (e.code) return classifyNetworkError(e, this.opts.client.server);
    return new KubeApiError('server', `${this.describe()}: ${e.message}`, { cause: err });
  }

  private describe(): string {
    const r = this.opts.resource;
    return `watch of ${resourceName(r)}${r.namespace ? ` in "${r.namespace}"` : ''} (context "${this.opts.client.context}")`;
  }

  private intent(verb: 'list' | 'watch'): NonNullable<KubeRequest['intent']> {
    const r = this.opts.resource;
    return { verb, resource: resourceName(r), ...(r.namespace ? { namespace: r.namespace } : {}) };
  }

  /** client.send, but settled at once by an abort (a request aborted before it is written
   *  would otherwise wait for its own timeout). A response arriving later is discarded. */
  private send(req: KubeRequest, signal: AbortSignal): Promise<IncomingMessage> {
    if (signal.aborted) return Promise.reject(new Error('aborted'));
    return new Promise((resolve, reject) => {
      const onAbort = () => reject(new Error('aborted'));
      signal.addEventListener('abort', onAbort, { once: true });
      this.opts.client.send(req).then(
        (res) => {
          signal.removeEventListener('abort', onAbort);
          if (signal.aborted) {
            res.destroy();
            reject(new Error('aborted'));
          } else resolve(res);
        },
        (err: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(err instanceof Error ? err : new Error(String(err)));
        },
      );
    });
  }

  // ---------------------------------------------------------------- list

  private async list(signal: AbortSignal): Promise<void> {
    const { sink } = this.opts;
    let restarts = 0;
    for (;;) {
      sink.beginReplace();
      let listed = 0;
      this.setState({ phase: 'listing', synced: this.synced, listed });
      let cont: string | undefined;
      let next: Promise<ListPage> | undefined = this.fetchPage(undefined, signal);
      let listRv = '';
      let expired = false;
      while (next) {
        let page: ListPage;
        try {
          page = await next;
        } catch (err) {
          // An expired continue token (or a compacted RV) restarts the whole list.
          if (err instanceof KubeApiError && err.kind === 'gone' && cont !== undefined && restarts < MAX_LIST_RESTARTS) {
            expired = true;
            break;
          }
          throw err;
        }
        listRv = page.resourceVersion;
        cont = page.continue;
        // Fetch the next page while this one is ingested; give the request a turn to go out.
        next = cont ? this.fetchPage(cont, signal) : undefined;
        if (next) {
          next.catch(() => {}); // handled when awaited; avoids an unhandled rejection meanwhile
          await new Promise((r) => setImmediate(r));
        }
        sink.replacePage(page.items);
        listed += page.items.length;
        this.setState({ phase: 'listing', synced: this.synced, listed });
      }
      if (expired) {
        restarts++;
        continue;
      }
      sink.finishReplace();
      this.rv = listRv;
      this.synced = true;
      this.backoff.healthy();
      this.setState({ phase: 'synced', synced: true, count: listed, resourceVersion: listRv });
      return;
    }
  }

  private async fetchPage(cont: string | undefined, signal: AbortSignal): Promise<ListPage> {
    const path = apiPath(this.opts.resource);
    const req: KubeRequest = {
      path,
      query: { limit: this.opts.pageSize, continue: cont, ...(this.opts.table ? { includeObject: this.includeObject() } : {}) },
      headers: { Accept: this.opts.table ? TABLE_ACCEPT : this.opts.metadataOnly ? META_LIST_ACCEPT : JSON_ACCEPT },
      signal,
      timeoutMs: this.opts.requestTimeoutMs,
      intent: this.intent('list'),
    };
    const res = await this.send(req, signal);
    const text = await withAbort(res, signal, () => readBody(res, 1024 * 1024 * 1024));
    const status = res.statusCode ?? 0;
    if (status < 200 || status > 299) throw statusError(status, text, req, this.opts.client);
    return parseListPage(text, this.describe(), this.tables);
  }

  /** What a Table row carries of its object. */
  private includeObject(): 'Object' | 'Metadata' {
    return this.opts.metadataOnly ? 'Metadata' : 'Object';
  }

  // ---------------------------------------------------------------- watch

  private async watch(signal: AbortSignal): Promise<WatchOutcome> {
    const [lo, hi] = this.opts.watchTimeoutSeconds;
    const timeoutSeconds = Math.floor(lo + this.opts.random() * (hi - lo + 1));
    const local = new AbortController();
    const onAbort = () => local.abort();
    signal.addEventListener('abort', onAbort);
    if (signal.aborted) local.abort(); // stopped between the list and this watch
    // A half-open connection would never end: give up shortly after the server should have.
    let stalled = false;
    const deadline = setTimeout(() => {
      stalled = true;
      local.abort();
    }, (timeoutSeconds + 30) * 1000);
    const req: KubeRequest = {
      path: apiPath(this.opts.resource),
      query: { watch: 1, allowWatchBookmarks: true, timeoutSeconds, resourceVersion: this.rv, ...(this.opts.table ? { includeObject: this.includeObject() } : {}) },
      headers: { Accept: this.opts.table ? TABLE_ACCEPT : this.opts.metadataOnly ? META_WATCH_ACCEPT : JSON_ACCEPT },
      signal: local.signal,
      timeoutMs: this.opts.requestTimeoutMs,
      intent: this.intent('watch'),
    };
    let opened = false;
    try {
      const res = await this.send(req, local.signal);
      const detach = destroyOnAbort(res, local.signal);
      if (res.statusCode !== 200) {
        const text = await withAbort(res, local.signal, () => readBody(res));
        throw statusError(res.statusCode ?? 0, text, req, this.opts.client);
      }
      opened = true;
      const openedAt = this.opts.now();
      this.opts.onWatchOpen?.();
      this.backoff.healthy();
      this.setState({ phase: 'watching', synced: true, resourceVersion: this.rv });
      let outcome: WatchOutcome | undefined;
      const splitter = new JsonLineSplitter((v) => {
        outcome ??= this.handleEvent(v, req);
      });
      try {
        for await (const chunk of res) {
          splitter.push(chunk as Buffer);
          if (outcome) break;
        }
        if (!outcome) splitter.end();
      } catch (err) {
        if (stalled && !signal.aborted) return 'ended';
        throw err;
      } finally {
        detach();
        res.destroy();
      }
      if (outcome) return outcome;
      if (this.opts.now() - openedAt < MIN_HEALTHY_WATCH_MS) throw new WatchEnded(`${this.describe()}: the server closed the watch right after opening it`);
      return 'ended';
    } finally {
      clearTimeout(deadline);
      signal.removeEventListener('abort', onAbort);
      if (opened) this.opts.onWatchClose?.();
    }
  }

  /** Applies one watch event; returns 'expired' when the server says the RV is too old. */
  private handleEvent(v: unknown, req: KubeRequest): WatchOutcome | undefined {
    if (!isRecord(v) || typeof v.type !== 'string') throw new KubeApiError('server', `${this.describe()}: malformed watch event`);
    const type = v.type;
    const obj = v.object;
    if (type === 'ERROR') {
      const status = (isRecord(obj) ? obj : {}) as KubeStatus;
      if (status.code === 410) return 'expired';
      throw statusError(status.code ?? 500, JSON.stringify(obj), req, this.opts.client);
    }
    if (!isKubeObject(obj)) throw new KubeApiError('server', `${this.describe()}: ${type} event without an object`);
    // A Table event carries its object in a row (none for a bookmark).
    const objects = isTable(obj) ? this.tables.rows(obj) : [obj];
    const rv = obj.metadata.resourceVersion || objects.at(-1)?.metadata.resourceVersion;
    if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED') for (const o of objects) this.opts.sink.apply(type, o);
    else if (type !== 'BOOKMARK') throw new KubeApiError('server', `${this.describe()}: unknown watch event type "${type}"`);
    if (typeof rv === 'string' && rv !== '') this.rv = rv;
    return undefined;
  }
}

/** An abort that lands between the response headers and the first read would otherwise leave
 *  the body stream open forever: destroy it explicitly. Returns a function to detach. */
function destroyOnAbort(res: IncomingMessage, signal: AbortSignal): () => void {
  const destroy = () => res.destroy(new Error('aborted'));
  if (signal.aborted) destroy();
  else signal.addEventListener('abort', destroy);
  return () => signal.removeEventListener('abort', destroy);
}

async function withAbort<T>(res: IncomingMessage, signal: AbortSignal, read: () => Promise<T>): Promise<T> {
  const detach = destroyOnAbort(res, signal);
  try {
    return await read();
  } finally {
    detach();
  }
}

interface ListPage {
  items: KubeObject[];
  resourceVersion: string;
  continue?: string;
}

function parseListPage(text: string, what: string, tables: TableDecoder): ListPage {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new KubeApiError('server', `${what}: the list answer is not JSON`);
  }
  const table = isTable(body);
  if (!isRecord(body) || (!table && !Array.isArray(body.items))) throw new KubeApiError('server', `${what}: the list answer has no items`);
  const meta = isRecord(body.metadata) ? body.metadata : {};
  const items = table ? tables.rows(body) : (body.items as unknown[]).filter(isKubeObject);
  const cont = typeof meta.continue === 'string' && meta.continue !== '' ? meta.continue : undefined;
  return { items, resourceVersion: typeof meta.resourceVersion === 'string' ? meta.resourceVersion : '', ...(cont ? { continue: cont } : {}) };
}
