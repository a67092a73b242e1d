// What a target may use, now, from the watch cache: the sum of its running pods' container
// requests and limits (a limit only when every container has one: otherwise nothing bounds the
// sum), and for nodes and the cluster the allocatable capacity.
import type { ResourceSpec, UsageTarget } from '../../../contract/metrics-types';
import type { KubeObject } from '../../kube/cache/types';
import type { ObjectStore } from '../../kube/cache/store';
import { parseQuantity } from '../../kube/quantity';
import { workloadKey, workloadOf, type OwnerStores } from './owners';
import { totalsOf } from '../../kube/kinds/pod-resources';

const active = (pod: KubeObject) => {
  const phase = (pod.status as { phase?: string } | undefined)?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed';
};

class Sum {
  private req = [NaN, NaN];
  private lim = [0, 0];
  pods = 0;

  add(pod: KubeObject) {
    this.pods++;
    const [rc, rm, lc, lm] = totalsOf(pod);
    if (!Number.isNaN(rc)) this.req[0] = (Number.isNaN(this.req[0]!) ? 0 : this.req[0]!) + rc;
    if (!Number.isNaN(rm)) this.req[1] = (Number.isNaN(this.req[1]!) ? 0 : this.req[1]!) + rm;
    // One unbounded pod makes the sum unbounded (NaN stays NaN).
    this.lim[0] = this.lim[0]! + lc;
    this.lim[1] = this.lim[1]! + lm;
  }

  spec(): ResourceSpec {
    const some = (v: number) => this.pods > 0 && !Number.isNaN(v);
    return {
      requests: { ...(some(this.req[0]!) ? { cpu: this.req[0]! } : {}), ...(some(this.req[1]!) ? { memory: this.req[1]! } : {}) },
      limits: { ...(some(this.lim[0]!) ? { cpu: this.lim[0]! } : {}), ...(some(this.lim[1]!) ? { memory: this.lim[1]! } : {}) },
    };
  }
}

function allocatable(nodes: Iterable<KubeObject>): { cpu: number; memory: number } {
  let cpu = 0;
  let memory = 0;
  for (const n of nodes) {
    const a = (n.status as { allocatable?: Record<string, string> } | undefined)?.allocatable ?? {};
    cpu += parseQuantity(a.cpu) || 0;
    memory += parseQuantity(a.memory) || 0;
  }
  return { cpu, memory };
}

export interface SpecStores extends OwnerStores {
  nodes?: ObjectStore;
}

export function specOf(stores: SpecStores, target: UsageTarget): ResourceSpec {
  const sum = new Sum();
  switch (target.kind) {
    case 'pod': {
      const pod = stores.pods.getByName(target.namespace, target.name);
      if (pod) sum.add(pod);
      return sum.spec();
    }
    case 'node': {
      for (const pod of stores.pods.byIndex('node', target.name)) if (active(pod)) sum.add(pod);
      const node = stores.nodes?.getByName(undefined, target.name);
      return { ...sum.spec(), ...(node ? { allocatable: allocatable([node]) } : {}), pods: sum.pods };
    }
    case 'namespace': {
      for (const pod of stores.pods.byIndex('namespace', target.name)) if (active(pod)) sum.add(pod);
      return { ...sum.spec(), pods: sum.pods };
    }
    case 'workload': {
      const key = workloadKey(target.workloadKind, target.namespace, target.name);
      for (const pod of stores.pods.byIndex('namespace', target.namespace)) if (active(pod) && workloadOf(stores, pod) === key) sum.add(pod);
      return { ...sum.spec(), pods: sum.pods };
    }
    case 'cluster': {
      for (const pod of stores.pods.list()) if (active(pod)) sum.add(pod);
      return { ...sum.spec(), ...(stores.nodes ? { allocatable: allocatable(stores.nodes.list()) } : {}), pods: sum.pods };
    }
  }
}
