// Aggregated logs of many pods: a virtualized list (not a terminal), pod colors, level badges,
// JSON fields on click, backend-side filters, follow mode that pauses when you scroll up,
// stream states (a lost stream is never mistaken for a quiet pod), export of everything that
// matches.
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { ClientError } from '../../../../src-main/contract/client';
import type { TailLine } from '../../../../src-main/contract/log-lines';
import type { LineStore } from '../../api/line-store';
import type { LogLine, LogStreamStatus } from '../../../../src-main/contract/types';
import { client } from '../../api/client';
import { useLogTail, type TailRequest } from '../../api/useLogTail';
import { useContexts } from '../../app/contexts';
import { useRoute } from '../../app/route';
import { LogSourcePicker } from './LogSourcePicker';
import { PickFilter } from './PickFilter';
import { contextColor, describeSources, filterFromParams, podColor, sourcesFromParams, tailSources } from './source';

const levelNames = ['error', 'warn', 'info', 'debug'] as const;
const rowHeight = 22;

function time(ts: string): string {
  const t = ts.indexOf('T');
  return t >= 0 ? ts.slice(t + 1, t + 13) : ts;
}

function Highlight({ text, needle }: { text: string; needle?: string }) {
  if (!needle) return <>{text}</>;
  const at = text.toLowerCase().indexOf(needle.toLowerCase());
  if (at < 0) return <>{text}</>;
  return (
    <>
      {text.slice(0, at)}
      <mark>{text.slice(at, at + needle.length)}</mark>
      {text.slice(at + needle.length)}
    </>
  );
}

/** Which context a line or stream comes from, in a view spanning several. */
function ContextLabel({ context }: { context: string }) {
  return (
    <span className="ctx-label" style={{ background: contextColor(context) }} title={`context ${context}`}>
      {context}
    </span>
  );
}

function streamSummary(streams: LogStreamStatus[]) {
  const by = new Map<string, number>();
  for (const s of streams) by.set(s.state, (by.get(s.state) ?? 0) + 1);
  return [...by.entries()].map(([state, n]) => `${n} ${state}`).join(' · ');
}

export function LogsView() {
  const route = useRoute();
  const { selected: context } = useContexts();
  const sources = useMemo(() => sourcesFromParams(route.params, context), [route.params, context]);
  const includeInit = route.params.get('linit') === '1';
  const includeEphemeral = route.params.get('leph') === '1';
  const [picking, setPicking] = useState(false);
  const filter = filterFromParams(route.params);
  // The filter at opening goes with the tail request; later changes go through logs.filter.
  const [initialFilter] = useState(filter);
  const since = route.params.get('since') ?? undefined;
  const tailLines = route.params.get('tail');
  const request = useMemo<TailRequest | undefined>(
    () =>
      sources
        ? {
            ...tailSources(sources),
            ...(includeInit ? { includeInit } : {}),
            ...(includeEphemeral ? { includeEphemeral } : {}),
            ...(since ? { since } : {}),
            ...(tailLines ? { tail: Number(tailLines) } : {}),
            filter: initialFilter,
          }
        : undefined,
    [sources, includeInit, includeEphemeral, since, tailLines, initialFilter],
  );
  const { tail, viewId } = useLogTail(request);
  const [filterError, setFilterError] = useState<string | undefined>();
  const filterKey = JSON.stringify(filter);
  const requestFilterKey = JSON.stringify(initialFilter);
  // The filter each backend view has: the request's when it starts (a new view after a source
  // change, or the same request reopened after a lost connection), then what logs.filter set.
  const backendView = `${viewId}#${tail.restarts}`;
  const appliedFilter = useRef<{ view: string; filter: string } | undefined>(undefined);

  // Filters run in the backend over its whole buffer; the stream then resets and refills.
  useEffect(() => {
    if (!viewId) return;
    if (appliedFilter.current?.view !== backendView) appliedFilter.current = { view: backendView, filter: requestFilterKey };
    if (filterKey === appliedFilter.current.filter) return;
    const timer = setTimeout(() => {
      appliedFilter.current = { view: backendView, filter: filterKey };
      client.call('logs.filter', { viewId, ...(JSON.parse(filterKey) as object) }).then(
        () => setFilterError(undefined),
        (err: ClientError) => setFilterError(err.message),
      );
    }, 200);
    return () => clearTimeout(timer);
  }, [viewId, backendView, filterKey, requestFilterKey]);

  if (!context) return <div className="notice warn">Pick a context first (Contexts page).</div>;
  if (!sources)
    return (
      <section className="view">
        <header className="view-header">
          <h1>Logs</h1>
        </header>
        <LogSourcePicker />
      </section>
    );
  return (
    <section className="view logs" data-testid="logs-view">
      <header className="view-header">
        <h1>Logs</h1>
        <span className="muted" data-testid="log-sources">
          {describeSources(sources)}
        </span>
        <button onClick={() => setPicking((v) => !v)} aria-expanded={picking}>
          Sources…
        </button>
        <span className="sync" data-testid="stream-summary">
          {tail.streams.length ? streamSummary(tail.streams) : 'starting…'}
        </span>
        {tail.limited && <span className="sync error">Stream limit reached ({tail.maxStreams}): some containers wait</span>}
      </header>
      {picking && <LogSourcePicker onDone={() => setPicking(false)} />}
      <LogFilterBar filter={filter} error={filterError} onChange={(changes) => route.setParams(changes)} viewId={viewId} streams={tail.streams} />
      {tail.error && (
        <div className="notice error" role="alert">
          {tail.error.message}
        </div>
      )}
      <StreamsPanel streams={tail.streams} context={context} />
      {tail.dropped > 0 && <div className="muted small">{tail.dropped.toLocaleString()} older lines left the buffer.</div>}
      <LogList lines={tail.lines} length={tail.length} trimmed={tail.trimmed} version={tail.version} needle={filter.text} viewId={viewId} />
    </section>
  );
}

function LogFilterBar(props: { filter: ReturnType<typeof filterFromParams>; error?: string; viewId: string; streams: LogStreamStatus[]; onChange(changes: Record<string, string | undefined>): void }) {
  const { filter, streams } = props;
  // A view over several contexts picks a pod in one context ("context/namespace/pod").
  const podOptions = useMemo(() => {
    const byKey = new Map<string, LogStreamStatus>();
    for (const s of streams) byKey.set(`${s.context ? `${s.context}/` : ''}${s.namespace}/${s.pod}`, s);
    return [...byKey]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([value, s]) => ({
        value,
        label: (
          <>
            {s.context && <ContextLabel context={s.context} />}
            <span className="pod-dot" style={{ background: podColor(s.pod) }} /> {s.namespace}/{s.pod}
          </>
        ),
      }));
  }, [streams]);
  const containerOptions = useMemo(() => [...new Set(streams.map((s) => s.container))].sort().map((c) => ({ value: c, label: c })), [streams]);
  const levels = new Set(filter.levels ?? []);
  const toggle = (level: string) => {
    const next = new Set(levels);
    if (next.has(level as never)) next.delete(level as never);
    else next.add(level as never);
    props.onChange({ lvl: [...next].join(',') || undefined });
  };
  const [exporting, setExporting] = useState(false);
  const exportAs = (format: 'text' | 'jsonl') => {
    setExporting(true);
    const parts: string[] = [];
    client.subscribe('logs.export', { viewId: props.viewId, format }, {
      onData: (chunks) => chunks.forEach((c) => parts.push(c.data)),
      onEnd: () => {
        const url = URL.createObjectURL(new Blob(parts, { type: format === 'jsonl' ? 'application/x-ndjson' : 'text/plain' }));
        const a = document.createElement('a');
        a.href = url;
        a.download = `orrery-logs.${format === 'jsonl' ? 'jsonl' : 'log'}`;
        a.click();
        setTimeout(() => URL.revokeObjectURL(url), 10_000);
        setExporting(false);
      },
      onError: () => setExporting(false),
    });
  };
  return (
    <div className="filters log-filters">
      <input aria-label="Search text" placeholder="Search text" defaultValue={filter.text} onChange={(e) => props.onChange({ q: e.target.value || undefined })} />
      <input aria-label="Include regex" placeholder="Include regex" defaultValue={filter.include} onChange={(e) => props.onChange({ inc: e.target.value || undefined })} />
      <input aria-label="Exclude regex" placeholder="Exclude regex" defaultValue={filter.exclude} onChange={(e) => props.onChange({ exc: e.target.value || undefined })} />
      <PickFilter name="Pods" testId="pod-filter" options={podOptions} selected={filter.pods ?? []} onChange={(v) => props.onChange({ fpods: v?.join(',') })} />
      <PickFilter name="Containers" testId="container-filter" options={containerOptions} selected={filter.containers ?? []} onChange={(v) => props.onChange({ fcont: v?.join(',') })} />
      <span className="levels" role="group" aria-label="Levels">
        {levelNames.map((l) => (
          <button key={l} className={`level-toggle ${l} ${levels.has(l) ? 'on' : ''}`} aria-pressed={levels.has(l)} onClick={() => toggle(l)}>
            {l}
          </button>
        ))}
      </span>
      <button disabled={!props.viewId || exporting} onClick={() => exportAs('text')} data-testid="export-text">
        Export
      </button>
      <button disabled={!props.viewId || exporting} onClick={() => exportAs('jsonl')}>
        Export JSONL
      </button>
      {props.error && (
        <span className="cell-error" role="alert" data-testid="filter-error">
          {props.error}
        </span>
      )}
    </div>
  );
}

// Memoized: the view re-renders on every frame of lines, the 200-row streams table only when a
// 'streams' frame brings a new snapshot.
const StreamsPanel = memo(function StreamsPanel({ streams, context }: { streams: LogStreamStatus[]; context: string }) {
  const [previous, setPrevious] = useState<{ key: string; lines?: LogLine[]; error?: string } | undefined>();
  const troubled = streams.filter((s) => s.state !== 'streaming' && s.state !== 'quiet');
  return (
    <details className="streams" open={troubled.length > 0}>
      <summary>
        Streams ({streams.length}){troubled.length > 0 && <span className="cell-error"> — {troubled.length} need attention</span>}
      </summary>
      <table className="grid compact" data-testid="streams">
        <tbody>
          {streams.map((s) => (
            <tr key={s.key} data-state={s.state}>
              <td>
                {s.context && <ContextLabel context={s.context} />}
                <span className="pod-dot" style={{ background: podColor(s.pod) }} /> {s.namespace}/{s.pod}
              </td>
              <td className="mono">{s.container}</td>
              <td className={`stream-state ${s.state}`}>
                {s.state}
                {s.state === 'quiet' && s.quietForS !== undefined ? ` for ${s.quietForS} s` : ''}
                {s.attempt ? ` (attempt ${s.attempt})` : ''}
              </td>
              <td className="muted">{s.reason}</td>
              <td className="num">{s.lines.toLocaleString()} lines</td>
              <td>
                {s.restartCount > 0 && (
                  <button
                    onClick={() => {
                      setPrevious({ key: s.key });
                      client.call('logs.previous', { context: s.context ?? context, namespace: s.namespace, pod: s.pod, container: s.container }).then(
                        (lines) => setPrevious({ key: s.key, lines }),
                        (err: ClientError) => setPrevious({ key: s.key, error: err.message }),
                      );
                    }}
                  >
                    Previous instance ({s.restartCount} restarts)
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {previous && (
        <div className="previous" data-testid="previous-lines">
          <div className="muted">
            Previous instance of {previous.key} <button onClick={() => setPrevious(undefined)}>Close</button>
          </div>
          {previous.error && <div className="cell-error">{previous.error}</div>}
          <pre>{previous.lines?.map((l) => `${l.ts} ${l.msg}`).join('\n') ?? 'Loading…'}</pre>
        </div>
      )}
    </details>
  );
});

/** `lines` is updated in place: length, trimmed and version are its state at this render. */
function LogList({ lines, length, trimmed, version, needle, viewId }: { lines: LineStore; length: number; trimmed: number; version: number; needle?: string; viewId: string }) {
  const scroller = useRef<HTMLDivElement>(null);
  const [follow, setFollow] = useState(true);
  const [wrap, setWrap] = useState(false);
  const [expanded, setExpanded] = useState<Set<number>>(() => new Set());
  const [full, setFull] = useState<Map<number, string>>(() => new Map());
  // Lines received in all (kept + trimmed) when follow paused: the new-line count is a difference,
  // not a pass over up to 200,000 lines on every render.
  const [pausedAt, setPausedAt] = useState(0);
  // Rows all one height (no wrap, nothing expanded): the window is plain arithmetic on scrollTop.
  // The virtualizer, which rebuilds a measurement per line whenever the count or the lines change
  // (every frame while lines stream in), is only used when rows have their own heights.
  const fixed = !wrap && expanded.size === 0;
  // scrollTop as last seen and how many lines had been trimmed from the front then: while paused,
  // lines trimmed since move the same lines up, so the view shifts back to keep them in place
  // (else every row would change, and remount, on every frame once the list is full).
  const [scroll, setScroll] = useState({ top: 0, height: 800, trimmed: 0 });
  const shift = !follow && fixed && trimmed > scroll.trimmed ? (trimmed - scroll.trimmed) * rowHeight : 0;
  // Following, the window is the end of the list whatever the last scroll event said.
  const top = follow && fixed ? Math.max(0, length * rowHeight - scroll.height) : Math.max(0, scroll.top - shift);
  // eslint-disable-next-line react-hooks/incompatible-library -- no React Compiler here
  const virtualizer = useVirtualizer({
    count: fixed ? 0 : length,
    // Disabled, it neither observes nor measures the scroll element (no forced layouts).
    enabled: !fixed,
    getScrollElement: () => scroller.current,
    estimateSize: () => rowHeight,
    overscan: 30,
    getItemKey: (i) => (i < lines.length ? lines.seqAt(i) : i),
    // Switching from fixed rows (a row expanded, wrap on), it starts where the list is: from 0
    // its first render shrank the list and the browser reset the scroll to the top.
    initialOffset: () => scroller.current?.scrollTop ?? 0,
  });
  // Following, every update brings rows in at the bottom: rows above the window would be
  // rendered only to scroll out of it.
  const overscan = follow ? 3 : 30;
  const firstRow = Math.max(0, Math.floor(top / rowHeight) - overscan);
  const lastRow = Math.min(length, Math.ceil((top + scroll.height) / rowHeight) + overscan);
  // Fixed rows are recycled: a row's key is its slot (index modulo the window's row count), so
  // the row scrolling out is reused, with new text, for the one scrolling in, instead of one
  // element tree removed and one created per line (following a firehose, every row of the
  // window changes on every update). Listed in slot order, so React never moves a node.
  const pool = Math.ceil(scroll.height / rowHeight) + 2 * overscan + 1;
  const items = fixed
    ? Array.from({ length: Math.max(0, lastRow - firstRow) }, (_, k) => ({ index: firstRow + k, key: (firstRow + k) % pool, start: (firstRow + k) * rowHeight })).sort((a, b) => a.key - b.key)
    : virtualizer.getVirtualItems();
  // The rows rendered (fixed rows), for onScroll.
  const rendered = useRef({ first: 0, last: 0 });
  useLayoutEffect(() => {
    rendered.current = { first: firstRow, last: lastRow };
  }, [firstRow, lastRow]);
  const totalSize = fixed ? length * rowHeight : virtualizer.getTotalSize();

  useLayoutEffect(() => {
    if (shift && scroller.current) scroller.current.scrollTop = top;
  }, [shift, top]);

  // Before paint: the rows just rendered are the ones shown, with one layout for both.
  useLayoutEffect(() => {
    if (!follow || !length) return;
    const el = scroller.current;
    if (fixed && el) el.scrollTop = length * rowHeight;
    else virtualizer.scrollToIndex(length - 1, { align: 'end' });
  }, [follow, fixed, version, length, virtualizer]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'End' && document.activeElement?.tagName !== 'INPUT') setFollow(true);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  // The last scroll event's position and content height: following pauses when the view moves
  // up while the content did not shrink (a user scrolling), not whenever it is short of the end
  // (lines keep arriving between the follow scroll and its scroll event).
  const lastScroll = useRef({ top: 0, total: 0 });
  const onScroll = () => {
    const el = scroller.current;
    if (!el) return;
    const top = el.scrollTop;
    const height = el.clientHeight;
    // Following, only the height matters (the window is the end): no render per follow scroll.
    // Paused, a render only when the view nears the edge of the rows rendered (every few frames
    // while scrolling, not every frame: each render forces the next scroll event's layout).
    const r = rendered.current;
    const nearEdge = (top / rowHeight < r.first + 8 && r.first > 0) || ((top + height) / rowHeight > r.last - 8 && r.last < length);
    if (fixed && (follow ? height !== scroll.height : nearEdge || height !== scroll.height || trimmed !== scroll.trimmed)) setScroll({ top, height, trimmed });
    // The content height is known without asking the layout (reading scrollHeight here would
    // force one on every scroll event).
    const total = fixed ? totalSize : el.scrollHeight;
    const movedUp = top < lastScroll.current.top - 1 && total >= lastScroll.current.total;
    lastScroll.current = { top, total };
    const atBottom = total - top - height < rowHeight * 2;
    if (follow && movedUp && !atBottom) pause();
    else if (!follow && atBottom) setFollow(true);
  };
  const pause = () => {
    if (!follow) return;
    setFollow(false);
    setPausedAt(trimmed + length);
    const el = scroller.current;
    if (el) setScroll({ top: el.scrollTop, height: el.clientHeight, trimmed });
  };
  // A user going up pauses following at once, before the next lines scroll the list back down.
  const onWheel = (e: React.WheelEvent) => e.deltaY < 0 && pause();
  const onKeyDown = (e: React.KeyboardEvent) => (e.key === 'PageUp' || e.key === 'ArrowUp' || e.key === 'Home') && pause();
  // On the list itself (not a line): its scrollbar.
  const onPointerDown = (e: React.PointerEvent) => e.target === scroller.current && pause();
  const newSincePause = follow ? 0 : Math.max(0, trimmed + length - pausedAt);
  const jumpTo = (value: string) => {
    // A full RFC3339 time, or a time of day (UTC, as shown) on the newest line's day, or the day
    // before when that is still to come.
    let ms = Date.parse(value);
    if (!value.includes('T') && length > 0) {
      const newest = lines.line(length - 1).ts;
      ms = Date.parse(`${newest.slice(0, 10)}T${value}Z`);
      if (ms > Date.parse(newest)) ms -= 86_400_000;
    }
    const index = Number.isNaN(ms) ? -1 : lines.indexAt(ms);
    if (index >= 0) {
      setFollow(false);
      if (fixed && scroller.current) scroller.current.scrollTop = index * rowHeight;
      else virtualizer.scrollToIndex(index, { align: 'start' });
    }
  };
  return (
    <>
      <div className="log-toolbar">
        <label>
          <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} /> Follow
        </label>
        <label>
          <input type="checkbox" checked={wrap} onChange={(e) => setWrap(e.target.checked)} /> Wrap
        </label>
        <label>
          Jump to time <input aria-label="Jump to time" placeholder="15:04:05" size={10} onKeyDown={(e) => e.key === 'Enter' && jumpTo((e.target as HTMLInputElement).value)} />
        </label>
        <span className="muted" data-testid="line-count">
          {length.toLocaleString()} lines
        </span>
        {!follow && newSincePause > 0 && (
          <button className="primary" onClick={() => setFollow(true)} data-testid="resume">
            {newSincePause.toLocaleString()} new lines — resume (End)
          </button>
        )}
      </div>
      <div ref={scroller} className={`log-list ${wrap ? 'wrap' : ''}`} onScroll={onScroll} onWheel={onWheel} onKeyDown={onKeyDown} onPointerDown={onPointerDown} tabIndex={0} data-testid="log-lines" role="log">
        <div style={{ height: totalSize, position: 'relative' }}>
          {items.map((item) => {
            const line = lines.line(item.index);
            const open = expanded.has(line.seq);
            return (
              <LogRow
                key={item.key}
                index={item.index}
                start={item.start}
                line={line}
                open={open}
                measure={wrap || open ? virtualizer.measureElement : undefined}
                full={full.get(line.seq)}
                needle={needle}
                viewId={viewId}
                setExpanded={setExpanded}
                setFull={setFull}
              />
            );
          })}
        </div>
      </div>
    </>
  );
}

interface RowProps {
  index: number;
  start: number;
  line: TailLine;
  open: boolean;
  /** Rows with their own height (wrap, expanded) are measured by the virtualizer. */
  measure: ((el: HTMLElement | null) => void) | undefined;
  full: string | undefined;
  needle: string | undefined;
  viewId: string;
  setExpanded: React.Dispatch<React.SetStateAction<Set<number>>>;
  setFull: React.Dispatch<React.SetStateAction<Map<number, string>>>;
}

// Memoized: while scrolling or following, only rows entering the window render (a line's
// message and fields are parsed from its text when its row first renders).
const LogRow = memo(function LogRow({ index, start, line, open, measure, full, needle, viewId, setExpanded, setFull }: RowProps) {
  return (
    <div
      data-index={index}
      ref={measure}
      className={`log-line ${line.level ?? ''}`}
      style={{ position: 'absolute', top: 0, left: 0, right: 0, transform: `translateY(${start}px)`, ...(measure ? {} : { height: rowHeight }) }}
      data-pod={line.pod}
    >
      <span className="ts">{time(line.ts)}</span>
      <span className="src" style={{ color: podColor(line.pod) }} title={`${line.context ? `${line.context} ` : ''}${line.namespace}/${line.pod} ${line.container}`}>
        {line.context && <ContextLabel context={line.context} />}
        {line.pod}
        <span className="muted">/{line.container}</span>
      </span>
      <span className={`lvl ${line.level ?? 'none'}`}>{line.level ? line.level.slice(0, 4).toUpperCase() : ''}</span>
      <span
        className="msg"
        onClick={() =>
          (line.fields || line.truncated) &&
          setExpanded((s) => {
            const next = new Set(s);
            if (next.has(line.seq)) next.delete(line.seq);
            else next.add(line.seq);
            return next;
          })
        }
      >
        <Highlight text={full ?? line.msg} needle={needle} />
        {line.truncated && full === undefined && (
          <button
            className="link"
            onClick={(e) => {
              e.stopPropagation();
              void client.call('logs.fullLine', { viewId, seq: line.seq }).then((r) => setFull((m) => new Map(m).set(line.seq, r.text)));
            }}
          >
            … show all {((line.cutBytes ?? 0) / 1024).toFixed(0)} KiB
          </button>
        )}
        {line.traceId && <span className="chip">trace {line.traceId.slice(0, 8)}</span>}
        {open && line.fields && <pre className="fields">{JSON.stringify(line.fields, null, 2)}</pre>}
      </span>
      <button className="copy" title="Copy line" onClick={() => void navigator.clipboard?.writeText(`${line.ts} ${line.context ? `${line.context} ` : ''}${line.namespace}/${line.pod} ${line.container} ${full ?? line.msg}`)}>
        ⧉
      </button>
    </div>
  );
});
