import { describe, expect, it } from 'vitest';
import type { ObjectDetail } from '../../../../src-main/contract/types';
import { annotationsFromDetail } from './annotations';

const base = (kind: string, extra: Partial<ObjectDetail>): ObjectDetail =>
  ({ kind: { kind } as ObjectDetail['kind'], object: { metadata: { name: 'cart' } }, conditions: [], containers: [], owners: [], owned: [], events: [], revealed: false, ...extra }) as ObjectDetail;

describe('annotations from the watch cache', () => {
  it('marks a rollout in progress as an area up to now, and scaling events as lines', () => {
    const now = Date.parse('2026-01-01T10:10:00Z');
    const a = annotationsFromDetail(
      base('Deployment', {
        conditions: [{ type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', lastTransitionTime: '2026-01-01T10:05:00Z' }],
        events: [{ type: 'Normal', reason: 'ScalingReplicaSet', message: 'Scaled up replica set cart-2 to 1', count: 1, lastSeen: '2026-01-01T10:05:01Z' }],
      }),
      now,
    );
    expect(a).toEqual([
      { time: Date.parse('2026-01-01T10:05:00Z'), end: now, kind: 'rollout', title: 'rollout of cart in progress' },
      { time: Date.parse('2026-01-01T10:05:01Z'), kind: 'rollout', title: 'Scaled up replica set cart-2 to 1' },
    ]);
  });
  it("marks a pod's container restarts and warning events", () => {
    const a = annotationsFromDetail(
      base('Pod', {
        containers: [{ name: 'cart', init: false, image: 'x', ready: true, restartCount: 2, state: 'Running', probes: [], lastTermination: { reason: 'OOMKilled', exitCode: 137, finishedAt: '2026-01-01T10:00:00Z' } }],
        events: [
          { type: 'Warning', reason: 'BackOff', message: 'Back-off restarting failed container', count: 3, lastSeen: '2026-01-01T10:01:00Z' },
          { type: 'Normal', reason: 'Pulled', message: 'pulled', count: 1, lastSeen: '2026-01-01T10:00:30Z' },
        ],
      }),
      0,
    );
    expect(a.map((x) => [x.kind, x.title])).toEqual([
      ['restart', 'cart/cart restarted (OOMKilled, exit 137)'],
      ['event', 'BackOff: Back-off restarting failed container'],
    ]);
  });
  it('draws nothing for a deleted object', () => {
    expect(annotationsFromDetail(base('Pod', { gone: true }), 0)).toEqual([]);
  });
});
