// The pods/ephemeralcontainers subresource's rules (what `kubectl debug` writes through): only
// spec.ephemeralContainers changes, containers are added and never changed or removed, names are
// unique across all of the pod's containers, and the fields an ephemeral container may not have
// are refused, with the API server's messages.
import type { StatusCause } from './errors';
import type { KObject } from './store';

/** Fields of a Container that an EphemeralContainer may not set (k8s validateEphemeralContainers). */
const FORBIDDEN_FIELDS = ['ports', 'livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle', 'resources', 'resizePolicy'];

export function validateEphemeralContainers(pod: KObject, next: unknown): StatusCause[] {
  const path = 'spec.ephemeralContainers';
  if (next !== undefined && next !== null && !Array.isArray(next)) return [{ reason: 'FieldValueInvalid', message: 'Invalid value: must be a list', field: path }];
  const list = (next ?? []) as Array<Record<string, unknown> | null>;
  const out: StatusCause[] = [];
  const old = (pod.spec?.ephemeralContainers ?? []) as Array<Record<string, unknown>>;
  const taken = new Set<string>([...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].map((c: { name?: string }) => c.name ?? ''));
  const seen = new Set<string>();
  list.forEach((c, i) => {
    const at = `${path}[${i}]`;
    if (!c || typeof c !== 'object') {
      out.push({ reason: 'FieldValueInvalid', message: 'Invalid value: must be an object', field: at });
      return;
    }
    const name = typeof c.name === 'string' ? c.name : '';
    if (!name) out.push({ reason: 'FieldValueRequired', message: 'Required value', field: `${at}.name` });
    else if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name) || name.length > 63) {
      out.push({ reason: 'FieldValueInvalid', message: `Invalid value: "${name}": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character`, field: `${at}.name` });
    } else if (taken.has(name) || seen.has(name)) out.push({ reason: 'FieldValueDuplicate', message: `Duplicate value: "${name}"`, field: `${at}.name` });
    seen.add(name);
    if (!c.image) out.push({ reason: 'FieldValueRequired', message: 'Required value', field: `${at}.image` });
    for (const f of FORBIDDEN_FIELDS) if (isSet(c[f])) out.push({ reason: 'FieldValueForbidden', message: 'Forbidden: cannot be set for an Ephemeral Container', field: `${at}.${f}` });
  });
  // Existing ephemeral containers stay exactly as they are.
  for (const o of old) {
    const now = list.find((c) => c?.name === o.name);
    if (!now) out.push({ reason: 'FieldValueForbidden', message: `Forbidden: existing ephemeral containers "${String(o.name)}" may not be removed`, field: path });
    else if (JSON.stringify(sorted(now)) !== JSON.stringify(sorted(o))) out.push({ reason: 'FieldValueForbidden', message: `Forbidden: existing ephemeral containers "${String(o.name)}" may not be changed`, field: path });
  }
  return out;
}

/** Defaults the API server fills in on a new ephemeral container, as on any container. */
export function defaultEphemeralContainer(c: Record<string, unknown>): Record<string, unknown> {
  const image = String(c.image ?? '');
  const tag = image.includes('@') ? 'digest' : (/:([^/:]+)$/.exec(image)?.[1] ?? 'latest');
  return { terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', imagePullPolicy: tag === 'latest' ? 'Always' : 'IfNotPresent', resources: {}, ...c };
}

/** An empty object or list counts as unset (a serialized zero value, e.g. `resources: {}`). */
function isSet(v: unknown): boolean {
  if (v === undefined || v === null) return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v).length > 0;
  return true;
}

function sorted(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sorted);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, x]) => [k, sorted(x)]));
  return v;
}
