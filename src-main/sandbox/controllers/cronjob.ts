// cronjob-controller: creates a Job from spec.jobTemplate at each scheduled time (UTC), named
// `<cronjob>-<minutes since epoch>` like the real one, honouring suspend, concurrencyPolicy
// (Allow/Forbid/Replace), startingDeadlineSeconds and the successful/failed history limits.
// Status: active Job references, lastScheduleTime, lastSuccessfulTime. Events as kube's
// (SuccessfulCreate, SawCompletedJob, SuccessfulDelete, JobAlreadyActive, UnexpectedJob...).
import type { KObject, Store } from '../apiserver/store';
import { parseCron } from './cron';
import { WorkQueue, nsKey, splitKey } from './queue';
import type { EventRecorder } from './recorder';
import { controllerOf, nowTime, ownerRef } from './util';

const SOURCE = { component: 'cronjob-controller' };
const SCHEDULED = 'batch.kubernetes.io/cronjob-scheduled-timestamp';

const jobFinished = (j: KObject): string | undefined => (j.status?.conditions ?? []).find((c: any) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True')?.type;

export interface CronJobControllerOptions {
  /** The clock (tests move it). */
  now?: () => number;
}

export class CronJobController {
  private readonly queue = new WorkQueue('cronjob', (k) => this.sync(k));
  private readonly unwatch: (() => void)[] = [];
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly now: () => number;
  /** Completed jobs already reported with SawCompletedJob. */
  private readonly seen = new Set<string>();

  constructor(
    private readonly store: Store,
    private readonly recorder: EventRecorder,
    opts: CronJobControllerOptions = {},
  ) {
    this.now = opts.now ?? Date.now;
    this.unwatch.push(
      store.watch('cronjobs', {}, (ev) => {
        const key = nsKey(ev.object.metadata.namespace, ev.object.metadata.name!);
        if (ev.type === 'DELETED') {
          clearTimeout(this.timers.get(key));
          this.timers.delete(key);
        } else this.queue.add(key);
      }),
    );
    this.unwatch.push(
      store.watch('jobs', {}, (ev) => {
        const ref = controllerOf(ev.object);
        if (ref?.kind === 'CronJob') this.queue.add(nsKey(ev.object.metadata.namespace, ref.name));
      }),
    );
  }

  /** Re-evaluate every CronJob now (after the clock moved). */
  resync(): void {
    for (const cj of this.store.list('cronjobs').items) this.queue.add(nsKey(cj.metadata.namespace, cj.metadata.name!));
  }

  private wakeAt(key: string, at: number): void {
    clearTimeout(this.timers.get(key));
    const t = setTimeout(() => {
      this.timers.delete(key);
      this.queue.add(key);
    }, Math.min(Math.max(0, at - this.now()) + 50, 2 ** 31 - 1)); // setTimeout fires at once (1 ms) past 2^31-1
    t.unref?.();
    this.timers.set(key, t);
  }

  private sync(key: string): void {
    const [ns, name] = splitKey(key);
    const cj = this.store.get('cronjobs', ns, name);
    if (!cj || cj.metadata.deletionTimestamp) return;
    const spec = cj.spec ?? {};
    const jobs = this.store.list('jobs', { namespace: ns }).items.filter((j) => controllerOf(j)?.uid === cj.metadata.uid);
    const active = jobs.filter((j) => !jobFinished(j) && !j.metadata.deletionTimestamp);
    const status: any = { ...(cj.status ?? {}) };

    for (const j of jobs) {
      const cond = jobFinished(j);
      if (!cond || this.seen.has(j.metadata.uid!)) continue;
      this.seen.add(j.metadata.uid!);
      this.recorder.event(SOURCE, cj, 'Normal', 'SawCompletedJob', `Saw completed job: ${j.metadata.name}, condition: ${cond}`);
      if (cond === 'Complete' && j.status?.completionTime && (!status.lastSuccessfulTime || j.status.completionTime > status.lastSuccessfulTime)) status.lastSuccessfulTime = j.status.completionTime;
    }
    this.cleanHistory(cj, jobs, 'Complete', spec.successfulJobsHistoryLimit ?? 3);
    this.cleanHistory(cj, jobs, 'Failed', spec.failedJobsHistoryLimit ?? 1);

    let schedule;
    try {
      schedule = parseCron(spec.schedule ?? '');
    } catch (err) {
      this.recorder.event(SOURCE, cj, 'Warning', 'UnparseableSchedule', `unparseable schedule: "${spec.schedule}" : ${(err as Error).message}`);
      return this.writeStatus(cj, status, active);
    }
    const now = this.now();
    // The most recent scheduled time not yet run (since the last one, or since creation).
    const since = Date.parse(status.lastScheduleTime ?? cj.metadata.creationTimestamp ?? nowTime(now));
    let due: number | undefined;
    let missed = 0;
    for (let t = schedule.next(since); t !== undefined && t <= now; t = schedule.next(t)) {
      due = t;
      if (++missed > 100) break;
    }
    if (due !== undefined && !spec.suspend) {
      const deadline = spec.startingDeadlineSeconds;
      if (deadline != null && now - due > deadline * 1000) {
        this.recorder.event(SOURCE, cj, 'Warning', 'MissSchedule', `Missed scheduled time to start a job: ${nowTime(due)}`);
        status.lastScheduleTime = nowTime(due);
      } else if (active.length && spec.concurrencyPolicy === 'Forbid') {
        this.recorder.event(SOURCE, cj, 'Normal', 'JobAlreadyActive', 'Not starting job because prior execution is running and concurrency policy is Forbid');
      } else {
        if (spec.concurrencyPolicy === 'Replace') {
          for (const j of active.splice(0)) this.deleteJob(cj, j);
        }
        const job = this.createJob(cj, due);
        if (job) active.push(job);
        status.lastScheduleTime = nowTime(due);
      }
    }
    const next = schedule.next(Math.max(now, due ?? 0));
    if (next !== undefined) this.wakeAt(key, next);
    this.writeStatus(cj, status, active);
  }

  private createJob(cj: KObject, at: number): KObject | undefined {
    const tpl = cj.spec?.jobTemplate ?? {};
    const name = `${cj.metadata.name}-${Math.floor(at / 60_000)}`;
    if (this.store.get('jobs', cj.metadata.namespace, name)) return undefined; // already made for this time
    const job = this.store.create('jobs', {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {
        name,
        namespace: cj.metadata.namespace,
        labels: { ...(tpl.metadata?.labels ?? {}) },
        annotations: { ...(tpl.metadata?.annotations ?? {}), [SCHEDULED]: nowTime(at) },
        ownerReferences: [ownerRef(cj)],
      },
      spec: structuredClone(tpl.spec ?? {}),
    });
    this.recorder.event(SOURCE, cj, 'Normal', 'SuccessfulCreate', `Created job ${name}`);
    return job;
  }

  private deleteJob(cj: KObject, j: KObject): void {
    try {
      this.store.delete('jobs', j.metadata.namespace, j.metadata.name!, { propagationPolicy: 'Background' });
      this.recorder.event(SOURCE, cj, 'Normal', 'SuccessfulDelete', `Deleted job ${j.metadata.name}`);
    } catch {
      /* gone already */
    }
  }

  private cleanHistory(cj: KObject, jobs: KObject[], cond: string, limit: number): void {
    const done = jobs.filter((j) => jobFinished(j) === cond && !j.metadata.deletionTimestamp).sort((a, b) => String(a.status?.startTime ?? a.metadata.creationTimestamp).localeCompare(String(b.status?.startTime ?? b.metadata.creationTimestamp)));
    for (const j of done.slice(0, Math.max(0, done.length - limit))) this.deleteJob(cj, j);
  }

  private writeStatus(cj: KObject, status: any, active: KObject[]): void {
    if (active.length) status.active = active.map((j) => ({ kind: 'Job', namespace: j.metadata.namespace, name: j.metadata.name, uid: j.metadata.uid, apiVersion: 'batch/v1', resourceVersion: j.metadata.resourceVersion }));
    else delete status.active;
    const cmp = (s: any) => JSON.stringify({ ...s, active: s.active?.map((a: any) => a.uid) });
    if (cmp(status) === cmp(cj.status ?? {})) return;
    this.store.patch('cronjobs', cj.metadata.namespace, cj.metadata.name!, (d) => {
      d.status = status;
    }, { status: true });
  }

  stop(): void {
    this.unwatch.forEach((u) => u());
    this.queue.stop();
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}
