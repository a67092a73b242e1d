// Scale mode: N synthetic pods (no processes) across namespaces and synthetic nodes, created
// straight into the store; churn mutating R objects per second; synthetic logs at L lines/s.
import { randomBytes } from 'node:crypto';
import { deepFreeze, type Store, type KObject } from '../apiserver/store';
import { MONITORED_SYNTHETIC_NODES, nodeObject } from '../controllers/nodes';
import { SYNTHETIC_ANNOTATION } from '../controllers/kubelet';
import type { ExtraPods } from '../controllers/providers';
import { fnv32a, nowTime, randomHex, safeEncode } from '../controllers/util';
import { MAX_RATE, SyntheticLog } from './synthetic-log';

export interface ScaleOptions {
  pods: number;
  churn: number;
  logRate: number | 'max';
  log?: (l: string) => void;
}

export interface ScaleMode {
  provider: ExtraPods;
  namespaces: string[];
  nodes: string[];
  stop(): void;
}

const PODS_PER_NODE = 110;
const PODS_PER_NAMESPACE = 2000;
const CONTAINER = 'app';
const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const HOST_IPS = deepFreeze([{ ip: '127.0.0.1' }]);
const IMAGE_ID = `registry.orrery.invalid/load@sha256:${'c'.repeat(64)}`;

/** A unique 5+ character pod-name suffix from a serial number (scrambled so names look random). */
function suffix(n: number): string {
  let x = (n * 7919) % 14348907; // a bijection on [0, 27^5)
  let out = '';
  for (let i = 0; i < 5; i++) {
    out += ALPHABET[x % 27];
    x = Math.floor(x / 27);
  }
  return n >= 14348907 ? `${out}${ALPHABET[Math.floor(n / 14348907) % 27]}` : out;
}

export function startScale(store: Store, o: ScaleOptions): ScaleMode {
  const t = Date.now();
  const count = o.pods > 0 ? o.pods : o.churn > 0 ? 100 : 0;
  const nsCount = Math.min(50, Math.max(1, Math.ceil(count / PODS_PER_NAMESPACE)));
  const nodeCount = Math.max(1, Math.ceil(count / PODS_PER_NODE));
  const namespaces = Array.from({ length: nsCount }, (_, i) => `scale-${String(i + 1).padStart(2, '0')}`);
  const nodes = Array.from({ length: nodeCount }, (_, i) => `orrery-scale-node-${i + 1}`);
  const rate = o.logRate === 'max' ? MAX_RATE : o.logRate;
  const t0 = new Map<string, number>();
  const perNode = new Map<string, number>();
  const pods: { ns: string; name: string }[] = [];
  for (const ns of namespaces) if (!store.get('namespaces', undefined, ns)) store.create('namespaces', { metadata: { name: ns, labels: { 'kubernetes.io/metadata.name': ns, 'sandbox.orrery.dev/scale': 'true' } } });
  nodes.forEach((n, i) => {
    if (!store.get('nodes', undefined, n)) store.create('nodes', nodeObject(n, { synthetic: true, zone: `sandbox-${'abc'[i % 3]}`, monitored: i < MONITORED_SYNTHETIC_NODES }));
  });

  // 100k pods must take well under a few seconds: container IDs come from one random buffer and
  // timestamps are formatted once per second instead of per pod.
  const ids = randomBytes(32 * count);
  const containerId = (i: number) => (i < count && serial < count ? ids.toString('hex', i * 32, i * 32 + 32) : randomHex(64));
  let nowSec = -1;
  let nowStr = '';
  const nowCached = (): string => {
    const sec = Math.floor(Date.now() / 1000);
    if (sec !== nowSec) {
      nowSec = sec;
      nowStr = nowTime(sec * 1000);
    }
    return nowStr;
  };

  let shared: { tolerations: unknown; containers: unknown; securityContext: unknown } | undefined;
  let sharedAt = '';
  let conditions: unknown;

  let serial = 0;
  const create = (i: number): void => {
    const ns = namespaces[i % namespaces.length]!;
    const node = nodes[Math.floor(i / PODS_PER_NODE) % nodes.length]!;
    const app = `load-${i % 50}`;
    const hash = safeEncode(String(fnv32a(app))).slice(0, 10);
    const cid = containerId(i);
    const name = `${app}-${hash}-${suffix(serial++)}`;
    const now = nowCached();
    const ip = `10.${64 + ((i >> 16) & 63)}.${(i >> 8) & 255}.${i & 255}`;
    if (sharedAt !== now) {
      sharedAt = now;
      conditions = deepFreeze(['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({ type, status: 'True', lastProbeTime: null, lastTransitionTime: now })));
    }
    const created = store.create('pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: ns, labels: { app, 'pod-template-hash': hash, 'sandbox.orrery.dev/synthetic': 'true' }, annotations: { [SYNTHETIC_ANNOTATION]: 'true' } },
      spec: {
        nodeName: node,
        ...(shared
          ? { tolerations: shared.tolerations, containers: shared.containers, securityContext: shared.securityContext }
          : {
              tolerations: [{ key: 'sandbox.orrery.dev/synthetic', operator: 'Exists', effect: 'NoSchedule' }],
              containers: [{ name: CONTAINER, image: 'registry.orrery.invalid/load:1.0', ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }], resources: { requests: { cpu: '10m', memory: '32Mi' } } }],
            }),
      },
      status: {
        phase: 'Running',
        hostIP: '127.0.0.1',
        hostIPs: HOST_IPS,
        podIP: ip,
        podIPs: [{ ip }],
        startTime: now,
        conditions,
        containerStatuses: [{ name: CONTAINER, image: 'registry.orrery.invalid/load:1.0', imageID: IMAGE_ID, containerID: `containerd://${cid}`, ready: true, started: true, restartCount: 0, state: { running: { startedAt: now } }, lastState: {} }],
      },
    }, undefined, { adopt: true });
    // Every later pod shares the first one's defaulted, frozen container spec and tolerations
    // (already complete, so defaulting leaves them alone and freezing skips them).
    shared ??= { tolerations: created.spec.tolerations, containers: created.spec.containers, securityContext: created.spec.securityContext };
    t0.set(`${ns}/${name}`, Date.now());
    perNode.set(node, (perNode.get(node) ?? 0) + 1);
    pods.push({ ns, name });
  };
  for (let i = 0; i < count; i++) create(i);
  o.log?.(`sandbox: ${count} synthetic pods in ${namespaces.length} namespaces on ${nodes.length} nodes in ${Date.now() - t} ms`);

  // Churn: R mutations per second in 10 batches.
  let timer: NodeJS.Timeout | undefined;
  let carry = 0;
  let gen = 0;
  const mutate = (): void => {
    if (!pods.length) return;
    const idx = Math.floor(Math.random() * pods.length);
    const p = pods[idx]!;
    const kind = gen++ % 10;
    try {
      if (kind < 4) {
        store.patch('pods', p.ns, p.name, (d) => {
          d.metadata.labels = { ...d.metadata.labels, 'churn-generation': String(gen) };
        });
      } else if (kind < 7) {
        store.patch('pods', p.ns, p.name, (d) => {
          d.metadata.annotations = { ...d.metadata.annotations, 'sandbox.orrery.dev/churned-at': new Date().toISOString() };
        });
      } else if (kind < 9) {
        store.patch('pods', p.ns, p.name, (d) => {
          const c = d.status.containerStatuses[0];
          c.restartCount += 1;
          c.lastState = { terminated: { exitCode: 1, reason: 'Error', startedAt: c.state.running?.startedAt, finishedAt: nowTime(), containerID: c.containerID } };
          c.containerID = `containerd://${randomHex(64)}`;
          c.state = { running: { startedAt: nowTime() } };
        }, { status: true });
      } else {
        const node = (store.get('pods', p.ns, p.name) as KObject | undefined)?.spec?.nodeName;
        store.delete('pods', p.ns, p.name, { gracePeriodSeconds: 0 });
        t0.delete(`${p.ns}/${p.name}`);
        if (node) perNode.set(node, Math.max(0, (perNode.get(node) ?? 1) - 1));
        pods.splice(idx, 1);
        create(idx);
        pods.splice(idx, 0, pods.pop()!);
      }
    } catch {
      /* raced with something else */
    }
  };
  if (o.churn > 0) {
    timer = setInterval(() => {
      carry += o.churn / 10;
      const n = Math.floor(carry);
      carry -= n;
      for (let i = 0; i < n; i++) mutate();
    }, 100);
  }

  const provider: ExtraPods = {
    containerLog(ns, pod, container, previous) {
      const start = t0.get(`${ns}/${pod}`);
      if (start === undefined || container !== CONTAINER || previous || !rate) return undefined;
      return new SyntheticLog(pod, start, rate, () => t0.has(`${ns}/${pod}`));
    },
    podUsage(ns, pod) {
      if (!t0.has(`${ns}/${pod}`)) return undefined;
      const h = fnv32a(pod);
      return [{ name: CONTAINER, cpuNanoCores: (1 + (h % 20)) * 1_000_000, memoryBytes: (16 + (h % 48)) * 1024 * 1024 }];
    },
    nodeUsage(node) {
      const n = perNode.get(node);
      if (!n) return undefined;
      return { cpuNanoCores: n * 10_500_000, memoryBytes: n * 40 * 1024 * 1024 };
    },
  };
  return {
    provider,
    namespaces,
    nodes,
    stop() {
      if (timer) clearInterval(timer);
    },
  };
}
