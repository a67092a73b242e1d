// Turns a logs.tail source into a pod matcher: which namespaces to look in and which pods
// qualify. Workloads and services are read for their selector, which the view then follows from
// the watch cache (followSelector): when it changes, the pod set changes with it.
import type { z } from 'zod';
import type { logSourceSchema } from '../../contract/api';
import { ContractError } from '../../contract/errors';
import { labelMatcher, parseLabelSelector, type LabelMatcher, type LabelRequirement } from '../kube/cache/label-selector';
import type { CacheHandle } from '../kube/cache/cache';
import { apiPath, type KubeObject, type ResourceId } from '../kube/cache/types';
import { KubeApiError } from '../kube/kube-errors';
import { compileRegex } from './filter';

export type LogSource = z.output<typeof logSourceSchema>;

export interface PodMatcher {
  /** Namespaces to look in; undefined = all. */
  namespaces?: string[];
  matches(pod: KubeObject): boolean;
  /** What the view tails, for messages. */
  describe: string;
  /** A workload's or Service's selector, which can change while the view is open. */
  selector?: WorkloadSelector;
}

type WorkloadKind = keyof typeof workloadResources;

/** The selector of one workload or Service as last read; update() takes a newer version. */
export class WorkloadSelector {
  private matcher: LabelMatcher;
  private current: string;

  constructor(
    readonly kind: WorkloadKind,
    readonly namespace: string,
    readonly name: string,
    selector: unknown,
  ) {
    this.current = JSON.stringify(selector ?? null);
    this.matcher = selectorMatcher(kind, selector) ?? (() => false);
  }

  get resource(): ResourceId {
    return workloadResources[this.kind];
  }

  matches(labels: Readonly<Record<string, string>> | undefined): boolean {
    return this.matcher(labels);
  }

  /** The object as the watch cache has it now; true when its selector changed. A selector
   *  removed or emptied later selects no pods (a Service without a selector has no endpoints). */
  update(obj: KubeObject): boolean {
    const sel = (obj.spec as { selector?: unknown } | undefined)?.selector;
    const next = JSON.stringify(sel ?? null);
    if (next === this.current) return false;
    this.current = next;
    this.matcher = selectorMatcher(this.kind, sel) ?? (() => false);
    return true;
  }
}

/** Keeps a selector current from its kind's watch cache; onChange after each change. */
export function followSelector(handle: CacheHandle, selector: WorkloadSelector, onChange: () => void): () => void {
  const check = (obj: KubeObject | undefined) => {
    if (obj && selector.update(obj)) onChange();
  };
  const off = handle.store.subscribe((batch) => {
    // A deleted workload keeps its last selector: its pods go away by themselves.
    for (const d of batch) if (d.type !== 'DELETED' && d.object.metadata.name === selector.name && d.object.metadata.namespace === selector.namespace) check(d.object);
  });
  // A warm cache delivers no deltas for what it already holds.
  check(handle.store.getByName(selector.namespace, selector.name));
  return off;
}

/** A selector's matcher, or undefined when it has none or it is empty. */
function selectorMatcher(kind: WorkloadKind, sel: unknown): LabelMatcher | undefined {
  if (!sel || typeof sel !== 'object') return undefined;
  // A Service's selector is a plain label map; workloads have a LabelSelector.
  const reqs = kind === 'services' ? selectorRequirements({ matchLabels: sel as Record<string, string> }) : selectorRequirements(sel as SelectorJson);
  return reqs.length > 0 ? labelMatcher(reqs) : undefined;
}

/** Several matchers of one context as one: a pod matching any of them is tailed (once). */
export function unionMatcher(matchers: PodMatcher[]): PodMatcher {
  if (matchers.length === 1) return matchers[0]!;
  const all = matchers.some((m) => !m.namespaces);
  const inNs = (m: PodMatcher, pod: KubeObject) => !m.namespaces || m.namespaces.includes(pod.metadata.namespace ?? '');
  return {
    ...(all ? {} : { namespaces: [...new Set(matchers.flatMap((m) => m.namespaces ?? []))] }),
    matches: (pod) => matchers.some((m) => inNs(m, pod) && m.matches(pod)),
    describe: matchers.map((m) => m.describe).join(', '),
  };
}

export interface JsonClient {
  json<T>(req: { path: string; intent?: { verb: string; resource: string; namespace?: string; name?: string } }): Promise<T>;
}

const workloadResources = {
  deployments: { group: 'apps', version: 'v1', resource: 'deployments' },
  statefulsets: { group: 'apps', version: 'v1', resource: 'statefulsets' },
  daemonsets: { group: 'apps', version: 'v1', resource: 'daemonsets' },
  replicasets: { group: 'apps', version: 'v1', resource: 'replicasets' },
  jobs: { group: 'batch', version: 'v1', resource: 'jobs' },
  services: { group: '', version: 'v1', resource: 'services' },
} satisfies Record<string, ResourceId>;

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
    const path = `${apiPath({ ...workloadResources[kind], namespace })}/${encodeURIComponent(name)}`;
    let obj: { spec?: { selector?: unknown } };
    try {
      obj = await (await client()).json(({ path, intent: { verb: 'get', resource: kind, namespace, name } }));
    } catch (err) {
      throw asContractError(err);
    }
    const sel = obj.spec?.selector;
    if (!sel || typeof sel !== 'object') throw new ContractError('BAD_INPUT', `${kind} "${name}" in namespace "${namespace}" has no pod selector`);
    if (!selectorMatcher(kind, sel)) throw new ContractError('BAD_INPUT', `${kind} "${name}" has an empty selector: it would select every pod`);
    const selector = new WorkloadSelector(kind, namespace, name, sel);
    return { namespaces: [namespace], matches: (pod) => selector.matches(pod.metadata.labels), describe: `${kind}/${name}`, selector };
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
