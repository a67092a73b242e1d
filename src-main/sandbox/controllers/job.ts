// job-controller (NonIndexed): runs pods from spec.template until spec.completions of them have
// Succeeded, at most spec.parallelism at a time; more than spec.backoffLimit failed pods fail the
// Job (BackoffLimitExceeded). Status carries active/ready/succeeded/failed/terminating, startTime,
// completionTime and the SuccessCriteriaMet + Complete (or FailureTarget + Failed) conditions that
// kube 1.31+ writes; Events as the real controller's (SuccessfulCreate, Completed, ...).
import type { KObject, Store } from '../apiserver/store';
import { WorkQueue, nsKey, splitKey } from './queue';
import type { EventRecorder } from './recorder';
import { controllerOf, nowTime, ownerRef, podReady, setCondition } from './util';

const SOURCE = { component: 'job-controller' };

const finished = (job: KObject) => (job.status?.conditions ?? []).some((c: any) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
const terminal = (p: KObject) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';

export class JobController {
  private readonly queue = new WorkQueue('job', (k) => this.sync(k));
  private readonly unwatch: (() => void)[] = [];

  constructor(
    private readonly store: Store,
    private readonly recorder: EventRecorder,
  ) {
    this.unwatch.push(store.watch('jobs', {}, (ev) => ev.type !== 'DELETED' && this.queue.add(nsKey(ev.object.metadata.namespace, ev.object.metadata.name!))));
    this.unwatch.push(
      store.watch('pods', {}, (ev) => {
        const ref = controllerOf(ev.object);
        if (ref?.kind === 'Job') this.queue.add(nsKey(ev.object.metadata.namespace, ref.name));
      }),
    );
  }

  private pods(job: KObject): KObject[] {
    return this.store.list('pods', { namespace: job.metadata.namespace }).items.filter((p) => controllerOf(p)?.uid === job.metadata.uid);
  }

  private sync(key: string): void {
    const [ns, name] = splitKey(key);
    const job = this.store.get('jobs', ns, name);
    if (!job || job.metadata.deletionTimestamp) return;
    const spec = job.spec ?? {};
    const pods = this.pods(job);
    const terminating = pods.filter((p) => p.metadata.deletionTimestamp && !terminal(p));
    const active = pods.filter((p) => !p.metadata.deletionTimestamp && !terminal(p));
    const succeeded = pods.filter((p) => p.status?.phase === 'Succeeded').length;
    const failed = pods.filter((p) => p.status?.phase === 'Failed').length;
    const completions: number = spec.completions ?? 1;
    const parallelism: number = spec.parallelism ?? 1;
    const backoffLimit: number = spec.backoffLimit ?? 6;
    const now = nowTime();
    const status: any = { ...(job.status ?? {}) };
    let conditions: any[] = status.conditions ?? [];
    let done = finished(job);

    if (!done && succeeded >= completions) {
      conditions = setCondition(conditions, { type: 'SuccessCriteriaMet', status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods', lastProbeTime: now }, now);
      conditions = setCondition(conditions, { type: 'Complete', status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods', lastProbeTime: now }, now);
      status.completionTime = now;
      done = true;
      this.recorder.event(SOURCE, job, 'Normal', 'Completed', 'Job completed');
    } else if (!done && failed > backoffLimit) {
      conditions = setCondition(conditions, { type: 'FailureTarget', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit', lastProbeTime: now }, now);
      conditions = setCondition(conditions, { type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit', lastProbeTime: now }, now);
      done = true;
      this.recorder.event(SOURCE, job, 'Warning', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit');
    }

    if (done) {
      // A finished Job leaves no running pods behind.
      for (const p of active) this.deletePod(job, p);
    } else if (spec.suspend) {
      for (const p of active) this.deletePod(job, p);
      if (!conditions.some((c: any) => c.type === 'Suspended' && c.status === 'True')) {
        conditions = setCondition(conditions, { type: 'Suspended', status: 'True', reason: 'JobSuspended', message: 'Job suspended', lastProbeTime: now }, now);
        this.recorder.event(SOURCE, job, 'Normal', 'Suspended', 'Job suspended');
      }
    } else {
      if (conditions.some((c: any) => c.type === 'Suspended' && c.status === 'True')) {
        conditions = setCondition(conditions, { type: 'Suspended', status: 'False', reason: 'JobResumed', message: 'Job resumed', lastProbeTime: now }, now);
        this.recorder.event(SOURCE, job, 'Normal', 'Resumed', 'Job resumed');
      }
      status.startTime ??= now;
      // podReplacementPolicy TerminatingOrFailed: terminating pods do not hold a slot.
      const want = Math.min(parallelism, completions - succeeded) - active.length;
      for (let i = 0; i < want; i++) active.push(this.createPod(job));
    }

    const remaining = done ? [] : active;
    Object.assign(status, {
      conditions: conditions.length ? conditions : undefined,
      active: remaining.length || undefined,
      ready: remaining.filter(podReady).length,
      succeeded: succeeded || undefined,
      failed: failed || undefined,
      terminating: terminating.length,
      uncountedTerminatedPods: {},
    });
    for (const k of Object.keys(status)) if (status[k] === undefined) delete status[k];
    if (JSON.stringify(status) === JSON.stringify(job.status ?? {})) return;
    this.store.patch('jobs', ns, name, (d) => {
      d.status = status;
    }, { status: true });
  }

  private createPod(job: KObject): KObject {
    const tpl = job.spec?.template ?? {};
    const pod = this.store.create('pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        generateName: `${job.metadata.name}-`,
        namespace: job.metadata.namespace,
        // The template carries controller-uid / job-name (kube-apiserver adds them at create).
        labels: { ...(tpl.metadata?.labels ?? {}) },
        ...(tpl.metadata?.annotations ? { annotations: { ...tpl.metadata.annotations } } : {}),
        ownerReferences: [ownerRef(job)],
      },
      spec: structuredClone(tpl.spec ?? {}),
    });
    this.recorder.event(SOURCE, job, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`);
    return pod;
  }

  private deletePod(job: KObject, p: KObject): void {
    try {
      this.store.delete('pods', p.metadata.namespace, p.metadata.name!);
      this.recorder.event(SOURCE, job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`);
    } catch {
      /* gone already */
    }
  }

  stop(): void {
    this.unwatch.forEach((u) => u());
    this.queue.stop();
  }
}
