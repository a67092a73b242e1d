// kube-state-metrics' CronJob families (internal/store/cronjob.go, v2.15), in its order and with
// its stability levels. kube_cronjob_next_schedule_time is the schedule's next time after
// status.lastScheduleTime (or creation), from the same parser the sandbox's cronjob-controller
// schedules with; like it, in UTC (spec.timeZone only shows in kube_cronjob_info). A suspended
// CronJob, or one whose schedule does not parse, has no next schedule time.
import type { KObject } from '../../apiserver/store';
import { parseCron } from '../../controllers/cron';
import { nm, ns, sec, type Labels, type Writer } from './common';

const id = (c: KObject): Labels => [['namespace', ns(c)], ['cronjob', nm(c)]];

export function nextScheduleTime(c: KObject): number | undefined {
  if (c.spec?.suspend) return undefined;
  const from = Date.parse(c.status?.lastScheduleTime ?? c.metadata.creationTimestamp ?? '');
  if (Number.isNaN(from)) return undefined;
  let next: number | undefined;
  try {
    next = parseCron(c.spec?.schedule ?? '').next(from);
  } catch {
    return undefined;
  }
  return next === undefined ? undefined : next / 1000;
}

export function writeCronJobs(w: Writer, cronjobs: readonly KObject[]): void {
  const one = (name: string, help: string, stable: boolean, v: (c: KObject) => number | undefined) => w.gauge(name, help, stable, cronjobs, id, v);
  w.annotations('cronjob');
  w.labels('cronjob');
  w.family('kube_cronjob_info', 'gauge', 'Info about cronjob.', true, cronjobs, (c) => [
    [[...id(c), ['schedule', c.spec?.schedule ?? ''], ['concurrency_policy', c.spec?.concurrencyPolicy ?? ''], ['timezone', c.spec?.timeZone ?? 'local']], 1],
  ]);
  one('kube_cronjob_created', 'Unix creation timestamp', true, (c) => sec(c.metadata.creationTimestamp));
  one('kube_cronjob_status_active', 'Active holds pointers to currently running jobs.', true, (c) => (c.status?.active ?? []).length);
  one('kube_cronjob_status_last_schedule_time', 'LastScheduleTime keeps information of when was the last time the job was successfully scheduled.', true, (c) => sec(c.status?.lastScheduleTime));
  one('kube_cronjob_status_last_successful_time', 'LastSuccessfulTime keeps information of when was the last time the job was completed successfully.', false, (c) => sec(c.status?.lastSuccessfulTime));
  one('kube_cronjob_spec_suspend', 'Suspend flag tells the controller to suspend subsequent executions.', true, (c) => (c.spec?.suspend === undefined ? undefined : c.spec.suspend ? 1 : 0));
  one('kube_cronjob_spec_starting_deadline_seconds', 'Deadline in seconds for starting the job if it misses scheduled time for any reason.', true, (c) => c.spec?.startingDeadlineSeconds ?? undefined);
  one('kube_cronjob_next_schedule_time', "Next time the cronjob should be scheduled. The time after lastScheduleTime, or after the cron job's creation time if it's never been scheduled. Use this to determine if the job is delayed.", true, nextScheduleTime);
  one('kube_cronjob_metadata_resource_version', 'Resource version representing a specific version of the cronjob.', true, (c) => {
    const rv = Number(c.metadata.resourceVersion);
    return c.metadata.resourceVersion && Number.isFinite(rv) ? rv : undefined;
  });
  one('kube_cronjob_spec_successful_job_history_limit', 'Successful job history limit tells the controller how many completed jobs should be preserved.', false, (c) => c.spec?.successfulJobsHistoryLimit ?? undefined);
  one('kube_cronjob_spec_failed_job_history_limit', 'Failed job history limit tells the controller how many failed jobs should be preserved.', false, (c) => c.spec?.failedJobsHistoryLimit ?? undefined);
}
