// Detail pages' backend end to end against the sandbox API server: owner chain, owned objects,
// events, containers, Secret masking, and live updates.
import { describe, expect, it } from 'vitest';
import { useBackendOnSandbox } from './testing';
import type { ClientError } from '../contract/client';
import type { ObjectDetail } from '../contract/types';
import { WEB_POD } from '../sandbox/apiserver/testkit';

const env = useBackendOnSandbox();

function follow(input: { kind: string; namespace?: string; name: string; reveal?: boolean; context?: string }) {
  const state = { detail: undefined as ObjectDetail | undefined, error: undefined as ClientError | undefined };
  const cancel = env.client.subscribe('resources.detail', { context: 'orrery-sandbox', ...input }, { onData: (items) => (state.detail = items.at(-1)), onError: (e) => (state.error = e) });
  return { state, cancel };
}

describe('resources.detail', () => {
  it("shows a pod's owner chain, containers, conditions and events", async () => {
    const { state, cancel } = follow({ kind: 'pods', namespace: 'shop', name: WEB_POD });
    await expect.poll(() => state.detail?.owners.length).toBe(2);
    const d = state.detail!;
    expect(d.owners.map((o) => `${o.kind}/${o.name}`)).toEqual(['ReplicaSet/web-7d4b9c8f6', 'Deployment/web']);
    expect(d.owners[1]).toMatchObject({ kindId: 'deployments', health: { level: 'ok' } });
    expect(d.containers).toEqual([expect.objectContaining({ name: 'web', ready: true, state: 'Running', restartCount: 0, image: 'orrery/service:web' })]);
    expect(d.conditions.map((c) => c.type)).toContain('Ready');
    expect(d.events).toEqual([expect.objectContaining({ type: 'Normal', reason: 'Started', message: 'Started container web', source: 'kubelet' })]);
    expect(d.health?.level).toBe('ok');
    // The cache keeps pods slim (no env); the page shows the full object read from the API.
    expect((d.object as { spec: { containers: Array<{ env?: unknown }> } }).spec.containers[0]?.env).toEqual([{ name: 'MODE', value: 'prod' }]);
    cancel();
  });

  it("lists a deployment's owned ReplicaSet and follows changes live", async () => {
    const { state, cancel } = follow({ kind: 'deployments', namespace: 'shop', name: 'web' });
    await expect.poll(() => state.detail?.owned.map((o) => o.name)).toEqual(['web-7d4b9c8f6']);
    const pod = env.h.server.store.get('pods', 'shop', WEB_POD)!;
    env.h.server.store.create('events', {
      metadata: { name: 'web.warn', namespace: 'shop' },
      involvedObject: { kind: 'Deployment', namespace: 'shop', name: 'web', uid: env.h.server.store.get('deployments', 'shop', 'web')!.metadata.uid },
      reason: 'ProgressDeadlineExceeded', message: 'rollout stuck', type: 'Warning', count: 3, lastTimestamp: new Date().toISOString(), firstTimestamp: new Date().toISOString(),
    } as never);
    await expect.poll(() => state.detail?.events[0]?.reason).toBe('ProgressDeadlineExceeded');
    expect(state.detail?.events[0]).toMatchObject({ type: 'Warning', count: 3 });
    expect(pod).toBeDefined();
    cancel();
  });

  it('masks Secret values unless the user reveals them', async () => {
    const masked = follow({ kind: 'secrets', namespace: 'shop', name: 'db-password' });
    await expect.poll(() => masked.state.detail?.object).toBeTruthy();
    expect((masked.state.detail!.object as { data: Record<string, string> }).data).toEqual({ password: '••••••' });
    expect(JSON.stringify(masked.state.detail)).not.toContain(Buffer.from('hunter2').toString('base64'));
    masked.cancel();
    const revealed = follow({ kind: 'secrets', namespace: 'shop', name: 'db-password', reveal: true });
    await expect.poll(() => (revealed.state.detail?.object as { data?: Record<string, string> } | undefined)?.data?.password).toBe(Buffer.from('hunter2').toString('base64'));
    revealed.cancel();
  });

  it('says when the object is gone', async () => {
    env.h.server.store.create('configmaps', { metadata: { name: 'short-lived', namespace: 'shop' }, data: {} } as never);
    const { state, cancel } = follow({ kind: 'configmaps', namespace: 'shop', name: 'short-lived' });
    await expect.poll(() => state.detail?.object).toBeTruthy();
    env.h.server.store.delete('configmaps', 'shop', 'short-lived');
    await expect.poll(() => state.detail?.gone).toBe(true);
    cancel();
  });
});
