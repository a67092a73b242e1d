// The scheduler's node accounting, kept from the pod watch (it never lists every pod): pods bind
// to the node with room, finished and deleted pods free their place, and a full cluster says so.
import { afterEach, expect, test } from 'vitest';
import { Store } from '../apiserver/store';
import { storeResources } from '../apiserver/resources';
import { nodeObject } from './nodes';
import { EventRecorder } from './recorder';
import { Scheduler } from './scheduler';
import { until } from '../test-helpers';

let stop: (() => void) | undefined;
afterEach(() => stop?.());

function setup() {
  const store = new Store(storeResources());
  store.create('namespaces', { metadata: { name: 'default' } });
  for (const name of ['a', 'b']) {
    const n = nodeObject(name);
    n.status.allocatable = { ...n.status.allocatable, pods: '1' };
    store.create('nodes', n);
  }
  const recorder = new EventRecorder(store);
  const scheduler = new Scheduler(store, recorder);
  stop = () => {
    scheduler.stop();
    recorder.stop();
  };
  const pod = (name: string, nodeName?: string) =>
    store.create('pods', { metadata: { name, namespace: 'default' }, spec: { ...(nodeName ? { nodeName } : {}), containers: [{ name: 'c', image: 'x', resources: { requests: { cpu: '100m' } } }] } });
  const nodeOf = (name: string) => store.get('pods', 'default', name)?.spec?.nodeName as string | undefined;
  return { store, pod, nodeOf };
}

test('binds to the node with room; a full cluster is FailedScheduling until a place frees', async () => {
  const { store, pod, nodeOf } = setup();
  pod('on-a', 'a');
  pod('p1');
  await until('p1 bound', () => nodeOf('p1'), 2000, 10);
  expect(nodeOf('p1')).toBe('b');
  pod('p2');
  await until('p2 unschedulable', () => store.get('pods', 'default', 'p2')?.status?.conditions?.some((c: any) => c.reason === 'Unschedulable'), 2000, 10);
  expect(store.get('pods', 'default', 'p2')!.status.conditions.find((c: any) => c.type === 'PodScheduled').message).toMatch(/^0\/2 nodes are available: 2 Insufficient resources/);
  // on-a finishes: its place is free; the next node event retries pending pods.
  store.patch('pods', 'default', 'on-a', (d) => {
    d.status = { phase: 'Succeeded' };
  }, { status: true });
  store.patch('nodes', undefined, 'a', (d) => {
    d.metadata.labels = { ...d.metadata.labels, touched: 'true' };
  });
  await until('p2 bound', () => nodeOf('p2'), 2000, 10);
  expect(nodeOf('p2')).toBe('a');
  // Deleting a bound pod frees its node too.
  store.delete('pods', 'default', 'p1', { gracePeriodSeconds: 0 });
  pod('p3');
  await until('p3 bound', () => nodeOf('p3'), 2000, 10);
  expect(nodeOf('p3')).toBe('b');
});
