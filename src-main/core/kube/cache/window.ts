// The windowed query behind every list view: the filtered, sorted rows of one store kept up to
// date incrementally (binary-search insert/remove in a sorted array, O(log n) search per delta),
// and for the visible window only, deltas of projected rows. The renderer never receives the
// whole list: it gets the total count, the rows that entered or left the window and those that
// changed.
import { labelMatcher, parseLabelSelector, type LabelMatcher } from './label-selector';
import type { Delta, ObjectStore } from './store';
import type { KubeObject } from './types';

export type SortSpec = 'name' | 'namespace' | 'age' | { key: (obj: KubeObject) => string | number };

export interface QueryFilter {
  /** Only these namespaces (empty or unset: all). */
  namespaces?: Iterable<string>;
  /** Case-insensitive substring of metadata.name. */
  nameContains?: string;
  /** kubectl syntax: `app=web,tier in (a,b),!canary`. */
  labelSelector?: string;
  status?: (obj: KubeObject) => boolean;
}

export interface WindowRange {
  offset: number;
  limit: number;
}

export interface WindowRow<Row> {
  key: string;
  row: Row;
}

/** Applying it: drop `removed` keys from the old window, then insert each `inserted` row at its
 *  index (ascending), then replace the `changed` rows. The result is the new window. */
export interface WindowDelta<Row> {
  total: number;
  offset: number;
  removed: string[];
  inserted: Array<{ index: number; key: string; row: Row }>;
  changed: Array<{ index: number; key: string; row: Row }>;
}

export interface WindowSnapshot<Row> {
  total: number;
  offset: number;
  rows: WindowRow<Row>[];
}

export interface WindowedQueryOptions<Row> {
  filter?: QueryFilter;
  sort?: SortSpec;
  /** Reverses the sort ('age' ascending means youngest first). */
  descending?: boolean;
  /** Maps an object to the small row that crosses to the renderer. */
  project: (obj: KubeObject) => Row;
  window: WindowRange;
  /** Called with the window's delta after each batch of store changes. */
  onDelta?: (delta: WindowDelta<Row>) => void;
  /** Instead of onDelta: told that the window may have changed; the owner calls takeDelta()
   *  when it wants to send (coalescing many batches, e.g. the pages of a list, into one delta). */
  onChange?: () => void;
}

export interface SortItem {
  key: string;
  sort: string | number;
  /** Ties are broken by namespace, name, then key: a total order, so positions are deterministic.
   *  (Kept as the object's own strings: no concatenated key per object.) */
  ns: string;
  name: string;
  obj: KubeObject;
}

/** Above this many deltas in one batch (e.g. a relist), re-sorting beats one splice per delta. */
const REBUILD_MIN = 2_000;
/** From this many deltas in one batch (e.g. a list page of 500), one merge pass beats one splice per delta. */
const MERGE_MIN = 16;

export function compileFilter(filter: QueryFilter = {}): (obj: KubeObject) => boolean {
  const namespaces = filter.namespaces ? new Set(filter.namespaces) : undefined;
  const ns = namespaces && namespaces.size > 0 ? namespaces : undefined;
  const needle = filter.nameContains ? filter.nameContains.toLowerCase() : undefined;
  const labels: LabelMatcher | undefined = filter.labelSelector?.trim() ? labelMatcher(parseLabelSelector(filter.labelSelector)) : undefined;
  const status = filter.status;
  return (obj) => {
    const m = obj.metadata;
    if (ns && !ns.has(m.namespace ?? '')) return false;
    if (needle && !(m.name ?? '').toLowerCase().includes(needle)) return false;
    if (labels && !labels(m.labels)) return false;
    if (status && !status(obj)) return false;
    return true;
  };
}

function sortValueFn(sort: SortSpec): (obj: KubeObject) => string | number {
  if (typeof sort === 'object') return sort.key;
  switch (sort) {
    case 'name':
      return (o) => o.metadata.name ?? '';
    case 'namespace':
      return (o) => o.metadata.namespace ?? '';
    case 'age':
      return (o) => o.metadata.creationTimestamp ?? '';
  }
}

/** The comparator shared by the query and its tests' oracle. */
export function itemComparator(sort: SortSpec, descending: boolean): (a: SortItem, b: SortItem) => number {
  // Youngest first is "age ascending": newest creationTimestamp first.
  const dir = (sort === 'age' ? -1 : 1) * (descending ? -1 : 1);
  return (a, b) => {
    if (a.sort !== b.sort) return (a.sort < b.sort ? -1 : 1) * dir;
    if (a.ns !== b.ns) return a.ns < b.ns ? -1 : 1;
    if (a.name !== b.name) return a.name < b.name ? -1 : 1;
    return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
  };
}

export class WindowedQuery<Row> {
  private readonly matches: (obj: KubeObject) => boolean;
  private readonly sortValue: (obj: KubeObject) => string | number;
  private readonly cmp: (a: SortItem, b: SortItem) => number;
  private readonly project: (obj: KubeObject) => Row;
  private readonly onDelta: ((delta: WindowDelta<Row>) => void) | undefined;
  private readonly onChange: (() => void) | undefined;
  /** Keys changed in place since the last delta (their rows are re-projected if still shown). */
  private pendingChanged = new Set<string>();
  private items: SortItem[] = [];
  /** Bulk changes (list pages) not merged into `items` yet: merged once when positions are
   *  needed, so the pages of a list that arrive between two deltas cost one merge pass. */
  private pendingAdds: SortItem[] = [];
  private readonly pendingDrops = new Set<SortItem>();
  private readonly byKey = new Map<string, SortItem>();
  private range: WindowRange;
  private windowKeys: string[] = [];
  private windowRows = new Map<string, Row>();
  private lastTotal = 0;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly store: ObjectStore,
    opts: WindowedQueryOptions<Row>,
  ) {
    this.matches = compileFilter(opts.filter);
    const sort = opts.sort ?? 'name';
    this.sortValue = sortValueFn(sort);
    this.cmp = itemComparator(sort, opts.descending ?? false);
    this.project = opts.project;
    this.onDelta = opts.onDelta;
    this.onChange = opts.onChange;
    this.range = normalize(opts.window);
    // subscribe() flushes pending deltas first, so the contents read next are exactly the
    // state before the first batch we will receive.
    this.unsubscribe = store.subscribe((batch) => this.onBatch(batch));
    for (const [key, obj] of store.items()) if (this.matches(obj)) this.byKey.set(key, this.itemOf(key, obj));
    this.items = [...this.byKey.values()].sort(this.cmp);
    this.windowKeys = this.items.slice(this.range.offset, this.range.offset + this.range.limit).map((i) => i.key);
    for (const k of this.windowKeys) this.windowRows.set(k, this.project(this.byKey.get(k)!.obj));
    this.lastTotal = this.items.length;
  }

  get total(): number {
    this.settle();
    return this.items.length;
  }

  snapshot(): WindowSnapshot<Row> {
    this.settle();
    return { total: this.items.length, offset: this.range.offset, rows: this.windowKeys.map((key) => ({ key, row: this.windowRows.get(key)! })) };
  }

  /** Moves or resizes the window (scrolling); returns the delta, if any (not sent to onDelta),
   *  including changes not taken yet. */
  setWindow(range: WindowRange): WindowDelta<Row> | undefined {
    this.range = normalize(range);
    return this.takeDelta();
  }

  /** The window's delta since the last one sent (undefined: nothing changed). */
  takeDelta(): WindowDelta<Row> | undefined {
    const changed = this.pendingChanged;
    this.pendingChanged = new Set();
    return this.recompute(changed);
  }

  /** Position of an object in the filtered, sorted list (-1: not in it); for "scroll to". */
  indexOf(key: string): number {
    this.settle();
    const item = this.byKey.get(key);
    return item ? this.lowerBound(item) : -1;
  }

  dispose(): void {
    this.unsubscribe();
    this.items = [];
    this.pendingAdds = [];
    this.pendingDrops.clear();
    this.byKey.clear();
    this.windowRows.clear();
  }

  private itemOf(key: string, obj: KubeObject): SortItem {
    const m = obj.metadata;
    return { key, sort: this.sortValue(obj), ns: m.namespace ?? '', name: m.name ?? '', obj };
  }

  /** Merges pending bulk changes into the sorted list. */
  private settle(): void {
    if (this.pendingAdds.length === 0 && this.pendingDrops.size === 0) return;
    this.merge(this.pendingDrops, this.pendingAdds);
    this.pendingAdds = [];
    this.pendingDrops.clear();
  }

  private lowerBound(item: SortItem): number {
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cmp(this.items[mid]!, item) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private onBatch(batch: readonly Delta[]): void {
    const changed = this.pendingChanged;
    const rebuild = batch.length >= REBUILD_MIN && batch.length * 8 > this.items.length + this.pendingAdds.length;
    // Each splice moves half the list on average: a list page of 500 into 100k rows moved 25M
    // slots. In bulk, removals and insertions are collected and applied in one merge pass, when
    // positions are next needed (settle).
    const bulk = !rebuild && batch.length >= MERGE_MIN;
    if (!rebuild && !bulk) this.settle();
    const dropped = this.pendingDrops;
    const added = this.pendingAdds;
    for (const d of batch) {
      const prev = this.byKey.get(d.key);
      const keep = d.type !== 'DELETED' && this.matches(d.object);
      if (!prev && !keep) continue;
      if (prev && keep) changed.add(d.key);
      const next = keep ? this.itemOf(d.key, d.object) : undefined;
      if (rebuild) {
        if (next) this.byKey.set(d.key, next);
        else this.byKey.delete(d.key);
        continue;
      }
      if (prev && next && prev.sort === next.sort && prev.ns === next.ns && prev.name === next.name) {
        prev.obj = next.obj; // same position: no move
        continue;
      }
      if (bulk) {
        if (prev) {
          dropped.add(prev);
          this.byKey.delete(d.key);
        }
        if (next) {
          added.push(next);
          this.byKey.set(d.key, next);
        }
        continue;
      }
      if (prev) {
        this.items.splice(this.lowerBound(prev), 1);
        this.byKey.delete(d.key);
      }
      if (next) {
        this.items.splice(this.lowerBound(next), 0, next);
        this.byKey.set(d.key, next);
      }
    }
    if (rebuild) {
      // The keyed items are the truth: pending changes are in them already.
      this.items = [...this.byKey.values()].sort(this.cmp);
      this.pendingAdds = [];
      this.pendingDrops.clear();
    }
    if (this.onChange) return this.onChange();
    const delta = this.takeDelta();
    if (delta) this.onDelta?.(delta);
  }

  /** Drops `dropped` from the sorted list and merges `added` in (items added and dropped again before a merge cancel out). */
  private merge(dropped: ReadonlySet<SortItem>, added: SortItem[]): void {
    const kept = dropped.size ? this.items.filter((i) => !dropped.has(i)) : this.items;
    const ins = (dropped.size ? added.filter((i) => !dropped.has(i)) : added).sort(this.cmp);
    if (!ins.length) {
      this.items = kept;
      return;
    }
    const out: SortItem[] = [];
    let from = 0;
    for (const item of ins) {
      let lo = from;
      let hi = kept.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (this.cmp(kept[mid]!, item) < 0) lo = mid + 1;
        else hi = mid;
      }
      for (let i = from; i < lo; i++) out.push(kept[i]!);
      out.push(item);
      from = lo;
    }
    for (let i = from; i < kept.length; i++) out.push(kept[i]!);
    this.items = out;
  }

  private recompute(changed: ReadonlySet<string>): WindowDelta<Row> | undefined {
    this.settle();
    const { offset, limit } = this.range;
    const end = Math.min(this.items.length, offset + limit);
    const next: string[] = [];
    for (let i = offset; i < end; i++) next.push(this.items[i]!.key);
    const oldKeys = this.windowKeys;
    const nextSet = new Set(next);
    const removed = new Set<string>();
    for (const k of oldKeys) if (!nextSet.has(k)) removed.add(k);
    // Keys in both windows keep their place when their relative order is unchanged; any that
    // moved are sent as removed + inserted.
    const kept = oldKeys.filter((k) => !removed.has(k));
    const moved = new Set<string>();
    const inserted: WindowDelta<Row>['inserted'] = [];
    const changedRows: WindowDelta<Row>['changed'] = [];
    let p = 0;
    const oldSet = new Set(kept);
    next.forEach((key, index) => {
      if (oldSet.has(key)) {
        while (p < kept.length && moved.has(kept[p]!)) p++;
        if (kept[p] === key) {
          p++;
          if (changed.has(key)) {
            const row = this.project(this.byKey.get(key)!.obj);
            this.windowRows.set(key, row);
            changedRows.push({ index, key, row });
          }
          return;
        }
        moved.add(key);
        removed.add(key);
      }
      const row = this.project(this.byKey.get(key)!.obj);
      this.windowRows.set(key, row);
      inserted.push({ index, key, row });
    });
    for (const k of removed) if (!nextSet.has(k)) this.windowRows.delete(k);
    this.windowKeys = next;
    const total = this.items.length;
    if (removed.size === 0 && inserted.length === 0 && changedRows.length === 0 && total === this.lastTotal) return undefined;
    this.lastTotal = total;
    return { total, offset, removed: [...removed], inserted, changed: changedRows };
  }
}

function normalize(r: WindowRange): WindowRange {
  return { offset: Math.max(0, Math.floor(r.offset)), limit: Math.max(0, Math.floor(r.limit)) };
}
