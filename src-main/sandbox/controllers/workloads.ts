// Status for the workload kinds the sandbox does not run itself: StatefulSets and DaemonSets keep
// an observedGeneration and counts derived from the pods they own, so tools show sane numbers
// instead of empty status.
import type { Store } from '../apiserver/store';
import { WorkQueue, nsKey, splitKey } from './queue';
import type { EventRecorder } from './recorder';
import { controllerOf, podReady } from './util';

// Jobs and CronJobs have their own controllers (job.ts, cronjob.ts).
const KINDS: Record<string, string> = { StatefulSet: 'statefulsets', DaemonSet: 'daemonsets' };

export class WorkloadStatusController {
  private readonly queue = new WorkQueue('workload-status', (k) => this.sync(k));
  private readonly unwatch: (() => void)[] = [];

  constructor(
    private readonly store: Store,
    _recorder: EventRecorder,
  ) {
    for (const resource of Object.values(KINDS)) {
      this.unwatch.push(store.watch(resource, {}, (ev) => {
        if (ev.type !== 'DELETED') this.queue.add(`${resource}|${nsKey(ev.object.metadata.namespace, ev.object.metadata.name!)}`);
      }));
    }
    this.unwatch.push(
      store.watch('pods', {}, (ev) => {
        const ref = controllerOf(ev.object);
        const resource = ref && KINDS[ref.kind];
        if (resource) this.queue.add(`${resource}|${nsKey(ev.object.metadata.namespace, ref.name)}`);
      }),
    );
  }

  private sync(k: string): void {
    const [resource, key] = k.split('|') as [string, string];
    const [ns, name] = splitKey(key);
    const o = this.store.get(resource, ns, name);
    if (!o) return;
    const pods = this.store.list('pods', { namespace: ns }).items.filter((p) => controllerOf(p)?.uid === o.metadata.uid && !p.metadata.deletionTimestamp);
    const ready = pods.filter(podReady).length;
    const cur: any = o.status ?? {};
    let status: any;
    switch (resource) {
      case 'statefulsets':
        status = { ...cur, observedGeneration: o.metadata.generation, replicas: pods.length, readyReplicas: ready, currentReplicas: pods.length, updatedReplicas: pods.length, availableReplicas: ready, collisionCount: cur.collisionCount ?? 0 };
        break;
      case 'daemonsets': {
        // Nodes the daemon pods may run on: all, or those its nodeSelector picks.
        const sel: Record<string, string> | undefined = o.spec?.template?.spec?.nodeSelector;
        const nodes = sel && Object.keys(sel).length ? this.store.list('nodes').items.filter((n) => Object.entries(sel).every(([k, v]) => n.metadata.labels?.[k] === v)).length : this.store.count('nodes');
        status = { ...cur, observedGeneration: o.metadata.generation, desiredNumberScheduled: nodes, currentNumberScheduled: pods.length, numberReady: ready, numberAvailable: ready, updatedNumberScheduled: pods.length, numberMisscheduled: 0 };
        if (nodes - ready > 0) status.numberUnavailable = nodes - ready;
        break;
      }
      default:
        status = { ...cur };
    }
    this.store.patch(resource, ns, name, (d) => {
      d.status = status;
    }, { status: true });
  }

  stop(): void {
    this.unwatch.forEach((u) => u());
    this.queue.stop();
  }
}
