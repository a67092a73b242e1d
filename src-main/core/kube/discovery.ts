// Finds the listable, watchable kinds a cluster serves beyond the ones Orrery knows (CRDs and
// any other API), so each gets a list and detail view. Kinds backed by a CRD get its printer
// columns, and their lists use the server's Table (cells printed by the API server, as kubectl
// shows custom resources). Read once per context and cached; a watch on the CRDs refreshes it
// as soon as one is added, changed or removed (or every minute when CRDs may not be listed).
import type { KindInfo } from '../../contract/types';
import type { ClusterCaches } from './clusters';
import type { KubeClient } from './kube-client';
import { tableCell } from './cache/table-rows';
import type { KubeObject } from './cache/types';
import { findKind, kindInfo, type KindDef } from './kinds/kinds';

interface ApiResource {
  name: string;
  kind: string;
  namespaced: boolean;
  verbs?: string[];
}
interface ApiGroupList {
  groups?: Array<{ name: string; preferredVersion?: { groupVersion: string; version: string } }>;
}
interface PrinterColumn {
  name: string;
  type: string;
  jsonPath: string;
  priority?: number;
}
interface Crd {
  spec?: { group?: string; names?: { plural?: string }; versions?: Array<{ name: string; additionalPrinterColumns?: PrinterColumn[] }> };
}

const refreshMs = 5 * 60_000;
/** Without a CRD watch (not allowed to list CRDs), how often a watched context re-discovers. */
const pollMs = 60_000;
/** CRD changes come in bursts (create, then status): one rediscovery per burst. */
const settleMs = 300;

/** Groups whose kinds make no sense as lists (reviews, metrics snapshots without watch). */
const skippedGroups = new Set(['authorization.k8s.io', 'authentication.k8s.io', 'metrics.k8s.io']);
const CRDS = { group: 'apiextensions.k8s.io', version: 'v1', resource: 'customresourcedefinitions' } as const;

type Column = KindDef['columns'][number];
const ageColumn: Column = { id: 'age', title: 'Age', type: 'age', value: (o) => o.metadata.creationTimestamp ?? null };

/** A column id from its title, unique within the kind and clear of name/namespace. */
function columnId(title: string, taken: Set<string>): string {
  const base = title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'column';
  let id = base === 'name' || base === 'namespace' ? `col-${base}` : base;
  for (let i = 2; taken.has(id); i++) id = `${base}-${i}`;
  taken.add(id);
  return id;
}

const simplePath = /^\.[\w-]+(\.[\w-]+)*$/;

/** A simple .a.b.c path's value (no brackets), for date columns shown as live ages. */
function simplePathValue(path: string, o: KubeObject): unknown {
  let v: unknown = o;
  for (const key of path.slice(1).split('.')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined;
  return v;
}

/**
 * Columns from a CRD version's printer columns; cells come from the server's Table by column
 * name. Date columns with a plain path are read from the object instead and shown as live ages
 * (the server prints "5m", which would go stale between updates).
 */
export function printerColumns(columns: readonly PrinterColumn[] | undefined): Column[] {
  if (!columns?.length) return [ageColumn]; // the server's default: Age from creationTimestamp
  const taken = new Set<string>();
  return columns.map((c): Column => {
    const wide = (c.priority ?? 0) > 0 ? { wide: true } : {};
    if (c.type === 'date' && c.jsonPath === '.metadata.creationTimestamp' && !taken.has('age')) {
      taken.add('age');
      return { ...ageColumn, title: c.name, ...wide };
    }
    const id = columnId(c.name, taken);
    if (c.type === 'date' && simplePath.test(c.jsonPath)) {
      return { id, title: c.name, type: 'age', ...wide, value: (o) => { const v = simplePathValue(c.jsonPath, o); return typeof v === 'string' ? v : null; } };
    }
    const numeric = c.type === 'integer' || c.type === 'number';
    return {
      id,
      title: c.name,
      type: numeric ? 'num' : 'text',
      ...wide,
      value: (o) => {
        const v = tableCell(o, c.name);
        return typeof v === 'number' || typeof v === 'string' ? v : v === null || v === undefined ? null : String(v);
      },
    };
  });
}

export function discoveredKind(group: string, version: string, r: ApiResource, crd?: Crd): KindDef {
  const printer = crd?.spec?.versions?.find((v) => v.name === version);
  return {
    id: group ? `${r.name}.${group}` : r.name,
    group,
    version,
    resource: r.name,
    kind: r.kind,
    namespaced: r.namespaced,
    category: group.includes('.') && !group.endsWith('.k8s.io') ? 'Custom' : 'Other',
    ...(printer ? { columns: printerColumns(printer.additionalPrinterColumns), serverTable: true } : { columns: [ageColumn] }),
  };
}

interface Cached {
  at: number;
  kinds: Promise<KindInfo[]>;
}

export class Discovery {
  private byContext = new Map<string, Cached>();
  /** Discovered kinds by context, then id: two clusters may serve one CRD in different versions
   *  or with different columns, so a kind found on one never stands for another's. */
  private defs = new Map<string, Map<string, KindDef>>();

  constructor(
    private readonly clientFor: (context: string) => Promise<KubeClient>,
    private readonly caches?: ClusterCaches,
  ) {}

  /** Kinds discovered on the context that Orrery has no dedicated definition for. */
  kinds(context: string, fresh = false): Promise<KindInfo[]> {
    const cached = this.byContext.get(context);
    if (cached && !fresh && Date.now() - cached.at < refreshMs) return cached.kinds;
    const kinds = this.discover(context).catch((err: unknown) => {
      if (this.byContext.get(context)?.kinds === kinds) this.byContext.delete(context); // try again next time
      throw err;
    });
    this.byContext.set(context, { at: Date.now(), kinds });
    return kinds;
  }

  /** A kind by id, discovering the context first when the id is not known yet (a page opened
   *  from a link before the kind list was read). */
  async resolve(context: string, id: string): Promise<KindDef | undefined> {
    const known = findKind(id);
    if (known || !id.includes('.')) return known;
    const discovered = () => this.defs.get(context)?.get(id);
    await this.kinds(context).catch(() => []);
    return discovered() ?? (await this.kinds(context, true).catch(() => []), discovered());
  }

  /**
   * Follows the context's discovered kinds: the current list, then a new one whenever a CRD is
   * added, changed or removed. Returns a function that stops following.
   */
  watch(context: string, listener: (kinds: KindInfo[]) => void, onError: (err: Error) => void): () => void {
    let stopped = false;
    let last = '';
    let failed = false;
    let settle: ReturnType<typeof setTimeout> | undefined;
    let poll: ReturnType<typeof setInterval> | undefined;
    const publish = (fresh: boolean) =>
      this.kinds(context, fresh).then(
        (kinds) => {
          failed = false;
          const text = JSON.stringify(kinds);
          if (stopped || text === last) return;
          last = text;
          listener(kinds);
        },
        (err: Error) => {
          failed = true;
          if (!stopped) onError(err);
        },
      );
    void publish(false);
    let release = () => {};
    let unsubscribe = () => {};
    let stopState = () => {};
    if (this.caches) {
      void this.caches.acquire(context, CRDS).then(
        (handle) => {
          if (stopped) return handle.release();
          release = () => handle.release();
          let synced = handle.state().synced;
          unsubscribe = handle.store.subscribe(() => {
            // The first list only repeats what discovery read; later changes are news.
            if (!synced) return;
            clearTimeout(settle);
            settle = setTimeout(() => void publish(true), settleMs);
          });
          stopState = handle.onState((state) => {
            // Discovery failed before (cluster unreachable at first)? The CRD list says it is back.
            if (state.synced && !synced && failed) void publish(true);
            if (state.synced) synced = true;
            // Not allowed to list CRDs: look again now and then instead.
            if (state.phase === 'forbidden') poll ??= setInterval(() => void publish(true), pollMs);
          });
        },
        () => (poll ??= setInterval(() => void publish(true), pollMs)),
      );
    } else poll = setInterval(() => void publish(true), pollMs);
    return () => {
      stopped = true;
      clearTimeout(settle);
      clearInterval(poll);
      unsubscribe();
      stopState();
      release();
    };
  }

  private async discover(context: string): Promise<KindInfo[]> {
    const client = await this.clientFor(context);
    const groups = await client.json<ApiGroupList>({ path: '/apis', timeoutMs: 15_000, intent: { verb: 'get', resource: 'discovery' } });
    const versions: Array<{ group: string; version: string; path: string }> = [{ group: '', version: 'v1', path: '/api/v1' }];
    for (const g of groups.groups ?? []) {
      if (g.preferredVersion && !skippedGroups.has(g.name)) versions.push({ group: g.name, version: g.preferredVersion.version, path: `/apis/${g.preferredVersion.groupVersion}` });
    }
    const [lists, crds] = await Promise.all([
      Promise.all(
        versions.map((v) =>
          client
            .json<{ resources?: ApiResource[] }>({ path: v.path, timeoutMs: 15_000, intent: { verb: 'get', resource: `discovery of ${v.path}` } })
            .then((list) => ({ ...v, resources: list.resources ?? [] }))
            .catch(() => ({ ...v, resources: [] as ApiResource[] })), // one broken aggregated API must not hide the rest
        ),
      ),
      // Printer columns; without permission to read CRDs their kinds get the generic columns.
      client
        .json<{ items?: Crd[] }>({ path: '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', timeoutMs: 15_000, intent: { verb: 'list', resource: 'customresourcedefinitions.apiextensions.k8s.io' } })
        .then((l) => l.items ?? [])
        .catch(() => [] as Crd[]),
    ]);
    const crdFor = (group: string, plural: string) => crds.find((c) => c.spec?.group === group && c.spec.names?.plural === plural);
    const found: KindInfo[] = [];
    const defs = new Map<string, KindDef>();
    for (const { group, version, resources } of lists) {
      for (const r of resources) {
        if (r.name.includes('/') || !r.verbs?.includes('list') || !r.verbs.includes('watch')) continue;
        if (isStatic(group, r.name)) continue;
        const def = discoveredKind(group, version, r, crdFor(group, r.name));
        defs.set(def.id, def);
        found.push(kindInfo(def));
      }
    }
    this.defs.set(context, defs);
    return found.sort((a, b) => a.id.localeCompare(b.id));
  }
}

/** One of the kinds Orrery defines itself (never replaced by discovery). */
function isStatic(group: string, resource: string): boolean {
  const k = findKind(resource);
  return !!k && k.group === group && !k.id.includes('.');
}
