// The sandbox's nodes: three worker nodes the scheduler and kubelet use, registered the way a
// kubelet registers itself (capacity, allocatable, addresses, nodeInfo, conditions), with the
// status heartbeat a kubelet posts (every minute when nothing changes).
import { randomUUID } from 'node:crypto';
import type { KObject, Store } from '../apiserver/store';
import { nowTime, setCondition } from './util';

export const NODE_NAMES = ['orrery-node-1', 'orrery-node-2', 'orrery-node-3'];
export const SYNTHETIC_TAINT = 'sandbox.orrery.dev/synthetic';
/** Nodes the sandbox's monitoring covers (kubelet and node-exporter scraped; see
 *  sandbox/monitoring/scope.ts): every real node, and the first few synthetic nodes of scale mode,
 *  so 100k synthetic pods do not make every scrape a million series. */
export const MONITORED_LABEL = 'sandbox.orrery.dev/monitored';
export const MONITORED_SYNTHETIC_NODES = 2;

export function nodeObject(name: string, opts: { synthetic?: boolean; zone?: string; monitored?: boolean } = {}): KObject {
  const now = nowTime();
  const cond = (type: string, status: string, reason: string, message: string) => ({ type, status, reason, message, lastHeartbeatTime: now, lastTransitionTime: now });
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: {
        'beta.kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'node.kubernetes.io/instance-type': 'sandbox-4x8',
        'topology.kubernetes.io/region': 'sandbox',
        'topology.kubernetes.io/zone': opts.zone ?? 'sandbox-a',
        ...(opts.synthetic ? { [SYNTHETIC_TAINT]: 'true' } : {}),
        ...((opts.monitored ?? !opts.synthetic) ? { [MONITORED_LABEL]: 'true' } : {}),
      },
      annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
    },
    spec: {
      podCIDR: '10.244.0.0/24',
      podCIDRs: ['10.244.0.0/24'],
      ...(opts.synthetic ? { taints: [{ key: SYNTHETIC_TAINT, value: 'true', effect: 'NoSchedule' }] } : {}),
    },
    status: {
      capacity: { cpu: '4', 'ephemeral-storage': '61255492Ki', 'hugepages-2Mi': '0', memory: '8148492Ki', pods: '110' },
      allocatable: { cpu: '3800m', 'ephemeral-storage': '56453061334', 'hugepages-2Mi': '0', memory: '7522828Ki', pods: '110' },
      conditions: [
        cond('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
        cond('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        cond('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        cond('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
      ],
      addresses: [
        { type: 'InternalIP', address: '127.0.0.1' },
        { type: 'Hostname', address: name },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: randomUUID().replace(/-/g, ''),
        systemUUID: randomUUID(),
        bootID: randomUUID(),
        kernelVersion: '6.1.0-orrery',
        osImage: 'Orrery Sandbox Linux',
        containerRuntimeVersion: 'containerd://1.7.24',
        kubeletVersion: 'v1.32.0',
        kubeProxyVersion: 'v1.32.0',
        operatingSystem: 'linux',
        architecture: 'amd64',
      },
      images: [{ names: ['docker.io/orrery/service:1.0', 'docker.io/orrery/service@sha256:' + 'a'.repeat(64)], sizeBytes: 48_213_114 }],
    },
  };
}

export function registerNodes(store: Store, names = NODE_NAMES): void {
  const zones = ['sandbox-a', 'sandbox-b', 'sandbox-c'];
  names.forEach((n, i) => {
    if (!store.get('nodes', undefined, n)) store.create('nodes', nodeObject(n, { zone: zones[i % zones.length]! }));
  });
}

/** Posts node heartbeats (Ready etc. with a fresh lastHeartbeatTime) for nodes whose kubelet is up. */
export class NodeHeartbeat {
  private timer: NodeJS.Timeout;
  readonly down = new Set<string>();

  constructor(
    private readonly store: Store,
    private readonly names: string[],
    intervalMs = 60_000,
  ) {
    this.timer = setInterval(() => this.beat(), intervalMs);
    this.timer.unref?.();
  }

  beat(): void {
    const now = nowTime();
    for (const n of this.names) {
      if (this.down.has(n)) continue;
      try {
        this.store.patch('nodes', undefined, n, (d) => {
          d.status.conditions = (d.status.conditions ?? []).map((c: any) => ({ ...c, lastHeartbeatTime: now }));
        }, { status: true });
      } catch {
        /* node removed */
      }
    }
  }

  /** Back to Ready (after a node-not-ready scenario). */
  markReady(name: string): void {
    this.down.delete(name);
    const now = nowTime();
    this.store.patch('nodes', undefined, name, (d) => {
      let conds = d.status.conditions ?? [];
      for (const [type, reason, message] of [
        ['MemoryPressure', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'],
        ['DiskPressure', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'],
        ['PIDPressure', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'],
      ] as const)
        conds = setCondition(conds, { type, status: 'False', reason, message, lastHeartbeatTime: now }, now);
      conds = setCondition(conds, { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: now }, now);
      d.status.conditions = conds;
    }, { status: true });
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
