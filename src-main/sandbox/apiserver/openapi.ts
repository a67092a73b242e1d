// A minimal OpenAPI v3 surface: per group-version documents whose PATCH operations carry
// x-kubernetes-group-version-kind and the fieldValidation parameter. kubectl create/apply/replace
// check exactly that to use server-side field validation instead of downloading schemas.
// There are no component schemas: `kubectl explain` is not supported.
import { createHash } from 'node:crypto';
import { RESOURCES, groupVersions, type ResourceInfo } from './resources';

function gvPath(g: { group: string; version: string }): string {
  return g.group ? `apis/${g.group}/${g.version}` : `api/${g.version}`;
}

const QUERY = (name: string) => ({ name, in: 'query', schema: { type: 'string', uniqueItems: true } });

function gvDocument(group: string, version: string, served: readonly ResourceInfo[]): object {
  const paths: Record<string, object> = {};
  for (const r of served) {
    if (r.group !== group || r.version !== version || r.virtual) continue;
    const gvk = { group, version, kind: r.kind };
    const base = `/${gvPath(r)}${r.namespaced ? '/namespaces/{namespace}' : ''}/${r.resource}`;
    const params = [QUERY('dryRun'), QUERY('fieldManager'), QUERY('fieldValidation')];
    paths[`${base}/{name}`] = {
      get: { operationId: `read${r.kind}`, 'x-kubernetes-action': 'get', 'x-kubernetes-group-version-kind': gvk },
      put: { operationId: `replace${r.kind}`, parameters: params, 'x-kubernetes-action': 'put', 'x-kubernetes-group-version-kind': gvk },
      patch: { operationId: `patch${r.kind}`, parameters: [...params, QUERY('force')], 'x-kubernetes-action': 'patch', 'x-kubernetes-group-version-kind': gvk },
      delete: { operationId: `delete${r.kind}`, 'x-kubernetes-action': 'delete', 'x-kubernetes-group-version-kind': gvk },
      parameters: [{ name: 'name', in: 'path', required: true, schema: { type: 'string' } }],
    };
    paths[base] = {
      get: { operationId: `list${r.kind}`, 'x-kubernetes-action': 'list', 'x-kubernetes-group-version-kind': gvk },
      post: { operationId: `create${r.kind}`, parameters: params, 'x-kubernetes-action': 'post', 'x-kubernetes-group-version-kind': gvk },
    };
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.32.0' }, paths, components: { schemas: {} } };
}

const hash = (s: string) => createHash('sha512').update(s).digest('hex').slice(0, 128).toUpperCase();

interface Documents {
  docs: Map<string, string>;
  root: string;
}

function documents(served: readonly ResourceInfo[]): Documents {
  const docs = new Map<string, string>();
  for (const gv of groupVersions(served)) docs.set(gvPath(gv), JSON.stringify(gvDocument(gv.group, gv.version, served)));
  const root = JSON.stringify({
    paths: Object.fromEntries([...docs].map(([p, d]) => [p, { serverRelativeURL: `/openapi/v3/${p}?hash=${hash(d)}` }])),
  });
  return { docs, root };
}

// Built once per set of served resources (it changes only when CRDs come and go).
const built = new WeakMap<readonly ResourceInfo[], Documents>();

/** The body for an /openapi/v3 path, or undefined (404). */
export function openapiV3(pathname: string, served: readonly ResourceInfo[] = RESOURCES): string | undefined {
  let d = built.get(served);
  if (!d) built.set(served, (d = documents(served)));
  const p = pathname.replace(/\/$/, '');
  if (p === '/openapi/v3') return d.root;
  const m = /^\/openapi\/v3\/(.+)$/.exec(p);
  return m ? d.docs.get(m[1]!) : undefined;
}

