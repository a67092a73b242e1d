// The metrics explorer: a PromQL editor with completion from the server, graph and table modes,
// relative and absolute ranges with zoom by brushing, auto-refresh and a query history. All of
// it lives in the URL (q, range or from/to, mode, refresh, stacked, unit), so a link brings the
// same view back.
import { useCallback, useRef, useState } from 'react';
import { useContexts } from '../../app/contexts';
import { useRoute } from '../../app/route';
import { TimeSeriesChart } from './charts/TimeSeriesChart';
import { isUnit, units, type Unit } from './charts/units';
import { readHistory, rememberQuery } from './history';
import { PrometheusBadge } from './PrometheusBadge';
import { usePromApi } from './promql/contract-api';
import { PromQLEditor } from './promql/PromQLEditor';
import { QueryError } from './QueryError';
import { ResultTable } from './ResultTable';
import { rangeFromParams, rangeToParams, type TimeRange } from './time-range';
import { TimeRangePicker } from './TimeRangePicker';
import { useInstantQuery, useRangeQuery } from './use-prom-query';
import { useWidth } from './use-width';
import './metrics.css';

export function ExplorerView() {
  const route = useRoute();
  const { selected: context } = useContexts();
  const api = usePromApi(context);
  const query = route.params.get('q') ?? '';
  const range = rangeFromParams(route.params);
  const mode = route.params.get('mode') === 'table' ? 'table' : 'graph';
  const refreshMs = Number(route.params.get('refresh') ?? 0) || 0;
  const stacked = route.params.get('stacked') === '1';
  const unitParam = route.params.get('unit');
  const unit: Unit = isUnit(unitParam) ? unitParam : 'short';
  const [draft, setDraft] = useState(query);
  const [draftFor, setDraftFor] = useState(query);
  const [history, setHistory] = useState(readHistory);
  const box = useRef<HTMLDivElement>(null);
  const width = useWidth(box);

  // The URL's query wins when it changes from outside (history, back button, a link).
  if (draftFor !== query) {
    setDraftFor(query);
    setDraft(query);
  }

  const { setParams } = route;
  const setRange = useCallback((r: TimeRange) => setParams(rangeToParams(r)), [setParams]);
  const onZoom = useCallback((from: number, to: number) => setRange({ kind: 'absolute', from, to }), [setRange]);

  const scope = context ?? '';
  // Not finer than 5 s: scrapes are rarely more frequent, finer steps only repeat samples.
  const graph = useRangeQuery(mode === 'graph' ? api : undefined, { scope, query, range, points: width, refreshMs, minStepS: 5 });
  const table = useInstantQuery(mode === 'table' ? api : undefined, { scope, query, refreshMs });
  const active = mode === 'graph' ? graph : table;
  const { refetch } = active;
  const run = useCallback(
    (text: string) => {
      const q = text.trim();
      setHistory(rememberQuery(q));
      // The same query again runs again (new data); a new one runs through the URL.
      if (q === query) void refetch();
      else setParams({ q });
    },
    [setParams, query, refetch],
  );
  const failure = active.error ?? undefined;
  const errorRange = failure?.position && draft === query ? failure.position : undefined;
  const warnings = (mode === 'graph' ? graph.data?.warnings : table.data?.warnings) ?? [];
  const series = graph.data?.series;
  const emptyNotice = mode === 'graph' && series?.length === 0;
  const hasResult = !query || (mode === 'graph' ? !!graph.data : !!table.data);

  if (!context) return <div className="notice warn">Pick a context first (Contexts page).</div>;
  return (
    <section className="view metrics-explorer" data-testid="metrics-explorer">
      <header className="view-header">
        <h1>Metrics</h1>
        <span className="muted">{context}</span>
        <span className="spacer" />
        <PrometheusBadge context={context} />
      </header>
      <div className="query-row">
        {api && <PromQLEditor value={draft} api={api} onChange={setDraft} onRun={run} errorRange={errorRange} />}
        <button type="button" className="primary" onClick={() => run(draft)} data-testid="run-query">
          Run
        </button>
      </div>
      <div className="explorer-toolbar">
        <div className="segmented" role="group" aria-label="Mode">
          <button type="button" aria-pressed={mode === 'graph'} className={mode === 'graph' ? 'on' : undefined} onClick={() => setParams({ mode: undefined })}>
            Graph
          </button>
          <button type="button" aria-pressed={mode === 'table'} className={mode === 'table' ? 'on' : undefined} onClick={() => setParams({ mode: 'table' })}>
            Table
          </button>
        </div>
        <TimeRangePicker range={range} onRange={setRange} refreshMs={refreshMs} onRefresh={(ms) => setParams({ refresh: ms ? String(ms) : undefined })} />
        <label className="field">
          <input type="checkbox" checked={stacked} onChange={(e) => setParams({ stacked: e.target.checked ? '1' : undefined })} /> Stacked
        </label>
        <label className="field">
          Unit
          <select aria-label="Unit" value={unit} onChange={(e) => setParams({ unit: e.target.value === 'short' ? undefined : e.target.value })}>
            {units.map((u) => (
              <option key={u} value={u}>
                {u}
              </option>
            ))}
          </select>
        </label>
        <select
          aria-label="Query history"
          className="history-select"
          value=""
          onChange={(e) => {
            if (e.target.value) run(e.target.value);
          }}
        >
          <option value="">History ({history.length})</option>
          {history.map((h) => (
            <option key={h} value={h}>
              {h.length > 120 ? `${h.slice(0, 117)}…` : h}
            </option>
          ))}
        </select>
        {active.isFetching && <span className="sync busy">Running…</span>}
      </div>
      {failure && <QueryError failure={failure} query={query} />}
      {warnings.map((w) => (
        <div key={w} className="notice warn">
          {w}
        </div>
      ))}
      <div ref={box} className={`explorer-result${hasResult ? '' : ' empty'}`}>
        {!query && <div className="notice muted">Type a PromQL query and press Enter. Completion offers metric names, labels and values from the server.</div>}
        {mode === 'graph' && graph.data && (
          <>
            {emptyNotice && <div className="notice">The query returned no series in this range.</div>}
            <TimeSeriesChart testId="explorer-chart" series={graph.data.series} unit={unit} stacked={stacked} start={graph.data.start} end={graph.data.end} arrivedAt={graph.data.arrivedAt} height={360} onZoom={onZoom} />
            <div className="muted small" data-testid="result-stats">
              {graph.data.series.length} series · step {graph.data.stepS}s · {Math.round(graph.data.tookMs)} ms
            </div>
          </>
        )}
        {mode === 'table' && table.data && <ResultTable data={table.data.data} unit={unit} />}
      </div>
    </section>
  );
}
