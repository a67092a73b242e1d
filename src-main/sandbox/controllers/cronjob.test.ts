// CronJob -> Job -> Pod on a moved clock (store, Job and CronJob controllers; pods finished by
// hand, as no kubelet runs here): scheduled Jobs named <cronjob>-<minutes>, status, concurrency
// policies, history limits, suspend.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CronJob } from 'kubernetes-models/batch/v1';
import { Store } from '../apiserver/store';
import { storeResources } from '../apiserver/resources';
import { CronJobController } from './cronjob';
import { JobController } from './job';
import { EventRecorder } from './recorder';

const T0 = Date.parse('2026-01-01T10:02:00Z');
let clock = T0;
let store: Store;
let recorder: EventRecorder;
let jobs: JobController;
let cron: CronJobController;

const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};
const advance = async (minutes: number) => {
  clock += minutes * 60_000;
  cron.resync();
  await settle();
};
const cjJobs = () => store.list('jobs', { namespace: 'default' }).items.map((j) => j.metadata.name).sort();
const cj = () => store.get('cronjobs', 'default', 'backup')!;
const events = () => store.list('events', { namespace: 'default' }).items.map((e) => `${e.reason}: ${e.message}`);

/** Finish every running pod of a Job (what the kubelet does when the container exits). */
function finish(job: string, phase: 'Succeeded' | 'Failed') {
  for (const p of store.list('pods', { namespace: 'default', labelSelector: `job-name=${job}` }).items) {
    store.patch('pods', 'default', p.metadata.name!, (d) => {
      d.status = { phase };
    }, { status: true });
  }
}

beforeEach(async () => {
  clock = T0;
  store = new Store(storeResources(), { now: () => clock });
  store.create('namespaces', { metadata: { name: 'default' } });
  recorder = new EventRecorder(store);
  jobs = new JobController(store, recorder);
  cron = new CronJobController(store, recorder, { now: () => clock });
});

afterEach(() => {
  cron.stop();
  jobs.stop();
  recorder.stop();
});

function create(spec: Record<string, unknown> = {}) {
  store.create('cronjobs', {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'backup', namespace: 'default' },
    spec: {
      schedule: '*/5 * * * *',
      ...spec,
      jobTemplate: { metadata: { labels: { app: 'backup' } }, spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'task', image: 'orrery/service:1.0', env: [{ name: 'ORRERY_TASK', value: 'backup' }] }] } } } },
    },
  });
}

describe('CronJob controller', () => {
  it('creates a Job per scheduled time, tracks it in status, records its completion', async () => {
    create();
    await settle();
    expect(cjJobs()).toEqual([]);
    await advance(3); // 10:05
    const name = `backup-${Math.floor(Date.parse('2026-01-01T10:05:00Z') / 60_000)}`;
    expect(cjJobs()).toEqual([name]);
    const job = store.get('jobs', 'default', name)!;
    expect(job.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'CronJob', name: 'backup', controller: true })]);
    expect(job.metadata.annotations!['batch.kubernetes.io/cronjob-scheduled-timestamp']).toBe('2026-01-01T10:05:00Z');
    expect(job.metadata.labels).toMatchObject({ app: 'backup' });
    expect(cj().status).toMatchObject({ lastScheduleTime: '2026-01-01T10:05:00Z', active: [{ kind: 'Job', name, uid: job.metadata.uid }] });
    new CronJob(cj() as any).validate();
    // The Job ran its pod.
    expect(store.list('pods', { namespace: 'default', labelSelector: `job-name=${name}` }).items).toHaveLength(1);

    finish(name, 'Succeeded');
    await settle();
    expect(store.get('jobs', 'default', name)!.status.conditions.some((c: any) => c.type === 'Complete')).toBe(true);
    expect(cj().status.active).toBeUndefined();
    expect(cj().status.lastSuccessfulTime).toBe(store.get('jobs', 'default', name)!.status.completionTime);
    expect(events()).toEqual(expect.arrayContaining([`SuccessfulCreate: Created job ${name}`, `SawCompletedJob: Saw completed job: ${name}, condition: Complete`]));
    new CronJob(cj() as any).validate();

    await advance(1); // 10:06: nothing due
    expect(cjJobs()).toHaveLength(1);
    await advance(4); // 10:10
    expect(cjJobs()).toHaveLength(2);
  });

  it('Forbid skips a run while one is active; Replace replaces it', async () => {
    create({ concurrencyPolicy: 'Forbid' });
    await advance(3);
    expect(cjJobs()).toHaveLength(1);
    await advance(5);
    expect(cjJobs()).toHaveLength(1);
    expect(events()).toContain('JobAlreadyActive: Not starting job because prior execution is running and concurrency policy is Forbid');
    store.patch('cronjobs', 'default', 'backup', (d) => {
      d.spec.concurrencyPolicy = 'Replace';
    });
    await settle();
    const [first] = cjJobs();
    await advance(5);
    const after = cjJobs();
    expect(after).toHaveLength(1);
    expect(after[0]).not.toBe(first);
    expect(events()).toContain(`SuccessfulDelete: Deleted job ${first}`);
  });

  it('keeps successfulJobsHistoryLimit finished Jobs; suspend stops new ones', async () => {
    create({ successfulJobsHistoryLimit: 2 });
    for (let i = 0; i < 4; i++) {
      await advance(i === 0 ? 3 : 5);
      finish(cjJobs().at(-1)!, 'Succeeded');
      await settle();
    }
    await settle();
    expect(cjJobs()).toHaveLength(2);
    store.patch('cronjobs', 'default', 'backup', (d) => {
      d.spec.suspend = true;
    });
    await advance(10);
    expect(cjJobs()).toHaveLength(2);
  });

  it('waits for a run months away with a timer Node can hold (no 1 ms re-sync loop)', async () => {
    const timers = vi.spyOn(globalThis, 'setTimeout');
    try {
      create({ schedule: '0 3 1 6 *' }); // 1 June: ~151 days after T0, past setTimeout's 2^31-1 ms
      await settle();
      const delays = timers.mock.calls.map((c) => c[1] ?? 0);
      expect(delays.length).toBeGreaterThan(0);
      expect(Math.max(...delays)).toBe(2 ** 31 - 1);
      expect(timers.mock.calls.length).toBeLessThan(5);
    } finally {
      timers.mockRestore();
    }
  });
});
