// replicaset-controller: keeps spec.replicas pods (generateName `<rs>-`) and writes status.
import type { KObject, Store } from '../apiserver/store';
import { WorkQueue, nsKey, splitKey } from './queue';
import type { EventRecorder } from './recorder';
import { controllerOf, isActive, ownerRef, podAvailable, podReady, selectorMatches } from './util';

const SOURCE = { component: 'replicaset-controller' };

/** Pods a controller owns (by controller reference uid). */
export function ownedPods(store: Store, owner: KObject): KObject[] {
  return store
    .list('pods', { namespace: owner.metadata.namespace })
    .items.filter((p) => controllerOf(p)?.uid === owner.metadata.uid);
}

/** Deletion order, as controller.ActivePods sorts: unscheduled, pending, not ready, newest first. */
function deletionRank(p: KObject): number[] {
  return [p.spec?.nodeName ? 1 : 0, p.status?.phase === 'Pending' ? 0 : p.status?.phase === 'Running' ? 2 : 1, podReady(p) ? 1 : 0, -Date.parse(p.metadata.creationTimestamp ?? '0')];
}

export class ReplicaSetController {
  private readonly queue = new WorkQueue('replicaset', (k) => this.sync(k));
  private readonly unwatch: (() => void)[] = [];

  constructor(
    private readonly store: Store,
    private readonly recorder: EventRecorder,
  ) {
    this.unwatch.push(store.watch('replicasets', {}, (ev) => this.queue.add(nsKey(ev.object.metadata.namespace, ev.object.metadata.name!))));
    this.unwatch.push(
      store.watch('pods', {}, (ev) => {
        const ref = controllerOf(ev.object);
        if (ref?.kind === 'ReplicaSet') this.queue.add(nsKey(ev.object.metadata.namespace, ref.name));
      }),
    );
  }

  private sync(key: string): void {
    const [ns, name] = splitKey(key);
    const rs = this.store.get('replicasets', ns, name);
    if (!rs || rs.metadata.deletionTimestamp) return;
    const pods = ownedPods(this.store, rs);
    const active = pods.filter(isActive);
    const want = rs.spec?.replicas ?? 1;
    const diff = want - active.length;
    if (diff > 0) {
      const tpl = rs.spec.template ?? {};
      for (let i = 0; i < diff; i++) {
        const pod = this.store.create('pods', {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: {
            generateName: `${name}-`,
            namespace: ns,
            labels: { ...(tpl.metadata?.labels ?? {}) },
            ...(tpl.metadata?.annotations ? { annotations: { ...tpl.metadata.annotations } } : {}),
            ownerReferences: [ownerRef(rs)],
          },
          spec: structuredClone(tpl.spec ?? {}),
        });
        active.push(pod);
        this.recorder.event(SOURCE, rs, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`);
      }
    } else if (diff < 0) {
      const victims = [...active].sort((a, b) => {
        const ra = deletionRank(a);
        const rb = deletionRank(b);
        for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return ra[i]! - rb[i]!;
        return 0;
      });
      for (const p of victims.slice(0, -diff)) {
        try {
          this.store.delete('pods', ns, p.metadata.name!);
          this.recorder.event(SOURCE, rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`);
        } catch {
          /* gone already */
        }
      }
    }
    this.writeStatus(rs);
  }

  private writeStatus(rs: KObject): void {
    const cur = this.store.get('replicasets', rs.metadata.namespace, rs.metadata.name!);
    if (!cur) return;
    const pods = ownedPods(this.store, cur).filter(isActive);
    const minReady = cur.spec?.minReadySeconds ?? 0;
    const available = pods.filter((p) => podAvailable(p, minReady)).length;
    const status: any = {
      replicas: pods.length,
      fullyLabeledReplicas: pods.filter((p) => selectorMatches(cur.spec?.selector, p.metadata.labels)).length,
      readyReplicas: pods.filter(podReady).length,
      availableReplicas: available,
      observedGeneration: cur.metadata.generation,
    };
    if (cur.status?.conditions?.length) status.conditions = cur.status.conditions;
    if (minReady && pods.some((p) => podReady(p) && !podAvailable(p, minReady))) this.queue.after(`${cur.metadata.namespace}/${cur.metadata.name}`, minReady * 1000);
    this.store.patch('replicasets', cur.metadata.namespace, cur.metadata.name!, (d) => {
      d.status = status;
    }, { status: true });
  }

  stop(): void {
    this.unwatch.forEach((u) => u());
    this.queue.stop();
  }
}
