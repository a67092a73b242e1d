// A log view's sources and filter live in the URL, so a link reopens the same tail:
//   lctx=a,b       contexts (absent: the selected context)
//   lw=kind/ns/name | lpods=ns/pod,... | lsel=selector | lre=regex, with lns=ns,... (for lsel/lre
//                  the namespaces to look in; alone, each namespace is a source of its own)
//   linit=1, leph=1  also init / ephemeral containers
// Every context gets the same sources: "this deployment in prod-eu and prod-us".
import type { Api } from '../../../../src-main/contract/api';
import type { InputOf } from '../../../../src-main/contract/define';

export type LogSource = InputOf<Api['logs.tail']>['source'];
export interface ContextSource {
  context: string;
  source: LogSource;
}
export type LogFilter = Omit<InputOf<Api['logs.filter']>, 'viewId'>;

const list = (v: string | null) => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : undefined);

/** The URL's sources in each of its contexts (lctx, else `selected`); undefined: none given. */
export function sourcesFromParams(p: URLSearchParams, selected: string | undefined): ContextSource[] | undefined {
  const contexts = list(p.get('lctx')) ?? (selected ? [selected] : []);
  const namespaces = list(p.get('lns'));
  const alone = !p.get('lw') && !p.get('lpods') && !p.get('lsel') && !p.get('lre');
  const sources: LogSource[] = alone ? (namespaces ?? []).map((namespace) => ({ namespace })) : [sourceFromParams(p)].filter((s): s is LogSource => !!s);
  if (!contexts.length || !sources.length) return undefined;
  return contexts.flatMap((context) => sources.map((source) => ({ context, source })));
}

/** The logs.tail input's source fields for a list of sources (the first one, then the rest). */
export function tailSources(list: ContextSource[]): { context: string; source: LogSource; sources?: ContextSource[] } {
  const [first, ...rest] = list;
  return { context: first!.context, source: first!.source, ...(rest.length ? { sources: rest } : {}) };
}

export function describeSources(list: ContextSource[]): string {
  const what = [...new Set(list.map((s) => describeSource(s.source)))];
  const contexts = [...new Set(list.map((s) => s.context))];
  return `${what.join(', ')}${contexts.length > 1 ? ` · contexts ${contexts.join(', ')}` : ''}`;
}

export function sourceFromParams(p: URLSearchParams): LogSource | undefined {
  const workload = p.get('lw');
  if (workload) {
    const [kind, namespace, name] = workload.split('/');
    if (kind && namespace && name) return { workload: { kind: kind as 'deployments', namespace, name } };
  }
  const pods = list(p.get('lpods'));
  if (pods?.length) return { pods: pods.map((s) => ({ namespace: s.split('/')[0] ?? '', name: s.split('/')[1] ?? '' })) };
  const namespaces = list(p.get('lns'));
  const selector = p.get('lsel');
  if (selector) return { labelSelector: selector, ...(namespaces ? { namespaces } : {}) };
  const regex = p.get('lre');
  if (regex) return { podRegex: regex, ...(namespaces ? { namespaces } : {}) };
  if (namespaces?.length === 1) return { namespace: namespaces[0]! };
  return undefined;
}

export function describeSource(s: LogSource): string {
  if ('workload' in s) return `${s.workload.kind.replace(/s$/, '')} ${s.workload.namespace}/${s.workload.name}`;
  if ('pods' in s) return s.pods.length === 1 ? `pod ${s.pods[0]!.namespace}/${s.pods[0]!.name}` : `${s.pods.length} pods`;
  if ('labelSelector' in s) return `pods matching ${s.labelSelector}${s.namespaces ? ` in ${s.namespaces.join(', ')}` : ''}`;
  if ('podRegex' in s) return `pods named /${s.podRegex}/${s.namespaces ? ` in ${s.namespaces.join(', ')}` : ''}`;
  return `namespace ${s.namespace}`;
}

export function filterFromParams(p: URLSearchParams): LogFilter {
  const f: LogFilter = {};
  const text = p.get('q');
  if (text) f.text = text;
  const include = p.get('inc');
  if (include) f.include = include;
  const exclude = p.get('exc');
  if (exclude) f.exclude = exclude;
  const levels = list(p.get('lvl'));
  if (levels) f.levels = levels as LogFilter['levels'];
  const pods = list(p.get('fpods'));
  if (pods) f.pods = pods;
  const containers = list(p.get('fcont'));
  if (containers) f.containers = containers;
  return f;
}

/** The link that opens the logs of a workload or pod (from object pages, graphs, the palette). */
export function logsHref(params: URLSearchParams, target: { kind: string; namespace?: string; name: string }, extra: Record<string, string> = {}): string {
  const next = new URLSearchParams();
  const ctx = params.get('ctx');
  if (ctx) next.set('ctx', ctx);
  if (target.kind === 'pods') next.set('lpods', `${target.namespace}/${target.name}`);
  else next.set('lw', `${target.kind}/${target.namespace}/${target.name}`);
  for (const [k, v] of Object.entries(extra)) next.set(k, v);
  return `#/logs?${next.toString()}`;
}

function hash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) >>> 0;
  return h;
}

/** Stable, distinct colors per pod: from the pod's name alone, so a pod keeps its color whatever
 *  else the view shows (more pods, more contexts). */
export function podColor(pod: string): string {
  return `hsl(${hash(pod) % 360} 65% 55%)`;
}

/** A context's label color: stable per name, darker than pod colors so the two read apart. */
export function contextColor(context: string): string {
  return `hsl(${hash(context) % 360} 45% 40%)`;
}
