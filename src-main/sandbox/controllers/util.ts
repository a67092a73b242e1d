// Small helpers shared by the controllers: selectors, quantities, owner references, times.
import type { KObject, OwnerReference } from '../apiserver/store';

/** metav1.LabelSelector (matchLabels + matchExpressions) against labels. Empty selector: all. */
export function selectorMatches(sel: any, labels: Record<string, string> | undefined): boolean {
  if (!sel) return false;
  const l = labels ?? {};
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (l[k] !== v) return false;
  for (const e of sel.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(l, e.key);
    const vals: string[] = e.values ?? [];
    switch (e.operator) {
      case 'In':
        if (!has || !vals.includes(l[e.key]!)) return false;
        break;
      case 'NotIn':
        if (has && vals.includes(l[e.key]!)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** A Service's plain map selector. */
export function mapSelectorMatches(sel: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  if (!sel || Object.keys(sel).length === 0) return false;
  const l = labels ?? {};
  for (const [k, v] of Object.entries(sel)) if (l[k] !== v) return false;
  return true;
}

export function controllerOf(o: KObject): OwnerReference | undefined {
  return o.metadata.ownerReferences?.find((r) => r.controller);
}

export function ownerRef(owner: KObject): OwnerReference {
  return { apiVersion: owner.apiVersion!, kind: owner.kind!, name: owner.metadata.name!, uid: owner.metadata.uid!, controller: true, blockOwnerDeletion: true };
}

/** RFC3339 with seconds precision, as metav1.Time serializes. */
export function nowTime(ms = Date.now()): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** Millicores of a CPU quantity ("250m", "1", "0.5"). */
export function cpuMillis(q: string | number | undefined): number {
  if (q === undefined) return 0;
  const s = String(q);
  if (s.endsWith('m')) return Number(s.slice(0, -1));
  if (s.endsWith('n')) return Number(s.slice(0, -1)) / 1e6;
  return Number(s) * 1000;
}

const MEM: Record<string, number> = { Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4, k: 1e3, M: 1e6, G: 1e9, T: 1e12 };

export function memBytes(q: string | number | undefined): number {
  if (q === undefined) return 0;
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(String(q).trim());
  if (!m) return 0;
  return Math.round(Number(m[1]) * (m[2] ? MEM[m[2]]! : 1));
}

export function podReady(p: KObject): boolean {
  return !!p.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True');
}

/** Ready for at least minReadySeconds (available, in Deployment/ReplicaSet terms). */
export function podAvailable(p: KObject, minReadySeconds = 0, now = Date.now()): boolean {
  const c = p.status?.conditions?.find((x: any) => x.type === 'Ready');
  if (!c || c.status !== 'True') return false;
  if (!minReadySeconds) return true;
  return Date.parse(c.lastTransitionTime) + minReadySeconds * 1000 <= now;
}

export function isActive(p: KObject): boolean {
  return !p.metadata.deletionTimestamp && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed';
}

/** Set a condition the way the API conventions want: lastTransitionTime changes only with status. */
export function setCondition(conds: any[], next: any, now = nowTime(), opts: { probeTime?: boolean; updateTime?: boolean } = {}): any[] {
  const i = conds.findIndex((c) => c.type === next.type);
  const old = i >= 0 ? conds[i] : undefined;
  const c: any = { ...next };
  if (opts.probeTime) c.lastProbeTime = null;
  if (opts.updateTime) c.lastUpdateTime = old && old.status === c.status && old.reason === c.reason && old.message === c.message ? old.lastUpdateTime : now;
  c.lastTransitionTime = old && old.status === c.status ? old.lastTransitionTime : now;
  const out = [...conds];
  if (i >= 0) out[i] = c;
  else out.push(c);
  return out;
}

/** Stable JSON (sorted keys) for hashing and template comparison. */
export function stableJson(v: any): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  const keys = Object.keys(v).filter((k) => v[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${stableJson(v[k])}`).join(',')}}`;
}

/** fnv-1a 32-bit. */
export function fnv32a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

// k8s.io/apimachinery/pkg/util/rand SafeEncodeString alphabet (no vowels, no confusables).
const SAFE = 'bcdfghjklmnpqrstvwxz2456789';

export function safeEncode(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += SAFE[s.charCodeAt(i) % SAFE.length];
  return out;
}

export function randomHex(n: number): string {
  let s = '';
  while (s.length < n) s += Math.floor(Math.random() * 0xffffffff).toString(16).padStart(8, '0');
  return s.slice(0, n);
}
