import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../cache/types';
import { healthOf } from './health';
import { findKind, toRow } from './kinds';
import { slimPod } from './slim';

const pod = (): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'n', uid: 'u', managedFields: [{ manager: 'kubectl' }], labels: { app: 'a' }, ownerReferences: [{ uid: 'rs', kind: 'ReplicaSet', name: 'r', controller: true }] },
  spec: {
    nodeName: 'node-1',
    volumes: [{ name: 'v', configMap: { name: 'c', items: [{ key: 'a', path: 'a' }], defaultMode: 420 } }, { name: 'd', persistentVolumeClaim: { claimName: 'data', readOnly: true } }, { name: 'e', emptyDir: {} }],
    tolerations: [{ key: 'k', operator: 'Exists' }],
    containers: [{ name: 'c', image: 'img', env: [{ name: 'A', value: 'b' }, { name: 'S', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }], envFrom: [{ configMapRef: { name: 'env' } }], volumeMounts: [{ name: 'v', mountPath: '/v' }], readinessProbe: { httpGet: { path: '/r', port: 80 } }, resources: { requests: { cpu: '100m' } } }],
  },
  status: { phase: 'Running', podIP: '10.0.0.1', containerStatuses: [{ name: 'c', ready: true, restartCount: 2, imageID: 'sha', state: { running: {} } }], conditions: [{ type: 'Ready', status: 'True' }] },
});

describe('slimPod', () => {
  it('drops what no list needs and keeps what rows, health and summaries read', () => {
    const slim = slimPod(pod()) as KubeObject & { spec: Record<string, unknown> & { containers: Array<Record<string, unknown>> } };
    expect(slim.metadata.managedFields).toBeUndefined();
    expect(slim.spec.tolerations).toBeUndefined();
    // Only the names a pod refers to stay (the topology's ConfigMap/Secret/PVC edges): no values.
    expect(slim.spec.volumes).toEqual([{ name: 'v', configMap: { name: 'c' } }, { name: 'd', persistentVolumeClaim: { claimName: 'data' } }, { name: 'e' }]);
    expect(slim.spec.containers[0]).toEqual({ name: 'c', image: 'img', envFrom: [{ configMapRef: { name: 'env' } }], env: [{ name: 'S', valueFrom: { secretKeyRef: { name: 's' } } }] });
    expect(slim.metadata.ownerReferences).toHaveLength(1);
    // Resources are summed to four numbers: requests cpu/memory, limits cpu/memory (NaN: none).
    expect(slim.spec.resourceTotals).toEqual([0.1, NaN, NaN, NaN]);
    // The list row and health are the same for the slim and the full pod.
    expect(toRow(findKind('pods')!, slim)).toEqual(toRow(findKind('pods')!, pod()));
    expect(healthOf('Pod', slim)).toEqual(healthOf('Pod', pod()));
  });
});
