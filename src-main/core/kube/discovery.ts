// Finds the listable, watchable kinds a cluster serves beyond the ones Orrery knows (CRDs and
// any other API), so each gets a generic list and detail view. Read once per context and
// refreshed every few minutes (CRDs come and go).
import type { KindInfo } from '../../contract/types';
import type { KubeClient } from './kube-client';
import { findKind, kindInfo, registerKind, type KindDef } from './kinds/kinds';

interface ApiResource {
  name: string;
  kind: string;
  namespaced: boolean;
  verbs?: string[];
}
interface ApiGroupList {
  groups?: Array<{ name: string; preferredVersion?: { groupVersion: string; version: string } }>;
}

const refreshMs = 5 * 60_000;

/** Groups whose kinds make no sense as lists (reviews, metrics snapshots without watch). */
const skippedGroups = new Set(['authorization.k8s.io', 'authentication.k8s.io', 'metrics.k8s.io']);

export function discoveredKind(group: string, version: string, r: ApiResource): KindDef {
  return {
    id: group ? `${r.name}.${group}` : r.name,
    group,
    version,
    resource: r.name,
    kind: r.kind,
    namespaced: r.namespaced,
    category: group.includes('.') && !group.endsWith('.k8s.io') ? 'Custom' : 'Other',
    columns: [{ id: 'age', title: 'Age', type: 'age', value: (o) => o.metadata.creationTimestamp ?? null }],
  };
}

export class Discovery {
  private byContext = new Map<string, { at: number; kinds: Promise<KindInfo[]> }>();

  constructor(private readonly clientFor: (context: string) => Promise<KubeClient>) {}

  /** Kinds discovered on the context that Orrery has no dedicated definition for. */
  kinds(context: string): Promise<KindInfo[]> {
    const cached = this.byContext.get(context);
    if (cached && Date.now() - cached.at < refreshMs) return cached.kinds;
    const kinds = this.discover(context).catch((err: unknown) => {
      this.byContext.delete(context); // try again next time
      throw err;
    });
    this.byContext.set(context, { at: Date.now(), kinds });
    return kinds;
  }

  private async discover(context: string): Promise<KindInfo[]> {
    const client = await this.clientFor(context);
    const groups = await client.json<ApiGroupList>({ path: '/apis', timeoutMs: 15_000, intent: { verb: 'get', resource: 'discovery' } });
    const versions: Array<{ group: string; version: string; path: string }> = [{ group: '', version: 'v1', path: '/api/v1' }];
    for (const g of groups.groups ?? []) {
      if (g.preferredVersion && !skippedGroups.has(g.name)) versions.push({ group: g.name, version: g.preferredVersion.version, path: `/apis/${g.preferredVersion.groupVersion}` });
    }
    const lists = await Promise.all(
      versions.map((v) =>
        client
          .json<{ resources?: ApiResource[] }>({ path: v.path, timeoutMs: 15_000, intent: { verb: 'get', resource: `discovery of ${v.path}` } })
          .then((list) => ({ ...v, resources: list.resources ?? [] }))
          .catch(() => ({ ...v, resources: [] as ApiResource[] })), // one broken aggregated API must not hide the rest
      ),
    );
    const found: KindInfo[] = [];
    for (const { group, version, resources } of lists) {
      for (const r of resources) {
        if (r.name.includes('/') || !r.verbs?.includes('list') || !r.verbs.includes('watch')) continue;
        const known = findKind(group ? `${r.name}.${group}` : r.name);
        if (known || isStatic(group, r.name)) continue;
        const def = discoveredKind(group, version, r);
        registerKind(def);
        found.push(kindInfo(def));
      }
    }
    return found.sort((a, b) => a.id.localeCompare(b.id));
  }
}

function isStatic(group: string, resource: string): boolean {
  const k = findKind(resource);
  return !!k && k.group === group;
}
