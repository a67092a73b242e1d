// In scale mode the exporters describe a bounded part of the cluster: every real node and the
// first MONITORED_SYNTHETIC_NODES synthetic ones, with their pods, however many pods there are.
import { expect, test } from 'vitest';
import { Store } from '../apiserver/store';
import { storeResources } from '../apiserver/resources';
import { MONITORED_SYNTHETIC_NODES, registerNodes, NODE_NAMES } from '../controllers/nodes';
import { startScale } from '../scale';
import { parseExposition } from '../workloads/test-util';
import { kubeStateMetricsText } from './kube-state-metrics';
import { MONITORED_LABEL, MonitoredScope } from './scope';

test('scale mode: monitored nodes and the pods kube-state-metrics describes stay bounded', () => {
  const store = new Store(storeResources());
  registerNodes(store);
  const scale = startScale(store, { pods: 20_000, churn: 0, logRate: 0 });
  const scope = new MonitoredScope(store);
  const synthetic = scale.nodes.slice(0, MONITORED_SYNTHETIC_NODES);
  expect(scope.nodes()).toEqual([...NODE_NAMES, ...synthetic]);
  expect(store.list('nodes', { labelSelector: `${MONITORED_LABEL}=true` }).items).toHaveLength(NODE_NAMES.length + MONITORED_SYNTHETIC_NODES);

  const t0 = performance.now();
  const text = kubeStateMetricsText({ store, pods: () => scope.pods(), covers: (n) => scope.covers(n) });
  const ms = performance.now() - t0;
  const samples = parseExposition(text);
  const described = samples.filter((s) => s.name === 'kube_pod_info');
  expect(described.length).toBe(synthetic.reduce((n, node) => n + scope.podsOn(node).length, 0));
  expect(described.length).toBeLessThanOrEqual(MONITORED_SYNTHETIC_NODES * 110);
  expect(new Set(described.map((s) => s.labels.node))).toEqual(new Set(synthetic));
  expect(samples.filter((s) => s.name === 'kube_node_info').map((s) => s.labels.node)).toEqual([...NODE_NAMES, ...synthetic]);
  // 20k pods in the store, a few hundred described: well under a scrape interval.
  expect(ms).toBeLessThan(1000);

  // A pod bound later to a monitored node is described; on another node it is not.
  const spec = { containers: [{ name: 'c', image: 'x' }] };
  store.create('pods', { metadata: { name: 'late-1', namespace: 'scale-01' }, spec: { ...spec, nodeName: synthetic[0] } });
  store.create('pods', { metadata: { name: 'late-2', namespace: 'scale-01' }, spec: { ...spec, nodeName: scale.nodes.at(-1) } });
  const names = scope.pods().map((p) => p.metadata.name);
  expect(names).toContain('late-1');
  expect(names).not.toContain('late-2');

  // Labelling a node monitors it, pods already on it included.
  const extra = scale.nodes.at(-1)!;
  store.patch('nodes', undefined, extra, (d) => {
    d.metadata.labels = { ...d.metadata.labels, [MONITORED_LABEL]: 'true' };
  });
  expect(scope.covers(extra)).toBe(true);
  expect(scope.podsOn(extra).map((p) => p.metadata.name)).toContain('late-2');
  scope.stop();
  scale.stop();
});
