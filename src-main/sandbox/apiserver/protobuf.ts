// Just enough of Kubernetes' protobuf encoding to read the request bodies typed clients send as
// application/vnd.kubernetes.protobuf (kubectl auth can-i posts SelfSubjectAccessReviews so).
import { ApiError } from './errors';

type Fields = Map<number, (Buffer | number)[]>;

function varint(buf: Buffer, pos: number): [number, number] {
  let result = 0;
  let shift = 0;
  for (;;) {
    if (pos >= buf.length) throw new Error('truncated varint');
    const b = buf[pos++]!;
    result += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return [result, pos];
    shift += 7;
  }
}

function fields(buf: Buffer): Fields {
  const out: Fields = new Map();
  let pos = 0;
  while (pos < buf.length) {
    const [tag, p1] = varint(buf, pos);
    pos = p1;
    const no = Math.floor(tag / 8);
    const wire = tag & 7;
    let v: Buffer | number;
    if (wire === 0) [v, pos] = varint(buf, pos);
    else if (wire === 2) {
      const [len, p2] = varint(buf, pos);
      v = buf.subarray(p2, p2 + len);
      pos = p2 + len;
    } else if (wire === 1) {
      v = buf.subarray(pos, pos + 8);
      pos += 8;
    } else if (wire === 5) {
      v = buf.subarray(pos, pos + 4);
      pos += 4;
    } else throw new Error(`unsupported wire type ${wire}`);
    const l = out.get(no) ?? [];
    l.push(v);
    out.set(no, l);
  }
  return out;
}

const str = (f: Fields, n: number) => {
  const v = f.get(n)?.[0];
  return Buffer.isBuffer(v) ? v.toString('utf8') : undefined;
};
const msg = (f: Fields, n: number) => {
  const v = f.get(n)?.[0];
  return Buffer.isBuffer(v) ? fields(v) : undefined;
};

function strings(f: Fields, names: Record<number, string>): Record<string, string> {
  const o: Record<string, string> = {};
  for (const [n, name] of Object.entries(names)) {
    const v = str(f, Number(n));
    if (v !== undefined) o[name] = v;
  }
  return o;
}

/** Decode the `k8s\0` envelope (runtime.Unknown) around a SelfSubjectAccessReview or
 *  SelfSubjectRulesReview into its JSON shape. */
export function decodeReview(body: Buffer): Record<string, any> {
  try {
    if (body.subarray(0, 4).toString('latin1') !== 'k8s\u0000') throw new Error('missing k8s envelope');
    const unknown = fields(body.subarray(4));
    const typeMeta = msg(unknown, 1);
    const kind = typeMeta ? str(typeMeta, 2) : undefined;
    const raw = msg(unknown, 2) ?? new Map();
    const spec = msg(raw, 2) ?? new Map();
    const out: Record<string, any> = { kind, apiVersion: typeMeta ? str(typeMeta, 1) : undefined, metadata: {}, spec: {} };
    if (kind === 'SelfSubjectRulesReview') {
      out.spec = strings(spec, { 1: 'namespace' });
      return out;
    }
    const ra = msg(spec, 1);
    const nra = msg(spec, 2);
    if (ra) out.spec.resourceAttributes = strings(ra, { 1: 'namespace', 2: 'verb', 3: 'group', 4: 'version', 5: 'resource', 6: 'subresource', 7: 'name' });
    if (nra) out.spec.nonResourceAttributes = strings(nra, { 1: 'path', 2: 'verb' });
    return out;
  } catch (e) {
    throw ApiError.badRequest(`unable to decode protobuf body: ${(e as Error).message}`);
  }
}
