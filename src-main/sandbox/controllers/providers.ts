// The API server's providers backed by the kubelet simulation: container logs, the real address
// of a pod port for pods/proxy and services/proxy, and metrics.k8s.io usage (pods from their
// containers' real load, nodes as the sum of their pods plus system overhead).
import type { ContainerLog, LogProvider } from '../apiserver/logs';
import type { ContainerUsage, MetricsProvider, ProxyProvider } from '../apiserver/providers';
import type { KObject, Store } from '../apiserver/store';
import type { Kubelet } from './kubelet';
import type { PodNetwork } from './network';
import { nsKey } from './queue';

/** Extra sources (synthetic pods) consulted when the kubelet does not know a pod. */
export interface ExtraPods {
  containerLog?(namespace: string, pod: string, container: string, previous: boolean): ContainerLog | undefined;
  podUsage?(namespace: string, pod: string): ContainerUsage[] | undefined;
  nodeUsage?(node: string): { cpuNanoCores: number; memoryBytes: number } | undefined;
}

// What the node's system daemons (kubelet, containerd, kube-proxy) use on top of the pods.
const SYSTEM_CPU_NANOS = 85_000_000;
const SYSTEM_MEMORY = 610 * 1024 * 1024;

export function makeProviders(store: Store, kubelet: Kubelet, network: PodNetwork, extra: ExtraPods[] = []): { logs: LogProvider; proxy: ProxyProvider; metrics: MetricsProvider } {
  const logs: LogProvider = {
    containerLog(ns, pod, container, previous) {
      const l = kubelet.containerLog(ns, pod, container, previous);
      if (l) return l;
      for (const x of extra) {
        const e = x.containerLog?.(ns, pod, container, previous);
        if (e) return e;
      }
      return undefined;
    },
  };
  const proxy: ProxyProvider = {
    podAddress(pod: KObject, port: string | undefined) {
      return network.resolve(nsKey(pod.metadata.namespace, pod.metadata.name!), port);
    },
  };
  const metrics: MetricsProvider = {
    windowSeconds: 15,
    podUsage(ns, name) {
      const u = kubelet.podUsage(ns, name);
      if (u) return u;
      for (const x of extra) {
        const e = x.podUsage?.(ns, name);
        if (e) return e;
      }
      return undefined;
    },
    nodeUsage(name) {
      const node = store.get('nodes', undefined, name);
      if (!node) return undefined;
      const ready = node.status?.conditions?.find((c: any) => c.type === 'Ready')?.status === 'True';
      if (!ready) return undefined; // metrics-server cannot scrape an unreachable kubelet
      let cpu = SYSTEM_CPU_NANOS;
      let mem = SYSTEM_MEMORY;
      for (const p of kubelet.runningPods()) {
        if (p.node !== name) continue;
        for (const c of p.containers) {
          const u = c.usage();
          cpu += u.cpuNanoCores;
          mem += u.memoryBytes;
        }
      }
      for (const x of extra) {
        const e = x.nodeUsage?.(name);
        if (e) {
          cpu += e.cpuNanoCores;
          mem += e.memoryBytes;
        }
      }
      return { cpuNanoCores: cpu, memoryBytes: mem };
    },
  };
  return { logs, proxy, metrics };
}
