// Actions against the sandbox API server: permission checks via SelfSubjectAccessReview, and
// each action's effect on the stored object.
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { useBackendOnSandbox } from './testing';
import type { ClientError } from '../contract/client';
import { WEB_POD } from '../sandbox/apiserver/testkit';

const env = useBackendOnSandbox();

const admin = 'orrery-sandbox';
const viewer = 'orrery-sandbox-viewer';
const get = <T>(resource: string, namespace: string | undefined, name: string) => env.h.server.store.get(resource, namespace as string, name) as unknown as T;
const fail = (p: Promise<unknown>) => p.then(() => undefined, (e: ClientError) => e);

describe('resources.permissions', () => {
  it('allows the admin everything that applies to a deployment', async () => {
    const perms = await env.client.call('resources.permissions', { context: admin, kind: 'deployments', namespace: 'shop', name: 'web' });
    expect(perms.map((p) => [p.action, p.allowed])).toEqual([
      ['scale', true],
      ['restart', true],
      ['delete', true],
      ['edit', true],
    ]);
  });

  it('tells the viewer which permission each action lacks', async () => {
    const perms = await env.client.call('resources.permissions', { context: viewer, kind: 'deployments', namespace: 'shop', name: 'web' });
    expect(perms.every((p) => !p.allowed)).toBe(true);
    expect(perms.find((p) => p.action === 'scale')?.reason).toBe('You may not patch deployments/scale.apps in namespace "shop"');
    expect(perms.find((p) => p.action === 'delete')?.checked).toBe('delete deployments.apps');
  });
});

describe('resources.action', () => {
  it('scales through the scale subresource', async () => {
    const r = await env.client.call('resources.action', { context: admin, kind: 'deployments', namespace: 'shop', name: 'web', action: 'scale', replicas: 4 });
    expect(r.message).toBe('deployment/web scaled to 4');
    expect(get<{ spec: { replicas: number } }>('deployments', 'shop', 'web').spec.replicas).toBe(4);
  });

  it('restarts a rollout the way kubectl does', async () => {
    await env.client.call('resources.action', { context: admin, kind: 'deployments', namespace: 'shop', name: 'web', action: 'restart' });
    const dep = get<{ spec: { template: { metadata: { annotations?: Record<string, string> } } } }>('deployments', 'shop', 'web');
    expect(dep.spec.template.metadata.annotations?.['kubectl.kubernetes.io/restartedAt']).toMatch(/^\d{4}-/);
  });

  it('cordons and uncordons a node', async () => {
    await env.client.call('resources.action', { context: admin, kind: 'nodes', name: 'sandbox-node-1', action: 'cordon' });
    expect(get<{ spec: { unschedulable?: boolean } }>('nodes', undefined, 'sandbox-node-1').spec.unschedulable).toBe(true);
    await env.client.call('resources.action', { context: admin, kind: 'nodes', name: 'sandbox-node-1', action: 'uncordon' });
    expect(get<{ spec: { unschedulable?: boolean } }>('nodes', undefined, 'sandbox-node-1').spec.unschedulable).toBeUndefined();
  });

  it('refuses the viewer with a FORBIDDEN error naming verb and resource', async () => {
    const err = await fail(env.client.call('resources.action', { context: viewer, kind: 'pods', namespace: 'shop', name: WEB_POD, action: 'delete' }));
    expect(err?.code).toBe('FORBIDDEN');
    expect(err?.message).toContain('not allowed to delete pods');
    expect(env.h.server.store.get('pods', 'shop', WEB_POD)).toBeDefined();
  });

  it('edits YAML, and shows server-side validation errors and conflicts inline', async () => {
    const cm = env.h.server.store.get('configmaps', 'shop', 'web-config')!;
    const edited = { ...cm, data: { LOG_LEVEL: 'debug' } };
    await env.client.call('resources.action', { context: admin, kind: 'configmaps', namespace: 'shop', name: 'web-config', action: 'edit', yaml: stringify(edited) });
    expect(get<{ data: Record<string, string> }>('configmaps', 'shop', 'web-config').data.LOG_LEVEL).toBe('debug');
    // The same stale resourceVersion again: a conflict, not a silent overwrite.
    const conflict = await fail(env.client.call('resources.action', { context: admin, kind: 'configmaps', namespace: 'shop', name: 'web-config', action: 'edit', yaml: stringify(edited) }));
    expect(conflict?.code).toBe('BAD_INPUT');
    expect(conflict?.message).toContain('409 Conflict');
    const dep = env.h.server.store.get('deployments', 'shop', 'web')!;
    const invalid = await fail(env.client.call('resources.action', { context: admin, kind: 'deployments', namespace: 'shop', name: 'web', action: 'edit', yaml: stringify({ ...dep, spec: { ...(dep.spec as object), replicas: -3 } }) }));
    expect(invalid?.code).toBe('BAD_INPUT');
    expect(invalid?.message).toMatch(/Invalid|invalid/);
    const bad = await fail(env.client.call('resources.action', { context: admin, kind: 'configmaps', namespace: 'shop', name: 'web-config', action: 'edit', yaml: 'metadata: [unclosed' }));
    expect(bad?.message).toContain('The YAML does not parse');
    const renamed = await fail(env.client.call('resources.action', { context: admin, kind: 'configmaps', namespace: 'shop', name: 'web-config', action: 'edit', yaml: stringify({ ...cm, metadata: { ...cm.metadata, name: 'other' } }) }));
    expect(renamed?.message).toContain('name and namespace cannot change');
  });

  it('deletes a pod', async () => {
    const r = await env.client.call('resources.action', { context: admin, kind: 'pods', namespace: 'shop', name: WEB_POD, action: 'delete' });
    expect(r.message).toBe(`pod/${WEB_POD} deleted`);
    expect(env.h.server.store.get('pods', 'shop', WEB_POD)).toBeUndefined();
  });

  it('rejects an action that does not apply to the kind', async () => {
    const err = await fail(env.client.call('resources.action', { context: admin, kind: 'configmaps', namespace: 'shop', name: 'web-config', action: 'scale', replicas: 2 }));
    expect(err?.code).toBe('BAD_INPUT');
    expect(err?.message).toBe('cannot scale a ConfigMap');
  });
});
