// Graph layout off the UI thread: ELK's layered algorithm (with namespace groups, elk-layout.ts)
// for graphs it handles in reasonable time, the fast layered layout beyond that.
import ELK from 'elkjs/lib/elk.bundled.js';
import { elkLayout } from './elk-layout';
import { fastLayeredLayout } from './fast-layout';
import { EDGE_CURVENESS, ELK_MAX_EDGES, ELK_MAX_NODES, type LayoutRequest, type LayoutResult } from './layout-types';

const elk = new ELK();

async function layout(req: LayoutRequest): Promise<LayoutResult> {
  const t0 = performance.now();
  if (req.nodes.length > ELK_MAX_NODES || req.edges.length > ELK_MAX_EDGES) {
    return { id: req.id, positions: fastLayeredLayout(req.nodes, req.edges), engine: 'layered-fast', ms: performance.now() - t0 };
  }
  const { positions, curveness } = await elkLayout(elk, req.nodes, req.edges, EDGE_CURVENESS);
  return { id: req.id, positions, curveness, engine: 'elk', ms: performance.now() - t0 };
}

self.onmessage = (e: MessageEvent<LayoutRequest>) => {
  layout(e.data).then(
    (r) => self.postMessage(r),
    (err: unknown) => self.postMessage({ id: e.data.id, positions: fastLayeredLayout(e.data.nodes, e.data.edges), engine: 'layered-fast', ms: 0, error: String(err) } satisfies LayoutResult),
  );
};
