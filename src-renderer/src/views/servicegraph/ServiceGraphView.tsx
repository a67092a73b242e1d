// Service graph: who talks to whom, from request metrics in Prometheus, with health on every edge
// (Kiali's thresholds, editable). Nodes are workloads or services grouped by namespace; silent
// ones are dimmed; a ring marks where errors start. A replay slider over the last hour shows when
// an edge turned red. Clicking a node or edge opens its RED charts, pods and an errors-only log tail.
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import type { ClientError } from '../../../../src-main/contract/client';
import {
  KIALI_THRESHOLDS,
  TRAFFIC_WINDOWS,
  trafficHealth,
  type HealthThresholds,
  type ServiceGraph,
  type ServiceGraphHistory,
  type TrafficEdge,
  type TrafficNode,
  type TrafficWindow,
} from '../../../../src-main/contract/servicegraph-types';
import type { Health, HealthLevel } from '../../../../src-main/contract/types';
import { client } from '../../api/client';
import { useContexts } from '../../app/contexts';
import { useRoute } from '../../app/route';
import { GraphCanvas, type GraphEdgeSpec, type GraphNodeSpec, type GraphSelection } from '../../components/graph/GraphCanvas';
import { ServiceGraphSide } from './ServiceGraphSide';

const SOURCE_NAMES = { istio: 'Istio (istio_requests_total)', linkerd: 'Linkerd (response_total)', spans: 'span-derived (traces_service_graph_request_total)' };
const rank: Record<HealthLevel, number> = { ok: 0, unknown: 0, degraded: 1, failing: 2 };

export function parseThresholds(v: string | null): HealthThresholds {
  const n = (v ?? '').split(',').map(Number);
  if (n.length !== 4 || n.some((x) => !Number.isFinite(x) || x < 0 || x > 100)) return KIALI_THRESHOLDS;
  return { degraded5xx: n[0]!, failing5xx: n[1]!, degraded4xx: n[2]!, failing4xx: n[3]! };
}

const fmt = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

function nodeSpec(n: TrafficNode, health: Health | undefined, dim: boolean): GraphNodeSpec {
  return {
    id: n.id,
    label: n.kind === 'external' ? n.name : n.name,
    tooltip: [
      `${n.kind === 'external' ? 'outside the mesh' : n.kind} ${n.namespace ? `${n.namespace}/` : ''}${n.name}`,
      ...(health ? [`${health.level}: ${health.reason}`] : [n.traffic ? 'no inbound requests' : 'no traffic in the window']),
      `in ${fmt(n.inbound.rps)} req/s, out ${fmt(n.outbound.rps)} req/s`,
      ...(n.origin ? ['errors start here (not explained by failed calls it makes)'] : []),
    ],
    ...(health ? { health: health.level } : {}),
    symbol: n.kind === 'external' ? 'triangle' : n.kind === 'service' ? 'diamond' : 'circle',
    size: n.kind === 'external' ? 22 : 20 + Math.min(14, Math.log2(1 + n.inbound.rps) * 3),
    ...(dim ? { dim: true } : {}),
    ...(n.origin ? { ring: true } : {}),
    ...(n.namespace ? { group: n.namespace } : {}),
  };
}

function edgeSpec(e: Pick<TrafficEdge, 'id' | 'source' | 'target' | 'protocol' | 'p95Ms' | 'bytesPerSecond'> & { rates: TrafficEdge['rates'] }, health: Health | undefined, dim: boolean): GraphEdgeSpec {
  const err = e.rates.rps > 0 ? (100 * e.rates.errors) / e.rates.rps : 0;
  return {
    id: e.id,
    source: e.source,
    target: e.target,
    ...(health ? { health: health.level } : {}),
    width: 1 + Math.min(5, Math.log2(1 + e.rates.rps)),
    ...(e.protocol === 'tcp' ? { dashed: true } : {}),
    ...(dim ? { dim: true } : {}),
    label: e.protocol === 'tcp' ? `${fmt((e.bytesPerSecond ?? 0) / 1024)} KiB/s` : `${fmt(e.rates.rps)} rps${err > 0 ? ` ${err.toFixed(1)}%` : ''}`,
    tooltip: [
      `${e.source} → ${e.target} (${e.protocol})`,
      ...(e.protocol === 'tcp' ? [`${fmt(e.bytesPerSecond ?? 0)} bytes/s`] : [`${fmt(e.rates.rps)} req/s, 5xx ${err.toFixed(2)}%, 4xx ${e.rates.rps ? ((100 * e.rates.clientErrors) / e.rates.rps).toFixed(2) : '0.00'}%`]),
      ...(e.p95Ms !== undefined ? [`p95 ${fmt(e.p95Ms)} ms`] : []),
      ...(health ? [`${health.level}: ${health.reason}`] : []),
    ],
  };
}

/** The rates of step `i` of the replay, as the graph's edge and node rates. */
function ratesAt(h: ServiceGraphHistory, i: number) {
  const at = (x: { rps: number[]; errors: number[]; clientErrors: number[] }) => ({ rps: x.rps[i] ?? 0, errors: x.errors[i] ?? 0, clientErrors: x.clientErrors[i] ?? 0 });
  return { edges: new Map(h.edges.map((e) => [e.id, { ...e, rates: at(e) }])), nodes: new Map(h.nodes.map((n) => [n.id, at(n)])) };
}

export function ServiceGraphView() {
  const route = useRoute();
  const { selected: context } = useContexts();
  const p = route.params;
  const ns = p.get('ns') ?? '';
  const mode: 'services' | 'workloads' = p.get('sgmode') === 'services' ? 'services' : 'workloads';
  const window = (TRAFFIC_WINDOWS as readonly string[]).includes(p.get('sgw') ?? '') ? (p.get('sgw') as TrafficWindow) : '1m';
  const thresholds = parseThresholds(p.get('sgth'));
  const replay = p.get('sgr') === '1';
  const replayT = p.get('sgt') ? Number(p.get('sgt')) : undefined;
  const sel = p.get('sgsel') ?? '';
  const selection: GraphSelection = sel.startsWith('n:') ? { type: 'node', id: sel.slice(2) } : sel.startsWith('e:') ? { type: 'edge', id: sel.slice(2) } : undefined;
  const [relayout, setRelayout] = useState(0);
  const [focus, setFocus] = useState<{ id: string; seq: number }>();
  const [search, setSearch] = useState('');

  const input = context ? { context, ...(ns ? { namespaces: [ns] } : {}), mode, window, thresholds } : undefined;
  const graphQ = useQuery<ServiceGraph, ClientError>({
    queryKey: ['servicegraph.graph', input],
    queryFn: ({ signal }) => client.call('servicegraph.graph', { ...input!, latency: false }, { signal }),
    enabled: !!input,
    refetchInterval: 5000,
    placeholderData: (prev) => prev,
    retry: false,
  });
  // p95 costs Prometheus more than everything else: asked for separately, less often.
  const latencyQ = useQuery<{ p95: Record<string, number> }, ClientError>({
    queryKey: ['servicegraph.latency', input],
    queryFn: ({ signal }) => client.call('servicegraph.latency', input!, { signal }),
    enabled: !!input,
    refetchInterval: 15_000,
    placeholderData: (prev) => prev,
    retry: false,
  });
  const historyQ = useQuery<ServiceGraphHistory, ClientError>({
    queryKey: ['servicegraph.history', input],
    queryFn: ({ signal }) => client.call('servicegraph.history', { ...input!, rangeS: 3600, step: 30 }, { signal }),
    enabled: !!input && replay,
    refetchInterval: 30_000,
    placeholderData: (prev) => prev,
    retry: false,
  });
  const p95 = latencyQ.data?.p95;
  const g = useMemo(() => (graphQ.data && p95 ? { ...graphQ.data, edges: graphQ.data.edges.map((e) => (p95[e.id] !== undefined ? { ...e, p95Ms: p95[e.id] } : e)) } : graphQ.data), [graphQ.data, p95]);
  const h = replay ? historyQ.data : undefined;
  const index = h ? (replayT !== undefined ? Math.max(0, h.times.findIndex((t) => t >= replayT)) : h.times.length - 1) : -1;

  const nodeMap = useMemo(() => new Map((g?.nodes ?? []).map((n) => [n.id, n])), [g]);
  const { nodes, edges } = useMemo(() => {
    if (!g) return { nodes: [] as GraphNodeSpec[], edges: [] as GraphEdgeSpec[] };
    if (!h || index < 0) {
      return {
        nodes: g.nodes.map((n) => nodeSpec(n, n.health, !n.traffic)),
        edges: g.edges.map((e) => edgeSpec(e, e.health, false)),
      };
    }
    // Replay: the live graph's structure (the layout stays), coloured by the step's rates.
    const at = ratesAt(h, index);
    const es: GraphEdgeSpec[] = g.edges.map((e) => {
      const past = at.edges.get(e.id);
      const rates = past?.rates ?? { rps: 0, errors: 0, clientErrors: 0 };
      return edgeSpec({ ...e, rates }, trafficHealth(rates, thresholds), !(rates.rps > 0));
    });
    const ns2 = g.nodes.map((n) => {
      const r = at.nodes.get(n.id);
      const health = r ? trafficHealth(r, thresholds) : undefined;
      return nodeSpec({ ...n, inbound: r ?? n.inbound, origin: false }, health, !(r && r.rps > 0) && !(h.edges.some((e) => e.source === n.id && (e.rps[index] ?? 0) > 0)));
    });
    return { nodes: ns2, edges: es };
  }, [g, h, index, thresholds]);

  // When each step was worst: one cell per step of the replay.
  const strip = useMemo(() => {
    if (!h) return [];
    return h.times.map((_, i): HealthLevel | 'none' => {
      // No request at all at that step (before Prometheus had data): grey, not green.
      if (!h.edges.some((e) => (e.rps[i] ?? 0) > 0)) return 'none';
      let worst: HealthLevel = 'ok';
      for (const e of h.edges) {
        const l = trafficHealth({ rps: e.rps[i] ?? 0, errors: e.errors[i] ?? 0, clientErrors: e.clientErrors[i] ?? 0 }, thresholds)?.level ?? 'ok';
        if (rank[l] > rank[worst]) worst = l;
      }
      return worst;
    });
  }, [h, thresholds]);

  if (!context) return <div className="notice">Pick a context to see its service graph.</div>;
  const set = (changes: Record<string, string | undefined>) => route.setParams(changes);
  const find = () => {
    const q = search.trim().toLowerCase();
    const hit = g?.nodes.find((n) => n.name.toLowerCase() === q) ?? g?.nodes.find((n) => n.id.toLowerCase().includes(q));
    if (!q || !hit) return;
    setFocus((f) => ({ id: hit.id, seq: (f?.seq ?? 0) + 1 }));
    set({ sgsel: `n:${hit.id}` });
  };
  const failingEdges = edges.filter((e) => e.health === 'failing').length;
  return (
    <div className="graph-view" data-testid="servicegraph-view">
      <div className="view-header">
        <h1>Service graph</h1>
        <span className="muted">{ns ? `namespace ${ns}` : 'all namespaces'}</span>
        {g && (
          <span className="muted small" data-testid="servicegraph-source">
            from {SOURCE_NAMES[g.source]}
            {g.detected.length > 1 ? ` (also found: ${g.detected.filter((d) => d.source !== g.source).map((d) => d.source).join(', ')})` : ''} · {g.nodes.length} nodes, {g.edges.length} edges, {failingEdges} failing · Prometheus {g.prometheus}, {g.queryMs} ms
          </span>
        )}
      </div>
      <div className="graph-toolbar">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            find();
          }}
        >
          <input aria-label="Find a node" placeholder="Find (Enter to focus)" value={search} onChange={(e) => setSearch(e.target.value)} />
        </form>
        <label className="field">
          Nodes
          <select value={mode} onChange={(e) => set({ sgmode: e.target.value === 'services' ? 'services' : undefined, sgsel: undefined })} aria-label="Nodes are">
            <option value="workloads">workloads</option>
            <option value="services">services</option>
          </select>
        </label>
        <label className="field">
          Window
          <select value={window} onChange={(e) => set({ sgw: e.target.value })} aria-label="Window">
            {TRAFFIC_WINDOWS.map((w) => (
              <option key={w} value={w}>
                {w}
              </option>
            ))}
          </select>
        </label>
        <details className="thresholds">
          <summary>
            Thresholds 5xx {thresholds.degraded5xx}/{thresholds.failing5xx}% · 4xx {thresholds.degraded4xx}/{thresholds.failing4xx}%
          </summary>
          <form
            className="threshold-form"
            onSubmit={(e) => {
              e.preventDefault();
              const f = new FormData(e.currentTarget);
              set({ sgth: ['d5', 'f5', 'd4', 'f4'].map((k) => String(f.get(k))).join(',') });
            }}
          >
            {(
              [
                ['d5', '5xx degraded over %', thresholds.degraded5xx],
                ['f5', '5xx failing over %', thresholds.failing5xx],
                ['d4', '4xx degraded over %', thresholds.degraded4xx],
                ['f4', '4xx failing over %', thresholds.failing4xx],
              ] as const
            ).map(([k, label, v]) => (
              <label key={k} className="field">
                {label}
                <input name={k} type="number" min={0} max={100} step="any" defaultValue={v} style={{ width: 70 }} />
              </label>
            ))}
            <button type="submit">Apply</button>
            <button type="button" onClick={() => set({ sgth: undefined })}>
              Kiali defaults
            </button>
          </form>
        </details>
        <button type="button" aria-pressed={replay} onClick={() => set({ sgr: replay ? undefined : '1', sgt: undefined })} data-testid="servicegraph-replay">
          {replay ? 'Back to live' : 'Replay last hour'}
        </button>
        <button type="button" onClick={() => setRelayout((n) => n + 1)}>
          Re-layout
        </button>
      </div>
      {replay && h && (
        <div className="replay" data-testid="servicegraph-replay-bar">
          <div className="replay-strip" aria-hidden>
            {strip.map((l, i) => (
              <span key={h.times[i]} className={`cell ${l}${i === index ? ' current' : ''}`} onClick={() => set({ sgt: String(h.times[i]) })} />
            ))}
          </div>
          <input
            type="range"
            min={0}
            max={h.times.length - 1}
            value={index}
            aria-label="Replay time"
            onChange={(e) => set({ sgt: String(h.times[Number(e.target.value)]) })}
            style={{ width: '100%' }}
          />
          <span className="small">{new Date((h.times[index] ?? 0) * 1000).toLocaleTimeString()} (window {h.window} ending then)</span>
        </div>
      )}
      {replay && historyQ.isLoading && <div className="notice">Loading the last hour…</div>}
      {(graphQ.error ?? historyQ.error) && (
        <div className="notice error" role="alert" data-testid="servicegraph-error">
          {(graphQ.error ?? historyQ.error)!.message}
        </div>
      )}
      {!g && graphQ.isLoading && <div className="notice">Querying Prometheus…</div>}
      <div className="graph-legend">
        <span>
          <span className="sw" style={{ background: 'var(--ok)' }} />
          ok
        </span>
        <span>
          <span className="sw" style={{ background: 'var(--degraded)' }} />
          degraded
        </span>
        <span>
          <span className="sw" style={{ background: 'var(--failing)' }} />
          failing
        </span>
        <span>faded: no traffic in the window · ring: errors start here · triangle: outside the mesh</span>
      </div>
      <div className="graph-main">
        <GraphCanvas
          nodes={nodes}
          edges={edges}
          selected={selection}
          {...(focus ? { focus } : {})}
          relayout={relayout}
          onSelect={(s) => set({ sgsel: s ? `${s.type === 'node' ? 'n' : 'e'}:${s.id}` : undefined })}
          testId="servicegraph-graph"
        />
        {g && selection && <ServiceGraphSide graph={g} nodes={nodeMap} selection={selection} onClose={() => set({ sgsel: undefined })} />}
      </div>
    </div>
  );
}
