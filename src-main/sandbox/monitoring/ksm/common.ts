// What the kube-state-metrics modules share: the family writer ("[STABLE] " HELP prefix, one
// series per row), KSM's value conventions (Unix seconds, condition statuses, "<none>" owners,
// resource quantities) and the identity labels of namespaced objects.
import type { KObject, Store } from '../../apiserver/store';
import { cpuMillis, memBytes } from '../../controllers/util';
import { Exposition, type Labels } from '../exposition';

export type { Labels };

/** A timestamp in Unix seconds, as KSM's `t.Unix()`; undefined when absent or unparsable. */
export const sec = (t: string | undefined | null): number | undefined => {
  const ms = t ? Date.parse(t) : NaN;
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
};

/** KSM's sanitizeLabelName: resource names become label-safe ("ephemeral-storage" -> "ephemeral_storage"). */
export const sanitize = (s: string) => s.replace(/[^a-zA-Z0-9_]/g, '_');

/** A resource quantity in KSM's unit: cores for cpu, bytes for memory and storage, integers otherwise. */
export function quantity(resource: string, q: string | number): { value: number; unit: string } {
  if (resource === 'cpu') return { value: cpuMillis(q) / 1000, unit: 'core' };
  if (resource === 'memory' || resource === 'storage' || resource === 'ephemeral-storage' || resource.startsWith('hugepages-')) return { value: memBytes(q), unit: 'byte' };
  return { value: Number(q) || 0, unit: 'integer' };
}

const SUFFIXES: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };

/** A resource.Quantity ("250m", "1Gi", "1e3", 5) as a number; undefined when it does not parse. */
export function parseQuantity(q: string | number | undefined | null): number | undefined {
  if (q === undefined || q === null) return undefined;
  if (typeof q === 'number') return q;
  const m = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]))?$/.exec(q.trim());
  return m ? Number(m[1]! + (m[2] ?? '')) * SUFFIXES[m[3] ?? '']! : undefined;
}

/** Rounded up to a multiple of `step` like Quantity.Value()/MilliValue(), ignoring float noise. */
function ceilTo(x: number, step: number): number {
  const n = x / step;
  const r = Math.round(n);
  return (Math.abs(n - r) < 1e-6 ? r : Math.ceil(n)) * step;
}

/** Quantity.Value(): whole units, rounded up. */
export const quantityValue = (q: string | number | undefined | null): number | undefined => {
  const x = parseQuantity(q);
  return x === undefined ? undefined : ceilTo(x, 1);
};

/** KSM's convertValueToFloat64: the milli-value over 1000 ("250m" -> 0.25, "1.5" -> 1.5). */
export const quantityFloat = (q: string | number | undefined | null): number | undefined => {
  const x = parseQuantity(q);
  return x === undefined ? undefined : ceilTo(x, 1e-3);
};

/** KSM's addConditionMetrics: one series per status, 1 on the condition's own. */
export const CONDITION_STATUSES: [string, string][] = [
  ['true', 'True'],
  ['false', 'False'],
  ['unknown', 'Unknown'],
];

/** The three series of one condition: `labels` plus condition=<type> and status=true|false|unknown. */
export const conditionRows = (labels: Labels, c: { type?: string; status?: string }): [Labels, number][] =>
  CONDITION_STATUSES.map(([s, S]) => [[...labels, ['condition', c.type ?? ''], ['status', s]], c.status === S ? 1 : 0]);

export class Writer {
  readonly e = new Exposition();

  family<T>(name: string, type: 'counter' | 'gauge', help: string, stable: boolean, items: readonly T[], rows: (o: T) => [Labels, number][] | undefined): void {
    this.e.family(name, type, stable ? `[STABLE] ${help}` : help);
    for (const o of items) for (const [l, v] of rows(o) ?? []) this.e.sample(name, l, v);
  }

  /** A gauge with at most one series per object, labelled by `id`; no series where `v` is undefined. */
  gauge<T>(name: string, help: string, stable: boolean, items: readonly T[], id: (o: T) => Labels, v: (o: T) => number | undefined): void {
    this.family(name, 'gauge', help, stable, items, (o) => {
      const x = v(o);
      return x === undefined ? [] : [[id(o), x]];
    });
  }

  /** kube_<kind>_annotations without --metric-annotations-allowlist: a header and no series. */
  annotations(kind: string): void {
    this.family(`kube_${kind}_annotations`, 'gauge', 'Kubernetes annotations converted to Prometheus labels.', false, [], () => []);
  }

  /** kube_<kind>_labels without --metric-labels-allowlist: a header and no series. */
  labels(kind: string): void {
    this.family(`kube_${kind}_labels`, 'gauge', 'Kubernetes labels converted to Prometheus labels.', true, [], () => []);
  }
}

export const ns = (o: KObject) => o.metadata.namespace ?? '';
export const nm = (o: KObject) => o.metadata.name ?? '';

export function owners(o: KObject): [string, string, string][] {
  const refs = o.metadata.ownerReferences ?? [];
  if (!refs.length) return [['<none>', '<none>', '<none>']];
  return refs.map((r) => [r.kind, r.name, r.controller ? 'true' : 'false']);
}

export function list(store: Store, resource: string): KObject[] {
  return store.has(resource) ? store.list(resource).items : [];
}
