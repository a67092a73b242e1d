// PATCH bodies: JSON merge patch (RFC 7386), JSON patch (RFC 6902) and strategic merge patch for
// the common kubectl cases (lists merged by their Kubernetes patchMergeKey, $patch directives).
import { ApiError } from './errors';

export const PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
] as const;
export type PatchType = (typeof PATCH_TYPES)[number];

type Json = any;
const isObj = (v: unknown): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function mergePatch(target: Json, patch: Json): Json {
  if (!isObj(patch)) return patch;
  const out: Record<string, Json> = isObj(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

function parsePointer(p: string): string[] {
  if (p === '') return [];
  if (!p.startsWith('/')) throw invalidPatch(`invalid JSON pointer "${p}"`);
  return p
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function invalidPatch(msg: string): ApiError {
  return new ApiError(422, 'Invalid', msg);
}

function parentOf(doc: Json, path: string[], op: string): { parent: Json; key: string } {
  let cur = doc;
  for (const seg of path.slice(0, -1)) {
    cur = Array.isArray(cur) ? cur[Number(seg)] : isObj(cur) ? cur[seg] : undefined;
    if (cur === undefined) throw invalidPatch(`the server rejected our request due to an error in our request: ${op} operation does not apply: doc is missing path: "/${path.join('/')}": missing value`);
  }
  return { parent: cur, key: path[path.length - 1]! };
}

function getAt(doc: Json, path: string[]): Json {
  let cur = doc;
  for (const seg of path) {
    cur = Array.isArray(cur) ? cur[Number(seg)] : isObj(cur) ? cur[seg] : undefined;
    if (cur === undefined) return undefined;
  }
  return cur;
}

function removeAt(doc: Json, path: string[]): Json {
  const { parent, key } = parentOf(doc, path, 'remove');
  if (Array.isArray(parent)) {
    const i = Number(key);
    if (!(i >= 0 && i < parent.length)) throw invalidPatch(`the server rejected our request due to an error in our request: remove operation does not apply: doc is missing path: "/${path.join('/')}"`);
    return parent.splice(i, 1)[0];
  }
  if (!isObj(parent) || !(key in parent)) throw invalidPatch(`the server rejected our request due to an error in our request: remove operation does not apply: doc is missing path: "/${path.join('/')}"`);
  const v = parent[key];
  delete parent[key];
  return v;
}

function addAt(doc: Json, path: string[], value: Json, replace: boolean): Json {
  if (path.length === 0) return value;
  const { parent, key } = parentOf(doc, path, replace ? 'replace' : 'add');
  if (Array.isArray(parent)) {
    const i = key === '-' ? parent.length : Number(key);
    if (!(i >= 0 && i <= parent.length)) throw invalidPatch(`the server rejected our request due to an error in our request: index out of bounds: /${path.join('/')}`);
    if (replace) parent[i] = value;
    else parent.splice(i, 0, value);
  } else if (isObj(parent)) {
    if (replace && !(key in parent)) throw invalidPatch(`the server rejected our request due to an error in our request: replace operation does not apply: doc is missing key: /${path.join('/')}: missing value`);
    parent[key] = value;
  } else throw invalidPatch(`the server rejected our request due to an error in our request: doc is missing path: /${path.join('/')}`);
  return doc;
}

export function jsonPatch(doc: Json, ops: Json): Json {
  if (!Array.isArray(ops)) throw ApiError.badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  let out = structuredClone(doc);
  for (const op of ops) {
    const path = parsePointer(String(op.path ?? ''));
    switch (op.op) {
      case 'add':
        out = addAt(out, path, structuredClone(op.value), false);
        break;
      case 'replace':
        out = addAt(out, path, structuredClone(op.value), true);
        break;
      case 'remove':
        removeAt(out, path);
        break;
      case 'move': {
        const v = removeAt(out, parsePointer(String(op.from)));
        out = addAt(out, path, v, false);
        break;
      }
      case 'copy':
        out = addAt(out, path, structuredClone(getAt(out, parsePointer(String(op.from)))), false);
        break;
      case 'test':
        if (JSON.stringify(getAt(out, path)) !== JSON.stringify(op.value)) throw invalidPatch(`the server rejected our request due to an error in our request: testing value /${path.join('/')} failed: test failed`);
        break;
      default:
        throw invalidPatch(`the server rejected our request due to an error in our request: Unexpected kind: ${op.op}`);
    }
  }
  return out;
}

/** patchMergeKey of the list fields kubectl edits (k8s.io/api struct tags). */
function mergeKeyFor(field: string, items: Json[]): string | undefined {
  switch (field) {
    case 'containers':
    case 'initContainers':
    case 'ephemeralContainers':
    case 'env':
    case 'volumes':
    case 'imagePullSecrets':
    case 'resourceClaims':
      return 'name';
    case 'volumeMounts':
      return 'mountPath';
    case 'volumeDevices':
      return 'devicePath';
    case 'ports':
      // Container ports merge on containerPort, Service ports on port.
      return items.some((i) => isObj(i) && 'containerPort' in i) ? 'containerPort' : 'port';
    case 'conditions':
      return 'type';
    case 'ownerReferences':
      return 'uid';
    case 'hostAliases':
      return 'ip';
    case 'topologySpreadConstraints':
      return 'topologyKey';
    default:
      return undefined;
  }
}
const PRIMITIVE_MERGE = new Set(['finalizers']);

export function strategicMergePatch(target: Json, patch: Json): Json {
  if (!isObj(patch)) return patch;
  if (patch.$patch === 'replace') {
    const { $patch: _p, ...rest } = patch;
    return rest;
  }
  if (patch.$patch === 'delete') return undefined;
  const out: Record<string, Json> = isObj(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$patch' || k === '$retainKeys' || k.startsWith('$setElementOrder/')) continue;
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const field = k.slice('$deleteFromPrimitiveList/'.length);
      if (Array.isArray(out[field]) && Array.isArray(v)) out[field] = out[field].filter((x: Json) => !v.includes(x));
      continue;
    }
    if (v === null) {
      delete out[k];
      continue;
    }
    if (Array.isArray(v)) {
      const cur = Array.isArray(out[k]) ? out[k] : [];
      const key = mergeKeyFor(k, [...cur, ...v]);
      if (key) out[k] = mergeList(cur, v, key);
      else if (PRIMITIVE_MERGE.has(k)) out[k] = [...cur, ...v.filter((x: Json) => !cur.includes(x))];
      else out[k] = v.filter((x: Json) => !(isObj(x) && x.$patch));
      continue;
    }
    const merged = strategicMergePatch(out[k], v);
    if (merged === undefined) delete out[k];
    else out[k] = merged;
  }
  return out;
}

function mergeList(cur: Json[], patch: Json[], key: string): Json[] {
  if (patch.some((p) => isObj(p) && p.$patch === 'replace')) return patch.filter((p) => !(isObj(p) && p.$patch));
  const out = cur.map((x) => x);
  for (const p of patch) {
    if (!isObj(p)) continue;
    const i = out.findIndex((x) => isObj(x) && x[key] === p[key]);
    if (p.$patch === 'delete') {
      if (i >= 0) out.splice(i, 1);
      continue;
    }
    if (i >= 0) out[i] = strategicMergePatch(out[i], p);
    else out.push(strategicMergePatch({}, p));
  }
  return out;
}

/** Apply a PATCH body of the given content type to a (plain, mutable) object. */
export function applyPatch(contentType: string, target: Json, body: string): Json {
  const type = contentType.split(';')[0]!.trim() as PatchType;
  let parsed: Json;
  try {
    parsed = JSON.parse(body);
  } catch (e) {
    throw ApiError.badRequest(`error decoding patch: ${(e as Error).message}`);
  }
  switch (type) {
    case 'application/merge-patch+json':
      return mergePatch(target, parsed);
    case 'application/json-patch+json':
      return jsonPatch(target, parsed);
    case 'application/strategic-merge-patch+json':
      return strategicMergePatch(target, parsed);
    default:
      throw new ApiError(
        415,
        'UnsupportedMediaType',
        `the body of the request was in an unknown format - accepted media types include: ${[...PATCH_TYPES, 'application/apply-patch+yaml'].join(', ')}`,
      );
  }
}
