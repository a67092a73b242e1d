// The side panel of a service graph node or edge: its RED charts over the last hour, the pods
// behind it with their health (from the topology of its workload), and one click to tail those
// pods' logs showing errors only.
import type { ServiceGraph, TrafficNode } from '../../../../src-main/contract/servicegraph-types';
import type { TopologyKind } from '../../../../src-main/contract/topology-types';
import { useContexts } from '../../app/contexts';
import { useRoute } from '../../app/route';
import type { GraphSelection } from '../../components/graph/GraphCanvas';
import { HealthDot } from '../../components/HealthBadge';
import { logsHref } from '../logs/source';
import { TimeSeriesChart } from '../metrics/charts/TimeSeriesChart';
import type { Unit } from '../metrics/charts/units';
import { usePromApi } from '../metrics/promql/contract-api';
import { useRangeQuery } from '../metrics/use-prom-query';
import { objectHref } from '../ObjectView';
import { useTopology } from '../topology/useTopology';
import { edgeRedQueries, redQueries, type RedQueries } from './red-queries';

const RANGE = { kind: 'relative' as const, range: '1h' };
const fmt = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

function Chart({ context, title, queries, unit, testId }: { context: string; title: string; queries: Array<{ expr: string; legend: string }>; unit: Unit; testId: string }) {
  const api = usePromApi(context);
  // At most two queries per chart (5xx and 4xx): hooks in a fixed order.
  const a = useRangeQuery(api, { scope: context, query: queries[0]?.expr ?? '', range: RANGE, points: 120, refreshMs: 15_000, legend: queries[0]?.legend ?? '' });
  const b = useRangeQuery(api, { scope: context, query: queries[1]?.expr ?? '', range: RANGE, points: 120, refreshMs: 15_000, legend: queries[1]?.legend ?? '' });
  const series = [...(a.data?.series ?? []), ...(queries[1] ? (b.data?.series ?? []) : [])];
  return (
    <div className="side-chart">
      <div className="small muted">{title}</div>
      {a.error ? (
        <div className="cell-error">{a.error.message}</div>
      ) : a.data ? (
        <TimeSeriesChart series={series} unit={unit} start={a.data.start} end={a.data.end} height={120} legend={queries.length > 1} testId={testId} />
      ) : (
        <div className="small muted">Loading…</div>
      )}
    </div>
  );
}

function RedCharts({ context, q }: { context: string; q: RedQueries }) {
  return (
    <>
      <Chart context={context} title="Requests/s" queries={[{ expr: q.rate, legend: 'req/s' }]} unit="reqps" testId="red-rate" />
      <Chart context={context} title="Error ratio" queries={q.errors} unit="ratio" testId="red-errors" />
      <Chart context={context} title="p95 latency" queries={[{ expr: q.p95, legend: 'p95' }]} unit="seconds" testId="red-p95" />
    </>
  );
}

function Pods({ context, node }: { context: string; node: TrafficNode }) {
  const route = useRoute();
  const o = node.object;
  const kind = o?.kind as TopologyKind | undefined;
  const id = o ? `${o.kind}/${o.namespace}/${o.name}` : '';
  const { graph } = useTopology(o && kind ? { context, focus: { kind, namespace: o.namespace, name: o.name, depth: 2 }, expand: [id], kinds: [kind, 'ReplicaSet', 'Pod', 'Service'] } : undefined);
  if (!o) return <div className="small muted">No Kubernetes object behind this node.</div>;
  const pods = [...graph.nodes.values()].filter((n) => n.kind === 'Pod' && (n.parent === id || o.kind === 'Service'));
  return (
    <div data-testid="servicegraph-pods">
      <div className="small muted">
        Pods of {o.kind} {o.namespace}/{o.name}
      </div>
      {graph.version === 0 ? (
        <div className="small muted">Loading…</div>
      ) : pods.length === 0 ? (
        <div className="small muted">No pods.</div>
      ) : (
        <ul className="plain small">
          {pods.map((p) => (
            <li key={p.id} data-health={p.health?.level}>
              <HealthDot health={p.health} /> <a href={objectHref(route.params, { kindId: 'pods', namespace: p.namespace!, name: p.name })}>{p.name}</a> <span className="muted">{p.health?.reason}</span>
            </li>
          ))}
        </ul>
      )}
      <div className="buttons">
        <a className="button" href={objectHref(route.params, { kindId: o.kindId, namespace: o.namespace, name: o.name })}>
          Open {o.kind}
        </a>
        <a className="button" data-testid="servicegraph-error-logs" href={logsHref(route.params, { kind: o.kindId, namespace: o.namespace, name: o.name }, { lvl: 'error,fatal' })}>
          Error logs of its pods
        </a>
      </div>
    </div>
  );
}

export function ServiceGraphSide({ graph, nodes, selection, onClose }: { graph: ServiceGraph; nodes: ReadonlyMap<string, TrafficNode>; selection: NonNullable<GraphSelection>; onClose(): void }) {
  const { selected: context } = useContexts();
  if (!context) return null;
  if (selection.type === 'node') {
    const n = nodes.get(selection.id);
    if (!n) return null;
    return (
      <aside className="graph-side" data-testid="servicegraph-side">
        <h2>
          <HealthDot health={n.health} /> {n.namespace ? `${n.namespace}/` : ''}
          {n.name}
          <span className="spacer" />
          <button type="button" className="ghost" onClick={onClose} aria-label="Close">
            ×
          </button>
        </h2>
        <div className={`health-text ${n.health?.level ?? ''}`}>{n.health ? n.health.reason : n.traffic ? 'No inbound requests in the window' : 'No traffic in the window'}</div>
        {n.origin && <div className="notice warn small">Errors start here: most of its 5xx answers are not explained by failed calls it makes.</div>}
        <div className="small">
          In: {fmt(n.inbound.rps)} req/s ({fmt(n.inbound.errors)} 5xx/s) · Out: {fmt(n.outbound.rps)} req/s ({fmt(n.outbound.errors)} failing/s)
        </div>
        {n.kind !== 'external' && <RedCharts key={n.id} context={context} q={redQueries(graph.source, n)} />}
        <Pods context={context} node={n} />
      </aside>
    );
  }
  const e = graph.edges.find((x) => x.id === selection.id);
  if (!e) return null;
  const q = edgeRedQueries(graph.source, e, nodes);
  const target = nodes.get(e.target);
  return (
    <aside className="graph-side" data-testid="servicegraph-side">
      <h2>
        <HealthDot health={e.health} /> {e.source} → {e.target}
        <span className="spacer" />
        <button type="button" className="ghost" onClick={onClose} aria-label="Close">
          ×
        </button>
      </h2>
      <div className={`health-text ${e.health.level}`}>{e.health.reason}</div>
      <div className="small">
        {e.protocol} · {fmt(e.rates.rps)} req/s · 5xx {fmt(e.rates.errors)}/s · 4xx {fmt(e.rates.clientErrors)}/s{e.p95Ms !== undefined ? ` · p95 ${fmt(e.p95Ms)} ms` : ''}
      </div>
      {q && <RedCharts key={e.id} context={context} q={q} />}
      {target && <Pods context={context} node={target} />}
    </aside>
  );
}
