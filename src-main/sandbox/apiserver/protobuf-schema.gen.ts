// Regenerates k8s-protobuf-schema.json, the field tables protobuf.ts decodes with.
// kubectl (like every client-go program) embeds the gzipped FileDescriptorProtos of the
// Kubernetes API types; this reads them out of the kubectl binary and keeps the messages
// reachable from the kinds the sandbox serves.
//   node_modules/.bin/node --import tsx src-main/sandbox/apiserver/protobuf-schema.gen.ts [/usr/bin/kubectl]
import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { readFields } from './protowire';

type Field = [number, string, number, 0 | 1, string?]; // number, name, type, repeated, message type
const GZIP = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00]);

function str(b: Buffer | number | undefined): string {
  return Buffer.isBuffer(b) ? b.toString('utf8') : '';
}

function collect(pkg: string, prefix: string, msg: Buffer, out: Map<string, { fields: Field[]; map: boolean }>): void {
  const f = readFields(msg);
  const name = `${prefix}.${str(f.get(1)?.[0])}`;
  const fields: Field[] = [];
  for (const raw of f.get(2) ?? []) {
    const fd = readFields(raw as Buffer);
    const type = Number(fd.get(5)?.[0] ?? 0);
    const field: Field = [Number(fd.get(3)?.[0]), str(fd.get(10)?.[0]) || str(fd.get(1)?.[0]), type, Number(fd.get(4)?.[0]) === 3 ? 1 : 0];
    if (type === 11) field.push(str(fd.get(6)?.[0]).replace(/^\./, ''));
    fields.push(field);
  }
  const opts = f.get(7)?.[0];
  const map = Buffer.isBuffer(opts) && Number(readFields(opts).get(7)?.[0] ?? 0) === 1;
  out.set(name, { fields, map });
  for (const nested of f.get(3) ?? []) collect(pkg, name, nested as Buffer, out);
}

const bin = readFileSync(process.argv[2] ?? '/usr/bin/kubectl');
const messages = new Map<string, { fields: Field[]; map: boolean }>();
for (let i = bin.indexOf(GZIP); i >= 0; i = bin.indexOf(GZIP, i + 1)) {
  let file: Buffer;
  try {
    file = gunzipSync(bin.subarray(i, i + 2_000_000), { finishFlush: 2 });
  } catch {
    continue;
  }
  if (!file.subarray(0, 200).includes('generated.proto')) continue;
  let f;
  try {
    f = readFields(file);
  } catch {
    continue;
  }
  if (!str(f.get(1)?.[0]).endsWith('generated.proto')) continue;
  const pkg = str(f.get(2)?.[0]);
  for (const m of f.get(4) ?? []) collect(pkg, pkg, m as Buffer, messages);
}

const PKG: Record<string, string> = {
  v1: 'k8s.io.api.core.v1',
  'apps/v1': 'k8s.io.api.apps.v1',
  'batch/v1': 'k8s.io.api.batch.v1',
  'discovery.k8s.io/v1': 'k8s.io.api.discovery.v1',
  'events.k8s.io/v1': 'k8s.io.api.events.v1',
  'networking.k8s.io/v1': 'k8s.io.api.networking.v1',
  'autoscaling/v1': 'k8s.io.api.autoscaling.v1',
  'autoscaling/v2': 'k8s.io.api.autoscaling.v2',
  'rbac.authorization.k8s.io/v1': 'k8s.io.api.rbac.v1',
  'authorization.k8s.io/v1': 'k8s.io.api.authorization.v1',
  'authentication.k8s.io/v1': 'k8s.io.api.authentication.v1',
  'policy/v1': 'k8s.io.api.policy.v1',
};
const roots = [
  'k8s.io.api.core.v1.Namespace', 'k8s.io.api.core.v1.Node', 'k8s.io.api.core.v1.Pod', 'k8s.io.api.core.v1.Service',
  'k8s.io.api.core.v1.Endpoints', 'k8s.io.api.core.v1.ConfigMap', 'k8s.io.api.core.v1.Secret', 'k8s.io.api.core.v1.ServiceAccount',
  'k8s.io.api.core.v1.PersistentVolumeClaim', 'k8s.io.api.core.v1.Event', 'k8s.io.api.apps.v1.Deployment', 'k8s.io.api.apps.v1.ReplicaSet',
  'k8s.io.api.apps.v1.StatefulSet', 'k8s.io.api.apps.v1.DaemonSet', 'k8s.io.api.batch.v1.Job', 'k8s.io.api.batch.v1.CronJob',
  'k8s.io.api.discovery.v1.EndpointSlice', 'k8s.io.api.events.v1.Event', 'k8s.io.api.networking.v1.Ingress', 'k8s.io.api.networking.v1.NetworkPolicy',
  'k8s.io.api.autoscaling.v2.HorizontalPodAutoscaler', 'k8s.io.api.autoscaling.v1.HorizontalPodAutoscaler', 'k8s.io.api.autoscaling.v1.Scale', 'k8s.io.api.rbac.v1.Role', 'k8s.io.api.rbac.v1.RoleBinding',
  'k8s.io.api.rbac.v1.ClusterRole', 'k8s.io.api.rbac.v1.ClusterRoleBinding', 'k8s.io.api.authorization.v1.SelfSubjectAccessReview',
  'k8s.io.api.authorization.v1.SelfSubjectRulesReview', 'k8s.io.api.authentication.v1.SelfSubjectReview', 'k8s.io.api.policy.v1.Eviction', 'k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions',
  'k8s.io.apimachinery.pkg.runtime.Unknown',
];
const keep: Record<string, { f: Field[]; m?: 1 }> = {};
const queue = [...roots];
while (queue.length) {
  const n = queue.pop()!;
  if (keep[n]) continue;
  const m = messages.get(n);
  if (!m) throw new Error(`message ${n} not found in ${process.argv[2] ?? '/usr/bin/kubectl'}`);
  keep[n] = m.map ? { f: m.fields, m: 1 } : { f: m.fields };
  for (const f of m.fields) if (f[4]) queue.push(f[4]);
}
const out = join(dirname(fileURLToPath(import.meta.url)), 'k8s-protobuf-schema.json');
const sorted = Object.fromEntries(Object.entries(keep).sort(([a], [b]) => (a < b ? -1 : 1)));
writeFileSync(out, JSON.stringify({ packages: PKG, messages: sorted }) + '\n');
console.log(`wrote ${Object.keys(keep).length} messages to ${out}`);
