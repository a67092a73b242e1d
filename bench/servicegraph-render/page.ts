// The bench page: the service graph view's canvas (GraphCanvas: layout, echarts graph, level of
// detail) drawing 1,000 workloads and 5,000 edges, timed from mounting to echarts' 'finished';
// or, as the baseline, echarts alone drawing the same nodes at the same positions (no layout,
// no React), also to 'finished'. A requestAnimationFrame loop keeps frames ticking while the
// benchmark pans and zooms, so the trace marks every frame.
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import * as echartsFull from 'echarts';
import { GraphCanvas, type GraphEdgeSpec, type GraphNodeSpec } from '../../src-renderer/src/components/graph/GraphCanvas';
import { fastLayeredLayout } from '../../src-renderer/src/components/graph/fast-layout';

const N = 1000;
const E = 5000;
const LEVELS = ['ok', 'ok', 'ok', 'ok', 'degraded', 'failing'] as const;

function graph(): { nodes: GraphNodeSpec[]; edges: GraphEdgeSpec[] } {
  let seed = 42;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const nodes: GraphNodeSpec[] = Array.from({ length: N }, (_, i) => ({
    id: `ns-${i % 20}/svc-${i}`,
    label: `svc-${i}`,
    tooltip: [`workload ns-${i % 20}/svc-${i}`],
    health: LEVELS[i % LEVELS.length],
    symbol: 'circle',
    size: 20,
    group: `ns-${i % 20}`,
  }));
  const seen = new Set<string>();
  const edges: GraphEdgeSpec[] = [];
  while (edges.length < E) {
    const a = Math.floor(rnd() * N);
    const b = Math.floor(rnd() * N);
    if (a === b || seen.has(`${a}>${b}`)) continue;
    seen.add(`${a}>${b}`);
    edges.push({ id: `${nodes[a]!.id}>${nodes[b]!.id}`, source: nodes[a]!.id, target: nodes[b]!.id, health: LEVELS[(a + b) % LEVELS.length], width: 1 + rnd() * 3, tooltip: ['edge'], label: '1.0 rps' });
  }
  return { nodes, edges };
}

const el = document.getElementById('root')!;
// Styles from script (CSSOM): the app's CSP allows no inline <style>.
document.body.style.margin = '0';
el.style.cssText = 'width:1400px;height:850px;display:flex';

function orrery(): Promise<number> {
  const { nodes, edges } = graph();
  return new Promise((resolve) => {
    const t0 = performance.now();
    let done = false;
    let laidOut = false;
    createRoot(el).render(
      createElement(GraphCanvas, {
        nodes,
        edges,
        // 'finished' also fires for the empty chart's first resize: count the one after layout.
        onLayout: () => (laidOut = true),
        onRendered: () => {
          if (done || !laidOut) return;
          done = true;
          resolve(performance.now() - t0);
        },
      }),
    );
  });
}

function bare(): Promise<number> {
  const { nodes, edges } = graph();
  const positions = fastLayeredLayout(nodes.map((n) => ({ id: n.id, width: 60, height: 40 })), edges); // not timed
  return new Promise((resolve) => {
    const t0 = performance.now();
    const box = document.createElement('div');
    box.style.cssText = 'width:1400px;height:850px';
    el.appendChild(box);
    const chart = echartsFull.init(box);
    chart.on('finished', () => resolve(performance.now() - t0));
    chart.setOption({
      animation: false,
      series: [{ type: 'graph', layout: 'none', roam: true, data: nodes.map((n) => ({ id: n.id, name: n.id, x: positions[n.id]!.x, y: positions[n.id]!.y, symbolSize: n.size })), links: edges.map((e) => ({ source: e.source, target: e.target })) }],
    });
  });
}

function tick() {
  requestAnimationFrame(tick);
}

declare global {
  interface Window {
    renderGraph(kind: 'orrery' | 'bare'): Promise<number>;
    startTicking(): void;
  }
}
window.renderGraph = (kind) => (kind === 'orrery' ? orrery() : bare());
window.startTicking = () => requestAnimationFrame(tick);
