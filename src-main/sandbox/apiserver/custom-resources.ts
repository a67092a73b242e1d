// What apiextensions-apiserver's controllers do for CustomResourceDefinitions: accept the names
// of each CRD (or report a conflict), establish it (serve every served version with discovery,
// the store's verbs and its printer columns), and on deletion remove its custom resources and
// then the CRD (the customresourcecleanup finalizer).
import { CRD_FINALIZER, type CrdSpec, type CrdVersion } from './crds';
import type { Conversion } from './conversions';
import type { ResourceInfo, ServedResources } from './resources';
import { clone, isoSeconds, type KObject, type Store } from './store';
import { crdPrinter } from './tables';

const CRDS = 'customresourcedefinitions';
const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

interface Condition {
  type: string;
  status: 'True' | 'False';
  reason: string;
  message: string;
  lastTransitionTime?: string;
}

/** kube's version priority: GA > beta > alpha, higher numbers first, then the rest by name. */
export function compareVersions(a: string, b: string): number {
  const parse = (v: string) => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    return m ? { kube: true, major: Number(m[1]), level: m[2] === 'alpha' ? 0 : m[2] === 'beta' ? 1 : 2, minor: Number(m[3] ?? 0) } : { kube: false, major: 0, level: 0, minor: 0 };
  };
  const x = parse(a);
  const y = parse(b);
  if (x.kube !== y.kube) return x.kube ? -1 : 1;
  if (!x.kube) return a.localeCompare(b);
  return y.level - x.level || y.major - x.major || y.minor - x.minor;
}

/** The store key of a CRD's objects: plural.group, so equal plurals of two groups never meet. */
export function customStorageKey(spec: Pick<CrdSpec, 'group' | 'names'>): string {
  return `${spec.names.plural}.${spec.group}`;
}

/** A custom resource served at a version other than the storage one: only apiVersion differs
 *  (conversion strategy None). */
function apiVersionConversion(group: string, version: string, storageVersion: string): Conversion {
  const cache = new WeakMap<KObject, KObject>();
  return {
    toView: (o) => {
      let v = cache.get(o);
      if (!v) cache.set(o, (v = { ...o, apiVersion: `${group}/${version}` }));
      return v;
    },
    toStorage: (o) => ({ ...o, apiVersion: `${group}/${storageVersion}` }),
  };
}

function resourceInfos(spec: CrdSpec): ResourceInfo[] {
  const storage = spec.versions.find((v) => v.storage)!;
  const hasStatus = spec.versions.some((v) => v.subresources?.status);
  return spec.versions
    .filter((v) => v.served)
    .sort((a, b) => compareVersions(a.name, b.name))
    .map((v: CrdVersion): ResourceInfo => ({
      group: spec.group,
      version: v.name,
      resource: spec.names.plural,
      singular: spec.names.singular ?? spec.names.kind.toLowerCase(),
      kind: spec.names.kind,
      listKind: spec.names.listKind ?? `${spec.names.kind}List`,
      namespaced: spec.scope === 'Namespaced',
      verbs: VERBS,
      ...(spec.names.shortNames?.length ? { shortNames: spec.names.shortNames } : {}),
      ...(spec.names.categories?.length ? { categories: spec.names.categories } : {}),
      subresources: v.subresources?.status ? [{ name: 'status', kind: spec.names.kind, verbs: ['get', 'patch', 'update'] }] : [],
      storage: customStorageKey(spec),
      hasStatus,
      generation: true,
      printer: crdPrinter(v.additionalPrinterColumns),
      ...(v.name !== storage.name ? { conversion: apiVersionConversion(spec.group, v.name, storage.name) } : {}),
    }));
}

function condition(old: Condition[], type: string, status: 'True' | 'False', reason: string, message: string, now: string): Condition {
  const prev = old.find((c) => c.type === type);
  return { type, status, reason, message, lastTransitionTime: prev && prev.status === status ? (prev.lastTransitionTime ?? now) : now };
}

/** Follows the store's CRDs and keeps `served` in step; returns a function that stops. */
export function serveCustomResources(store: Store, served: ServedResources, now: () => number = Date.now): () => void {
  const conflict = (crd: KObject): string | undefined => {
    const spec = crd.spec as CrdSpec;
    for (const other of store.list(CRDS).items) {
      if (other.metadata.name === crd.metadata.name || other.metadata.deletionTimestamp) continue;
      const o = other.spec as CrdSpec;
      const accepted = (other.status?.acceptedNames ?? {}) as Partial<CrdSpec['names']>;
      if (o.group !== spec.group || !accepted.plural) continue;
      if (accepted.plural === spec.names.plural) return `"${spec.names.plural}" is already in use`;
      if (accepted.kind === spec.names.kind) return `"${spec.names.kind}" is already in use`;
    }
    return undefined;
  };

  const writeStatus = (crd: KObject, status: Record<string, unknown>) => {
    if (JSON.stringify(crd.status ?? {}) === JSON.stringify(status)) return; // settled: no write, no loop
    store.patch(CRDS, undefined, crd.metadata.name!, (d) => {
      d.status = status;
    }, { status: true });
  };

  const establish = (crd: KObject) => {
    const spec = crd.spec as CrdSpec;
    const old = (crd.status?.conditions ?? []) as Condition[];
    const at = isoSeconds(now());
    const clash = conflict(crd);
    if (clash) {
      served.setCustom(crd.metadata.name!, []);
      writeStatus(crd, {
        conditions: [condition(old, 'NamesAccepted', 'False', 'PluralConflict', clash, at), condition(old, 'Established', 'False', 'NotAccepted', 'not all names are accepted', at)],
        acceptedNames: { plural: '', kind: '' },
        storedVersions: crd.status?.storedVersions ?? [],
      });
      return;
    }
    const storage = spec.versions.find((v) => v.storage)!;
    store.addResource({
      resource: customStorageKey(spec),
      plural: spec.names.plural,
      group: spec.group,
      apiVersion: `${spec.group}/${storage.name}`,
      kind: spec.names.kind,
      namespaced: spec.scope === 'Namespaced',
      hasStatus: spec.versions.some((v) => v.subresources?.status),
      generation: true,
    });
    served.setCustom(crd.metadata.name!, resourceInfos(spec));
    const stored = new Set<string>([...((crd.status?.storedVersions ?? []) as string[]), storage.name]);
    writeStatus(crd, {
      conditions: [
        condition(old, 'NamesAccepted', 'True', 'NoConflicts', 'no conflicts found', at),
        condition(old, 'Established', 'True', 'InitialNamesAccepted', 'the initial names have been accepted', at),
      ],
      acceptedNames: clone(spec.names),
      storedVersions: [...stored],
    });
  };

  const cleanUp = (crd: KObject) => {
    const spec = crd.spec as CrdSpec;
    served.setCustom(crd.metadata.name!, []);
    const key = customStorageKey(spec);
    if (store.has(key)) {
      for (const o of store.list(key).items) store.delete(key, o.metadata.namespace, o.metadata.name!, { gracePeriodSeconds: 0 });
    }
    store.patch(CRDS, undefined, crd.metadata.name!, (d) => {
      d.metadata.finalizers = (d.metadata.finalizers ?? []).filter((f) => f !== CRD_FINALIZER);
    });
  };

  return store.watch(CRDS, {}, (ev) => {
    const crd = ev.object;
    if (ev.type === 'DELETED') served.setCustom(crd.metadata.name!, []);
    else if (crd.metadata.deletionTimestamp) {
      if (crd.metadata.finalizers?.includes(CRD_FINALIZER)) cleanUp(crd);
    } else establish(crd);
  });
}
