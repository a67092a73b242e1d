// default-scheduler: binds pending pods to a Ready, untainted (or tolerated) node with room,
// least-loaded first (by requested CPU, then pod count); FailedScheduling otherwise.
import type { KObject, Store } from '../apiserver/store';
import { WorkQueue, nsKey, splitKey } from './queue';
import type { EventRecorder } from './recorder';
import { cpuMillis, memBytes, nowTime, setCondition } from './util';

const SOURCE = { component: 'default-scheduler' };

function tolerates(pod: KObject, taint: any): boolean {
  return (pod.spec?.tolerations ?? []).some(
    (t: any) => (!t.effect || t.effect === taint.effect) && (t.operator === 'Exists' ? !t.key || t.key === taint.key : t.key === taint.key && (t.value ?? '') === (taint.value ?? '')),
  );
}

function requests(pod: KObject): { cpu: number; mem: number } {
  let cpu = 0;
  let mem = 0;
  for (const c of pod.spec?.containers ?? []) {
    cpu += cpuMillis(c.resources?.requests?.cpu);
    mem += memBytes(c.resources?.requests?.memory);
  }
  return { cpu, mem };
}

interface Load {
  pods: number;
  cpu: number;
  mem: number;
}

export class Scheduler {
  private readonly queue = new WorkQueue('scheduler', (k) => this.schedule(k));
  private readonly unwatch: (() => void)[] = [];
  /** Pods waiting for a node. */
  private readonly pending = new Set<string>();
  /** What each node runs, kept from the pod watch so scheduling never walks every pod (scale
   *  mode has 100k): bound pods that are not finished, and their requests summed per node. */
  private readonly bound = new Map<string, { node: string; cpu: number; mem: number }>();
  private readonly loads = new Map<string, Load>();

  constructor(
    private readonly store: Store,
    private readonly recorder: EventRecorder,
  ) {
    this.unwatch.push(
      store.watch('pods', { fieldSelector: 'spec.nodeName=' }, (ev) => {
        const key = nsKey(ev.object.metadata.namespace, ev.object.metadata.name!);
        if (ev.type === 'DELETED') this.pending.delete(key);
        else {
          this.pending.add(key);
          this.queue.add(key);
        }
      }),
    );
    this.unwatch.push(store.watch('pods', {}, (ev) => this.account(ev.type, ev.object)));
    // A node coming back (or appearing) can take pods that failed to schedule.
    this.unwatch.push(
      store.watch('nodes', {}, (ev) => {
        if (ev.type !== 'DELETED') for (const key of this.pending) this.queue.add(key);
      }),
    );
  }

  private account(type: string, pod: KObject): void {
    const key = nsKey(pod.metadata.namespace, pod.metadata.name!);
    const node: string | undefined = pod.spec?.nodeName;
    const counts = type !== 'DELETED' && !!node && pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed';
    const had = this.bound.get(key);
    if (had && (!counts || had.node !== node)) {
      const l = this.loads.get(had.node)!;
      l.pods--;
      l.cpu -= had.cpu;
      l.mem -= had.mem;
      this.bound.delete(key);
    }
    if (counts && !this.bound.has(key)) {
      const r = requests(pod);
      this.bound.set(key, { node: node!, ...r });
      let l = this.loads.get(node!);
      if (!l) this.loads.set(node!, (l = { pods: 0, cpu: 0, mem: 0 }));
      l.pods++;
      l.cpu += r.cpu;
      l.mem += r.mem;
    }
  }

  private schedule(key: string): void {
    const [ns, name] = splitKey(key);
    const pod = this.store.get('pods', ns, name);
    if (!pod || pod.spec?.nodeName || pod.metadata.deletionTimestamp) return;
    if ((pod.spec?.schedulerName ?? 'default-scheduler') !== 'default-scheduler') return;
    const nodes = this.store.list('nodes').items;
    const want = requests(pod);
    let best: { node: KObject; score: number } | undefined;
    let notReady = 0;
    let tainted = 0;
    let full = 0;
    let selector = 0;
    for (const node of nodes) {
      const ready = node.status?.conditions?.find((c: any) => c.type === 'Ready')?.status === 'True';
      if (!ready || node.spec?.unschedulable) {
        notReady++;
        continue;
      }
      if ((node.spec?.taints ?? []).some((t: any) => (t.effect === 'NoSchedule' || t.effect === 'NoExecute') && !tolerates(pod, t))) {
        tainted++;
        continue;
      }
      const sel = pod.spec?.nodeSelector ?? {};
      if (Object.entries(sel).some(([k, v]) => node.metadata.labels?.[k] !== v)) {
        selector++;
        continue;
      }
      const load = this.loads.get(node.metadata.name!) ?? { pods: 0, cpu: 0, mem: 0 };
      const cpu = want.cpu + load.cpu;
      const mem = want.mem + load.mem;
      const alloc = node.status?.allocatable ?? {};
      if (load.pods + 1 > Number(alloc.pods ?? 110) || cpu > cpuMillis(alloc.cpu) || mem > memBytes(alloc.memory)) {
        full++;
        continue;
      }
      const score = cpu / Math.max(1, cpuMillis(alloc.cpu)) + load.pods / 1000;
      if (!best || score < best.score) best = { node, score };
    }
    if (!best) {
      const parts: string[] = [];
      if (full) parts.push(`${full} Insufficient resources`);
      if (notReady) parts.push(`${notReady} node(s) had untolerated taint {node.kubernetes.io/not-ready: }`);
      if (tainted) parts.push(`${tainted} node(s) had untolerated taint(s)`);
      if (selector) parts.push(`${selector} node(s) didn't match Pod's node affinity/selector`);
      const msg = `0/${nodes.length} nodes are available: ${parts.join(', ')}. preemption: 0/${nodes.length} nodes are available: ${nodes.length} Preemption is not helpful for scheduling.`;
      this.store.patch('pods', ns, name, (d) => {
        d.status = d.status ?? {};
        d.status.phase = 'Pending';
        d.status.conditions = setCondition(d.status.conditions ?? [], { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: msg }, nowTime(), { probeTime: true });
      }, { status: true });
      this.recorder.event(SOURCE, pod, 'Warning', 'FailedScheduling', msg);
      return;
    }
    const nodeName = best.node.metadata.name!;
    // The binding: spec.nodeName plus the PodScheduled condition.
    this.store.patch('pods', ns, name, (d) => {
      d.spec.nodeName = nodeName;
    });
    const bound = this.store.patch('pods', ns, name, (d) => {
      d.status = d.status ?? {};
      d.status.conditions = setCondition(d.status.conditions ?? [], { type: 'PodScheduled', status: 'True' }, nowTime(), { probeTime: true });
    }, { status: true });
    this.recorder.event(SOURCE, bound, 'Normal', 'Scheduled', `Successfully assigned ${ns}/${name} to ${nodeName}`);
  }

  stop(): void {
    this.unwatch.forEach((u) => u());
    this.queue.stop();
  }
}
