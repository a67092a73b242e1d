// Topology: how the objects of a namespace (or all) hang together, live, with the explorer's
// health colors. Workloads fold their ReplicaSets and Pods (expand from the side panel); kinds
// and health filter the graph; search focuses a node; double click opens the object's page.
// Everything the user set lives in the URL.
import { useMemo, useState } from 'react';
import { DEFAULT_TOPOLOGY_KINDS, TOPOLOGY_KINDS, type TopologyKind, type TopologyNode } from '../../../../src-main/contract/topology-types';
import type { HealthLevel } from '../../../../src-main/contract/types';
import { useContexts } from '../../app/contexts';
import { useRoute } from '../../app/route';
import { GraphCanvas, type GraphEdgeSpec, type GraphNodeSpec, type GraphSelection } from '../../components/graph/GraphCanvas';
import { HealthDot } from '../../components/HealthBadge';
import { logsHref } from '../logs/source';
import { objectHref } from '../ObjectView';
import { useTopology } from './useTopology';

const abbr: Record<TopologyKind, string> = {
  Ingress: 'ing', Service: 'svc', CronJob: 'cj', Deployment: 'deploy', StatefulSet: 'sts', DaemonSet: 'ds', Job: 'job', ReplicaSet: 'rs', PodGroup: 'pods', Pod: 'pod',
  HorizontalPodAutoscaler: 'hpa', NetworkPolicy: 'netpol', ConfigMap: 'cm', Secret: 'secret', PersistentVolumeClaim: 'pvc', ServiceAccount: 'sa', Node: 'node',
};
const shape: Record<TopologyKind, [GraphNodeSpec['symbol'], number]> = {
  Ingress: ['triangle', 24], Service: ['diamond', 24], CronJob: ['roundRect', 26], Deployment: ['roundRect', 30], StatefulSet: ['roundRect', 30], DaemonSet: ['roundRect', 30],
  Job: ['roundRect', 24], ReplicaSet: ['rect', 18], PodGroup: ['roundRect', 26], Pod: ['circle', 14], HorizontalPodAutoscaler: ['triangle', 16], NetworkPolicy: ['triangle', 16],
  ConfigMap: ['rect', 14], Secret: ['rect', 14], PersistentVolumeClaim: ['rect', 16], ServiceAccount: ['circle', 12], Node: ['rect', 22],
};
const LEVELS: HealthLevel[] = ['failing', 'degraded', 'unknown', 'ok'];
const LOGGABLE: Partial<Record<TopologyKind, string>> = { Deployment: 'deployments', StatefulSet: 'statefulsets', DaemonSet: 'daemonsets', Job: 'jobs', ReplicaSet: 'replicasets', Service: 'services', Pod: 'pods' };
const list = (v: string | null) => (v ? v.split(',').filter(Boolean) : []);

function nodeSpec(n: TopologyNode): GraphNodeSpec {
  const [symbol, size] = shape[n.kind];
  const pods = n.pods ? n.pods.ok + n.pods.degraded + n.pods.failing + n.pods.unknown : 0;
  return {
    id: n.id,
    label: `${abbr[n.kind]}/${n.name}${n.pods && !n.expanded ? ` (${pods})` : ''}`,
    tooltip: [
      `${n.kind} ${n.namespace ? `${n.namespace}/` : ''}${n.name}`,
      ...(n.health ? [`${n.health.level}: ${n.health.reason}`] : []),
      ...(n.pods ? [`pods: ${n.pods.ok} ok, ${n.pods.degraded} degraded, ${n.pods.failing} failing, ${n.pods.unknown} unknown`] : []),
      ...(n.context ? ['(shown as a neighbour of a match)'] : []),
    ],
    ...(n.health ? { health: n.health.level } : {}),
    symbol,
    size,
    ...(n.context ? { dim: true } : {}),
    ...(n.namespace ? { group: n.namespace } : {}),
  };
}

export function TopologyView() {
  const route = useRoute();
  const { selected: context } = useContexts();
  const ns = route.params.get('ns') ?? '';
  const kinds = route.params.has('tk') ? (list(route.params.get('tk')) as TopologyKind[]) : [...DEFAULT_TOPOLOGY_KINDS];
  const health = list(route.params.get('th')) as HealthLevel[];
  const expand = list(route.params.get('tx'));
  const selectedId = route.params.get('tsel') ?? undefined;
  const [search, setSearch] = useState(route.params.get('tq') ?? '');
  const [focus, setFocus] = useState<{ id: string; seq: number }>();
  const [relayout, setRelayout] = useState(0);
  const [layoutInfo, setLayoutInfo] = useState<{ engine: string; ms: number }>();

  const input = context
    ? { context, ...(ns ? { namespaces: [ns] } : {}), kinds, ...(health.length ? { health } : {}), ...(expand.length ? { expand } : {}) }
    : undefined;
  const { graph, answers, error } = useTopology(input);

  const nodes = useMemo(() => [...graph.nodes.values()].map(nodeSpec), [graph.nodes]);
  // Expanding or collapsing a workload is the user changing the picture: once the graph that
  // answers it arrives, it is laid out in full (live changes keep the layout stable instead, even
  // one that changes what is shown expanded, like an expanded workload scaled to zero).
  const expandedKey = useMemo(() => [...(answers?.expand ?? [])].sort().join('\n'), [answers]);
  const [expansions, setExpansions] = useState({ key: '', count: 0 });
  if (expandedKey !== expansions.key) setExpansions({ key: expandedKey, count: expansions.count + 1 });
  const edges = useMemo(
    (): GraphEdgeSpec[] =>
      [...graph.edges.values()].map((e) => ({
        id: e.id,
        source: e.source,
        target: e.target,
        width: e.pods ? Math.min(5, 1 + Math.log2(e.pods)) : 1.2,
        dashed: e.kind === 'uses' || e.kind === 'identity' || e.kind === 'policy',
        tooltip: [`${e.kind}${e.pods ? ` (${e.pods} pods)` : ''}`, `${e.source} → ${e.target}`],
      })),
    [graph.edges],
  );
  const selectedNode = selectedId ? graph.nodes.get(selectedId) : undefined;
  const selection: GraphSelection = selectedId ? { type: 'node', id: selectedId } : undefined;

  const toggle = (param: string, values: string[], v: string, defaults?: string[]) => {
    const cur = route.params.has(param) || !defaults ? values : defaults;
    const next = cur.includes(v) ? cur.filter((x) => x !== v) : [...cur, v];
    route.setParams({ [param]: next.join(',') || (defaults ? ',' : undefined) });
  };
  const find = (text: string) => {
    const q = text.trim().toLowerCase();
    if (!q) return;
    const hit = [...graph.nodes.values()].find((n) => n.name.toLowerCase() === q) ?? [...graph.nodes.values()].find((n) => `${abbr[n.kind]}/${n.name}`.toLowerCase().includes(q));
    if (!hit) return;
    setFocus((f) => ({ id: hit.id, seq: (f?.seq ?? 0) + 1 }));
    route.setParams({ tsel: hit.id, tq: text });
  };
  const open = (id: string) => {
    const n = graph.nodes.get(id);
    if (n?.kindId) location.hash = objectHref(route.params, { kindId: n.kindId, ...(n.namespace ? { namespace: n.namespace } : {}), name: n.name });
  };
  const setExpanded = (id: string, on: boolean) => route.setParams({ tx: (on ? [...expand, id] : expand.filter((x) => x !== id)).join(',') || undefined });

  if (!context) return <div className="notice">Pick a context to see its topology.</div>;
  const stats = graph.stats;
  return (
    <div className="graph-view" data-testid="topology-view">
      <div className="view-header">
        <h1>Topology</h1>
        <span className="muted">{ns ? `namespace ${ns}` : 'all namespaces'}</span>
        {stats && (
          <span className="muted small" data-testid="topology-stats">
            {stats.nodes} nodes, {stats.edges} edges from {stats.pods} pods · built in {stats.buildMs} ms{layoutInfo ? ` · ${layoutInfo.engine} layout ${Math.round(layoutInfo.ms)} ms` : ''}
            {stats.truncated ? ` · cut from ${stats.truncated.total} nodes` : ''}
          </span>
        )}
      </div>
      <div className="graph-toolbar">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            find(search);
          }}
        >
          <input aria-label="Find a node" placeholder="Find (Enter to focus)" value={search} list="topology-names" onChange={(e) => setSearch(e.target.value)} data-testid="topology-search" />
          <datalist id="topology-names">
            {[...graph.nodes.values()].slice(0, 500).map((n) => (
              <option key={n.id} value={n.name} />
            ))}
          </datalist>
        </form>
        <span className="chips" aria-label="Kinds">
          {TOPOLOGY_KINDS.map((k) => (
            <button key={k} type="button" className={`chip-toggle${kinds.includes(k) ? ' on' : ''}`} aria-pressed={kinds.includes(k)} onClick={() => toggle('tk', kinds, k, [...DEFAULT_TOPOLOGY_KINDS])}>
              {abbr[k]}
            </button>
          ))}
        </span>
        <span className="chips" aria-label="Health">
          {LEVELS.map((l) => (
            <button key={l} type="button" className={`chip-toggle ${l}${health.includes(l) ? ' on' : ''}`} aria-pressed={health.includes(l)} onClick={() => toggle('th', health, l)}>
              {l}
            </button>
          ))}
        </span>
        <button type="button" onClick={() => setRelayout((n) => n + 1)}>
          Re-layout
        </button>
      </div>
      {error && (
        <div className="notice error" role="alert">
          {error.message}
        </div>
      )}
      {graph.loading.length > 0 && <div className="notice">Loading {graph.loading.join(', ')}…</div>}
      {graph.problems.map((p) => (
        <div key={p.kind} className="notice warn">
          {p.kind}: {p.message}
        </div>
      ))}
      <div className="graph-main">
        <GraphCanvas
          nodes={nodes}
          edges={edges}
          selected={selection}
          {...(focus ? { focus } : {})}
          relayout={relayout + expansions.count}
          onSelect={(s) => route.setParams({ tsel: s?.type === 'node' ? s.id : undefined })}
          onOpen={open}
          onLayout={setLayoutInfo}
          testId="topology-graph"
        />
        {selectedNode && (
          <aside className="graph-side" data-testid="topology-side">
            <h2>
              <HealthDot health={selectedNode.health} /> {selectedNode.kind} {selectedNode.name}
            </h2>
            {selectedNode.namespace && <div className="muted">namespace {selectedNode.namespace}</div>}
            {selectedNode.health && <div className={`health-text ${selectedNode.health.level}`}>{selectedNode.health.reason}</div>}
            {selectedNode.pods && (
              <div>
                Pods: {selectedNode.pods.ok} ok, {selectedNode.pods.degraded} degraded, {selectedNode.pods.failing} failing, {selectedNode.pods.unknown} unknown
              </div>
            )}
            <div className="buttons">
              {selectedNode.kindId && (
                <a className="button" href={objectHref(route.params, { kindId: selectedNode.kindId, ...(selectedNode.namespace ? { namespace: selectedNode.namespace } : {}), name: selectedNode.name })}>
                  Open
                </a>
              )}
              {selectedNode.expandable && (
                <button type="button" onClick={() => setExpanded(selectedNode.id, !selectedNode.expanded)} data-testid="topology-expand">
                  {selectedNode.expanded ? 'Collapse pods' : 'Show ReplicaSets and Pods'}
                </button>
              )}
              {LOGGABLE[selectedNode.kind] && selectedNode.namespace && (
                <a className="button" href={logsHref(route.params, { kind: LOGGABLE[selectedNode.kind]!, namespace: selectedNode.namespace, name: selectedNode.name })}>
                  Logs
                </a>
              )}
            </div>
            <div className="small muted">Edges:</div>
            <ul className="plain small">
              {[...graph.edges.values()]
                .filter((e) => e.source === selectedNode.id || e.target === selectedNode.id)
                .slice(0, 50)
                .map((e) => (
                  <li key={e.id}>
                    {e.source === selectedNode.id ? `${e.kind} → ${e.target}` : `${e.source} → ${e.kind}`}
                    {e.pods ? ` (${e.pods} pods)` : ''}
                  </li>
                ))}
            </ul>
          </aside>
        )}
      </div>
    </div>
  );
}
