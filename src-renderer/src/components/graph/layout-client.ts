// The page's side of the layout worker: one worker per page (started on the first graph small
// enough for ELK), requests answered in order; big graphs, and pages where workers are
// unavailable, get the fast layout on the spot.
import { fastLayeredLayout } from './fast-layout';
import { ELK_MAX_EDGES, ELK_MAX_NODES, type LayoutEdge, type LayoutNode, type LayoutResult } from './layout-types';

let worker: Worker | undefined;
let failed = false;
let next = 1;
const waiting = new Map<number, (r: LayoutResult) => void>();

function getWorker(): Worker | undefined {
  if (worker || failed) return worker;
  try {
    worker = new Worker(new URL('./layout.worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (e: MessageEvent<LayoutResult>) => {
      waiting.get(e.data.id)?.(e.data);
      waiting.delete(e.data.id);
    };
    worker.onerror = () => {
      failed = true;
      worker = undefined;
      for (const [id, resolve] of waiting) resolve({ id, positions: {}, engine: 'layered-fast', ms: 0, error: 'layout worker failed' });
      waiting.clear();
    };
  } catch {
    failed = true;
  }
  return worker;
}

export function computeLayout(nodes: LayoutNode[], edges: LayoutEdge[]): Promise<LayoutResult> {
  const id = next++;
  // The fast layout takes tens of milliseconds even at 1,000 nodes and 5,000 edges: less than
  // starting the worker (which loads ELK), so big graphs are laid out right here.
  const w = nodes.length > ELK_MAX_NODES || edges.length > ELK_MAX_EDGES ? undefined : getWorker();
  if (!w) {
    const t0 = performance.now();
    return Promise.resolve({ id, positions: fastLayeredLayout(nodes, edges), engine: 'layered-fast', ms: performance.now() - t0 });
  }
  return new Promise((resolve) => {
    waiting.set(id, resolve);
    w.postMessage({ id, nodes, edges });
  });
}
