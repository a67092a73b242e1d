// The actions a user can take on an object, each first checked with SelfSubjectAccessReview
// (so the UI can hide or disable them with the reason), then done with the same request
// kubectl would send.
import { parse as parseYaml } from 'yaml';
import { ContractError } from '../../contract/errors';
import type { ActionName, ActionPermission, ActionResult } from '../../contract/types';
import { apiPath } from './cache/types';
import type { KubeClient } from './kube-client';
import { KubeApiError } from './kube-errors';
import { findKind, type KindDef } from './kinds/kinds';

interface Target {
  kind: KindDef;
  namespace?: string;
  name: string;
}

/** Which action applies to which kinds, and what permission it needs. */
const needs: Record<ActionName, { kinds: string[] | 'all'; verb: string; subresource?: string }> = {
  scale: { kinds: ['deployments', 'statefulsets', 'replicasets'], verb: 'patch', subresource: 'scale' },
  restart: { kinds: ['deployments', 'statefulsets', 'daemonsets'], verb: 'patch' },
  delete: { kinds: 'all', verb: 'delete' },
  cordon: { kinds: ['nodes'], verb: 'patch' },
  uncordon: { kinds: ['nodes'], verb: 'patch' },
  edit: { kinds: 'all', verb: 'update' },
};

export function actionsFor(kindId: string): ActionName[] {
  return (Object.keys(needs) as ActionName[]).filter((a) => {
    const k = needs[a].kinds;
    return k === 'all' ? kindId !== 'events' : k.includes(kindId);
  });
}

function objectPath(t: Target, subresource?: string): string {
  const base = apiPath({ group: t.kind.group, version: t.kind.version, resource: t.kind.resource, ...(t.kind.namespaced && t.namespace ? { namespace: t.namespace } : {}) });
  return `${base}/${encodeURIComponent(t.name)}${subresource ? `/${subresource}` : ''}`;
}

/** The object an action is about; `kind` is the context's definition of kindId (a discovered
 *  kind), undefined for the kinds Orrery defines. */
export function resolveTarget(kindId: string, namespace: string | undefined, name: string, discovered?: KindDef): Target {
  const kind = findKind(kindId) ?? discovered;
  if (!kind) throw new ContractError('NOT_FOUND', `unknown resource kind "${kindId}"`);
  if (kind.namespaced && !namespace) throw new ContractError('BAD_INPUT', `${kind.kind} is namespaced: give its namespace`);
  return { kind, namespace: kind.namespaced ? namespace : undefined, name };
}

export async function permissions(client: KubeClient, t: Target): Promise<ActionPermission[]> {
  return Promise.all(
    actionsFor(t.kind.id).map(async (action) => {
      const need = needs[action];
      const checked = `${need.verb} ${t.kind.resource}${need.subresource ? `/${need.subresource}` : ''}${t.kind.group ? `.${t.kind.group}` : ''}`;
      const review = await client.json<{ status?: { allowed?: boolean; denied?: boolean; reason?: string } }>({
        method: 'POST',
        path: '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
        body: {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SelfSubjectAccessReview',
          spec: { resourceAttributes: { verb: need.verb, group: t.kind.group, resource: t.kind.resource, subresource: need.subresource ?? '', namespace: t.namespace ?? '', name: t.name } },
        },
        intent: { verb: 'create', resource: 'selfsubjectaccessreviews.authorization.k8s.io' },
      });
      const allowed = review.status?.allowed === true;
      const result: ActionPermission = { action, allowed, checked };
      if (!allowed) result.reason = `You may not ${checked}${t.namespace ? ` in namespace "${t.namespace}"` : ''}${review.status?.reason ? `: ${review.status.reason}` : ''}`;
      return result;
    }),
  );
}

function asContractError(err: unknown): ContractError {
  if (err instanceof ContractError) return err;
  if (err instanceof KubeApiError) {
    const code = err.kind === 'forbidden' ? 'FORBIDDEN' : err.kind === 'unauthorized' ? 'UNAUTHORIZED' : err.kind === 'not-found' ? 'NOT_FOUND' : err.kind === 'invalid' || err.kind === 'conflict' ? 'BAD_INPUT' : 'UNAVAILABLE';
    const causes = err.extra.statusBody?.details?.causes;
    return new ContractError(code, err.message, causes ? { causes } : undefined);
  }
  return new ContractError('INTERNAL', (err as Error).message);
}

export async function runAction(client: KubeClient, t: Target, input: { action: ActionName; replicas?: number; yaml?: string }): Promise<ActionResult> {
  if (!actionsFor(t.kind.id).includes(input.action)) throw new ContractError('BAD_INPUT', `cannot ${input.action} a ${t.kind.kind}`);
  const what = `${t.kind.kind.toLowerCase()}/${t.name}`;
  const intent = (verb: string, resource = t.kind.resource) => ({ verb, resource, namespace: t.namespace, name: t.name });
  const mergePatch = (body: unknown, subresource?: string) =>
    client.json({ method: 'PATCH', path: objectPath(t, subresource), headers: { 'Content-Type': 'application/merge-patch+json' }, body, intent: intent('patch', subresource ? `${t.kind.resource}/${subresource}` : t.kind.resource) });
  try {
    switch (input.action) {
      case 'scale':
        if (input.replicas === undefined) throw new ContractError('BAD_INPUT', 'scale needs a replica count');
        await mergePatch({ spec: { replicas: input.replicas } }, 'scale');
        return { ok: true, message: `${what} scaled to ${input.replicas}` };
      case 'restart':
        // What `kubectl rollout restart` does: a new template annotation starts a rollout.
        await mergePatch({ spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': new Date().toISOString() } } } } });
        return { ok: true, message: `${what} restarting` };
      case 'delete':
        await client.json({ method: 'DELETE', path: objectPath(t), body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' }, intent: intent('delete') });
        return { ok: true, message: `${what} deleted` };
      case 'cordon':
      case 'uncordon':
        await mergePatch({ spec: { unschedulable: input.action === 'cordon' ? true : null } });
        return { ok: true, message: `${what} ${input.action}ed` };
      case 'edit': {
        let obj: unknown;
        try {
          obj = parseYaml(input.yaml ?? '');
        } catch (err) {
          throw new ContractError('BAD_INPUT', `The YAML does not parse: ${(err as Error).message}`);
        }
        const meta = (obj as { metadata?: { name?: string; namespace?: string } } | null)?.metadata;
        if (!meta || meta.name !== t.name || (t.namespace && meta.namespace && meta.namespace !== t.namespace)) {
          throw new ContractError('BAD_INPUT', `The YAML must describe ${what}${t.namespace ? ` in namespace ${t.namespace}` : ''} (name and namespace cannot change)`);
        }
        // PUT with the resourceVersion the user edited: a concurrent change is a 409, never lost.
        await client.json({ method: 'PUT', path: objectPath(t), body: obj, intent: intent('update') });
        return { ok: true, message: `${what} updated` };
      }
    }
  } catch (err) {
    throw asContractError(err);
  }
}
