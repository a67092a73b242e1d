// A node-link graph on an echarts canvas with a layout that stays put: the first layout (ELK or
// the fast layered one, in a worker) places everything; later updates keep every known node
// where it is and place new ones next to their neighbours; only "re-layout" moves the rest.
// Level of detail: labels show once nodes are big enough on screen to carry them; big graphs
// draw thin edges without arrows, and pan and zoom as a bitmap between redraws. A text list of nodes and edges mirrors the canvas for screen
// readers (and tests) while the graph is small enough for that to be cheap.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { HealthLevel } from '../../../../src-main/contract/types';
import { init, type ECharts, type GraphOption, type GraphSeriesOption } from './graph-echarts';
import { placeNewNodes } from './incremental';
import { computeLayout } from './layout-client';
import type { LayoutEdge, LayoutNode, Point } from './layout-types';
import { useGraphTheme } from './graph-theme';
import './graph.css';

export interface GraphNodeSpec {
  id: string;
  label: string;
  /** Plain text, one line per entry. */
  tooltip: string[];
  health?: HealthLevel;
  symbol: 'circle' | 'rect' | 'roundRect' | 'diamond' | 'triangle';
  size: number;
  /** Drawn faded (no traffic in the window, only context for a filter). */
  dim?: boolean;
  /** Thick outline, e.g. where errors originate. */
  ring?: boolean;
  group?: string;
}

export interface GraphEdgeSpec {
  id: string;
  source: string;
  target: string;
  health?: HealthLevel;
  width: number;
  dashed?: boolean;
  dim?: boolean;
  tooltip: string[];
  /** Short text drawn on the edge when labels show (e.g. "12 rps"). */
  label?: string;
}

export type GraphSelection = { type: 'node' | 'edge'; id: string } | undefined;

export interface GraphCanvasProps {
  nodes: GraphNodeSpec[];
  edges: GraphEdgeSpec[];
  selected?: GraphSelection;
  /** Centre on this node; `seq` changes to re-focus the same node. */
  focus?: { id: string; seq: number };
  /** Incremented to throw the layout away and lay everything out again. */
  relayout?: number;
  onSelect?(s: GraphSelection): void;
  /** Double click on a node. */
  onOpen?(id: string): void;
  onLayout?(info: { engine: string; ms: number; nodes: number }): void;
  /** After echarts finished drawing an update (benchmarks measure first render with it). */
  onRendered?(): void;
  height?: number | string;
  testId?: string;
}

const LARGE = 300;
const MIN_LABEL_SCALE = 0.55;
const ZOOM_LIMIT = { min: 0.05, max: 12 };

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * Pan and zoom for big graphs: echarts redraws every node and edge on each move (about 90 ms of
 * CPU a frame at 1,000 nodes and 5,000 edges in software rendering), so while the user drags or
 * wheels, the drawn canvas is moved and scaled with a CSS transform (the compositor's work, not
 * the page's) and echarts draws once, at the new centre and zoom, when the gesture pauses.
 * `commitZoom` gets the zoom factor and returns the new absolute zoom.
 */
function bitmapRoam(el: HTMLElement, chart: ECharts, enabled: { current: boolean }, commitZoom: (factor: number) => number): () => void {
  let s = 1;
  let tx = 0;
  let ty = 0;
  let drag: { x: number; y: number } | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const layer = () => el.firstElementChild as HTMLElement | null;
  const apply = () => {
    const l = layer();
    if (!l) return;
    l.style.transformOrigin = '0 0';
    l.style.transform = s === 1 && tx === 0 && ty === 0 ? '' : `translate(${tx}px, ${ty}px) scale(${s})`;
  };
  const commit = () => {
    timer = undefined;
    if (s === 1 && tx === 0 && ty === 0) return;
    // The data point now shown at the view's centre becomes the centre.
    const w = el.clientWidth;
    const h = el.clientHeight;
    const px = (w / 2 - tx) / s;
    const py = (h / 2 - ty) / s;
    const center = chart.convertFromPixel({ seriesIndex: 0 }, [px, py]) as number[] | undefined;
    const factor = s;
    s = 1;
    tx = 0;
    ty = 0;
    apply();
    if (!center) return;
    const z = commitZoom(factor);
    chart.setOption({ series: [{ id: 'graph', center, zoom: z }] });
  };
  const later = (ms: number) => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(commit, ms);
  };
  const onWheel = (e: WheelEvent) => {
    if (!enabled.current) return;
    e.preventDefault();
    const r = el.getBoundingClientRect();
    const mx = e.clientX - r.left;
    const my = e.clientY - r.top;
    const f = e.deltaY < 0 ? 1.1 : 1 / 1.1;
    tx = mx - (mx - tx) * f;
    ty = my - (my - ty) * f;
    s *= f;
    apply();
    later(200);
  };
  const onDown = (e: MouseEvent) => {
    if (!enabled.current || e.button !== 0) return;
    drag = { x: e.clientX, y: e.clientY };
    if (timer) clearTimeout(timer);
  };
  const onMove = (e: MouseEvent) => {
    if (!drag) return;
    tx += e.clientX - drag.x;
    ty += e.clientY - drag.y;
    drag = { x: e.clientX, y: e.clientY };
    apply();
  };
  const onUp = () => {
    if (!drag) return;
    drag = undefined;
    later(0);
  };
  el.addEventListener('wheel', onWheel, { passive: false });
  el.addEventListener('mousedown', onDown);
  window.addEventListener('mousemove', onMove);
  window.addEventListener('mouseup', onUp);
  return () => {
    if (timer) clearTimeout(timer);
    el.removeEventListener('wheel', onWheel);
    el.removeEventListener('mousedown', onDown);
    window.removeEventListener('mousemove', onMove);
    window.removeEventListener('mouseup', onUp);
  };
}

function layoutNode(n: GraphNodeSpec): LayoutNode {
  // The label sits under the symbol: the box is as wide as the longer of the two.
  return { id: n.id, width: Math.max(n.size, Math.min(180, n.label.length * 6.5)) + 8, height: n.size + 18, ...(n.group ? { group: n.group } : {}) };
}

interface Layout {
  positions: Map<string, Point>;
  engine: string;
}

/** Positions for the current nodes: computed once, extended incrementally, recomputed on request. */
function useStableLayout(nodes: GraphNodeSpec[], edges: GraphEdgeSpec[], relayout: number, onLayout: GraphCanvasProps['onLayout']): Layout | undefined {
  const [layout, setLayout] = useState<Layout>();
  const laidOutFor = useRef<number | undefined>(undefined);
  const laidOutWithoutEdges = useRef(false);
  const nodeKey = useMemo(() => nodes.map((n) => n.id).join('\n'), [nodes]);
  const edgeKey = useMemo(() => edges.map((e) => `${e.source}>${e.target}`).join('\n'), [edges]);
  const inputs = useRef({ nodes, edges, onLayout });
  useEffect(() => {
    inputs.current = { nodes, edges, onLayout };
  });

  useEffect(() => {
    const { nodes: ns, edges: es, onLayout: report } = inputs.current;
    if (ns.length === 0) return;
    const lnodes = ns.map(layoutNode);
    const ledges: LayoutEdge[] = es.map((e) => ({ source: e.source, target: e.target }));
    // A layout made before any edge existed (traffic not there yet) says nothing: redo it once
    // edges arrive; otherwise only on request.
    if (laidOutFor.current !== relayout || (laidOutWithoutEdges.current && ledges.length > 0)) {
      let cancelled = false;
      const t0 = performance.now();
      void computeLayout(lnodes, ledges).then((r) => {
        if (cancelled) return;
        laidOutFor.current = relayout;
        laidOutWithoutEdges.current = ledges.length === 0;
        // Nodes that arrived while the worker ran are placed incrementally.
        const positions = placeNewNodes(lnodes, ledges, new Map(Object.entries(r.positions)));
        setLayout({ positions, engine: r.engine });
        report?.({ engine: r.engine, ms: performance.now() - t0, nodes: lnodes.length });
      });
      return () => {
        cancelled = true;
      };
    }
    setLayout((prev) => {
      if (!prev) return prev;
      const positions = placeNewNodes(lnodes, ledges, prev.positions);
      return { positions, engine: prev.engine };
    });
  }, [nodeKey, edgeKey, relayout]);
  return layout;
}

export function GraphCanvas({ nodes, edges, selected, focus, relayout = 0, onSelect, onOpen, onLayout, onRendered, height = '100%', testId }: GraphCanvasProps) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<ECharts | null>(null);
  const zoom = useRef(1);
  const drawPending = useRef(false);
  const theme = useGraphTheme();
  const layout = useStableLayout(nodes, edges, relayout, onLayout);
  // Small graphs start labelled; big ones start zoomed out to fit, where labels would not fit
  // (deciding before the first draw saves drawing everything twice).
  const [labels, setLabels] = useState(() => nodes.length <= 80);
  const handlers = useRef({ onSelect, onOpen, onRendered });
  useEffect(() => {
    handlers.current = { onSelect, onOpen, onRendered };
  });
  const large = nodes.length > LARGE || edges.length > LARGE * 3;
  const largeRef = useRef(large);
  useEffect(() => {
    largeRef.current = large;
  }, [large]);

  // How many pixels a layout unit takes at zoom 1 (echarts fits the bounding box into the view).
  const fitRef = useRef(1);
  useEffect(() => {
    if (!layout) return;
    let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
    for (const p of layout.positions.values()) {
      x0 = Math.min(x0, p.x);
      x1 = Math.max(x1, p.x);
      y0 = Math.min(y0, p.y);
      y1 = Math.max(y1, p.y);
    }
    const w = box.current?.clientWidth || 1000;
    const h = box.current?.clientHeight || 600;
    fitRef.current = Math.min(w / Math.max(1, x1 - x0 + 200), h / Math.max(1, y1 - y0 + 100));
    const show = fitRef.current * zoom.current >= MIN_LABEL_SCALE;
    setLabels((cur) => (cur === show ? cur : show));
  }, [layout]);

  useEffect(() => {
    const el = box.current!;
    const c = init(el, undefined, { renderer: 'canvas' });
    chart.current = c;
    c.on('click', (p) => {
      const data = p.data as { id?: string } | undefined;
      if (!data?.id) return;
      handlers.current.onSelect?.({ type: p.dataType === 'edge' ? 'edge' : 'node', id: data.id });
    });
    c.on('dblclick', (p) => {
      const data = p.data as { id?: string } | undefined;
      if (p.dataType === 'node' && data?.id) handlers.current.onOpen?.(data.id);
    });
    // 'finished' also follows a resize of the empty chart: report only drawn updates.
    c.on('finished', () => {
      if (!drawPending.current) return;
      drawPending.current = false;
      handlers.current.onRendered?.();
    });
    c.getZr().on('click', (e) => {
      if (!e.target) handlers.current.onSelect?.(undefined);
    });
    // Level of detail follows the zoom: labels only when they fit.
    c.on('graphroam', (p) => {
      const z = (p as { zoom?: number }).zoom;
      if (z === undefined) return;
      zoom.current = Math.min(ZOOM_LIMIT.max, Math.max(ZOOM_LIMIT.min, zoom.current * z));
      const show = fitRef.current * zoom.current >= MIN_LABEL_SCALE;
      setLabels((cur) => (cur === show ? cur : show));
    });
    const stopBitmapRoam = bitmapRoam(el, c, largeRef, (factor) => {
      zoom.current = Math.min(ZOOM_LIMIT.max, Math.max(ZOOM_LIMIT.min, zoom.current * factor));
      const show = fitRef.current * zoom.current >= MIN_LABEL_SCALE;
      setLabels((cur) => (cur === show ? cur : show));
      return zoom.current;
    });
    const observer = new ResizeObserver(() => c.resize());
    observer.observe(el);
    return () => {
      stopBitmapRoam();
      observer.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);

  const option = useMemo((): GraphOption | undefined => {
    if (!layout) return undefined;
    const color = (h: HealthLevel | undefined) => (h ? theme.health[h] : theme.none);
    const data: NonNullable<GraphSeriesOption['data']> = nodes.map((n) => {
      const p = layout.positions.get(n.id) ?? { x: 0, y: 0 };
      const isSel = selected?.type === 'node' && selected.id === n.id;
      return {
        id: n.id,
        name: n.id,
        x: p.x,
        y: p.y,
        symbol: n.symbol,
        symbolSize: n.size,
        value: n.label,
        // Series-level formatters read these (per-item label/tooltip options cost a model each).
        tip: n.tooltip.map(escape).join('<br>'),
        itemStyle: {
          color: color(n.health),
          opacity: n.dim ? 0.35 : 1,
          borderColor: isSel ? theme.accent : n.ring ? theme.text : theme.border,
          borderWidth: isSel ? 4 : n.ring ? 3 : 1,
        },
      };
    });
    const links: NonNullable<GraphSeriesOption['links']> = edges.map((e) => {
      const isSel = selected?.type === 'edge' && selected.id === e.id;
      return {
        id: e.id,
        source: e.source,
        target: e.target,
        tip: e.tooltip.map(escape).join('<br>'),
        text: e.label ?? '',
        lineStyle: {
          color: isSel ? theme.accent : e.health ? theme.health[e.health] : theme.muted,
          width: isSel ? e.width + 2 : e.width,
          type: e.dashed ? 'dashed' : 'solid',
          opacity: e.dim ? 0.25 : large ? 0.45 : 0.9,
        },
      };
    });
    return {
      animation: false,
      tooltip: { confine: true, enterable: false, transitionDuration: 0, formatter: (p) => (p as { data?: { tip?: string } }).data?.tip ?? '' },
      series: [
        {
          id: 'graph',
          type: 'graph',
          layout: 'none',
          // Big graphs move as a bitmap while the user pans and zooms (see bitmapRoam).
          roam: !large,
          scaleLimit: ZOOM_LIMIT,
          data,
          links,
          edgeSymbol: large ? ['none', 'none'] : ['none', 'arrow'],
          edgeSymbolSize: 7,
          lineStyle: { curveness: large ? 0 : 0.06 },
          label: { show: labels, position: 'bottom', color: theme.text, fontSize: 11, distance: 3, formatter: (p) => String((p as { value?: unknown }).value ?? '') },
          edgeLabel: { show: labels && !large, fontSize: 10, color: theme.muted, formatter: (p) => (p as { data?: { text?: string } }).data?.text ?? '' },
          // Highlighting neighbours on hover repaints every element: only for graphs small enough.
          emphasis: large ? { focus: 'none', scale: false } : { focus: 'adjacency', lineStyle: { width: 3 } },
        },
      ],
    };
  }, [layout, nodes, edges, theme, labels, large, selected]);

  useEffect(() => {
    if (!option || !chart.current) return;
    // Before setOption: echarts draws (and may say 'finished') within the call.
    drawPending.current = true;
    chart.current.setOption(option);
  }, [option]);

  useEffect(() => {
    if (!focus || !layout) return;
    const p = layout.positions.get(focus.id);
    if (!p) return;
    const z = Math.max(1, MIN_LABEL_SCALE / fitRef.current + 0.2);
    zoom.current = z;
    chart.current?.setOption({ series: [{ id: 'graph', center: [p.x, p.y], zoom: z }] });
    setLabels((cur) => cur || fitRef.current * z >= MIN_LABEL_SCALE);
  }, [focus, layout]);

  const small = nodes.length <= LARGE;
  return (
    <div className="graph-canvas" style={{ height }} data-testid={testId} data-nodes={nodes.length} data-edges={edges.length} data-layout={layout?.engine ?? 'pending'}>
      <div ref={box} className="graph-box" />
      {!layout && nodes.length > 0 && <div className="graph-pending muted">Laying out {nodes.length} nodes…</div>}
      {small && (
        <ul className="sr-only" aria-label="Graph nodes and edges">
          {nodes.map((n) => (
            <li key={n.id} data-node-id={n.id} data-health={n.health ?? 'none'} data-dim={n.dim ? 'true' : undefined} data-ring={n.ring ? 'true' : undefined}>
              {n.tooltip.join('; ')}
            </li>
          ))}
          {edges.map((e) => (
            <li key={e.id} data-edge-id={e.id} data-health={e.health ?? 'none'} data-dim={e.dim ? 'true' : undefined}>
              {e.tooltip.join('; ')}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
