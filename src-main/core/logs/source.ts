// Turns a logs.tail source into a pod matcher: which namespaces to look in and which pods
// qualify. Workloads and services are read once for their selector.
import type { z } from 'zod';
import type { logSourceSchema } from '../../contract/api';
import { ContractError } from '../../contract/errors';
import { labelMatcher, parseLabelSelector, type LabelMatcher, type LabelRequirement } from '../kube/cache/label-selector';
import type { KubeObject } from '../kube/cache/types';
import { KubeApiError } from '../kube/kube-errors';
import { compileRegex } from './filter';

export type LogSource = z.output<typeof logSourceSchema>;

export interface PodMatcher {
  /** Namespaces to look in; undefined = all. */
  namespaces?: string[];
  matches(pod: KubeObject): boolean;
  /** What the view tails, for messages. */
  describe: string;
}

export interface JsonClient {
  json<T>(req: { path: string; intent?: { verb: string; resource: string; namespace?: string; name?: string } }): Promise<T>;
}

const workloadApi: Record<string, string> = {
  deployments: '/apis/apps/v1',
  statefulsets: '/apis/apps/v1',
  daemonsets: '/apis/apps/v1',
  replicasets: '/apis/apps/v1',
  jobs: '/apis/batch/v1',
  services: '/api/v1',
};

interface SelectorJson {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

/** A metav1.LabelSelector as requirements (an empty selector matches everything, as upstream). */
export function selectorRequirements(sel: SelectorJson): LabelRequirement[] {
  const reqs: LabelRequirement[] = Object.entries(sel.matchLabels ?? {}).map(([key, value]) => ({ op: 'eq' as const, key, value }));
  for (const e of sel.matchExpressions ?? []) {
    if (e.operator === 'In') reqs.push({ op: 'in', key: e.key, values: new Set(e.values ?? []) });
    else if (e.operator === 'NotIn') reqs.push({ op: 'notin', key: e.key, values: new Set(e.values ?? []) });
    else if (e.operator === 'Exists') reqs.push({ op: 'exists', key: e.key });
    else if (e.operator === 'DoesNotExist') reqs.push({ op: 'absent', key: e.key });
  }
  return reqs;
}

const byLabels = (m: LabelMatcher) => (pod: KubeObject) => m(pod.metadata.labels);

export async function resolveSource(source: LogSource, client: () => Promise<JsonClient>): Promise<PodMatcher> {
  if ('workload' in source) {
    const { kind, namespace, name } = source.workload;
    const path = `${workloadApi[kind]}/namespaces/${encodeURIComponent(namespace)}/${kind}/${encodeURIComponent(name)}`;
    let obj: { spec?: { selector?: unknown } };
    try {
      obj = await (await client()).json(({ path, intent: { verb: 'get', resource: kind, namespace, name } }));
    } catch (err) {
      throw asContractError(err);
    }
    const sel = obj.spec?.selector;
    if (!sel || typeof sel !== 'object') throw new ContractError('BAD_INPUT', `${kind} "${name}" in namespace "${namespace}" has no pod selector`);
    // A Service's selector is a plain label map; workloads have a LabelSelector.
    const reqs = kind === 'services' ? selectorRequirements({ matchLabels: sel as Record<string, string> }) : selectorRequirements(sel as SelectorJson);
    if (reqs.length === 0) throw new ContractError('BAD_INPUT', `${kind} "${name}" has an empty selector: it would select every pod`);
    return { namespaces: [namespace], matches: byLabels(labelMatcher(reqs)), describe: `${kind}/${name}` };
  }
  if ('labelSelector' in source) {
    let reqs: LabelRequirement[];
    try {
      reqs = parseLabelSelector(source.labelSelector);
    } catch (err) {
      throw new ContractError('BAD_INPUT', (err as Error).message);
    }
    return { ...(source.namespaces ? { namespaces: source.namespaces } : {}), matches: byLabels(labelMatcher(reqs)), describe: source.labelSelector };
  }
  if ('namespace' in source) return { namespaces: [source.namespace], matches: () => true, describe: `namespace ${source.namespace}` };
  if ('podRegex' in source) {
    const re = compileRegex('source.podRegex', source.podRegex);
    return { ...(source.namespaces ? { namespaces: source.namespaces } : {}), matches: (pod) => re.test(pod.metadata.name ?? ''), describe: `pods matching /${source.podRegex}/` };
  }
  const wanted = new Set(source.pods.map((p) => `${p.namespace}/${p.name}`));
  return {
    namespaces: [...new Set(source.pods.map((p) => p.namespace))],
    matches: (pod) => wanted.has(`${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''}`),
    describe: `${wanted.size} pods`,
  };
}

export function asContractError(err: unknown): ContractError {
  if (err instanceof ContractError) return err;
  if (err instanceof KubeApiError) {
    const code = err.kind === 'forbidden' ? 'FORBIDDEN' : err.kind === 'unauthorized' ? 'UNAUTHORIZED' : err.kind === 'not-found' ? 'NOT_FOUND' : err.kind === 'invalid' ? 'BAD_INPUT' : 'UNAVAILABLE';
    return new ContractError(code, err.message);
  }
  return new ContractError('UNAVAILABLE', (err as Error).message);
}
