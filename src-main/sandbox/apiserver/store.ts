// In-memory object storage with kube-apiserver semantics: one global resourceVersion, optimistic
// concurrency, selectors, paging, watches over a bounded history, finalizers and ownerReference
// garbage collection. Controllers use it in-process; server.ts exposes it over HTTP.
//
// Objects are stored deep-frozen and each version is serialized at most once (Entry.json), so
// lists and watches reuse the same JSON string for every reader.
import { randomUUID } from 'node:crypto';
import { ApiError, type StatusCause } from './errors';
import { SortedKeys } from './sortedkeys';
import { parseFieldSelector, parseLabelSelector, type FieldGetter, type FieldPredicate, type LabelPredicate } from './selectors';

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  [k: string]: unknown;
}

export interface KObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  [k: string]: any;
}

/** How the store treats one resource. resources.ts builds these for every served kind. */
export interface StoreResource {
  /** Plural resource name, also the store key: "pods", "deployments". */
  resource: string;
  group: string;
  /** apiVersion and kind stamped on stored objects ("apps/v1", "Deployment"). */
  apiVersion: string;
  kind: string;
  namespaced: boolean;
  /** status is only written through updateStatus; update keeps the stored status. */
  hasStatus?: boolean;
  /** metadata.generation is maintained (bumped on changes outside metadata and status). */
  generation?: boolean;
  /** Pods: deletion is graceful when the store's gracefulPodDeletion is on and spec.nodeName set. */
  graceful?: boolean;
  /** Name rules: DNS-1123 subdomain (default), DNS-1123 label (namespaces), DNS-1035 label
   *  (services) or any path segment (RBAC objects). */
  names?: 'subdomain' | 'label' | 'dns1035' | 'path';
  /** The API's plural when the store key differs (custom resources are stored as plural.group). */
  plural?: string;
  /** Selectable fields besides metadata.name and metadata.namespace. */
  fields?: Record<string, FieldGetter>;
  /** Defaulting, run on every create and update on a mutable draft (old is undefined on create). */
  prepare?: (draft: KObject, old: KObject | undefined, store: Store) => void;
  /** Validation; non-empty causes reject the write with 422 Invalid. */
  validate?: (obj: KObject, old: KObject | undefined) => StatusCause[];
}

/** How errors name a resource: the plural, qualified by the group in messages. */
function apiName(spec: StoreResource): string {
  return spec.plural ?? spec.resource;
}

/** One stored version of an object; `json` is computed once and shared by all readers. */
export class Entry {
  private cached: string | undefined;
  constructor(
    readonly object: KObject,
    readonly rv: number,
    json?: string,
  ) {
    this.cached = json;
  }
  get json(): string {
    return (this.cached ??= JSON.stringify(this.object));
  }
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface WatchEvent {
  type: WatchEventType;
  object: KObject;
  /** The object's JSON (cached; do not re-serialize `object`). */
  readonly json: string;
  rv: number;
}

export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
}

export interface ListResult {
  items: KObject[];
  entries: Entry[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

export interface WatchOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Start after this RV (replaying history); undefined, "" or "0" first sends the current state as ADDED. */
  resourceVersion?: string;
}

export interface DeleteOptions {
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  /** Check and report, change nothing (`?dryRun=All`). */
  dryRun?: boolean;
}

export interface StoreOptions {
  /** How long changes stay in each resource's history (default 5 min, etcd's compaction
   *  interval). Watches from an older resourceVersion, and continue tokens of lists older than
   *  the history, get 410 Expired. */
  historyWindowMs?: number;
  /** Memory bound of each resource's history: the serialized size of the superseded and deleted
   *  versions it keeps alive (default 128 MiB; heap use is a few times that). Past it the oldest
   *  changes go early, as if compacted. */
  historyMaxBytes?: number;
  /** At most this many changes per resource (default unbounded); tests shrink it to reach 410 Gone. */
  historySize?: number;
  /** Continue tokens older than this expire with 410. */
  continueTtlMs?: number;
  /** When on, deleting a scheduled pod only marks it (deletionTimestamp) until the kubelet
   *  deletes it with gracePeriodSeconds 0, as on a real cluster. Off: pods go at once. */
  gracefulPodDeletion?: boolean;
  now?: () => number;
}

interface Record_ {
  type: WatchEventType;
  entry: Entry;
  prev?: Entry;
}

interface Watcher {
  namespace?: string;
  label?: LabelPredicate;
  field?: FieldPredicate;
  minRv: number;
  closed: boolean;
  cb: (ev: WatchEvent) => void;
}

export interface HistoryBounds {
  windowMs: number;
  maxBytes: number;
  maxRecords: number;
}

/** What a record keeps alive beyond the current state: the version it superseded (and, for a
 *  delete, the tombstone, about the same size). Creations keep nothing extra. */
function extraBytes(r: Record_): number {
  if (!r.prev) return 0;
  const n = r.prev.json.length;
  return r.type === 'DELETED' ? 2 * n : n;
}

/** The changes of one resource, ordered by rv, kept by time (like etcd between compactions)
 *  within a memory and a count bound. Compaction drops the oldest and moves the horizon. */
class History {
  private buf: (Record_ | undefined)[] = [];
  private times: number[] = [];
  private sizes: number[] = [];
  private head = 0;
  private bytes = 0;
  /** Events with rv <= this have been dropped: watches from before it get 410. */
  horizon = 0;
  constructor(
    private readonly bounds: HistoryBounds,
    private readonly now: () => number,
  ) {}
  get size(): number {
    return this.buf.length - this.head;
  }
  /** The serialized size of what the kept changes hold alive. */
  get retainedBytes(): number {
    return this.bytes;
  }
  push(r: Record_): void {
    const size = extraBytes(r);
    this.buf.push(r);
    this.times.push(this.now());
    this.sizes.push(size);
    this.bytes += size;
    this.compact();
  }
  /** Drops what is past the window or over a bound; also called before the horizon is read, so
   *  an idle resource's history expires on time. */
  compact(): void {
    const { windowMs, maxBytes, maxRecords } = this.bounds;
    const oldest = this.now() - windowMs;
    while (this.head < this.buf.length && (this.buf.length - this.head > maxRecords || this.bytes > maxBytes || this.times[this.head]! < oldest)) {
      this.horizon = this.buf[this.head]!.entry.rv;
      this.bytes -= this.sizes[this.head]!;
      this.buf[this.head] = undefined;
      this.head++;
    }
    // Reclaim the dropped front now and then (amortized O(1) per record).
    if (this.head > 1024 && this.head * 2 > this.buf.length) {
      this.buf = this.buf.slice(this.head);
      this.times = this.times.slice(this.head);
      this.sizes = this.sizes.slice(this.head);
      this.head = 0;
    }
  }
  /** Records with rv > after, oldest first. */
  *since(after: number): Generator<Record_> {
    let lo = this.head;
    let hi = this.buf.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.buf[mid]!.entry.rv <= after) lo = mid + 1;
      else hi = mid;
    }
    // Bounded by the length at the start: records pushed meanwhile are newer than the caller asked for.
    const end = this.buf.length;
    const buf = this.buf;
    for (let i = lo; i < end; i++) yield buf[i]!;
  }
}

class Table {
  readonly items = new Map<string, Entry>();
  /** Keys ("ns/name" or "name") kept sorted for paging and namespace ranges. */
  readonly keys = new SortedKeys();
  readonly watchers = new Set<Watcher>();
  readonly history: History;
  readonly fields: Record<string, FieldGetter>;
  constructor(
    readonly spec: StoreResource,
    bounds: HistoryBounds,
    now: () => number,
  ) {
    this.history = new History(bounds, now);
    this.fields = {
      'metadata.name': (o) => o.metadata?.name ?? '',
      'metadata.namespace': (o) => o.metadata?.namespace ?? '',
      ...spec.fields,
    };
  }
  insertKey(key: string): void {
    this.keys.add(key);
  }
  removeKey(key: string): void {
    this.keys.delete(key);
  }
}

export function deepFreeze<T>(o: T): T {
  if (o !== null && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const k in o) deepFreeze((o as Record<string, unknown>)[k]);
  }
  return o;
}

/** A mutable deep copy of a JSON-like object (Dates become ISO strings, undefined fields go),
 *  several times faster than structuredClone for API objects. */
export function clone<T>(o: T): T {
  if (o === null || typeof o !== 'object') return o;
  if (Array.isArray(o)) {
    const n = o.length;
    const a = new Array(n);
    for (let i = 0; i < n; i++) a[i] = clone(o[i]);
    return a as T;
  }
  if (o instanceof Date) return o.toISOString() as T;
  const out: Record<string, unknown> = {};
  for (const k in o) {
    const v = (o as Record<string, unknown>)[k];
    if (v !== undefined) out[k] = clone(v);
  }
  return out as T;
}

const META_ORDER = ['name', 'generateName', 'namespace', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds'];

/** Field order as kube-apiserver emits it; resourceVersion comes early in metadata, which lets
 *  update() rewrite it inside an already-serialized string (see withRv). */
function normalize(o: KObject, spec: StoreResource): KObject {
  const meta: ObjectMeta = {};
  for (const k of META_ORDER) if (o.metadata[k] !== undefined) meta[k] = o.metadata[k];
  for (const [k, v] of Object.entries(o.metadata)) if (v !== undefined && !(k in meta)) meta[k] = v;
  const out: KObject = { apiVersion: spec.apiVersion, kind: spec.kind, metadata: meta };
  for (const [k, v] of Object.entries(o)) if (k !== 'apiVersion' && k !== 'kind' && k !== 'metadata' && v !== undefined) out[k] = v;
  return out;
}

const NAME_CHARS = 'bcdfghjklmnpqrstvwxz2456789';
function randomSuffix(n = 5): string {
  let s = '';
  for (let i = 0; i < n; i++) s += NAME_CHARS[Math.floor(Math.random() * NAME_CHARS.length)];
  return s;
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** RFC3339 with second precision, as metav1.Time serializes. */
let lastSecond = -1;
let lastIso = '';
export function isoSeconds(ms: number): string {
  const sec = Math.floor(ms / 1000);
  if (sec !== lastSecond) {
    lastSecond = sec;
    lastIso = new Date(sec * 1000).toISOString().replace('.000Z', 'Z');
  }
  return lastIso;
}

function sameStrings(a: readonly OwnerReference[] | undefined, b: readonly OwnerReference[] | undefined): boolean {
  const x = (a ?? []).map((r) => r.uid).join(',');
  const y = (b ?? []).map((r) => r.uid).join(',');
  return x === y;
}

function specPart(o: KObject): string {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = o;
  return JSON.stringify(rest);
}

interface ContinueToken {
  v: string;
  rv: number;
  start: string;
  ts: number;
}

export class Store {
  private readonly tables = new Map<string, Table>();
  private rv = 1;
  private readonly queue: (() => void)[] = [];
  private draining = false;
  private readonly byUid = new Map<string, { table: Table; key: string }>();
  /** owner uid -> dependents ("resource\0key") */
  private readonly dependents = new Map<string, Set<string>>();
  readonly history: HistoryBounds;
  readonly continueTtlMs: number;
  readonly gracefulPodDeletion: boolean;
  private readonly now: () => number;

  constructor(resources: Iterable<StoreResource>, opts: StoreOptions = {}) {
    this.history = { windowMs: opts.historyWindowMs ?? 5 * 60_000, maxBytes: opts.historyMaxBytes ?? 128 * 1024 * 1024, maxRecords: opts.historySize ?? Infinity };
    this.continueTtlMs = opts.continueTtlMs ?? 5 * 60_000;
    this.gracefulPodDeletion = opts.gracefulPodDeletion ?? false;
    this.now = opts.now ?? Date.now;
    for (const r of resources) this.tables.set(r.resource, new Table(r, this.history, this.now));
  }

  /** The current (latest) resourceVersion. */
  get resourceVersion(): string {
    return String(this.rv);
  }

  resources(): StoreResource[] {
    return [...this.tables.values()].map((t) => t.spec);
  }

  spec(resource: string): StoreResource {
    return this.table(resource).spec;
  }

  has(resource: string): boolean {
    return this.tables.has(resource);
  }

  /** Starts storing a resource at runtime (custom resources of a new CRD); no-op if present. */
  addResource(spec: StoreResource): void {
    if (!this.tables.has(spec.resource)) this.tables.set(spec.resource, new Table(spec, this.history, this.now));
  }

  private table(resource: string): Table {
    const t = this.tables.get(resource);
    if (!t) throw new Error(`store: unknown resource "${resource}"`);
    return t;
  }

  private key(t: Table, namespace: string | undefined, name: string): string {
    return t.spec.namespaced ? `${namespace ?? ''}/${name}` : name;
  }

  // ---------------------------------------------------------------- reads

  getEntry(resource: string, namespace: string | undefined, name: string): Entry | undefined {
    const t = this.table(resource);
    return t.items.get(this.key(t, namespace, name));
  }

  get(resource: string, namespace: string | undefined, name: string): KObject | undefined {
    return this.getEntry(resource, namespace, name)?.object;
  }

  /** get() that throws NotFound like the API does. */
  mustGet(resource: string, namespace: string | undefined, name: string): Entry {
    const e = this.getEntry(resource, namespace, name);
    if (!e) {
      const t = this.table(resource);
      throw ApiError.notFound(apiName(t.spec), t.spec.group, name);
    }
    return e;
  }

  /** The object with this uid, wherever it lives (owner lookups). */
  findByUid(uid: string): { resource: string; object: KObject } | undefined {
    const loc = this.byUid.get(uid);
    const e = loc && loc.table.items.get(loc.key);
    return e ? { resource: loc!.table.spec.resource, object: e.object } : undefined;
  }

  count(resource: string): number {
    return this.table(resource).items.size;
  }

  list(resource: string, opts: ListOptions = {}): ListResult {
    const t = this.table(resource);
    const label = parseLabelSelector(opts.labelSelector);
    const field = parseFieldSelector(opts.fieldSelector, t.fields);
    const limit = opts.limit && opts.limit > 0 ? opts.limit : Infinity;
    let listRv = this.rv;
    let from: string | undefined;
    let to: string | undefined;
    if (t.spec.namespaced && opts.namespace) {
      // '0' sorts right after '/', so [ns/, ns0) is exactly the namespace's keys.
      from = `${opts.namespace}/`;
      to = `${opts.namespace}0`;
    }
    if (opts.continue) {
      const tok = this.decodeContinue(opts.continue);
      t.history.compact();
      if (tok.rv < t.history.horizon || this.now() - tok.ts > this.continueTtlMs) throw ApiError.continueExpired();
      listRv = tok.rv;
      if (from === undefined || tok.start > from) from = tok.start;
    }
    const entries: Entry[] = [];
    // Later pages show the list's snapshot: objects changed since then appear as they were,
    // rebuilt from the watch history (which covers the token, or it would have expired).
    const past = listRv < this.rv ? this.stateAt(t, listRv, from, to) : undefined;
    const it = past ? mergeSorted(t.keys.range(from, to), past.extra) : t.keys.range(from, to);
    let lastKey = '';
    let more = false;
    for (let r = it.next(); !r.done; r = it.next()) {
      const e = past?.versions.has(r.value) ? past.versions.get(r.value) : t.items.get(r.value);
      if (!e) continue;
      if (label && !label(e.object.metadata.labels)) continue;
      if (field && !field(e.object)) continue;
      if (entries.length === limit) {
        more = true;
        break;
      }
      entries.push(e);
      lastKey = r.value;
    }
    const result: ListResult = { items: entries.map((e) => e.object), entries, resourceVersion: String(listRv) };
    if (more) {
      const start = `${lastKey}\u0000`;
      if (!label && !field) result.remainingItemCount = (to === undefined ? t.keys.size : t.keys.rank(to)) - t.keys.rank(start);
      const tok: ContinueToken = { v: 'meta.k8s.io/v1', rv: listRv, start, ts: this.now() };
      result.continue = Buffer.from(JSON.stringify(tok)).toString('base64');
    }
    return result;
  }

  /** Versions at `rv` of the keys changed since (null: did not exist), and the keys in
   *  [from, to) that existed then but are gone now, sorted. */
  private stateAt(t: Table, rv: number, from: string | undefined, to: string | undefined): { versions: Map<string, Entry | null>; extra: string[] } {
    const versions = new Map<string, Entry | null>();
    for (const r of t.history.since(rv)) {
      const m = r.entry.object.metadata;
      const key = this.key(t, m.namespace, m.name!);
      if (!versions.has(key)) versions.set(key, r.type === 'ADDED' ? null : (r.prev ?? null));
    }
    const extra: string[] = [];
    for (const [k, v] of versions) {
      if (v && !t.items.has(k) && (from === undefined || k >= from) && (to === undefined || k < to)) extra.push(k);
    }
    extra.sort();
    return { versions, extra };
  }

  private decodeContinue(s: string): ContinueToken {
    try {
      const tok = JSON.parse(Buffer.from(s, 'base64').toString('utf8')) as ContinueToken;
      if (tok.v !== 'meta.k8s.io/v1' || typeof tok.rv !== 'number' || typeof tok.start !== 'string') throw new Error('bad');
      return tok;
    } catch {
      throw ApiError.badRequest(`continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)`);
    }
  }

  // ---------------------------------------------------------------- watch

  /**
   * Subscribe to changes of a resource. Events are delivered in resourceVersion order, never
   * re-entrantly. Throws ApiError 410 Expired when resourceVersion is older than the history.
   */
  watch(resource: string, opts: WatchOptions, cb: (ev: WatchEvent) => void): () => void {
    const t = this.table(resource);
    const w: Watcher = {
      label: parseLabelSelector(opts.labelSelector),
      field: parseFieldSelector(opts.fieldSelector, t.fields),
      minRv: this.rv,
      closed: false,
      cb,
    };
    if (t.spec.namespaced && opts.namespace) w.namespace = opts.namespace;
    const rvStr = opts.resourceVersion;
    let replay: Iterable<Record_> | undefined;
    let initial = false;
    if (!rvStr || rvStr === '0') initial = true;
    else {
      const from = Number(rvStr);
      if (!Number.isInteger(from) || from < 0) throw ApiError.badRequest(`invalid resource version: ${rvStr}`);
      t.history.compact();
      if (from < t.history.horizon) throw ApiError.tooOldResourceVersion(from, t.history.horizon);
      if (from > this.rv) throw ApiError.tooLargeResourceVersion(from, this.rv);
      replay = [...t.history.since(from)];
    }
    t.watchers.add(w);
    const unsubscribe = () => {
      w.closed = true;
      t.watchers.delete(w);
    };
    this.enqueue(() => {
      if (initial) {
        for (const key of t.keys.range(undefined, undefined)) {
          if (w.closed) break;
          const e = t.items.get(key)!;
          if (this.passes(w, e.object)) this.deliver(w, 'ADDED', e);
        }
      } else {
        for (const r of replay!) {
          if (w.closed) break;
          this.dispatchTo(w, r, true);
        }
      }
    });
    return unsubscribe;
  }

  private passes(w: Watcher, o: KObject): boolean {
    if (w.namespace && o.metadata.namespace !== w.namespace) return false;
    if (w.label && !w.label(o.metadata.labels)) return false;
    if (w.field && !w.field(o)) return false;
    return true;
  }

  private deliver(w: Watcher, type: WatchEventType, e: Entry): void {
    try {
      w.cb({ type, object: e.object, rv: e.rv, get json() { return e.json; } });
    } catch (err) {
      console.error('store watch callback failed', err);
    }
  }

  /** Deliver one record to one watcher, translating selector transitions like the watch cache. */
  private dispatchTo(w: Watcher, r: Record_, replaying = false): void {
    if (w.closed || (!replaying && r.entry.rv <= w.minRv)) return;
    const cur = this.passes(w, r.entry.object);
    if (r.type !== 'MODIFIED' || !r.prev) {
      if (cur) this.deliver(w, r.type, r.entry);
      return;
    }
    const old = this.passes(w, r.prev.object);
    if (cur && old) this.deliver(w, 'MODIFIED', r.entry);
    else if (cur) this.deliver(w, 'ADDED', r.entry);
    else if (old) {
      // Previous content with the event's resourceVersion, as kube's cacheWatcher sends.
      const o = clone(r.prev.object);
      o.metadata.resourceVersion = String(r.entry.rv);
      this.deliver(w, 'DELETED', new Entry(deepFreeze(o), r.entry.rv));
    }
  }

  private enqueue(fn: () => void): void {
    this.queue.push(fn);
    if (this.draining) return;
    this.draining = true;
    try {
      for (let i = 0; i < this.queue.length; i++) this.queue[i]!();
    } finally {
      this.queue.length = 0;
      this.draining = false;
    }
  }

  private record(t: Table, r: Record_): void {
    t.history.push(r);
    if (t.watchers.size === 0) return;
    this.enqueue(() => {
      for (const w of t.watchers) this.dispatchTo(w, r);
    });
  }

  // ---------------------------------------------------------------- writes

  /** Create an object. With dryRun, everything but the commit (as `?dryRun=All`). With `adopt`,
   *  the caller hands over a fresh, unshared, plain-JSON object that the store may modify and
   *  freeze instead of copying (bulk in-process creates: scale mode). */
  create(resource: string, obj: KObject, namespace?: string, opts: { dryRun?: boolean; adopt?: boolean } = {}): KObject {
    const t = this.table(resource);
    const spec = t.spec;
    const draft = opts.adopt && !opts.dryRun ? obj : clone(obj);
    draft.metadata ??= {};
    const meta = draft.metadata;
    if (spec.namespaced) {
      meta.namespace = meta.namespace || namespace || 'default';
      const ns = this.tables.get('namespaces')?.items.get(meta.namespace);
      if (this.tables.has('namespaces')) {
        if (!ns) throw ApiError.notFound('namespaces', '', meta.namespace);
        if (ns.object.metadata.deletionTimestamp)
          throw new ApiError(403, 'Forbidden', `${spec.resource === 'pods' ? 'pods' : spec.resource} "${meta.name ?? meta.generateName ?? ''}" is forbidden: unable to create new content in namespace ${meta.namespace} because it is being terminated`, {
            name: meta.name ?? '',
            kind: spec.resource,
            causes: [{ reason: 'NamespaceTerminating', message: `namespace ${meta.namespace} is being terminated`, field: 'metadata.namespace' }],
          });
      }
    } else delete meta.namespace;
    if (!meta.name && meta.generateName) meta.name = meta.generateName + randomSuffix();
    this.validateName(spec, meta.name);
    // The uid exists before defaulting: Jobs derive their selector and pod labels from it.
    meta.uid = randomUUID();
    spec.prepare?.(draft, undefined, this);
    this.runValidation(spec, draft, undefined);
    const key = this.key(t, meta.namespace, meta.name!);
    if (t.items.has(key)) throw ApiError.alreadyExists(apiName(spec), spec.group, meta.name!);
    const rv = opts.dryRun ? 0 : ++this.rv;
    if (opts.dryRun) delete meta.resourceVersion;
    else meta.resourceVersion = String(rv);
    meta.creationTimestamp = isoSeconds(this.now());
    if (spec.generation) meta.generation = 1;
    else delete meta.generation;
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    if (opts.dryRun) return deepFreeze(normalize(draft, spec));
    const entry = new Entry(deepFreeze(normalize(draft, spec)), rv);
    t.items.set(key, entry);
    t.insertKey(key);
    this.byUid.set(meta.uid, { table: t, key });
    this.indexOwners(t, key, undefined, entry.object.metadata.ownerReferences);
    this.record(t, { type: 'ADDED', entry });
    return entry.object;
  }

  private validateName(spec: StoreResource, name: string | undefined): void {
    if (!name) {
      throw ApiError.invalid(spec.kind, spec.group, '', [
        { reason: 'FieldValueRequired', message: 'Required value: name or generateName is required', field: 'metadata.name' },
      ]);
    }
    if (spec.names === 'path') {
      const bad = name === '.' || name === '..' ? `may not be '${name}'` : /[/%]/.test(name) ? `may not contain '${name.includes('/') ? '/' : '%'}'` : '';
      if (bad) throw ApiError.invalid(spec.kind, spec.group, name, [{ reason: 'FieldValueInvalid', message: `Invalid value: "${name}": ${bad}`, field: 'metadata.name' }]);
      return;
    }
    if (spec.names === 'label' && (name.length > 63 || !DNS1123_LABEL.test(name))) {
      throw ApiError.invalid(spec.kind, spec.group, name, [
        {
          reason: 'FieldValueInvalid',
          message: `Invalid value: "${name}": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
          field: 'metadata.name',
        },
      ]);
    }
    if (spec.names === 'dns1035' && (name.length > 63 || !DNS1035_LABEL.test(name))) {
      throw ApiError.invalid(spec.kind, spec.group, name, [
        {
          reason: 'FieldValueInvalid',
          message: `Invalid value: "${name}": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')`,
          field: 'metadata.name',
        },
      ]);
    }
    if (name.length > 253 || !DNS1123_SUBDOMAIN.test(name)) {
      throw ApiError.invalid(spec.kind, spec.group, name, [
        {
          reason: 'FieldValueInvalid',
          message: `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
          field: 'metadata.name',
        },
      ]);
    }
  }

  private runValidation(spec: StoreResource, obj: KObject, old: KObject | undefined): void {
    const causes = spec.validate?.(obj, old) ?? [];
    if (causes.length) throw ApiError.invalid(spec.kind, spec.group, obj.metadata.name ?? '', causes);
  }

  /** Replace an object (PUT). A set metadata.resourceVersion must match (else 409 Conflict). */
  update(resource: string, obj: KObject, opts: { dryRun?: boolean } = {}): KObject {
    return this.write(resource, obj, false, !!opts.dryRun);
  }

  /** Replace only .status (the /status subresource). */
  updateStatus(resource: string, obj: KObject, opts: { dryRun?: boolean } = {}): KObject {
    return this.write(resource, obj, true, !!opts.dryRun);
  }

  /**
   * Read-modify-write without conflicts (the store is single-threaded): `mutate` gets a mutable
   * copy of the current object and may return a replacement.
   */
  patch(resource: string, namespace: string | undefined, name: string, mutate: (draft: KObject) => KObject | void, opts: { status?: boolean } = {}): KObject {
    const cur = this.mustGet(resource, namespace, name);
    const draft = clone(cur.object);
    const next = mutate(draft) ?? draft;
    next.metadata ??= {};
    next.metadata.resourceVersion = String(cur.rv);
    return this.write(resource, next, !!opts.status);
  }

  private write(resource: string, obj: KObject, statusOnly: boolean, dryRun = false): KObject {
    const t = this.table(resource);
    const spec = t.spec;
    const name = obj.metadata?.name;
    if (!name) {
      throw ApiError.invalid(spec.kind, spec.group, '', [{ reason: 'FieldValueRequired', message: 'Required value: name is required', field: 'metadata.name' }]);
    }
    const ns = spec.namespaced ? obj.metadata.namespace || 'default' : undefined;
    const key = this.key(t, ns, name);
    const old = t.items.get(key);
    if (!old) throw ApiError.notFound(apiName(spec), spec.group, name);
    const want = obj.metadata.resourceVersion;
    if (want && want !== String(old.rv)) throw ApiError.conflict(apiName(spec), spec.group, name);
    if (obj.metadata.uid && obj.metadata.uid !== old.object.metadata.uid) {
      throw ApiError.conflict(apiName(spec), spec.group, name, `Precondition failed: UID in precondition: ${obj.metadata.uid}, UID in object meta: ${old.object.metadata.uid}`);
    }
    let draft: KObject;
    if (statusOnly) {
      draft = clone(old.object);
      draft.status = clone(obj.status);
    } else {
      draft = clone(obj);
      if (spec.hasStatus) draft.status = clone(old.object.status);
    }
    const meta = draft.metadata;
    const om = old.object.metadata;
    meta.namespace = om.namespace;
    meta.uid = om.uid;
    meta.creationTimestamp = om.creationTimestamp;
    meta.deletionTimestamp = om.deletionTimestamp;
    meta.deletionGracePeriodSeconds = om.deletionGracePeriodSeconds;
    meta.generation = om.generation;
    if (!statusOnly) {
      spec.prepare?.(draft, old.object, this);
      this.runValidation(spec, draft, old.object);
      if (spec.generation && specPart(draft) !== specPart(old.object)) meta.generation = (om.generation ?? 0) + 1;
    }
    // Finalizers all removed from an object being deleted: it goes now.
    if (om.deletionTimestamp && om.finalizers?.length && !meta.finalizers?.length) {
      meta.resourceVersion = String(old.rv);
      return dryRun ? deepFreeze(normalize(draft, spec)) : this.remove(t, key, old, draft);
    }
    meta.resourceVersion = String(old.rv);
    const normalized = normalize(draft, spec);
    const json = JSON.stringify(normalized);
    if (json === old.json) return old.object; // no-op updates keep the resourceVersion, like etcd3 storage
    if (dryRun) return deepFreeze(normalized);
    const rv = ++this.rv;
    normalized.metadata.resourceVersion = String(rv);
    const entry = new Entry(deepFreeze(normalized), rv, withRv(json, old.rv, rv));
    t.items.set(key, entry);
    if (!sameStrings(om.ownerReferences, meta.ownerReferences)) this.indexOwners(t, key, om.ownerReferences, meta.ownerReferences);
    this.record(t, { type: 'MODIFIED', entry, prev: old });
    return entry.object;
  }

  /** Delete an object. Returns the deleted object, or the object marked for deletion when
   *  finalizers, foreground deletion or pod graceful termination keep it around for now. */
  delete(resource: string, namespace: string | undefined, name: string, opts: DeleteOptions = {}): KObject {
    const t = this.table(resource);
    const spec = t.spec;
    const key = this.key(t, spec.namespaced ? namespace || 'default' : undefined, name);
    const cur = t.items.get(key);
    if (!cur) throw ApiError.notFound(apiName(spec), spec.group, name);
    const om = cur.object.metadata;
    const pre = opts.preconditions;
    if (pre?.uid && pre.uid !== om.uid) {
      throw ApiError.conflict(apiName(spec), spec.group, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${om.uid}`);
    }
    if (pre?.resourceVersion && pre.resourceVersion !== String(cur.rv)) {
      throw ApiError.conflict(apiName(spec), spec.group, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${cur.rv}`);
    }
    if (opts.dryRun) return cur.object;
    const policy = opts.propagationPolicy ?? 'Background';
    const uid = om.uid!;

    if (resource === 'namespaces') return this.deleteNamespace(t, key, cur);

    if (policy === 'Orphan') this.orphanDependents(uid);

    const hasDependents = (this.dependents.get(uid)?.size ?? 0) > 0;
    const finalizers = [...(om.finalizers ?? [])];
    if (policy === 'Foreground' && hasDependents && !finalizers.includes('foregroundDeletion')) finalizers.push('foregroundDeletion');

    let grace: number | undefined;
    if (spec.graceful && this.gracefulPodDeletion && cur.object.spec?.nodeName) {
      const g: number = opts.gracePeriodSeconds ?? cur.object.spec?.terminationGracePeriodSeconds ?? 30;
      grace = g;
      if (g > 0 && om.deletionTimestamp && (om.deletionGracePeriodSeconds ?? 0) <= g) return cur.object;
    }
    const markOnly = finalizers.length > 0 || (grace !== undefined && grace > 0);
    if (markOnly) {
      if (om.deletionTimestamp && sameList(om.finalizers, finalizers) && grace === undefined) return cur.object;
      const draft = clone(cur.object);
      draft.metadata.deletionTimestamp ??= isoSeconds(this.now() + (grace ?? 0) * 1000);
      draft.metadata.deletionGracePeriodSeconds = grace ?? 0;
      draft.metadata.finalizers = finalizers;
      const rv = ++this.rv;
      draft.metadata.resourceVersion = String(rv);
      const entry = new Entry(deepFreeze(normalize(draft, spec)), rv);
      t.items.set(key, entry);
      this.record(t, { type: 'MODIFIED', entry, prev: cur });
      if (finalizers.includes('foregroundDeletion')) setImmediate(() => this.collect(uid, 'Foreground'));
      return entry.object;
    }
    return this.remove(t, key, cur, clone(cur.object));
  }

  private remove(t: Table, key: string, cur: Entry, last: KObject): KObject {
    const rv = ++this.rv;
    last.metadata.resourceVersion = String(rv);
    const entry = new Entry(deepFreeze(normalize(last, t.spec)), rv);
    t.items.delete(key);
    t.removeKey(key);
    const uid = cur.object.metadata.uid!;
    this.byUid.delete(uid);
    this.indexOwners(t, key, cur.object.metadata.ownerReferences, undefined);
    this.record(t, { type: 'DELETED', entry, prev: cur });
    if (this.dependents.get(uid)?.size) setImmediate(() => this.collect(uid, 'Background'));
    // An owner waiting in foreground deletion may now be free to go.
    for (const ref of cur.object.metadata.ownerReferences ?? []) this.maybeFinishForeground(ref.uid);
    return entry.object;
  }

  private deleteNamespace(t: Table, key: string, cur: Entry): KObject {
    if (cur.object.metadata.deletionTimestamp) return cur.object;
    const draft = clone(cur.object);
    draft.metadata.deletionTimestamp = isoSeconds(this.now());
    draft.metadata.deletionGracePeriodSeconds = 0;
    draft.status = { ...(draft.status ?? {}), phase: 'Terminating' };
    const rv = ++this.rv;
    draft.metadata.resourceVersion = String(rv);
    const entry = new Entry(deepFreeze(normalize(draft, t.spec)), rv);
    t.items.set(key, entry);
    this.record(t, { type: 'MODIFIED', entry, prev: cur });
    const ns = cur.object.metadata.name!;
    // The namespace controller empties the namespace, then the namespace goes.
    setImmediate(() => {
      for (const other of this.tables.values()) {
        if (!other.spec.namespaced) continue;
        for (const k of [...other.keys.range(`${ns}/`, `${ns}0`)]) {
          const e = other.items.get(k);
          if (e) this.forceRemove(other, k, e);
        }
      }
      const still = t.items.get(key);
      if (still) this.remove(t, key, still, clone(still.object));
    });
    return entry.object;
  }

  /** Remove regardless of finalizers/grace (namespace cleanup). */
  private forceRemove(t: Table, key: string, e: Entry): void {
    this.remove(t, key, e, clone(e.object));
  }

  private indexOwners(t: Table, key: string, before: readonly OwnerReference[] | undefined, after: readonly OwnerReference[] | undefined): void {
    const id = `${t.spec.resource}\u0000${key}`;
    for (const r of before ?? []) {
      const s = this.dependents.get(r.uid);
      if (s) {
        s.delete(id);
        if (s.size === 0) this.dependents.delete(r.uid);
      }
    }
    for (const r of after ?? []) {
      let s = this.dependents.get(r.uid);
      if (!s) this.dependents.set(r.uid, (s = new Set()));
      s.add(id);
    }
  }

  private dependentEntries(uid: string): { t: Table; key: string; e: Entry }[] {
    const out: { t: Table; key: string; e: Entry }[] = [];
    for (const id of this.dependents.get(uid) ?? []) {
      const i = id.indexOf('\u0000');
      const t = this.tables.get(id.slice(0, i))!;
      const key = id.slice(i + 1);
      const e = t.items.get(key);
      if (e) out.push({ t, key, e });
    }
    return out;
  }

  /** The garbage collector: dependents of a gone (or foreground-deleting) owner are deleted, or
   *  just lose the reference when another owner still exists. */
  private collect(ownerUid: string, policy: 'Background' | 'Foreground'): void {
    for (const { t, e } of this.dependentEntries(ownerUid)) {
      const m = e.object.metadata;
      const others = (m.ownerReferences ?? []).filter((r) => r.uid !== ownerUid && this.byUid.has(r.uid));
      try {
        if (others.length > 0) {
          this.patch(t.spec.resource, m.namespace, m.name!, (d) => {
            d.metadata.ownerReferences = d.metadata.ownerReferences?.filter((r) => r.uid !== ownerUid);
          });
        } else if (!m.deletionTimestamp || policy === 'Foreground') {
          this.delete(t.spec.resource, m.namespace, m.name!, { propagationPolicy: policy });
        }
      } catch (err) {
        if (!(err instanceof ApiError && err.code === 404)) console.error('garbage collection failed', err);
      }
    }
    this.maybeFinishForeground(ownerUid);
  }

  private orphanDependents(uid: string): void {
    for (const { t, e } of this.dependentEntries(uid)) {
      const m = e.object.metadata;
      this.patch(t.spec.resource, m.namespace, m.name!, (d) => {
        d.metadata.ownerReferences = d.metadata.ownerReferences?.filter((r) => r.uid !== uid);
        if (d.metadata.ownerReferences?.length === 0) delete d.metadata.ownerReferences;
      });
    }
  }

  private maybeFinishForeground(ownerUid: string): void {
    const loc = this.byUid.get(ownerUid);
    if (!loc) return;
    const e = loc.table.items.get(loc.key);
    const m = e?.object.metadata;
    if (!e || !m?.deletionTimestamp || !m.finalizers?.includes('foregroundDeletion')) return;
    if (this.dependentEntries(ownerUid).length > 0) return;
    this.patch(loc.table.spec.resource, m.namespace, m.name!, (d) => {
      d.metadata.finalizers = d.metadata.finalizers?.filter((f) => f !== 'foregroundDeletion');
    });
  }
}

/** Merge a sorted key iterator with a sorted array (disjoint). */
function* mergeSorted(a: Iterator<string>, b: string[]): Generator<string> {
  let i = 0;
  for (let r = a.next(); !r.done; r = a.next()) {
    while (i < b.length && b[i]! < r.value) yield b[i++]!;
    yield r.value;
  }
  while (i < b.length) yield b[i++]!;
}

function sameList(a: readonly string[] | undefined, b: readonly string[]): boolean {
  return (a ?? []).join('\u0000') === b.join('\u0000');
}

/** Swap the resourceVersion inside an already-serialized object; metadata is ordered so the
 *  first occurrence is the object's own. */
function withRv(json: string, oldRv: number, rv: number): string | undefined {
  const needle = `"resourceVersion":"${oldRv}"`;
  const i = json.indexOf(needle);
  if (i < 0) return undefined; // serialize lazily instead
  return `${json.slice(0, i)}"resourceVersion":"${rv}"${json.slice(i + needle.length)}`;
}
