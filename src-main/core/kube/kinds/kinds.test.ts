// Parity with kubectl: kubectl's own client-side printers (--server-print=false) are the oracle
// for the READY, STATUS and RESTARTS columns of pods in many states.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../../sandbox/apiserver/testkit';
import type { KubeObject } from '../cache/types';
import { healthOf } from './health';
import { findKind, kindInfos, toRow } from './kinds';

let h: Harness;
const started = '2026-01-01T00:00:00Z';
const running = (ready = true, restarts = 0) => ({ ready, restartCount: restarts, state: { running: { startedAt: started } } });
const waiting = (reason: string, restarts = 0) => ({ ready: false, restartCount: restarts, state: { waiting: { reason } }, lastState: restarts ? { terminated: { exitCode: 1, reason: 'Error', finishedAt: started } } : {} });
const terminated = (reason: string | undefined, exitCode: number, signal?: number) => ({ ready: false, restartCount: 0, state: { terminated: { reason, exitCode, signal, finishedAt: started } } });

const cases: Record<string, { phase: string; containers?: unknown[]; inits?: unknown[]; initSpec?: number; deleting?: boolean; conditions?: unknown[] }> = {
  'running-ready': { phase: 'Running', containers: [running(), running()] },
  'running-half': { phase: 'Running', containers: [running(), running(false)], conditions: [{ type: 'Ready', status: 'False' }] },
  'crashloop': { phase: 'Running', containers: [waiting('CrashLoopBackOff', 5)] },
  'imagepull': { phase: 'Pending', containers: [waiting('ImagePullBackOff')] },
  'creating': { phase: 'Pending', containers: [waiting('ContainerCreating')] },
  'oomkilled': { phase: 'Running', containers: [terminated('OOMKilled', 137)] },
  'exitcode': { phase: 'Failed', containers: [terminated(undefined, 3)] },
  'signal': { phase: 'Failed', containers: [terminated(undefined, 0, 9)] },
  'completed': { phase: 'Succeeded', containers: [terminated('Completed', 0)] },
  'sidecar-done': { phase: 'Running', containers: [terminated('Completed', 0), running()], conditions: [{ type: 'Ready', status: 'True' }] },
  'init-running': { phase: 'Pending', inits: [running(false)], initSpec: 2, containers: [waiting('PodInitializing')] },
  'init-crash': { phase: 'Pending', inits: [waiting('CrashLoopBackOff', 2)], initSpec: 1, containers: [waiting('PodInitializing')] },
  'init-failed': { phase: 'Pending', inits: [terminated('Error', 1)], initSpec: 1, containers: [waiting('PodInitializing')] },
  'pending': { phase: 'Pending' },
  'terminating': { phase: 'Running', containers: [running()], deleting: true },
};

beforeAll(async () => {
  h = await startHarness({ storeOptions: { gracefulPodDeletion: true } });
  h.server.store.create('namespaces', { metadata: { name: 'parity' } });
  for (const [name, c] of Object.entries(cases)) {
    const containers = (c.containers ?? [{}]).map((_, i) => ({ name: `c${i}`, image: 'orrery/service:1.0' }));
    const initContainers = Array.from({ length: c.initSpec ?? 0 }, (_, i) => ({ name: `init${i}`, image: 'orrery/service:1.0' }));
    h.server.store.create('pods', {
      metadata: { name, namespace: 'parity', ...(c.deleting ? { finalizers: ['test/hold'] } : {}) },
      spec: { nodeName: 'node-a', containers, ...(initContainers.length ? { initContainers } : {}) },
      status: {
        phase: c.phase,
        podIP: '10.1.2.3',
        ...(c.conditions ? { conditions: c.conditions } : {}),
        ...(c.containers ? { containerStatuses: c.containers.map((s, i) => ({ name: `c${i}`, image: 'orrery/service:1.0', imageID: '', ...(s as object) })) } : {}),
        ...(c.inits ? { initContainerStatuses: c.inits.map((s, i) => ({ name: `init${i}`, image: 'orrery/service:1.0', imageID: '', ...(s as object) })) } : {}),
      },
    } as never);
    if (c.deleting) h.server.store.delete('pods', 'parity', name);
  }
});
afterAll(async () => h.server.stop());

describe('pod columns match kubectl', () => {
  // What kube-apiserver's pod printer (pkg/printers/internalversion printPod) prints for each case.
  const expected: Record<string, [string, string, string]> = {
    'running-ready': ['2/2', 'Running', '0'],
    'running-half': ['1/2', 'Running', '0'],
    crashloop: ['0/1', 'CrashLoopBackOff', '5'],
    imagepull: ['0/1', 'ImagePullBackOff', '0'],
    creating: ['0/1', 'ContainerCreating', '0'],
    oomkilled: ['0/1', 'OOMKilled', '0'],
    exitcode: ['0/1', 'ExitCode:3', '0'],
    signal: ['0/1', 'Signal:9', '0'],
    completed: ['0/1', 'Completed', '0'],
    'sidecar-done': ['1/2', 'Running', '0'],
    'init-running': ['0/1', 'Init:0/2', '0'],
    'init-crash': ['0/1', 'Init:CrashLoopBackOff', '2'],
    'init-failed': ['0/1', 'Init:Error', '0'],
    pending: ['0/1', 'Pending', '0'],
    terminating: ['1/1', 'Terminating', '0'],
  };

  it('READY, STATUS and RESTARTS are what kube-apiserver prints, and what kubectl shows from the sandbox', async () => {
    const pods = h.server.store.list('pods', { namespace: 'parity' }).items as KubeObject[];
    const kind = findKind('pods')!;
    const ours = Object.fromEntries(pods.map((p) => {
      const row = toRow(kind, p);
      return [p.metadata.name!, [row.cells[0], row.cells[1], String(row.cells[2]).split(' ')[0]]];
    }));
    expect(ours).toEqual(expected);
    const out = await h.kubectl(['get', 'pods', '-n', 'parity', '--no-headers']);
    expect(out.stderr).toBe('');
    const shown = Object.fromEntries(out.stdout.trim().split('\n').map((line) => {
      const [name, ready, status, restarts] = line.trim().split(/\s{2,}/);
      return [name!, [ready, status, restarts!.split(' ')[0]]];
    }));
    expect(shown).toEqual(expected);
  });

  it('gives every pod state a health level with a reason', () => {
    const pods = h.server.store.list('pods', { namespace: 'parity' }).items as KubeObject[];
    const levels = Object.fromEntries(pods.map((p) => [p.metadata.name, toRow(findKind('pods')!, p).health?.level]));
    expect(levels).toMatchObject({
      'running-ready': 'ok',
      'running-half': 'degraded',
      crashloop: 'failing',
      imagepull: 'failing',
      creating: 'unknown',
      oomkilled: 'failing',
      exitcode: 'failing',
      completed: 'ok',
      'init-crash': 'failing',
      terminating: 'unknown',
    });
  });
});

describe('health of other kinds', () => {
  const obj = (o: Partial<KubeObject> & Record<string, unknown>): KubeObject => ({ metadata: { name: 'x' }, ...o });
  it('deployments: available vs desired, stuck rollouts fail', () => {
    expect(healthOf('Deployment', obj({ spec: { replicas: 3 }, status: { availableReplicas: 3, updatedReplicas: 3 } }))?.level).toBe('ok');
    expect(healthOf('Deployment', obj({ spec: { replicas: 3 }, status: { availableReplicas: 1, updatedReplicas: 3 } }))?.level).toBe('degraded');
    expect(healthOf('Deployment', obj({ spec: { replicas: 3 }, status: { availableReplicas: 0 } }))?.level).toBe('failing');
    const stuck = healthOf('Deployment', obj({ spec: { replicas: 2 }, status: { availableReplicas: 2, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'took too long' }] } }));
    expect(stuck).toEqual({ level: 'failing', reason: 'ProgressDeadlineExceeded: took too long' });
  });
  it('nodes: NotReady fails, cordoned degrades', () => {
    expect(healthOf('Node', obj({ status: { conditions: [{ type: 'Ready', status: 'Unknown', reason: 'NodeStatusUnknown' }] } }))).toEqual({ level: 'failing', reason: 'NotReady: NodeStatusUnknown' });
    expect(healthOf('Node', obj({ spec: { unschedulable: true }, status: { conditions: [{ type: 'Ready', status: 'True' }] } }))?.level).toBe('degraded');
  });
  it('every kind has columns and survives a malformed object', () => {
    for (const info of kindInfos()) {
      expect(info.columns.length).toBeGreaterThan(0);
      const row = toRow(findKind(info.id)!, { metadata: { name: 'broken', uid: 'u' }, spec: 'nonsense', status: 42 } as unknown as KubeObject);
      expect(row.cells).toHaveLength(info.columns.length);
    }
  });
});
