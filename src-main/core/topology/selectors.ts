// Label selectors as objects carry them (Service spec.selector maps, NetworkPolicy/Deployment
// LabelSelector with matchLabels and matchExpressions), matched against the cache's pods through
// its label index: the smallest `key=value` set is the candidate list, so a selector over 100k
// pods reads only the pods that carry its rarest label.
import type { ObjectStore } from '../kube/cache/store';
import type { KubeObject } from '../kube/cache/types';
import { labelMatcher, type LabelRequirement } from '../kube/cache/label-selector';

/** metav1.LabelSelector. */
export interface LabelSelectorObject {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

/** Requirements of a LabelSelector; an unknown operator selects nothing (as the API server
 *  would reject it), reported through the thrown error. */
export function requirementsOf(sel: LabelSelectorObject | Record<string, string> | undefined, asMap = false): LabelRequirement[] {
  if (!sel) return [];
  const reqs: LabelRequirement[] = [];
  const labels = asMap ? (sel as Record<string, string>) : ((sel as LabelSelectorObject).matchLabels ?? {});
  for (const [key, value] of Object.entries(labels)) if (typeof value === 'string') reqs.push({ op: 'eq', key, value });
  if (asMap) return reqs;
  for (const e of (sel as LabelSelectorObject).matchExpressions ?? []) {
    switch (e.operator) {
      case 'In':
        reqs.push({ op: 'in', key: e.key, values: new Set(e.values ?? []) });
        break;
      case 'NotIn':
        reqs.push({ op: 'notin', key: e.key, values: new Set(e.values ?? []) });
        break;
      case 'Exists':
        reqs.push({ op: 'exists', key: e.key });
        break;
      case 'DoesNotExist':
        reqs.push({ op: 'absent', key: e.key });
        break;
      default:
        throw new Error(`unknown label selector operator "${e.operator}" on key "${e.key}"`);
    }
  }
  return reqs;
}

/** Pods of `namespace` matching every requirement. No requirements: every pod of the namespace
 *  (a NetworkPolicy's empty podSelector); callers that mean "nothing" (a Service without a
 *  selector) must not call this. */
export function selectPods(pods: ObjectStore, namespace: string, reqs: readonly LabelRequirement[]): KubeObject[] {
  const eqs = reqs.filter((r): r is Extract<LabelRequirement, { value: string }> => r.op === 'eq');
  let candidates: KubeObject[];
  if (eqs.length > 0) {
    let best = eqs[0]!;
    let bestCount = Infinity;
    for (const r of eqs) {
      const c = pods.countByIndex('label', `${r.key}=${r.value}`);
      if (c < bestCount) {
        best = r;
        bestCount = c;
      }
    }
    if (bestCount === 0) return [];
    candidates = pods.byIndex('label', `${best.key}=${best.value}`);
  } else {
    candidates = pods.byIndex('namespace', namespace);
  }
  const match = labelMatcher(reqs);
  const out: KubeObject[] = [];
  for (const p of candidates) if (p.metadata.namespace === namespace && match(p.metadata.labels)) out.push(p);
  return out;
}
