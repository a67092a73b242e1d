// Kubernetes' protobuf encoding (application/vnd.kubernetes.protobuf) for request bodies:
// client-go's generated clients, and so kubectl's typed commands (create namespace/configmap/
// deployment, auth can-i, drain's DeleteOptions), always send protobuf for built-in kinds.
// The field tables come from the descriptors kubectl embeds (protobuf-schema.gen.ts).
import { ApiError } from './errors';
import { readFields } from './protowire';
import schemaJson from './k8s-protobuf-schema.json';

type Field = [number, string, number, number, string?];
interface Schema {
  packages: Record<string, string>;
  messages: Record<string, { f: Field[]; m?: number }>;
}
const schema = schemaJson as unknown as Schema;

const META = 'k8s.io.apimachinery.pkg.apis.meta.v1';
const QUANTITY = 'k8s.io.apimachinery.pkg.api.resource.Quantity';
const INT_OR_STRING = 'k8s.io.apimachinery.pkg.util.intstr.IntOrString';
const RAW_EXTENSION = 'k8s.io.apimachinery.pkg.runtime.RawExtension';

/** Scalars kept even when zero/false/empty: pointer fields in the Go types where the zero value
 *  means something (gogo encodes non-pointer zero values too, which JSON's omitempty drops). */
const KEEP_ZERO = new Set([
  'replicas', 'automountServiceAccountToken', 'terminationGracePeriodSeconds', 'gracePeriodSeconds', 'backoffLimit',
  'activeDeadlineSeconds', 'ttlSecondsAfterFinished', 'parallelism', 'completions', 'revisionHistoryLimit',
  'successfulJobsHistoryLimit', 'failedJobsHistoryLimit', 'startingDeadlineSeconds', 'minReplicas', 'runAsUser', 'runAsGroup',
  'fsGroup', 'allowPrivilegeEscalation', 'privileged', 'readOnlyRootFilesystem', 'runAsNonRoot', 'enableServiceLinks',
  'hostUsers', 'shareProcessNamespace', 'immutable', 'orphanDependents', 'allocateLoadBalancerNodePorts',
  'progressDeadlineSeconds', 'priority', 'exitCode', 'restartCount', 'ready', 'allowed', 'incomplete',
]);

function int64(v: number): number {
  // Negative int64/int32 arrive as 10-byte varints (two's complement).
  return v >= 2 ** 63 ? v - 2 ** 64 : v;
}

function varints(buf: Buffer): number[] {
  const out: number[] = [];
  let pos = 0;
  while (pos < buf.length) {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = buf[pos++]!;
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) break;
      shift += 7;
    }
    out.push(result);
  }
  return out;
}

function rfc3339(seconds: number, fraction?: string): string {
  const iso = new Date(seconds * 1000).toISOString();
  return fraction === undefined ? iso.replace(/\.\d{3}Z$/, 'Z') : iso.replace(/\.\d{3}Z$/, `.${fraction}Z`);
}

function goDuration(ns: number): string {
  if (ns === 0) return '0s';
  let s = ns / 1e9;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  return `${h ? `${h}h` : ''}${h || m ? `${m}m` : ''}${Number(s.toFixed(9))}s`;
}

function scalar(type: number, v: Buffer | number): unknown {
  switch (type) {
    case 8:
      return v !== 0;
    case 9:
      return (v as Buffer).toString('utf8');
    case 12:
      return (v as Buffer).toString('base64');
    case 1:
      return (v as Buffer).readDoubleLE(0);
    case 2:
      return (v as Buffer).readFloatLE(0);
    case 17:
    case 18: {
      const n = v as number;
      return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
    }
    default:
      return int64(v as number);
  }
}

function isZero(v: unknown): boolean {
  return v === '' || v === 0 || v === false;
}

export function decodeMessage(type: string, buf: Buffer): unknown {
  const f = readFields(buf);
  const one = (n: number) => f.get(n)?.[0];
  switch (type) {
    case QUANTITY:
      return (one(1) as Buffer | undefined)?.toString('utf8') ?? '0';
    case INT_OR_STRING:
      return one(1) === 1 ? ((one(3) as Buffer | undefined)?.toString('utf8') ?? '') : int64((one(2) as number) ?? 0);
    case RAW_EXTENSION: {
      const raw = one(1) as Buffer | undefined;
      return raw && raw.length ? JSON.parse(raw.toString('utf8')) : undefined;
    }
    case `${META}.FieldsV1`: {
      const raw = one(1) as Buffer | undefined;
      return raw && raw.length ? JSON.parse(raw.toString('utf8')) : {};
    }
    case `${META}.Time`: {
      const s = int64((one(1) as number) ?? 0);
      return s === 0 ? undefined : rfc3339(s);
    }
    case `${META}.MicroTime`: {
      const s = int64((one(1) as number) ?? 0);
      return s === 0 ? undefined : rfc3339(s, String(Math.floor(((one(2) as number) ?? 0) / 1000)).padStart(6, '0'));
    }
    case `${META}.Duration`:
      return goDuration(int64((one(1) as number) ?? 0));
  }
  const def = schema.messages[type];
  if (!def) throw new Error(`no protobuf schema for ${type}`);
  const out: Record<string, unknown> = {};
  for (const [num, name, ftype, repeated, msgType] of def.f) {
    const values = f.get(num);
    if (!values) continue;
    if (ftype === 11) {
      const sub = schema.messages[msgType!];
      if (sub?.m) {
        // map<string, V>: repeated entries {key = 1, value = 2}
        const map: Record<string, unknown> = {};
        const [, , vtype, , vmsg] = sub.f.find((x) => x[0] === 2)!;
        for (const entry of values) {
          const e = readFields(entry as Buffer);
          const key = (e.get(1)?.[0] as Buffer | undefined)?.toString('utf8') ?? '';
          const v = e.get(2)?.[0];
          map[key] = v === undefined ? (vtype === 9 ? '' : undefined) : vtype === 11 ? decodeMessage(vmsg!, v as Buffer) : scalar(vtype, v);
        }
        out[name] = map;
      } else if (repeated) out[name] = values.map((v) => decodeMessage(msgType!, v as Buffer));
      else {
        const v = decodeMessage(msgType!, values[values.length - 1] as Buffer);
        if (v !== undefined) out[name] = v;
      }
      continue;
    }
    if (repeated) {
      const items: unknown[] = [];
      for (const v of values) {
        // Packed numeric lists arrive as one length-delimited field.
        if (Buffer.isBuffer(v) && ftype !== 9 && ftype !== 12) {
          if (ftype === 1) for (let i = 0; i + 8 <= v.length; i += 8) items.push(v.readDoubleLE(i));
          else for (const n of varints(v)) items.push(scalar(ftype, n));
        } else items.push(scalar(ftype, v));
      }
      out[name] = items;
      continue;
    }
    const v = scalar(ftype, values[values.length - 1]!);
    if (!isZero(v) || KEEP_ZERO.has(name)) out[name] = v;
  }
  return out;
}

/** Decode a `k8s\0`-prefixed runtime.Unknown body into the JSON object it carries. */
export function decodeObject(body: Buffer): Record<string, any> {
  try {
    if (body.subarray(0, 4).toString('latin1') !== 'k8s\u0000') throw new Error('missing k8s envelope');
    const unknown = readFields(body.subarray(4));
    const tm = unknown.get(1)?.[0];
    const typeMeta = Buffer.isBuffer(tm) ? readFields(tm) : new Map();
    const apiVersion = (typeMeta.get(1)?.[0] as Buffer | undefined)?.toString('utf8') ?? '';
    const kind = (typeMeta.get(2)?.[0] as Buffer | undefined)?.toString('utf8') ?? '';
    const raw = (unknown.get(2)?.[0] as Buffer | undefined) ?? Buffer.alloc(0);
    const type = kind === 'DeleteOptions' ? `${META}.DeleteOptions` : `${schema.packages[apiVersion] ?? ''}.${kind}`;
    if (!schema.messages[type]) {
      throw new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - protobuf is not supported for ${apiVersion} ${kind}; use application/json`);
    }
    const obj = decodeMessage(type, raw) as Record<string, any>;
    return { apiVersion, kind, ...obj };
  } catch (e) {
    if (e instanceof ApiError) throw e;
    throw ApiError.badRequest(`unable to decode protobuf body: ${(e as Error).message}`);
  }
}
