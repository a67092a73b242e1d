// A node-link graph on an echarts canvas. The layout (ELK with a box per namespace, or the fast
// layered one for big graphs) is redone whenever the node or edge set changes until the user
// touches the graph (pan, zoom, selection, focus: layout-policy.ts); from then on it stays put:
// known nodes keep their place, new ones go next to their neighbours, and only "re-layout" moves
// the rest. Namespace boxes are an SVG layer under the canvas that follows echarts' view; the
// view is fitted to the whole drawing (boxes and labels included). Edges the layout routes around
// nodes in between are drawn bent (layout-types' `curveness`).
// Level of detail: labels show once nodes are big enough on screen to carry them (cut to the room
// they have); big graphs draw thin edges without arrows, and pan and zoom as a bitmap between
// redraws. A text list of nodes and edges mirrors the canvas for screen readers (and tests) while
// the graph is small enough for that to be cheap.
import { useEffect, useLayoutEffect, useMemo, useRef, useState, type RefObject } from 'react';
import type { HealthLevel } from '../../../../src-main/contract/types';
import { init, type ECharts, type GraphOption, type GraphSeriesOption } from './graph-echarts';
import { layoutGroups } from './elk-layout';
import { placeNewNodes } from './incremental';
import { computeLayout } from './layout-client';
import { layoutAction, setKey, type LaidOut } from './layout-policy';
import { EDGE_CURVENESS, GROUP_PAD, GROUP_PAD_TOP, type LayoutEdge, type LayoutNode, type Point } from './layout-types';
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
/** Labels longer than this (px, about 38 characters) end in an ellipsis; the tooltip has them whole. */
const LABEL_WIDTH = 240;

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * Pan and zoom for big graphs: echarts redraws every node and edge on each move (about 90 ms of
 * CPU a frame at 1,000 nodes and 5,000 edges in software rendering), so while the user drags or
 * wheels, the drawn canvas is moved and scaled with a CSS transform (the compositor's work, not
 * the page's) and echarts draws once, at the new centre and zoom, when the gesture pauses.
 * `commitZoom` gets the zoom factor and returns the new absolute zoom.
 */
function bitmapRoam(el: HTMLElement, chart: ECharts, enabled: { current: boolean }, commitZoom: (factor: number) => number, onInteract: () => void): () => void {
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
    onInteract();
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
    if (e.clientX !== drag.x || e.clientY !== drag.y) onInteract();
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
  return { id: n.id, width: Math.max(n.size, Math.min(LABEL_WIDTH, n.label.length * 6.2)) + 8, height: n.size + 18, ...(n.group ? { group: n.group } : {}) };
}

interface Layout {
  positions: Map<string, Point>;
  /** Each node's box as it was laid out (sizes that follow traffic do not move boxes or the fit). */
  boxes: Map<string, LayoutNode>;
  /** Edges (`source>target`) to draw bent around nodes in their way, and how much. */
  curveness: Map<string, number>;
  engine: string;
  /** Counts full layouts: the view is fitted again after each. */
  full: number;
}

/**
 * Positions for the current nodes: laid out in full when `layoutAction` says so (first time, on
 * request, or a changed node or edge set while the user has not touched the graph), else
 * extended incrementally. `touched` is set by pans, zooms and focus, and cleared by a full layout;
 * a selection counts as touching while it lasts.
 */
function useStableLayout(nodes: GraphNodeSpec[], edges: GraphEdgeSpec[], relayout: number, selected: GraphSelection, touched: RefObject<boolean>, onLayout: GraphCanvasProps['onLayout']): Layout | undefined {
  const [layout, setLayout] = useState<Layout>();
  const done = useRef<LaidOut | undefined>(undefined);
  const current = useRef<Layout | undefined>(undefined);
  const fulls = useRef(0);
  const nodeKey = useMemo(() => setKey(nodes.map((n) => n.id)), [nodes]);
  const edgeKey = useMemo(() => setKey(edges.map((e) => `${e.source}>${e.target}`)), [edges]);
  const inputs = useRef({ nodes, edges, selected, onLayout });
  useEffect(() => {
    inputs.current = { nodes, edges, selected, onLayout };
  });

  useEffect(() => {
    const { nodes: ns, edges: es, selected: sel, onLayout: report } = inputs.current;
    if (ns.length === 0) return;
    const lnodes = ns.map(layoutNode);
    const ledges: LayoutEdge[] = es.map((e) => ({ source: e.source, target: e.target }));
    // Nothing of the old picture left (another namespace): nothing to keep either.
    const known = current.current ? ns.some((n) => current.current!.positions.has(n.id)) : false;
    const action = layoutAction(done.current, { relayout, nodeKey, edgeKey, edgeCount: ledges.length, interacted: known && (touched.current || !!sel) });
    if (action === 'keep') return;
    // New nodes beside their neighbours, the others where they are.
    const extend = (prev: Layout) => {
      const boxes = new Map(prev.boxes);
      for (const n of lnodes) if (!boxes.has(n.id)) boxes.set(n.id, n);
      current.current = { ...prev, positions: placeNewNodes(lnodes, ledges, prev.positions), boxes };
      setLayout(current.current);
    };
    if (action === 'full') {
      // Until the full layout comes back from the worker, new nodes are not left at the origin.
      const prev = current.current;
      if (prev && known && lnodes.some((n) => !prev.positions.has(n.id))) extend(prev);
      let cancelled = false;
      const t0 = performance.now();
      void computeLayout(lnodes, ledges).then((r) => {
        if (cancelled) return;
        done.current = { relayout, withoutEdges: ledges.length === 0, nodeKey, edgeKey };
        touched.current = false;
        // Nodes the layout did not place (a failed worker) are placed incrementally.
        const positions = placeNewNodes(lnodes, ledges, new Map(Object.entries(r.positions)));
        current.current = { positions, boxes: new Map(lnodes.map((n) => [n.id, n])), curveness: new Map(Object.entries(r.curveness ?? {})), engine: r.engine, full: ++fulls.current };
        setLayout(current.current);
        report?.({ engine: r.engine, ms: performance.now() - t0, nodes: lnodes.length });
      });
      return () => {
        cancelled = true;
      };
    }
    done.current = { ...done.current!, nodeKey, edgeKey };
    extend(current.current!);
  }, [nodeKey, edgeKey, relayout, touched]);
  return layout;
}

/** Space around the drawing in the view, px; and the most a fitted view enlarges layout units. */
const VIEW_MARGIN = { left: 16, right: 16, top: 16, bottom: 16 };
const MAX_FIT = 1.5;

interface Extent {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** What the drawing covers in layout units: every node's box (its label included) and every namespace box. */
function extentOf(layout: Layout, groups: GroupBox[]): Extent {
  const e: Extent = { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity };
  for (const [id, p] of layout.positions) {
    const b = layout.boxes.get(id);
    if (!b) continue;
    e.x0 = Math.min(e.x0, p.x - b.width / 2);
    e.x1 = Math.max(e.x1, p.x + b.width / 2);
    e.y0 = Math.min(e.y0, p.y - b.height / 2);
    e.y1 = Math.max(e.y1, p.y + b.height / 2);
  }
  for (const g of groups) {
    e.x0 = Math.min(e.x0, g.x);
    e.x1 = Math.max(e.x1, g.x + g.width);
    e.y0 = Math.min(e.y0, g.y);
    e.y1 = Math.max(e.y1, g.y + g.height);
  }
  return Number.isFinite(e.x0) ? e : { x0: 0, y0: 0, x1: 1, y1: 1 };
}

interface Size {
  w: number;
  h: number;
}

/** The view's size inside its margins: as last observed, else as the element is now. */
function viewSize(size: Size, el: HTMLElement | null): Size {
  const w = size.w || el?.clientWidth || 1000;
  const h = size.h || el?.clientHeight || 600;
  return { w: Math.max(1, w - VIEW_MARGIN.left - VIEW_MARGIN.right), h: Math.max(1, h - VIEW_MARGIN.top - VIEW_MARGIN.bottom) };
}

/** The extent, grown around its centre where it is so small that fitting it would enlarge it more than MAX_FIT times. */
function fitCorners(e: Extent, view: Size): [Point, Point] {
  const { w, h } = view;
  const cx = (e.x0 + e.x1) / 2;
  const cy = (e.y0 + e.y1) / 2;
  // The corners span the view at the scale that fits the extent, centred on the drawing.
  const scale = Math.min(MAX_FIT, w / Math.max(1, e.x1 - e.x0), h / Math.max(1, e.y1 - e.y0));
  const hw = w / scale / 2;
  const hh = h / scale / 2;
  return [
    { x: cx - hw, y: cy - hh },
    { x: cx + hw, y: cy + hh },
  ];
}

/** Pixels per layout unit at zoom 1 once echarts fitted the corners into the view. */
function fitScale(e: Extent, view: Size): number {
  const { w, h } = view;
  return Math.min(MAX_FIT, w / Math.max(1, e.x1 - e.x0), h / Math.max(1, e.y1 - e.y0));
}

interface GroupBox {
  name: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A box per namespace around its nodes, in layout units, when the layout made them (ELK). */
function groupBoxes(layout: Layout | undefined): GroupBox[] {
  if (!layout || layout.engine !== 'elk') return [];
  const placed = [...layout.positions.keys()].map((id) => layout.boxes.get(id)).filter((n): n is LayoutNode => !!n);
  const groups = layoutGroups(placed);
  const boxes = new Map<string, { x0: number; y0: number; x1: number; y1: number }>();
  for (const n of placed) {
    const p = layout.positions.get(n.id)!;
    if (!n.group || !groups.has(n.group)) continue;
    const b = boxes.get(n.group) ?? { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity };
    b.x0 = Math.min(b.x0, p.x - n.width / 2);
    b.x1 = Math.max(b.x1, p.x + n.width / 2);
    b.y0 = Math.min(b.y0, p.y - n.height / 2);
    b.y1 = Math.max(b.y1, p.y + n.height / 2);
    boxes.set(n.group, b);
  }
  return [...boxes].map(([name, b]) => ({ name, x: b.x0 - GROUP_PAD, y: b.y0 - GROUP_PAD_TOP, width: b.x1 - b.x0 + 2 * GROUP_PAD, height: b.y1 - b.y0 + GROUP_PAD + GROUP_PAD_TOP }));
}

export function GraphCanvas({ nodes, edges, selected, focus, relayout = 0, onSelect, onOpen, onLayout, onRendered, height = '100%', testId }: GraphCanvasProps) {
  const box = useRef<HTMLDivElement>(null);
  const groupLayer = useRef<SVGGElement>(null);
  const chart = useRef<ECharts | null>(null);
  const zoom = useRef(1);
  const drawPending = useRef(false);
  // Pan, zoom or focus since the last full layout (see useStableLayout).
  const touched = useRef(false);
  const theme = useGraphTheme();
  const layout = useStableLayout(nodes, edges, relayout, selected, touched, onLayout);
  // Small graphs start labelled; big ones start zoomed out to fit, where labels would not fit
  // (deciding before the first draw saves drawing everything twice).
  const [labels, setLabels] = useState(() => nodes.length <= 80);
  // Labels are cut to the room their node has in the layout at the current scale (in steps, so
  // that zooming redraws now and then, not at every wheel tick); big graphs' are not cut (measuring
  // a thousand labels costs more than it helps).
  const [labelWidth, setLabelWidth] = useState(LABEL_WIDTH);
  const handlers = useRef({ onSelect, onOpen, onRendered });
  useEffect(() => {
    handlers.current = { onSelect, onOpen, onRendered };
  });
  const large = nodes.length > LARGE || edges.length > LARGE * 3;
  const largeRef = useRef(large);
  useEffect(() => {
    largeRef.current = large;
  }, [large]);

  // How many pixels a layout unit takes at zoom 1 (echarts fits the extent into the view).
  const fitRef = useRef(1);
  // The full layout the view was last fitted to: a new one is shown whole (zoom 1, centred).
  const fittedFor = useRef(0);

  /** Level of detail for the current scale (fit and zoom): labels only when they fit, and how long. */
  function updateDetail() {
    const scale = fitRef.current * zoom.current;
    const show = scale >= MIN_LABEL_SCALE;
    setLabels((cur) => (cur === show ? cur : show));
    if (largeRef.current) return;
    const width = Math.round((LABEL_WIDTH * Math.min(1, scale)) / 20) * 20;
    setLabelWidth((cur) => (cur === width ? cur : width));
  }

  // The view's size: the corners that fit the drawing into it depend on it. Known before the
  // first draw, so that the observer's first report changes nothing (a second draw of a big graph).
  const [size, setSize] = useState<Size>({ w: 0, h: 0 });
  useLayoutEffect(() => {
    const el = box.current!;
    setSize({ w: el.clientWidth, h: el.clientHeight });
  }, []);
  const groups = useMemo(() => (large ? [] : groupBoxes(layout)), [layout, large]);
  const extent = useMemo(() => (layout ? extentOf(layout, groups) : undefined), [layout, groups]);

  useEffect(() => {
    if (!layout || !extent) return;
    if (layout.full !== fittedFor.current) zoom.current = 1;
    fitRef.current = fitScale(extent, viewSize(size, box.current));
    updateDetail();
  }, [layout, extent, size]);

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
      touched.current = true;
      const z = (p as { zoom?: number }).zoom;
      if (z === undefined) return;
      zoom.current = Math.min(ZOOM_LIMIT.max, Math.max(ZOOM_LIMIT.min, zoom.current * z));
      updateDetail();
    });
    const stopBitmapRoam = bitmapRoam(el, c, largeRef, (factor) => {
      zoom.current = Math.min(ZOOM_LIMIT.max, Math.max(ZOOM_LIMIT.min, zoom.current * factor));
      updateDetail();
      return zoom.current;
    }, () => (touched.current = true));
    // The namespace boxes follow every redraw (pans and zooms included).
    c.on('rendered', () => syncGroups());
    const observer = new ResizeObserver(() => {
      c.resize();
      const [w, h] = [el.clientWidth, el.clientHeight];
      setSize((cur) => (cur.w === w && cur.h === h ? cur : { w, h }));
    });
    observer.observe(el);
    return () => {
      stopBitmapRoam();
      observer.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);

  const option = useMemo((): GraphOption | undefined => {
    if (!layout || !extent) return undefined;
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
    // Two invisible corners make echarts fit the whole drawing (boxes and labels included, not
    // just the nodes' centres) into the view, and no more than MAX_FIT times enlarged.
    const corners = fitCorners(extent, viewSize(size, box.current));
    for (const [i, c] of corners.entries()) data.push({ id: `\u0000corner${i}`, name: `\u0000corner${i}`, x: c.x, y: c.y, symbolSize: 0, label: { show: false } });
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
          curveness: large ? 0 : (layout.curveness.get(`${e.source}>${e.target}`) ?? EDGE_CURVENESS),
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
          // Dragging anywhere on the canvas pans, not only inside the nodes' bounding box.
          roamTrigger: 'global',
          ...VIEW_MARGIN,
          preserveAspect: 'contain',
          scaleLimit: ZOOM_LIMIT,
          data,
          links,
          edgeSymbol: large ? ['none', 'none'] : ['none', 'arrow'],
          edgeSymbolSize: 7,
          lineStyle: { curveness: large ? 0 : EDGE_CURVENESS },
          label: { show: labels, position: 'bottom', color: theme.text, fontSize: 11, distance: 3, ...(large ? {} : { width: labelWidth, overflow: 'truncate' as const }), formatter: (p) => String((p as { value?: unknown }).value ?? '') },
          edgeLabel: { show: labels && !large, fontSize: 10, color: theme.muted, formatter: (p) => (p as { data?: { text?: string } }).data?.text ?? '' },
          // Highlighting neighbours on hover repaints every element: only for graphs small enough.
          emphasis: large ? { focus: 'none', scale: false } : { focus: 'adjacency', lineStyle: { width: 3 } },
        },
      ],
    };
  }, [layout, extent, size, nodes, edges, theme, labels, labelWidth, large, selected]);

  useEffect(() => {
    if (!option || !chart.current || !layout) return;
    // Before setOption: echarts draws (and may say 'finished') within the call.
    drawPending.current = true;
    if (layout.full !== fittedFor.current) {
      // A new full layout is shown whole: echarts' default centre, zoom 1.
      fittedFor.current = layout.full;
      const [series] = option.series as GraphSeriesOption[];
      chart.current.setOption({ ...option, series: [{ ...series, center: null as unknown as number[], zoom: 1 }] });
    } else chart.current.setOption(option);
    syncGroups();
  }, [option, layout]);

  // A new focus request centres and zooms on its node (once it has a place).
  const focusedSeq = useRef<number | undefined>(undefined);
  useEffect(() => {
    if (!focus || !layout || focusedSeq.current === focus.seq) return;
    const p = layout.positions.get(focus.id);
    if (!p) return;
    focusedSeq.current = focus.seq;
    touched.current = true;
    const z = Math.max(1, MIN_LABEL_SCALE / fitRef.current + 0.2);
    zoom.current = z;
    chart.current?.setOption({ series: [{ id: 'graph', center: [p.x, p.y], zoom: z }] });
    updateDetail();
    syncGroups();
  }, [focus, layout]);

  /** Moves the namespace boxes (layout units) to where echarts' view shows layout units now. */
  function syncGroups() {
    const g = groupLayer.current;
    const c = chart.current;
    if (!g || !c || !g.firstChild) return;
    const a = c.convertToPixel({ seriesIndex: 0 }, [0, 0]) as number[] | undefined;
    const b = c.convertToPixel({ seriesIndex: 0 }, [1000, 1000]) as number[] | undefined;
    if (!a || !b) return;
    const scale = (b[0]! - a[0]!) / 1000;
    const t = `matrix(${scale} 0 0 ${(b[1]! - a[1]!) / 1000} ${a[0]} ${a[1]})`;
    if (g.getAttribute('transform') !== t) {
      g.setAttribute('transform', t);
      // Names stay about 11 px on screen as long as they fit in the room above the nodes.
      g.style.fontSize = `${Math.min(GROUP_PAD_TOP * 0.75, Math.max(12, 11 / scale))}px`;
    }
  }
  useEffect(() => {
    if (groups.length) syncGroups();
  }, [groups]);

  const small = nodes.length <= LARGE;
  return (
    <div className="graph-canvas" style={{ height }} data-testid={testId} data-nodes={nodes.length} data-edges={edges.length} data-layout={layout?.engine ?? 'pending'} data-full-layouts={layout?.full ?? 0}>
      <svg className="graph-groups" aria-hidden>
        <g ref={groupLayer}>
          {groups.map((g) => (
            <g key={g.name} data-group={g.name}>
              <rect x={g.x} y={g.y} width={g.width} height={g.height} rx={8} />
              <text x={g.x + 8} y={g.y + 5} dominantBaseline="hanging">
                {g.name}
              </text>
            </g>
          ))}
        </g>
      </svg>
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
