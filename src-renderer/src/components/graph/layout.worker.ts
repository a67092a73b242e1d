// Graph layout off the UI thread: ELK's layered algorithm for graphs it handles in reasonable
// time, the fast layered layout beyond that.
import ELK from 'elkjs/lib/elk.bundled.js';
import { fastLayeredLayout } from './fast-layout';
import { ELK_MAX_EDGES, ELK_MAX_NODES, LAYER_GAP, NODE_GAP, type LayoutRequest, type LayoutResult, type Point } from './layout-types';

const elk = new ELK();

async function layout(req: LayoutRequest): Promise<LayoutResult> {
  const t0 = performance.now();
  if (req.nodes.length > ELK_MAX_NODES || req.edges.length > ELK_MAX_EDGES) {
    return { id: req.id, positions: fastLayeredLayout(req.nodes, req.edges), engine: 'layered-fast', ms: performance.now() - t0 };
  }
  const ids = new Set(req.nodes.map((n) => n.id));
  const graph = await elk.layout({
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.spacing.nodeNode': String(NODE_GAP),
      'elk.layered.spacing.nodeNodeBetweenLayers': String(LAYER_GAP),
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
      'elk.separateConnectedComponents': 'true',
    },
    children: req.nodes.map((n) => ({ id: n.id, width: n.width, height: n.height })),
    edges: req.edges.filter((e) => ids.has(e.source) && ids.has(e.target) && e.source !== e.target).map((e, i) => ({ id: `e${i}`, sources: [e.source], targets: [e.target] })),
  });
  const positions: Record<string, Point> = {};
  for (const c of graph.children ?? []) positions[c.id] = { x: (c.x ?? 0) + (c.width ?? 0) / 2, y: (c.y ?? 0) + (c.height ?? 0) / 2 };
  return { id: req.id, positions, engine: 'elk', ms: performance.now() - t0 };
}

self.onmessage = (e: MessageEvent<LayoutRequest>) => {
  layout(e.data).then(
    (r) => self.postMessage(r),
    (err: unknown) => self.postMessage({ id: e.data.id, positions: fastLayeredLayout(e.data.nodes, e.data.edges), engine: 'layered-fast', ms: 0, error: String(err) } satisfies LayoutResult),
  );
};
