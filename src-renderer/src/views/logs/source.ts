// A log view's source and filter live in the URL, so a link reopens the same tail.
import type { Api } from '../../../../src-main/contract/api';
import type { InputOf } from '../../../../src-main/contract/define';

export type LogSource = InputOf<Api['logs.tail']>['source'];
export type LogFilter = Omit<InputOf<Api['logs.filter']>, 'viewId'>;

const list = (v: string | null) => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : undefined);

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

/** Stable, distinct colors per pod. */
export function podColor(pod: string): string {
  let h = 0;
  for (let i = 0; i < pod.length; i++) h = (h * 31 + pod.charCodeAt(i)) >>> 0;
  return `hsl(${h % 360} 65% 55%)`;
}
