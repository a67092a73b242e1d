// A pod's CPU/memory requests and limits as four numbers. The watch cache drops containers'
// resources from pods (at 100k pods every field costs); it keeps these totals instead
// (spec.resourceTotals, set by slimPod), which usage charts show beside usage.
import type { KubeObject } from '../cache/types';
import { parseQuantity } from '../quantity';

/** [request cpu (cores), request memory (bytes), limit cpu, limit memory]. A request is NaN when
 *  no container requests it; a limit is NaN unless every container has one (else unbounded). */
export type ResourceTotals = [number, number, number, number];

interface Container {
  resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
}

export function resourceTotals(spec: unknown): ResourceTotals {
  const containers = (spec as { containers?: Container[] } | undefined)?.containers ?? [];
  let reqCpu = NaN;
  let reqMem = NaN;
  let limCpu = containers.length ? 0 : NaN;
  let limMem = containers.length ? 0 : NaN;
  const add = (sum: number, v: number) => (Number.isNaN(sum) ? v : sum + v);
  for (const c of containers) {
    const lc = parseQuantity(c.resources?.limits?.cpu);
    const lm = parseQuantity(c.resources?.limits?.memory);
    // As the scheduler does: a limit without a request requests the limit.
    const rc = parseQuantity(c.resources?.requests?.cpu);
    const rm = parseQuantity(c.resources?.requests?.memory);
    const cpu = Number.isFinite(rc) ? rc : lc;
    const mem = Number.isFinite(rm) ? rm : lm;
    if (Number.isFinite(cpu)) reqCpu = add(reqCpu, cpu);
    if (Number.isFinite(mem)) reqMem = add(reqMem, mem);
    limCpu = Number.isFinite(lc) ? limCpu + lc : NaN;
    limMem = Number.isFinite(lm) ? limMem + lm : NaN;
  }
  return [reqCpu, reqMem, limCpu, limMem];
}

/** The totals the cache kept, or computed from a full pod. */
export function totalsOf(pod: KubeObject): ResourceTotals {
  const kept = (pod.spec as { resourceTotals?: ResourceTotals } | undefined)?.resourceTotals;
  return kept ?? resourceTotals(pod.spec);
}
