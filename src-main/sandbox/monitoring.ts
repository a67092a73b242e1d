// A real Prometheus for the sandbox: scrapes every running pod (file_sd targets kept in sync with
// the kubelet) and is published in the cluster as Service monitoring/prometheus:9090 with the
// labels real installations carry, backed by an (externally run) Pod and its Endpoints so the
// services/proxy subresource reaches it.
import type { KObject, Store } from './apiserver/store';
import { startPrometheus, type ScrapeTarget } from './workloads';
import { EXTERNAL_ANNOTATION, type Kubelet, type PodNetwork } from './controllers';
import { nowTime } from './controllers/util';

export interface Monitoring {
  url: string;
  stop(): Promise<void>;
}

const NS = 'monitoring';
const POD = 'prometheus-server-0';
const LABELS = {
  'app.kubernetes.io/name': 'prometheus',
  'app.kubernetes.io/component': 'server',
  'app.kubernetes.io/instance': 'prometheus',
  'app.kubernetes.io/part-of': 'orrery-sandbox',
  app: 'prometheus',
  component: 'server',
};

export function scrapeTargets(kubelet: Kubelet): ScrapeTarget[] {
  const out: ScrapeTarget[] = [];
  for (const p of kubelet.runningPods()) {
    const labels = p.pod.metadata.labels ?? {};
    for (const c of p.containers) {
      out.push({
        address: `127.0.0.1:${c.port}`,
        labels: { namespace: p.namespace, pod: p.name, container: c.name, node: p.node, service: labels['app.kubernetes.io/name'] ?? labels.app ?? c.name, ...(labels.app ? { app: labels.app } : {}) },
      });
    }
  }
  return out;
}

export async function startMonitoring(o: { store: Store; kubelet: Kubelet; network: PodNetwork; log: (l: string) => void }): Promise<Monitoring | undefined> {
  const { store, kubelet, network } = o;
  const prom = await startPrometheus({ targets: scrapeTargets(kubelet), log: o.log, scrapeIntervalSeconds: 5 });
  if (!prom.available) return undefined;
  let timer: NodeJS.Timeout | undefined;
  const off = kubelet.onContainersChanged(() => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      void prom.updateTargets(scrapeTargets(kubelet)).catch(() => {});
    }, 200);
  });
  void prom.updateTargets(scrapeTargets(kubelet));

  if (!store.get('namespaces', undefined, NS)) store.create('namespaces', { metadata: { name: NS, labels: { 'kubernetes.io/metadata.name': NS } } });
  const nodeName = 'orrery-node-1';
  const pod = store.create('pods', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: POD, namespace: NS, labels: { ...LABELS, 'statefulset.kubernetes.io/pod-name': POD }, annotations: { [EXTERNAL_ANNOTATION]: 'prometheus', 'prometheus.io/port': '9090' } },
    spec: {
      nodeName,
      containers: [{ name: 'prometheus-server', image: 'quay.io/prometheus/prometheus:v2.53.0', args: ['--config.file=/etc/config/prometheus.yml', '--storage.tsdb.path=/data'], ports: [{ name: 'http', containerPort: 9090, protocol: 'TCP' }], resources: { requests: { cpu: '100m', memory: '256Mi' } } }],
    },
  });
  const now = nowTime();
  store.patch('pods', NS, POD, (d) => {
    d.status = {
      ...d.status,
      phase: 'Running',
      hostIP: '127.0.0.1',
      hostIPs: [{ ip: '127.0.0.1' }],
      podIP: '127.0.0.1',
      podIPs: [{ ip: '127.0.0.1' }],
      startTime: now,
      conditions: ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({ type, status: 'True', lastProbeTime: null, lastTransitionTime: now })),
      containerStatuses: [{ name: 'prometheus-server', image: 'quay.io/prometheus/prometheus:v2.53.0', imageID: 'quay.io/prometheus/prometheus@sha256:' + 'b'.repeat(64), containerID: `containerd://${String(prom.pid).padStart(64, '0')}`, ready: true, started: true, restartCount: 0, state: { running: { startedAt: now } }, lastState: {} }],
    };
  }, { status: true });
  network.set(`${NS}/${POD}`, { ip: '127.0.0.1', ports: new Map([['9090', prom.port], ['http', prom.port]]), defaultPort: prom.port });
  store.create('services', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'prometheus', namespace: NS, labels: LABELS },
    spec: { type: 'ClusterIP', selector: { 'app.kubernetes.io/name': 'prometheus', 'app.kubernetes.io/component': 'server' }, ports: [{ name: 'http', port: 9090, targetPort: 'http', protocol: 'TCP' }] },
  });
  const markDown = (p: KObject | undefined) => {
    if (!p) return;
    try {
      store.delete('pods', NS, POD, { gracePeriodSeconds: 0 });
    } catch {
      /* gone */
    }
  };
  void prom.exited.then(() => markDown(store.get('pods', NS, POD)));
  void pod;
  return {
    url: prom.url,
    async stop() {
      off();
      clearTimeout(timer);
      await prom.stop();
    },
  };
}
