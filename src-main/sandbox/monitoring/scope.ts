// What the sandbox's exporters describe: the nodes carrying MONITORED_LABEL (every real node,
// and in scale mode only the first few synthetic ones, so that 100k synthetic pods do not turn
// every scrape into a million series: a cluster where node-exporter and the kubelet
// ServiceMonitor reach one node pool; the node-exporter DaemonSet selects on the label) and the
// pods bound to them.
//
// Pods are indexed by node from a watch (the store has no node index), so the exporters never
// walk all pods: kube-state-metrics lists the pods of monitored nodes and unscheduled pods.
import type { KObject, Store } from '../apiserver/store';
import { MONITORED_LABEL } from '../controllers/nodes';

export { MONITORED_LABEL };

function podKey(p: KObject): string {
  return `${p.metadata.namespace}/${p.metadata.name}`;
}

export class MonitoredScope {
  private readonly monitored = new Map<string, Set<string>>();
  private readonly unscheduled = new Set<string>();
  private readonly listeners = new Set<() => void>();
  private readonly unwatch: (() => void)[] = [];
  private podsIndexed = false;

  constructor(private readonly store: Store) {
    this.unwatch.push(
      store.watch('nodes', {}, (ev) => {
        const name = ev.object.metadata.name!;
        const monitored = ev.type !== 'DELETED' && ev.object.metadata.labels?.[MONITORED_LABEL] === 'true';
        if (monitored && !this.monitored.has(name)) {
          // Pods bound before the label came (the pod watch below brings the others).
          const pods = new Set<string>();
          if (this.podsIndexed) for (const p of store.list('pods', { fieldSelector: `spec.nodeName=${name}` }).items) pods.add(podKey(p));
          this.monitored.set(name, pods);
          this.changed();
        } else if (!monitored && this.monitored.delete(name)) this.changed();
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
    this.podsIndexed = true;
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
