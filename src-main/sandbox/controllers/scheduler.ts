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

export class Scheduler {
  private readonly queue = new WorkQueue('scheduler', (k) => this.schedule(k));
  private readonly unwatch: (() => void)[] = [];

  constructor(
    private readonly store: Store,
    private readonly recorder: EventRecorder,
  ) {
    this.unwatch.push(
      store.watch('pods', { fieldSelector: 'spec.nodeName=' }, (ev) => {
        if (ev.type !== 'DELETED') this.queue.add(nsKey(ev.object.metadata.namespace, ev.object.metadata.name!));
      }),
    );
    // A node coming back (or appearing) can take pods that failed to schedule.
    this.unwatch.push(
      store.watch('nodes', {}, (ev) => {
        if (ev.type !== 'DELETED') for (const p of store.list('pods', { fieldSelector: 'spec.nodeName=' }).items) this.queue.add(nsKey(p.metadata.namespace, p.metadata.name!));
      }),
    );
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
      const onNode = this.store.list('pods', { fieldSelector: `spec.nodeName=${node.metadata.name}` }).items.filter((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
      let cpu = want.cpu;
      let mem = want.mem;
      for (const p of onNode) {
        const r = requests(p);
        cpu += r.cpu;
        mem += r.mem;
      }
      const alloc = node.status?.allocatable ?? {};
      if (onNode.length + 1 > Number(alloc.pods ?? 110) || cpu > cpuMillis(alloc.cpu) || mem > memBytes(alloc.memory)) {
        full++;
        continue;
      }
      const score = cpu / Math.max(1, cpuMillis(alloc.cpu)) + onNode.length / 1000;
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
