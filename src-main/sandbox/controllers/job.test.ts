// Jobs in a started sandbox: pods with ownerReferences and the job labels run the task image to
// completion (Succeeded, container terminated Completed), the Job gets succeeded/Complete; a
// failing task retries up to backoffLimit and the Job fails with BackoffLimitExceeded.
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Job } from 'kubernetes-models/batch/v1';
import { Pod } from 'kubernetes-models/v1';
import { startTestSandbox, until, type TestSandbox } from '../test-helpers';

let t: TestSandbox;

beforeAll(async () => {
  t = await startTestSandbox({ rps: 1 });
}, 60_000);

afterAll(async () => {
  await t?.sb.stop();
});

const job = (name: string, env: Record<string, string>, spec: Record<string, unknown> = {}) => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name, namespace: 'default' },
  spec: {
    ...spec,
    template: {
      metadata: { labels: { app: name } },
      spec: { restartPolicy: 'Never', containers: [{ name: 'task', image: 'orrery/service:1.0', env: Object.entries(env).map(([n, value]) => ({ name: n, value })) }] },
    },
  },
});

async function create(obj: any): Promise<any> {
  const r = await t.admin.raw('POST', '/apis/batch/v1/namespaces/default/jobs', obj);
  expect(r.status).toBe(201);
  return JSON.parse(r.text);
}

function kubectl(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('kubectl', args, { env: { ...process.env, KUBECONFIG: t.kubeconfig, KUBECTL_KUBERC: 'false' }, timeout: 30_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const jobPods = async (name: string) => (await t.admin.get(`/api/v1/namespaces/default/pods?labelSelector=${encodeURIComponent(`job-name=${name}`)}`)).items;

describe('Job controller', () => {
  it('runs pods to completion: 3 completions, 2 at a time', async () => {
    const created = await create(job('report', { ORRERY_TASK: 'report', ORRERY_TASK_DURATION: '800ms' }, { completions: 3, parallelism: 2 }));
    // Defaulted at create as kube-apiserver does: selector on the uid, labels on the template.
    expect(created.spec.selector).toEqual({ matchLabels: { 'batch.kubernetes.io/controller-uid': created.metadata.uid } });
    expect(created.spec.template.metadata.labels).toEqual({ app: 'report', 'batch.kubernetes.io/controller-uid': created.metadata.uid, 'batch.kubernetes.io/job-name': 'report', 'controller-uid': created.metadata.uid, 'job-name': 'report' });
    const running = await until('2 active pods', async () => {
      const ps = await jobPods('report');
      return ps.length === 2 ? ps : undefined;
    }, 10_000, 100);
    for (const p of running) {
      expect(p.metadata.ownerReferences).toEqual([{ apiVersion: 'batch/v1', kind: 'Job', name: 'report', uid: created.metadata.uid, controller: true, blockOwnerDeletion: true }]);
      expect(p.metadata.labels).toMatchObject({ app: 'report', 'batch.kubernetes.io/job-name': 'report', 'batch.kubernetes.io/controller-uid': created.metadata.uid, 'controller-uid': created.metadata.uid });
      expect(p.metadata.generateName).toBe('report-');
    }
    const done = await until('Job Complete', async () => {
      const j = await t.admin.get('/apis/batch/v1/namespaces/default/jobs/report');
      return j.status?.conditions?.some((c: any) => c.type === 'Complete' && c.status === 'True') ? j : undefined;
    }, 20_000, 200);
    expect(done.status).toMatchObject({ succeeded: 3, ready: 0, terminating: 0, uncountedTerminatedPods: {} });
    expect(done.status.active).toBeUndefined();
    expect(done.status.failed).toBeUndefined();
    expect(Date.parse(done.status.completionTime)).toBeGreaterThanOrEqual(Date.parse(done.status.startTime));
    expect(done.status.conditions.map((c: any) => c.type)).toEqual(['SuccessCriteriaMet', 'Complete']);
    new Job(done).validate();

    const pods = await jobPods('report');
    expect(pods).toHaveLength(3);
    for (const p of pods) {
      new Pod(p).validate();
      expect(p.status.phase).toBe('Succeeded');
      const cs = p.status.containerStatuses[0];
      expect(cs.state.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
      expect(cs.restartCount).toBe(0);
      expect(p.status.conditions.find((c: any) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'PodCompleted' });
      // The task's log stays readable after completion.
      const log = await t.admin.text(`/api/v1/namespaces/default/pods/${p.metadata.name}/log`);
      expect(log).toMatch(/"msg":"task completed"/);
    }
    const ev = (await t.admin.get('/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3Dreport')).items.map((e: any) => `${e.reason}: ${e.message}`);
    expect(ev.filter((e: string) => e.startsWith('SuccessfulCreate: Created pod: report-'))).toHaveLength(3);
    expect(ev).toContain('Completed: Job completed');

    // Deleting the Job (background propagation) garbage-collects its pods.
    const del = await t.admin.raw('DELETE', '/apis/batch/v1/namespaces/default/jobs/report?propagationPolicy=Background');
    expect(del.status).toBe(200);
    await until('pods collected', async () => (await jobPods('report')).length === 0, 10_000, 100);
  }, 40_000);

  it('a failing task is retried up to backoffLimit, then the Job fails', async () => {
    await create(job('migrate', { ORRERY_TASK: 'migrate', ORRERY_TASK_DURATION: '200ms', ORRERY_TASK_EXIT_CODE: '3' }, { backoffLimit: 1 }));
    const failed = await until('Job Failed', async () => {
      const j = await t.admin.get('/apis/batch/v1/namespaces/default/jobs/migrate');
      return j.status?.conditions?.some((c: any) => c.type === 'Failed' && c.status === 'True') ? j : undefined;
    }, 20_000, 200);
    expect(failed.status.failed).toBe(2);
    expect(failed.status.succeeded).toBeUndefined();
    expect(failed.status.conditions.find((c: any) => c.type === 'Failed').reason).toBe('BackoffLimitExceeded');
    new Job(failed).validate();
    const pods = await jobPods('migrate');
    expect(pods).toHaveLength(2);
    for (const p of pods) {
      expect(p.status.phase).toBe('Failed');
      expect(p.status.containerStatuses[0].state.terminated).toMatchObject({ exitCode: 3, reason: 'Error' });
    }
    const ev = (await t.admin.get('/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3Dmigrate')).items;
    expect(ev.some((e: any) => e.type === 'Warning' && e.reason === 'BackoffLimitExceeded')).toBe(true);
  }, 30_000);

  it('kubectl wait --for=condition=complete and get jobs see it', async () => {
    await create(job('once', { ORRERY_TASK: 'once', ORRERY_TASK_DURATION: '300ms' }));
    const wait = await kubectl(['wait', '--for=condition=complete', 'job/once', '-n', 'default', '--timeout=20s']);
    expect(wait.stdout).toContain('job.batch/once condition met');
    const get = await kubectl(['get', 'jobs', '-n', 'default', 'once']);
    expect(get.stdout).toMatch(/^once\s+Complete\s+1\/1\s/m);
    const wide = await kubectl(['get', 'jobs', '-n', 'default', 'once', '-o', 'wide']);
    expect(wide.stdout).toMatch(/batch\.kubernetes\.io\/controller-uid=[0-9a-f-]{36}/);
  }, 30_000);
});
