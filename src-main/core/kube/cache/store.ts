// The object store of one watched resource: objects keyed by uid (namespace/name when an object
// has none), secondary indexes, and batched deltas for subscribers. Objects are stored as parsed
// (after the ingest transform) and handed out by reference: callers must treat them as
// immutable. That is what keeps 100k pods and 1,000 events/s cheap: no cloning, no O(n) work per
// event, one delivery per event-loop turn.
import type { KubeObject, WatchEventType } from './types';

export interface Delta {
  type: WatchEventType;
  key: string;
  object: KubeObject;
  /** The previous object, for MODIFIED and DELETED. */
  old?: KubeObject;
}

export type DeltaListener = (batch: readonly Delta[]) => void;
/** Values an object is indexed under (none: undefined or []). */
export type IndexFn = (obj: KubeObject) => string | readonly string[] | undefined;
/** Applied to every object as it enters the store; may mutate the freshly parsed object. */
export type Transform = (obj: KubeObject) => KubeObject;

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** Drops what no view needs and what costs most memory: managedFields and the last-applied
 *  annotation (often a full copy of the object). Mutates: the object was just parsed. */
export function stripHeavyMetadata(obj: KubeObject): KubeObject {
  const meta = obj.metadata;
  if (meta.managedFields !== undefined) delete meta.managedFields;
  const ann = meta.annotations;
  if (ann && LAST_APPLIED in ann) {
    delete ann[LAST_APPLIED];
    if (Object.keys(ann).length === 0) delete meta.annotations;
  }
  return obj;
}

function nodeNameOf(obj: KubeObject): string | undefined {
  const spec = obj.spec;
  if (typeof spec === 'object' && spec !== null && 'nodeName' in spec) {
    const n = (spec as { nodeName?: unknown }).nodeName;
    return typeof n === 'string' && n !== '' ? n : undefined;
  }
  return undefined;
}

/** The indexes every store keeps: by namespace, label key=value, owner uid and node name. */
export const defaultIndexers: Readonly<Record<'namespace' | 'label' | 'owner' | 'node', IndexFn>> = {
  namespace: (o) => o.metadata.namespace,
  label: (o) => {
    const labels = o.metadata.labels;
    if (!labels) return undefined;
    const out: string[] = [];
    for (const k in labels) out.push(`${k}=${labels[k]}`);
    return out;
  },
  owner: (o) => o.metadata.ownerReferences?.map((r) => r.uid),
  node: nodeNameOf,
};

const nameKeyOf = (obj: KubeObject) => `${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`;

export function objectKey(obj: KubeObject): string {
  const m = obj.metadata;
  return m.uid ?? (m.namespace ? `${m.namespace}/${m.name ?? ''}` : (m.name ?? ''));
}

interface Entry {
  object: KubeObject;
  /** The list epoch in which this entry was last seen; entries of older epochs vanish at the end of a relist. */
  epoch: number;
}

export interface ObjectStoreOptions {
  transform?: Transform;
  /** Extra indexes besides the defaults. */
  indexers?: Record<string, IndexFn>;
  /** How deltas are batched: default one delivery per event-loop turn (setImmediate). */
  schedule?: (flush: () => void) => void;
}

const EMPTY: readonly string[] = [];
function asList(v: string | readonly string[] | undefined): readonly string[] {
  return v === undefined ? EMPTY : typeof v === 'string' ? [v] : v;
}

export class ObjectStore {
  private readonly entries = new Map<string, Entry>();
  /** "namespace/name" -> key; like the indexes, built on first use (lists never ask by name). */
  private byName: Map<string, string> | undefined;
  private readonly indexers: Record<string, IndexFn>;
  /** Indexes are built on first use and maintained from then on: a kind whose consumers never
   *  ask by label or owner (the pods list) does not pay for those at 100k objects. */
  private readonly indexes = new Map<string, Map<string, Set<string>>>();
  private readonly indexList: Array<[IndexFn, Map<string, Set<string>>]> = [];
  private readonly transform: Transform;
  private readonly schedule: (flush: () => void) => void;
  private listeners = new Set<DeltaListener>();
  private pending: Delta[] = [];
  private scheduled = false;
  private epoch = 0;

  constructor(opts: ObjectStoreOptions = {}) {
    this.transform = opts.transform ?? stripHeavyMetadata;
    this.indexers = { ...defaultIndexers, ...opts.indexers };
    this.schedule = opts.schedule ?? ((f) => setImmediate(f));
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): KubeObject | undefined {
    return this.entries.get(key)?.object;
  }

  getByName(namespace: string | undefined, name: string): KubeObject | undefined {
    if (!this.byName) {
      this.byName = new Map();
      for (const [key, e] of this.entries) this.byName.set(nameKeyOf(e.object), key);
    }
    const key = this.byName.get(`${namespace ?? ''}/${name}`);
    return key === undefined ? undefined : this.get(key);
  }

  *list(): IterableIterator<KubeObject> {
    for (const e of this.entries.values()) yield e.object;
  }

  *items(): IterableIterator<[string, KubeObject]> {
    for (const [k, e] of this.entries) yield [k, e.object];
  }

  /** Objects indexed under `value` in index `index` ('namespace', 'label' with "k=v", 'owner', 'node', or a custom one). */
  byIndex(index: string, value: string): KubeObject[] {
    const keys = this.indexOf(index).get(value);
    const out: KubeObject[] = [];
    if (keys) for (const k of keys) out.push(this.entries.get(k)!.object);
    return out;
  }

  countByIndex(index: string, value: string): number {
    return this.indexOf(index).get(value)?.size ?? 0;
  }

  /** Every value of an index that currently has objects (e.g. the namespaces in use). */
  indexValues(index: string): string[] {
    return [...this.indexOf(index).keys()];
  }

  /** Deltas are delivered in batches; pending ones are flushed first so a new subscriber that
   *  reads the current contents right after subscribing sees each change exactly once. */
  subscribe(listener: DeltaListener): () => void {
    this.flush();
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Delivers pending deltas now. */
  flush(): void {
    this.scheduled = false;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    for (const l of this.listeners) l(batch);
  }

  // ---- ingest (called by the reflector)

  /** A watch event. */
  apply(type: WatchEventType, raw: KubeObject): void {
    const obj = this.transform(raw);
    const key = objectKey(obj);
    const prev = this.entries.get(key);
    if (type === 'DELETED') {
      if (prev) this.remove(key, prev.object, obj);
      return;
    }
    this.upsert(key, obj, prev);
  }

  /** Starts a relist: objects not seen by finishReplace() are deleted then (like client-go's Replace). */
  beginReplace(): void {
    this.epoch++;
  }

  /** One page of the list: upserts, emitting ADDED for new and MODIFIED for changed RVs only. */
  replacePage(items: readonly KubeObject[]): void {
    for (const raw of items) {
      const obj = this.transform(raw);
      const key = objectKey(obj);
      this.upsert(key, obj, this.entries.get(key));
    }
  }

  /** Ends a relist: everything not listed since beginReplace() vanished on the server. */
  finishReplace(): void {
    const gone: string[] = [];
    for (const [k, e] of this.entries) if (e.epoch !== this.epoch) gone.push(k);
    for (const k of gone) {
      const obj = this.entries.get(k)!.object;
      this.remove(k, obj, obj);
    }
  }

  /** Drops everything without deltas (the cache was released). */
  clear(): void {
    this.entries.clear();
    this.byName?.clear();
    for (const idx of this.indexes.values()) idx.clear();
    this.pending = [];
  }

  // ---- internals

  private indexOf(index: string): Map<string, Set<string>> {
    let idx = this.indexes.get(index);
    if (idx) return idx;
    const fn = this.indexers[index];
    if (!fn) throw new Error(`no index named "${index}"`);
    idx = new Map();
    for (const [key, e] of this.entries) {
      for (const v of asList(fn(e.object))) {
        let set = idx.get(v);
        if (!set) idx.set(v, (set = new Set()));
        set.add(key);
      }
    }
    this.indexes.set(index, idx);
    this.indexList.push([fn, idx]);
    return idx;
  }

  private upsert(key: string, obj: KubeObject, prev: Entry | undefined): void {
    if (prev) {
      prev.epoch = this.epoch;
      const old = prev.object;
      if (old.metadata.resourceVersion !== undefined && old.metadata.resourceVersion === obj.metadata.resourceVersion) return;
      prev.object = obj;
      this.reindex(key, old, obj);
      this.push({ type: 'MODIFIED', key, object: obj, old });
      return;
    }
    this.entries.set(key, { object: obj, epoch: this.epoch });
    this.byName?.set(nameKeyOf(obj), key);
    this.reindex(key, undefined, obj);
    this.push({ type: 'ADDED', key, object: obj });
  }

  private remove(key: string, old: KubeObject, last: KubeObject): void {
    this.entries.delete(key);
    if (this.byName) {
      const nameKey = nameKeyOf(old);
      if (this.byName.get(nameKey) === key) this.byName.delete(nameKey);
    }
    this.reindex(key, old, undefined);
    this.push({ type: 'DELETED', key, object: last, old });
  }

  private reindex(key: string, old: KubeObject | undefined, obj: KubeObject | undefined): void {
    if (this.indexList.length === 0) return;
    for (const [fn, idx] of this.indexList) {
      const before = old ? asList(fn(old)) : EMPTY;
      const after = obj ? asList(fn(obj)) : EMPTY;
      if (before.length === after.length && before.every((v, i) => v === after[i])) continue;
      for (const v of before) {
        if (after.includes(v)) continue;
        const set = idx.get(v);
        if (set) {
          set.delete(key);
          if (set.size === 0) idx.delete(v);
        }
      }
      for (const v of after) {
        if (before.includes(v)) continue;
        let set = idx.get(v);
        if (!set) idx.set(v, (set = new Set()));
        set.add(key);
      }
    }
  }

  private push(d: Delta): void {
    if (this.listeners.size === 0) return; // nobody listens: no batch to build
    this.pending.push(d);
    if (!this.scheduled) {
      this.scheduled = true;
      this.schedule(() => this.flush());
    }
  }
}
