// What the sandbox's exporters describe. Every real node of the sandbox is monitored; of the
// synthetic nodes of scale mode only the first few (a budget), so that 100k synthetic pods do
// not turn every scrape into a million series: a cluster where node-exporter and the kubelet
// ServiceMonitor reach one node pool. Monitored nodes carry the MONITORED_LABEL, which the
// node-exporter DaemonSet selects on, so its status stays true.
//
// Pods are indexed by node from a watch (the store has no node index), so the exporters never
// walk all pods: kube-state-metrics lists the pods of monitored nodes and unscheduled pods.
import type { KObject, Store } from '../apiserver/store';
import { SYNTHETIC_TAINT } from '../controllers/nodes';

export const MONITORED_LABEL = 'sandbox.orrery.dev/monitored';

/** Default: 5 synthetic nodes (110 pods each). */
export const DEFAULT_SYNTHETIC_NODE_BUDGET = 5;

function podKey(p: KObject): string {
  return `${p.metadata.namespace}/${p.metadata.name}`;
}

export class MonitoredScope {
  private readonly monitored = new Map<string, Set<string>>();
  private readonly unscheduled = new Set<string>();
  private syntheticCovered = 0;
  private readonly listeners = new Set<() => void>();
  private readonly unwatch: (() => void)[] = [];

  constructor(
    private readonly store: Store,
    private readonly syntheticNodeBudget = DEFAULT_SYNTHETIC_NODE_BUDGET,
  ) {
    this.unwatch.push(
      store.watch('nodes', {}, (ev) => {
        const name = ev.object.metadata.name!;
        if (ev.type === 'DELETED') {
          if (this.monitored.delete(name)) this.changed();
          return;
        }
        if (ev.type === 'ADDED' && !this.monitored.has(name)) this.consider(ev.object);
      }),
    );
    this.unwatch.push(
      store.watch('pods', {}, (ev) => {
        const key = podKey(ev.object);
        const node: string | undefined = ev.object.spec?.nodeName;
        if (ev.type === 'DELETED') {
          this.unscheduled.delete(key);
          if (node) this.monitored.get(node)?.delete(key);
          return;
        }
        if (!node) this.unscheduled.add(key);
        else {
          this.unscheduled.delete(key);
          this.monitored.get(node)?.add(key);
        }
      }),
    );
  }

  private consider(node: KObject): void {
    const name = node.metadata.name!;
    const synthetic = node.metadata.labels?.[SYNTHETIC_TAINT] === 'true';
    if (synthetic) {
      if (this.syntheticCovered >= this.syntheticNodeBudget) return;
      this.syntheticCovered++;
    }
    // Pods bound before the node was seen (none in practice: nodes register first).
    const pods = new Set<string>();
    for (const p of this.store.list('pods', { fieldSelector: `spec.nodeName=${name}` }).items) pods.add(podKey(p));
    this.monitored.set(name, pods);
    if (node.metadata.labels?.[MONITORED_LABEL] !== 'true') {
      this.store.patch('nodes', undefined, name, (d) => {
        d.metadata.labels = { ...d.metadata.labels, [MONITORED_LABEL]: 'true' };
      });
    }
    this.changed();
  }

  /** Monitored node names, in the order they registered. */
  nodes(): string[] {
    return [...this.monitored.keys()];
  }

  covers(node: string): boolean {
    return this.monitored.has(node);
  }

  /** The pods bound to a monitored node. */
  podsOn(node: string): KObject[] {
    return this.objects(this.monitored.get(node) ?? []);
  }

  /** Pods kube-state-metrics describes: those of monitored nodes and those not scheduled yet. */
  pods(): KObject[] {
    const out = this.objects(this.unscheduled);
    for (const keys of this.monitored.values()) out.push(...this.objects(keys));
    return out;
  }

  private objects(keys: Iterable<string>): KObject[] {
    const out: KObject[] = [];
    for (const k of keys) {
      const i = k.indexOf('/');
      const p = this.store.get('pods', k.slice(0, i), k.slice(i + 1));
      if (p) out.push(p);
    }
    return out;
  }

  /** Called when the set of monitored nodes changes (scrape targets follow). */
  onNodesChanged(l: () => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  private changed(): void {
    for (const l of this.listeners) l();
  }

  stop(): void {
    this.unwatch.forEach((u) => u());
    this.listeners.clear();
  }
}
