// Built-in dashboards: pick one, fill its variables (from the cluster), and every panel runs its
// queries on its own, so one failing panel says why while the rest keep working. URL state:
// d (dashboard), var-<name>, range or from/to, refresh.
import { useCallback, useMemo, useRef } from 'react';
import { useLatest } from '../../api/hooks';
import { useContexts } from '../../app/contexts';
import { useRoute } from '../../app/route';
import { useNow } from '../../components/age';
import { annotationsFromDetail } from './annotations';
import type { Annotation } from './charts/chart-options';
import { TimeSeriesChart } from './charts/TimeSeriesChart';
import { dashboards, findDashboard } from './dashboards';
import { interpolate } from './dashboards/interpolate';
import type { Dashboard, Panel, VariableValues } from './dashboards/types';
import { PrometheusBadge } from './PrometheusBadge';
import { usePromApi } from './promql/contract-api';
import type { PromApi } from './promql/prom-api';
import { QueryError } from './QueryError';
import { rangeFromParams, rangeToParams, type TimeRange } from './time-range';
import { TimeRangePicker } from './TimeRangePicker';
import { usePanelData } from './use-panel-data';
import { useWidth } from './use-width';
import { VariableSelect } from './VariableSelect';
import './metrics.css';

/** The object whose events a dashboard draws: the workload's Deployment or the pod. */
function annotationTarget(d: Dashboard, values: VariableValues): { kind: string; namespace: string; name: string } | undefined {
  const ns = values.namespace;
  if (!ns) return undefined;
  if (d.annotations === 'workload' && (values.workload ?? values.service)) return { kind: 'deployments', namespace: ns, name: (values.workload ?? values.service)! };
  if (d.annotations === 'pod' && values.pod) return { kind: 'pods', namespace: ns, name: values.pod };
  return undefined;
}

function useDashboardAnnotations(context: string, d: Dashboard, values: VariableValues): Annotation[] {
  const target = annotationTarget(d, values);
  const now = useNow(30_000);
  const { value } = useLatest('resources.detail', { context, kind: target?.kind ?? 'pods', namespace: target?.namespace, name: target?.name ?? '-', reveal: false }, undefined, !target);
  return useMemo(() => (target ? annotationsFromDetail(value, now) : []), [target, value, now]);
}

function PanelView({ api, scope, panel, values, ready, range, refreshMs, annotations, onZoom }: { api: PromApi | undefined; scope: string; panel: Panel; values: VariableValues; ready: boolean; range: TimeRange; refreshMs: number; annotations: Annotation[]; onZoom(from: number, to: number): void }) {
  const box = useRef<HTMLDivElement>(null);
  const width = useWidth(box);
  const q = usePanelData(api, { scope, panel, values, ready, range, points: width, refreshMs });
  const state = q.error ? 'error' : q.data ? (q.data.failures.length ? 'partial' : 'ok') : 'loading';
  return (
    <section className={`panel dash-panel span-${panel.span ?? 6}`} data-testid={`panel-${panel.id}`} data-state={state} data-series={q.data?.series.length ?? 0}>
      <header className="dash-panel-head">
        <h2 title={panel.description ?? panel.queries.map((x) => interpolate(x.expr, values, { stepS: q.data?.stepS ?? 60 })).join('\n')}>{panel.title}</h2>
        {q.isFetching && <span className="sync busy small">…</span>}
      </header>
      <div ref={box}>
        {q.error && <QueryError failure={q.error} testId={`panel-error-${panel.id}`} />}
        {q.data?.failures.map((f) => <QueryError key={f.expr} failure={f.failure} query={f.expr} testId={`panel-error-${panel.id}`} />)}
        {q.data?.warnings.map((w) => (
          <div key={w} className="notice warn small">
            {w}
          </div>
        ))}
        {!q.data && !q.error && <div className="muted small panel-loading">{ready ? 'Loading…' : 'Waiting for variables…'}</div>}
        {q.data && q.data.series.length === 0 && q.data.failures.length === 0 && <div className="muted small">No data in this range.</div>}
        {q.data && q.data.series.length > 0 && (
          <TimeSeriesChart series={q.data.series} unit={panel.unit} stacked={panel.stacked} start={q.data.start} end={q.data.end} arrivedAt={q.data.arrivedAt} annotations={annotations} height={200} onZoom={onZoom} testId={`chart-${panel.id}`} />
        )}
      </div>
    </section>
  );
}

export function DashboardView() {
  const route = useRoute();
  const { selected: context } = useContexts();
  const api = usePromApi(context);
  const dashboard = findDashboard(route.params.get('d')) ?? dashboards[0]!;
  const range = rangeFromParams(route.params);
  const refreshMs = Number(route.params.get('refresh') ?? 0) || 0;
  const { setParams } = route;
  const values = useMemo(() => {
    const v: VariableValues = {};
    for (const variable of dashboard.variables) {
      const fromUrl = route.params.get(`var-${variable.name}`);
      // The namespace picked in the top bar is the default namespace of every dashboard.
      const value = fromUrl ?? (variable.name === 'namespace' ? route.params.get('ns') : null);
      if (value) v[variable.name] = value;
    }
    return v;
  }, [dashboard, route.params]);
  const ready = dashboard.variables.every((v) => values[v.name]);
  const annotations = useDashboardAnnotations(context ?? '', dashboard, values);
  const setRange = useCallback((r: TimeRange) => setParams(rangeToParams(r)), [setParams]);
  const onZoom = useCallback((from: number, to: number) => setRange({ kind: 'absolute', from, to }), [setRange]);
  const setVariable = useCallback((name: string, value: string | undefined) => setParams({ [`var-${name}`]: value }), [setParams]);

  if (!context) return <div className="notice warn">Pick a context first (Contexts page).</div>;
  return (
    <section className="view dashboards" data-testid="dashboard-view" data-dashboard={dashboard.id}>
      <header className="view-header">
        <h1>Dashboards</h1>
        <span className="muted">{context}</span>
        <span className="spacer" />
        <PrometheusBadge context={context} />
      </header>
      <nav className="dash-tabs" aria-label="Dashboards">
        {dashboards.map((d) => (
          <a key={d.id} href={`#/dashboards?${dashboardParams(route.params, d.id)}`} className={d.id === dashboard.id ? 'active' : undefined} aria-current={d.id === dashboard.id ? 'page' : undefined} title={d.description}>
            {d.title}
          </a>
        ))}
      </nav>
      <div className="explorer-toolbar">
        {dashboard.variables.map((v) => (
          <VariableSelect key={`${dashboard.id}-${v.name}`} variable={v} context={context} values={values} api={api} onChange={(value) => setVariable(v.name, value)} />
        ))}
        <span className="spacer" />
        <TimeRangePicker range={range} onRange={setRange} refreshMs={refreshMs} onRefresh={(ms) => setParams({ refresh: ms ? String(ms) : undefined })} />
      </div>
      <p className="muted small">{dashboard.description}</p>
      {annotations.length > 0 && <p className="muted small" data-testid="annotation-count">{annotations.length} cluster events marked (rollouts, restarts).</p>}
      <div className="dash-grid">
        {dashboard.panels.map((p) => (
          <PanelView key={`${dashboard.id}-${p.id}`} api={api} scope={context} panel={p} values={values} ready={ready} range={range} refreshMs={refreshMs} annotations={annotations} onZoom={onZoom} />
        ))}
      </div>
    </section>
  );
}

/** Switching dashboards keeps the context, namespace, range and refresh; variables of the same name carry over. */
function dashboardParams(current: URLSearchParams, id: string): string {
  const next = new URLSearchParams();
  for (const [k, v] of current) if (['ctx', 'ns', 'range', 'from', 'to', 'refresh'].includes(k) || k.startsWith('var-')) next.set(k, v);
  next.set('d', id);
  return next.toString();
}
