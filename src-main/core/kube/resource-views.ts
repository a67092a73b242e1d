// The list views' backend: each open view is a WindowedQuery over the context's watch cache,
// streaming a snapshot and then deltas of projected rows for its window only.
import type { Api } from '../../contract/api';
import type { ParsedInputOf } from '../../contract/define';
import type { StreamSink } from '../../contract/server';
import { ContractError } from '../../contract/errors';
import type { ResourceRow, ResourceWindowFrame, SyncState } from '../../contract/types';
import { WindowedQuery, type SortSpec, type WindowDelta } from './cache/window';
import type { KubeObject } from './cache/types';
import type { ClusterCaches } from './clusters';
import { findKind, toRow, type KindDef } from './kinds/kinds';
import { toSyncState } from './sync-state';

/** Window deltas and list progress go out at most this often. A 100k-pod list brings a page
 *  every few milliseconds; a frame for each kept the renderer re-rendering the table (competing
 *  with the list for the CPU) for changes nobody can read that fast. Scrolling answers at once,
 *  and so does a sync state other than progress (synced, errors). */
export const PUBLISH_INTERVAL_MS = 100;

/** What a list view asks for (the contract's validated input). */
export type WindowRequest = ParsedInputOf<Api['resources.window']>;

function sortSpec(kind: KindDef, sort: string): SortSpec {
  if (sort === 'name' || sort === 'namespace' || sort === 'age') return sort;
  const column = kind.columns.find((c) => c.id === sort);
  if (!column) throw new ContractError('BAD_INPUT', `kind ${kind.id} has no column "${sort}" to sort by`);
  if (column.type === 'age') return { key: (o) => String(column.value(o as never) ?? '') };
  return {
    key: (o) => {
      const v = column.value(o as never);
      return column.type === 'num' ? (typeof v === 'number' ? v : parseFloat(String(v)) || 0) : String(v ?? '');
    },
  };
}

/** Finds a kind by id, discovering the context's kinds when needed (discovery.ts). */
export type KindResolver = (context: string, id: string) => Promise<KindDef | undefined>;

export class ResourceViews {
  private views = new Map<string, { query: WindowedQuery<ResourceRow>; push: (d: WindowDelta<ResourceRow>) => void }>();

  constructor(
    private readonly caches: ClusterCaches,
    private readonly resolveKind: KindResolver = async (_context, id) => findKind(id),
  ) {}

  async open(req: WindowRequest, sink: StreamSink<ResourceWindowFrame>): Promise<void> {
    const kind = findKind(req.kind) ?? (await this.resolveKind(req.context, req.kind));
    if (!kind) throw new ContractError('NOT_FOUND', `unknown resource kind "${req.kind}"`);
    if (this.views.has(req.viewId)) throw new ContractError('BAD_INPUT', `view ${req.viewId} is already open`);
    const sort = sortSpec(kind, req.sort);
    const handle = await this.caches.acquire(req.context, kind).catch((err: Error) => {
      throw new ContractError('UNAVAILABLE', err.message);
    });
    if (sink.signal.aborted) return handle.release();
    sink.push({ type: 'state', state: toSyncState(handle.state()) });

    const project = (o: KubeObject) => toRow(kind, o);
    const push = (d: WindowDelta<ResourceRow>) =>
      sink.push({
        type: 'delta',
        total: d.total,
        offset: d.offset,
        removed: d.removed,
        inserted: d.inserted.map(({ index, row }) => ({ index, row })),
        changed: d.changed.map(({ index, row }) => ({ index, row })),
      });
    const query = new WindowedQuery<ResourceRow>(handle.store, {
      filter: { namespaces: kind.namespaced ? req.namespaces : undefined, nameContains: req.name, labelSelector: req.labelSelector },
      sort,
      descending: req.descending,
      project,
      window: { offset: req.offset, limit: req.limit },
      onChange: () => schedule(false),
    });
    this.views.set(req.viewId, { query, push });
    const snap = query.snapshot();
    sink.push({ type: 'snapshot', total: snap.total, offset: snap.offset, rows: snap.rows.map((r) => r.row) });

    // Changes and progress since the last frame go out together, the window's delta first.
    let pendingState: SyncState | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let lastPublished = 0;
    const publish = () => {
      clearTimeout(timer);
      timer = undefined;
      lastPublished = Date.now();
      const delta = query.takeDelta();
      if (delta) push(delta);
      if (pendingState) sink.push({ type: 'state', state: pendingState });
      pendingState = undefined;
    };
    const schedule = (now: boolean) => {
      if (now) return publish();
      timer ??= setTimeout(publish, Math.max(0, lastPublished + PUBLISH_INTERVAL_MS - Date.now()));
    };
    const stopState = handle.onState((state) => {
      pendingState = toSyncState(state);
      if (state.phase === 'listing') return schedule(false);
      // The list's last page may still wait in the store's batch: deliver it before saying "synced".
      handle.store.flush();
      schedule(true);
    });
    sink.signal.addEventListener('abort', () => {
      clearTimeout(timer);
      this.views.delete(req.viewId);
      query.dispose();
      stopState();
      handle.release();
    });
  }

  scroll(viewId: string, offset: number, limit: number) {
    const view = this.views.get(viewId);
    if (!view) throw new ContractError('NOT_FOUND', `no open view ${viewId}`);
    const delta = view.query.setWindow({ offset, limit });
    if (delta) view.push(delta);
    return { ok: true as const };
  }
}
