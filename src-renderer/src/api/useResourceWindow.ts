// A live window onto one kind's rows: opens a resources.window stream, applies its snapshot and
// deltas, and moves the window (resources.scroll) as the user scrolls. Rows are kept by absolute
// index, so a virtualized table can ask for any row in the current window.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Api } from '../../../src-main/contract/api';
import type { ClientError } from '../../../src-main/contract/client';
import type { InputOf } from '../../../src-main/contract/define';
import type { ResourceRow, ResourceWindowFrame, SyncState } from '../../../src-main/contract/types';
import { client } from './client';

/** A list view's query: the contract's window input, less what the hook manages itself. */
export type WindowQuery = Omit<InputOf<Api['resources.window']>, 'viewId' | 'offset' | 'limit'>;

export interface WindowView {
  total: number;
  offset: number;
  rows: ResourceRow[];
  state?: SyncState;
  error?: ClientError;
  /** Rows dropped by the stream (never for windows, which fail instead of dropping). */
  loaded: boolean;
}

const initial: WindowView = { total: 0, offset: 0, rows: [], loaded: false };

export function applyFrame(view: WindowView, frame: ResourceWindowFrame): WindowView {
  switch (frame.type) {
    case 'state':
      return { ...view, state: frame.state };
    case 'snapshot':
      return { ...view, total: frame.total, offset: frame.offset, rows: frame.rows, loaded: true };
    case 'delta': {
      const removed = new Set(frame.removed);
      const rows = removed.size ? view.rows.filter((r) => !removed.has(r.key)) : [...view.rows];
      for (const ins of frame.inserted) rows.splice(ins.index, 0, ins.row);
      for (const ch of frame.changed) rows[ch.index] = ch.row;
      return { ...view, total: frame.total, offset: frame.offset, rows, loaded: true };
    }
  }
}

const newViewId = () => `v-${crypto.randomUUID()}`;

export function useResourceWindow(query: WindowQuery | undefined, pageSize = 150) {
  const key = JSON.stringify(query ?? null);
  // The view belongs to one query: frames of a previous query never mix into a new one.
  const [state, setState] = useState<{ key: string; view: WindowView }>({ key, view: initial });
  const viewId = useRef<string>('');
  const wanted = useRef({ offset: 0, limit: pageSize });

  useEffect(() => {
    if (key === 'null') return;
    const id = newViewId();
    viewId.current = id;
    const update = (f: (v: WindowView) => WindowView) => setState((s) => ({ key, view: f(s.key === key ? s.view : initial) }));
    const parsed = JSON.parse(key) as WindowQuery;
    return client.subscribe('resources.window', { viewId: id, ...parsed, offset: wanted.current.offset, limit: wanted.current.limit }, {
      onData: (frames) => update((v) => frames.reduce(applyFrame, v)),
      onError: (error) => update((v) => ({ ...v, error })),
      onRestart: () => update(() => initial),
    });
  }, [key]);

  /** Called by the table with the visible row range; keeps a margin loaded around it. */
  const showRange = useCallback(
    (start: number, end: number) => {
      const margin = pageSize;
      const offset = Math.max(0, start - margin);
      const limit = Math.min(1000, end - start + 2 * margin);
      const cur = wanted.current;
      // Only move when the visible range nears the loaded edge: scrolling stays cheap.
      if (start >= cur.offset + 20 && end <= cur.offset + cur.limit - 20 && (cur.offset === offset || start - cur.offset > 10)) return;
      wanted.current = { offset, limit };
      if (viewId.current) void client.call('resources.scroll', { viewId: viewId.current, offset, limit }).catch(() => undefined);
    },
    [pageSize],
  );

  return { view: state.key === key ? state.view : initial, showRange };
}
