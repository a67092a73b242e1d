// Fault scenarios. Each makes its changes through the real API as `orrery-scenario` (audit
// entries), flips the workloads' fault switches where the fault lives inside the service, and so
// leaves what a real incident leaves: events, logs, metrics.
import type { ApiServer } from '../apiserver/server';
import type { Store } from '../apiserver/store';
import type { ConstellationRuntime } from '../workloads';
import type { Kubelet, NodeHeartbeat, EventRecorder } from '../controllers';
import { nowTime, setCondition } from '../controllers/util';
import { ScenarioClient, configMapPath, deploymentPath } from './client';

export const SCENARIOS = ['error-spike', 'edge-latency', 'crash-loop', 'bad-rollout', 'config-break', 'node-not-ready'] as const;

export interface ScenarioDeps {
  api: ApiServer;
  user: string;
  store: Store;
  runtime: ConstellationRuntime;
  kubelet: Kubelet;
  heartbeat: NodeHeartbeat;
  recorder: EventRecorder;
  log: (l: string) => void;
}

interface Scenario {
  description: string;
  start(d: ScenarioDeps, c: ScenarioClient): Promise<void>;
  stop(d: ScenarioDeps, c: ScenarioClient): Promise<void>;
}

const FAULT = 'sandbox.orrery.dev/fault';
const annotate = (c: ScenarioClient, ns: string, name: string, value: string | null) => c.mergePatch(deploymentPath(ns, name), { metadata: { annotations: { [FAULT]: value } } });
const restartedAt = (c: ScenarioClient, ns: string, name: string) =>
  c.mergePatch(deploymentPath(ns, name), { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': new Date().toISOString().replace(/\.\d+Z$/, 'Z') } } } } });

export const BAD_IMAGE = 'orrery/service:broken';
export const NOT_READY_NODE = 'orrery-node-3';

const scenarios: Record<(typeof SCENARIOS)[number], Scenario> = {
  'error-spike': {
    description: 'payments answers 5xx to 40% of requests',
    async start(d, c) {
      await annotate(c, 'shop', 'payments', 'error-rate=40%,code=500');
      d.runtime.faults.setErrorRate('payments', 0.4, 500);
    },
    async stop(d, c) {
      d.runtime.faults.setErrorRate('payments', 0);
      await annotate(c, 'shop', 'payments', null);
    },
  },
  'edge-latency': {
    description: 'checkout -> payments calls take 900 ms longer',
    async start(d, c) {
      await annotate(c, 'shop', 'payments', 'latency-from=checkout:900ms');
      d.runtime.faults.setEdgeLatency('checkout', 'payments', 900);
    },
    async stop(d, c) {
      d.runtime.faults.setEdgeLatency('checkout', 'payments', 0);
      await annotate(c, 'shop', 'payments', null);
    },
  },
  'crash-loop': {
    description: 'inventory containers crash shortly after start (CrashLoopBackOff)',
    async start(d, c) {
      await annotate(c, 'shop', 'inventory', 'crash');
      d.runtime.faults.setCrash('inventory', true, { afterMs: 2000 });
    },
    async stop(d, c) {
      d.runtime.faults.setCrash('inventory', false);
      await annotate(c, 'shop', 'inventory', null);
    },
  },
  'bad-rollout': {
    description: `catalog rolls out ${BAD_IMAGE}; new pods never become ready and the rollout stalls`,
    async start(_d, c) {
      const dep = await c.get(deploymentPath('shop', 'catalog'));
      const image = dep.spec.template.spec.containers[0].image;
      await c.mergePatch(deploymentPath('shop', 'catalog'), {
        metadata: { annotations: { 'kubernetes.io/change-cause': `kubectl set image deployment/catalog catalog=${BAD_IMAGE}`, 'sandbox.orrery.dev/previous-image': image } },
        spec: { progressDeadlineSeconds: 60 },
      });
      await c.jsonPatch(deploymentPath('shop', 'catalog'), [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: BAD_IMAGE }]);
    },
    async stop(_d, c) {
      const dep = await c.get(deploymentPath('shop', 'catalog'));
      const prev = dep.metadata.annotations?.['sandbox.orrery.dev/previous-image'] ?? 'orrery/service:1.0';
      await c.jsonPatch(deploymentPath('shop', 'catalog'), [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: prev }]);
      await c.mergePatch(deploymentPath('shop', 'catalog'), { metadata: { annotations: { 'kubernetes.io/change-cause': null, 'sandbox.orrery.dev/previous-image': null } }, spec: { progressDeadlineSeconds: 600 } });
    },
  },
  'config-break': {
    description: 'cart-config gets CACHE_TTL=abc and cart is restarted to pick it up',
    async start(_d, c) {
      const cm = await c.get(configMapPath('shop', 'cart-config'));
      await c.mergePatch(configMapPath('shop', 'cart-config'), { metadata: { annotations: { 'sandbox.orrery.dev/previous-CACHE_TTL': cm.data?.CACHE_TTL ?? '30m' } }, data: { CACHE_TTL: 'abc' } });
      await restartedAt(c, 'shop', 'cart');
    },
    async stop(_d, c) {
      const cm = await c.get(configMapPath('shop', 'cart-config'));
      const prev = cm.metadata.annotations?.['sandbox.orrery.dev/previous-CACHE_TTL'] ?? '30m';
      await c.mergePatch(configMapPath('shop', 'cart-config'), { metadata: { annotations: { 'sandbox.orrery.dev/previous-CACHE_TTL': null } }, data: { CACHE_TTL: prev } });
      await restartedAt(c, 'shop', 'cart');
    },
  },
  'node-not-ready': {
    description: `${NOT_READY_NODE}'s kubelet stops posting status: node Ready=Unknown, tainted unreachable, its pods NotReady`,
    async start(d, c) {
      const node = NOT_READY_NODE;
      d.kubelet.setNodeDown(node, true);
      d.heartbeat.down.add(node);
      const cur = await c.get(`/api/v1/nodes/${node}`);
      const now = nowTime();
      let conds = cur.status.conditions ?? [];
      for (const type of ['MemoryPressure', 'DiskPressure', 'PIDPressure', 'Ready']) {
        conds = setCondition(conds, { type, status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastHeartbeatTime: conds.find((x: any) => x.type === type)?.lastHeartbeatTime ?? now }, now);
      }
      await c.mergePatch(`/api/v1/nodes/${node}/status`, { status: { conditions: conds } });
      const taints = (cur.spec.taints ?? []).filter((t: any) => t.key !== 'node.kubernetes.io/unreachable');
      taints.push({ key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule', timeAdded: now }, { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: now });
      await c.mergePatch(`/api/v1/nodes/${node}`, { spec: { taints } });
      const nodeObj = d.store.get('nodes', undefined, node)!;
      d.recorder.event({ component: 'node-controller' }, nodeObj, 'Normal', 'NodeNotReady', `Node ${node} status is now: NodeNotReady`);
      const pods = (await c.get(`/api/v1/pods?fieldSelector=spec.nodeName%3D${node}`)).items ?? [];
      for (const p of pods) {
        if (p.metadata.annotations?.['sandbox.orrery.dev/synthetic'] || p.metadata.deletionTimestamp) continue;
        const pc = setCondition(p.status?.conditions ?? [], { type: 'Ready', status: 'False', reason: 'NodeNotReady', lastProbeTime: null }, now);
        await c.mergePatch(`/api/v1/namespaces/${p.metadata.namespace}/pods/${p.metadata.name}/status`, { status: { conditions: pc } }).catch(() => {});
        const po = d.store.get('pods', p.metadata.namespace, p.metadata.name);
        if (po) d.recorder.event({ component: 'node-controller' }, po, 'Warning', 'NodeNotReady', 'Node is not ready');
      }
    },
    async stop(d, c) {
      const node = NOT_READY_NODE;
      const cur = await c.get(`/api/v1/nodes/${node}`);
      await c.mergePatch(`/api/v1/nodes/${node}`, { spec: { taints: (cur.spec.taints ?? []).filter((t: any) => t.key !== 'node.kubernetes.io/unreachable') } });
      d.heartbeat.markReady(node);
      d.kubelet.setNodeDown(node, false);
      const nodeObj = d.store.get('nodes', undefined, node)!;
      d.recorder.event({ component: 'kubelet', host: node }, nodeObj, 'Normal', 'NodeReady', `Node ${node} status is now: NodeReady`);
    },
  },
};

export class ScenarioRunner {
  private readonly active = new Set<string>();
  private readonly client: ScenarioClient;

  constructor(private readonly deps: ScenarioDeps) {
    this.client = new ScenarioClient(deps.api, deps.user);
  }

  private find(name: string): Scenario {
    const s = (scenarios as Record<string, Scenario>)[name];
    if (!s) throw new Error(`unknown scenario "${name}" (known: ${SCENARIOS.join(', ')})`);
    return s;
  }

  async start(name: string): Promise<void> {
    const s = this.find(name);
    if (this.active.has(name)) return;
    this.active.add(name);
    this.deps.log(`sandbox: scenario ${name} started: ${s.description}`);
    await s.start(this.deps, this.client);
  }

  async stop(name: string): Promise<void> {
    const s = this.find(name);
    if (!this.active.has(name)) return;
    this.active.delete(name);
    await s.stop(this.deps, this.client);
    this.deps.log(`sandbox: scenario ${name} stopped`);
  }

  async stopAll(): Promise<void> {
    // At shutdown only the in-process switches matter; the store goes away with the sandbox.
    this.deps.runtime.faults.clear();
    this.active.clear();
  }
}
