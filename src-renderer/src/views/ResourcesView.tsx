// Every resource kind as a live, sortable, filterable, virtualized list. Only the rows on screen
// (plus a margin) cross from the backend; scrolling moves the window.
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useMemo, useRef, type CSSProperties } from 'react';
import type { KindInfo, ResourceRow, SyncState } from '../../../src-main/contract/types';
import { useKinds } from '../api/useKinds';
import { useResourceWindow } from '../api/useResourceWindow';
import { useContexts } from '../app/contexts';
import { useRoute } from '../app/route';
import { formatAge, useNow } from '../components/age';
import { HealthDot } from '../components/HealthBadge';
import { kindTitle } from './kind-title';
import { objectHref } from './ObjectView';

const rowHeight = 28;
const overscan = 5;

function syncText(state: SyncState | undefined, total: number): { text: string; tone: 'ok' | 'busy' | 'error' } {
  if (!state) return { text: 'Connecting…', tone: 'busy' };
  switch (state.phase) {
    case 'listing':
      return { text: `Loading… ${state.count ?? 0} listed`, tone: 'busy' };
    case 'synced':
    case 'watching':
      return { text: `${total.toLocaleString()} · live`, tone: 'ok' };
    case 'forbidden':
      return { text: `Forbidden: you may not ${state.verb} ${state.resource}${state.namespace ? ` in ${state.namespace}` : ''}`, tone: 'error' };
    case 'backoff':
      return { text: `${state.message ?? 'Watch failed'} — retrying in ${Math.ceil((state.retryInMs ?? 0) / 1000)} s`, tone: 'error' };
    default:
      return { text: state.phase, tone: 'busy' };
  }
}

export function ResourcesView() {
  const route = useRoute();
  const { selected: context } = useContexts();
  const kinds = useKinds(context);
  const kindId = route.params.get('kind') ?? 'pods';
  const kind = kinds.data?.find((k) => k.id === kindId);
  const namespace = route.params.get('ns') ?? undefined;
  const sort = route.params.get('sort') ?? 'name';
  const descending = route.params.get('desc') === '1';
  const name = route.params.get('q') ?? '';
  const selector = route.params.get('sel') ?? '';
  const filterInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === '/' && document.activeElement?.tagName !== 'INPUT') {
        e.preventDefault();
        filterInput.current?.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  // The window opens at once from the route's kind id, not after the kinds list (which waits
  // for the cluster's discovery): the backend resolves the kind itself and ignores a namespace
  // filter on cluster-scoped kinds, so listing starts while the page is still learning columns.
  const query = useMemo(
    () => (context ? { context, kind: kindId, namespaces: namespace ? [namespace] : undefined, name: name || undefined, labelSelector: selector || undefined, sort, descending } : undefined),
    [context, kindId, namespace, name, selector, sort, descending],
  );
  const { view, showRange } = useResourceWindow(query);

  if (kinds.error) return <div className="notice error">Cannot load resource kinds: {kinds.error.message}</div>;
  if (!context) return <div className="notice warn">Pick a context first (Contexts page).</div>;
  if (kinds.data && !kind) return <div className="notice error">Unknown resource kind “{kindId}”.</div>;
  if (!kind) return <div className="notice">Loading…</div>;

  const status = syncText(view.state, view.total);
  const toggleSort = (id: string) => route.setParams({ sort: id === 'name' ? undefined : id, desc: sort === id && !descending ? '1' : undefined });
  return (
    <section className="view resources">
      <header className="view-header">
        <h1>{kindTitle(kind)}</h1>
        <span className={`sync ${status.tone}`} data-testid="sync-state" data-phase={view.state?.phase ?? 'none'}>
          {status.text}
        </span>
      </header>
      <div className="filters">
        <input ref={filterInput} aria-label="Filter by name" placeholder="Filter by name  ( / )" defaultValue={name} onChange={(e) => route.setParams({ q: e.target.value || undefined })} />
        <input aria-label="Label selector" placeholder="Label selector, e.g. app=web,tier!=db" defaultValue={selector} onChange={(e) => route.setParams({ sel: e.target.value || undefined })} className="selector" />
      </div>
      {view.error && (
        <div className="notice error" role="alert">
          {view.error.message}
        </div>
      )}
      {view.state?.phase === 'forbidden' && (
        <div className="notice error" role="alert" data-testid="forbidden">
          {view.state.message}
        </div>
      )}
      <ResourceTable kind={kind} showNamespace={kind.namespaced && !namespace} view={view} showRange={showRange} sort={sort} descending={descending} onSort={toggleSort} context={context} />
    </section>
  );
}


function ResourceTable(props: {
  kind: KindInfo;
  context: string;
  showNamespace: boolean;
  view: ReturnType<typeof useResourceWindow>['view'];
  showRange(start: number, end: number): void;
  sort: string;
  descending: boolean;
  onSort(id: string): void;
}) {
  const { kind, view } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const now = useNow();
  // eslint-disable-next-line react-hooks/incompatible-library -- no React Compiler here; the virtualizer re-renders us itself
  const virtualizer = useVirtualizer({ count: view.total, getScrollElement: () => scroller.current, estimateSize: () => rowHeight, overscan });
  const items = virtualizer.getVirtualItems();
  // Rows are recycled: each sits in a slot (its index modulo a pool as large as the viewport can
  // show) and keeps its elements, so scrolling rewrites a leaving row's text for an entering one
  // instead of creating and removing element trees. Listed in slot order, the elements never
  // move in the DOM either; `top` places them (aria-rowindex tells their order). Positioned by
  // top rather than a transform each, rows add no paint chunks of their own (less to layerize).
  const pool = Math.max(items.length, Math.ceil((virtualizer.scrollRect?.height ?? 0) / rowHeight) + 2 * overscan + 2);
  const slots = [...items].sort((a, b) => (a.index % pool) - (b.index % pool));
  const first = items[0]?.index ?? 0;
  const last = items.at(-1)?.index ?? 0;
  const { showRange } = props;
  useEffect(() => {
    if (view.total > 0) showRange(first, last + 1);
  }, [first, last, view.total, showRange]);

  const columns = [{ id: 'name', title: 'Name', type: 'text' as const }, ...(props.showNamespace ? [{ id: 'namespace', title: 'Namespace', type: 'text' as const }] : []), ...kind.columns];
  // The column template is set once, as a variable the header and every row use: rows carry no
  // inline grid template (each row entering the view would have its style parsed again).
  const tableStyle = useMemo(
    () =>
      ({
        '--rtable-columns': `28px minmax(220px, 2.5fr) ${props.showNamespace ? 'minmax(110px, 1fr) ' : ''}${kind.columns.map((c) => (c.id === 'message' ? 'minmax(240px, 4fr)' : c.type === 'num' || c.type === 'age' ? 'minmax(70px, 0.6fr)' : 'minmax(90px, 1fr)')).join(' ')}`,
      }) as CSSProperties,
    [kind.columns, props.showNamespace],
  );
  // Rows only depend on the clock through an age column.
  const rowNow = kind.columns.some((c) => c.type === 'age') ? now : 0;

  return (
    <div className="rtable" role="table" aria-label={`${kind.kind} list`} aria-rowcount={view.total} style={tableStyle}>
      <div className="rtable-head" role="row">
        <span role="columnheader" />
        {columns.map((c) => (
          <button key={c.id} role="columnheader" className={`th ${props.sort === c.id ? 'sorted' : ''}`} onClick={() => props.onSort(c.id)} aria-sort={props.sort === c.id ? (props.descending ? 'descending' : 'ascending') : 'none'}>
            {c.title}
            {props.sort === c.id ? (props.descending ? ' ▼' : ' ▲') : ''}
          </button>
        ))}
      </div>
      <div ref={scroller} className="rtable-body" data-testid="resource-rows">
        {view.loaded && view.total === 0 && <div className="empty muted">No {kindTitle(kind).toLowerCase()} match.</div>}
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {slots.map((item) => (
            <RowView key={item.index % pool} index={item.index} start={item.start} row={view.rows[item.index - view.offset]} kind={kind} showNamespace={props.showNamespace} now={rowNow} />
          ))}
        </div>
      </div>
    </div>
  );
}

function openRow(kindId: string, row: ResourceRow) {
  location.hash = objectHref(new URLSearchParams(location.hash.split('?')[1] ?? ''), { kindId, namespace: row.namespace, name: row.name });
}

const RowView = memo(function RowView({ index, start, row, kind, showNamespace, now }: { index: number; start: number; row: ResourceRow | undefined; kind: KindInfo; showNamespace: boolean; now: number }) {
  return (
    <div
      role="row"
      className="rtable-row"
      data-name={row?.name}
      tabIndex={row ? 0 : -1}
      onClick={() => row && openRow(kind.id, row)}
      onKeyDown={(e) => {
        if (e.key === 'Enter' && row) openRow(kind.id, row);
      }}
      style={{ top: start }}
      aria-rowindex={index + 1}
    >
      {row ? (
        <>
          <span role="cell">
            <HealthDot health={row.health} />
          </span>
          <span role="cell" className="name" title={row.name}>
            {row.name}
          </span>
          {showNamespace && <span role="cell">{row.namespace}</span>}
          {kind.columns.map((c, i) => {
            const v = row.cells[i];
            const text = c.type === 'age' ? formatAge(v as string | null, now) : v === null || v === undefined ? '' : String(v);
            return (
              <span role="cell" key={c.id} className={c.type === 'num' ? 'num' : undefined} title={text}>
                {text}
              </span>
            );
          })}
        </>
      ) : (
        <span className="muted placeholder">…</span>
      )}
    </div>
  );
});
