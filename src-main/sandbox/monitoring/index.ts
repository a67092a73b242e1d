// The sandbox's monitoring, laid out as a kube-prometheus-stack install in namespace `monitoring`:
// a real Prometheus (StatefulSet pod prometheus-kube-prometheus-stack-prometheus-0, Services
// prometheus-operated and kube-prometheus-stack-prometheus) scraping, with the operator's job
// names and relabelings and the chart's recording rules:
// - every running app pod's /metrics (job = its service, as a ServiceMonitor would);
// - the kubelet of each monitored node: /metrics and /metrics/cadvisor (job="kubelet");
// - kube-state-metrics (job="kube-state-metrics");
// - node-exporter on each monitored node (job="node-exporter");
// - itself.
// The exporters are loopback HTTP servers of this process that build each answer when scraped,
// from the API server's objects and the usage the sandbox already computes for metrics.k8s.io
// (see README in ../workloads). Nothing runs between scrapes.
import type { KObject, Store } from '../apiserver/store';
import type { MetricsProvider } from '../apiserver/providers';
import { EXTERNAL_ANNOTATION, NODE_NAMES, type ExtraPods, type Kubelet, type PodNetwork } from '../controllers';
import { startPrometheus, type RunningPrometheus, type ScrapeTarget } from '../workloads';
import { CadvisorExporter } from './cadvisor';
import { startMetricsEndpoint, type MetricsEndpoint } from './endpoint';
import { MeasuredPodSet, ProcessContainer, ServedContainer, markRunning, type Measured } from './external-pods';
import { COMPONENT, NS, PROMETHEUS_POD, PROMETHEUS_STS, ensureNamespace, ensureNodeExporterPod, ensurePrometheusPod, imageID, installKubeStateMetrics, installNodeExporter, installPrometheus, syncKubeletService, type Component } from './install';
import { kubeStateMetricsText } from './kube-state-metrics';
import { kubeletMetricsText } from './kubelet-metrics';
import { NodeLedger } from './node-ledger';
import { nodeExporterText } from './node-exporter';
import { PodStats, type PodSample } from './pod-stats';
import { RECORDING_RULES } from './rules';
import { MonitoredScope } from './scope';
import { EXPORTER_JOBS, JOBS, SELF_SCRAPE, kubeletTargets, ksmTarget, nodeExporterTargets } from './scrape-jobs';

export { MonitoredScope, MONITORED_LABEL } from './scope';
export { JOBS } from './scrape-jobs';
export { NS as MONITORING_NAMESPACE, PROMETHEUS, PROMETHEUS_OPERATED, PROMETHEUS_POD, KSM, NODE_EXPORTER, KUBELET_SERVICE } from './install';

export interface Monitoring {
  url: string;
  stop(): Promise<void>;
}

export interface MonitoringOptions {
  store: Store;
  kubelet: Kubelet;
  network: PodNetwork;
  log: (l: string) => void;
  /** metrics.k8s.io's provider: the usage the exporters report. */
  metrics: MetricsProvider;
  /** The providers list metrics.k8s.io consults; the monitoring stack adds its own pods. */
  extra: ExtraPods[];
  scrapeIntervalSeconds?: number;
}

/** The app pods' targets: every running container, job = its service. */
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

interface NodeEndpoints {
  kubelet: MetricsEndpoint;
  nodeExporter: MetricsEndpoint;
  nodeExporterUsage: ServedContainer;
  /** Per node: it keeps the counters of that node's cgroups between scrapes. */
  cadvisor: CadvisorExporter;
}

const MiB = 1024 * 1024;

class MonitoringStack {
  private readonly scope: MonitoredScope;
  private readonly measured = new MeasuredPodSet();
  private readonly stats: PodStats;
  private readonly ledger: NodeLedger;
  private readonly nodes = new Map<string, NodeEndpoints>();
  private readonly pending = new Map<string, Promise<void>>();
  private readonly unwatch: (() => void)[] = [];
  private ksm: MetricsEndpoint | undefined;
  private readonly ksmUsage: ServedContainer;
  private ksmBytes = 0;
  private servedBytes = 0;
  private nodeExporterDs: KObject | undefined;
  private readonly promUsage: ProcessContainer;
  private promGone = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly o: MonitoringOptions,
    private readonly prom: RunningPrometheus,
    private readonly version: string,
  ) {
    this.scope = new MonitoredScope(o.store);
    this.stats = new PodStats(o.kubelet, o.metrics, this.measured);
    this.ledger = new NodeLedger(o.metrics);
    // An idle kube-state-metrics: ~1 millicore; its caches grow with the objects it answers for.
    this.ksmUsage = new ServedContainer(0.001, () => 22 * MiB + this.ksmBytes * 3);
    // Prometheus receives what it scrapes from the exporters and sends little.
    this.promUsage = new ProcessContainer(prom.pid, () => ({ rx: this.servedBytes, tx: this.servedBytes / 40 }), 180 * MiB);
    o.extra.push(this.measured);
  }

  async start(): Promise<void> {
    const { store } = this.o;
    this.ksm = await startMetricsEndpoint(
      { '/metrics': () => this.kubeStateMetrics(), '/healthz': () => 'OK', '/livez': () => 'OK', '/readyz': () => 'OK' },
      { serve: (n, work) => this.ksmUsage.serve(n, work) },
    );
    ensureNamespace(store);
    installPrometheus(store, { version: this.version, node: this.scope.nodes()[0] ?? NODE_NAMES[0]! });
    installKubeStateMetrics(store);
    this.nodeExporterDs = installNodeExporter(store);
    await this.syncNodes();
    this.unwatch.push(this.scope.onNodesChanged(() => void this.syncNodes()));
    this.unwatch.push(store.watch('pods', { namespace: NS }, (ev) => this.onPod(ev.type, ev.object)));
    // A node back from not-ready: its kubelet reports the stack's pods on it again.
    this.unwatch.push(
      store.watch('nodes', { resourceVersion: store.resourceVersion }, (ev) => {
        const ready = (ev.object.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True');
        if (ev.type === 'DELETED' || !ready) return;
        const name = ev.object.metadata.name!;
        // After the event: the scenario marks the node Ready before it brings the kubelet back.
        setImmediate(() => {
          for (const p of this.scope.podsOn(name)) if (p.metadata.namespace === NS) this.onPod('MODIFIED', p);
        });
      }),
    );
    this.unwatch.push(this.o.kubelet.onContainersChanged(() => this.refreshTargets()));
    void this.prom.exited.then(() => this.onPrometheusExit());
    this.refreshTargets();
  }

  // ---------------------------------------------------------------- exporters

  private samples(node: string): PodSample[] {
    const out: PodSample[] = [];
    for (const p of this.scope.podsOn(node)) {
      const s = this.stats.sample(p);
      if (s) out.push(s);
    }
    return out;
  }

  private kubeStateMetrics(): string {
    const text = kubeStateMetricsText({ store: this.o.store, pods: () => this.scope.pods(), covers: (n) => this.scope.covers(n) });
    this.ksmBytes = text.length;
    this.servedBytes += text.length;
    return text;
  }

  private cadvisorText(name: string, cadvisor: CadvisorExporter): string {
    const node = this.o.store.get('nodes', undefined, name);
    if (!node) return '';
    const pods = this.samples(name);
    const text = cadvisor.text(node, pods, this.ledger.sample(node, pods));
    this.servedBytes += text.length;
    return text;
  }

  private nodeExporterText(name: string): string {
    const node = this.o.store.get('nodes', undefined, name);
    if (!node) return '';
    const text = nodeExporterText(node, this.ledger.sample(node, this.samples(name)), Date.now() / 1000);
    this.servedBytes += text.length;
    return text;
  }

  private kubeletText(name: string): string {
    const text = kubeletMetricsText(name, this.scope.podsOn(name));
    this.servedBytes += text.length;
    return text;
  }

  /** Endpoints for newly monitored nodes, gone for nodes that left; node-exporter pods follow. */
  private async syncNodes(): Promise<void> {
    const want = new Set(this.scope.nodes());
    for (const [name, ep] of this.nodes) {
      if (want.has(name)) continue;
      this.nodes.delete(name);
      this.ledger.forget(name);
      void ep.kubelet.close();
      void ep.nodeExporter.close();
    }
    await Promise.all([...want].filter((n) => !this.nodes.has(n)).map((n) => this.addNode(n)));
    if (this.stopped) return;
    syncKubeletService(this.o.store, new Map([...this.nodes].map(([n, ep]) => [n, ep.kubelet.port])));
    for (const n of this.nodes.keys()) if (this.nodeExporterDs) ensureNodeExporterPod(this.o.store, this.nodeExporterDs, n);
    this.refreshTargets();
  }

  private addNode(name: string): Promise<void> {
    let p = this.pending.get(name);
    if (p) return p;
    p = (async () => {
      const reachable = () => !this.o.kubelet.down.has(name);
      // An idle node-exporter: ~0.5 millicore, ~14 MiB.
      const usage = new ServedContainer(0.0005, () => 14 * MiB);
      const cadvisor = new CadvisorExporter();
      const [kubelet, nodeExporter] = await Promise.all([
        startMetricsEndpoint({ '/metrics': () => this.kubeletText(name), '/metrics/cadvisor': () => this.cadvisorText(name, cadvisor), '/healthz': () => 'ok' }, { reachable }),
        startMetricsEndpoint({ '/metrics': () => this.nodeExporterText(name), '/': () => 'Node Exporter' }, { reachable, serve: (n, work) => usage.serve(n, work) }),
      ]);
      if (this.stopped || !this.scope.covers(name)) {
        void kubelet.close();
        void nodeExporter.close();
        return;
      }
      this.nodes.set(name, { kubelet, nodeExporter, nodeExporterUsage: usage, cadvisor });
    })().finally(() => this.pending.delete(name));
    this.pending.set(name, p);
    return p;
  }

  // ---------------------------------------------------------------- the stack's own pods

  private onPod(type: string, pod: KObject): void {
    const component = pod.metadata.annotations?.[EXTERNAL_ANNOTATION] as Component | undefined;
    if (!component || !Object.values(COMPONENT).includes(component) || this.stopped) return;
    const { store, network } = this.o;
    const ns = pod.metadata.namespace!;
    const name = pod.metadata.name!;
    const key = `${ns}/${name}`;
    if (type === 'DELETED') {
      network.delete(key);
      this.measured.delete(ns, name);
      this.recreate(component, pod);
      this.refreshTargets();
      return;
    }
    if (pod.metadata.deletionTimestamp) {
      // Stopping takes no time here: finish the deletion as the kubelet would.
      try {
        store.delete('pods', ns, name, { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid! } });
      } catch {
        /* gone */
      }
      return;
    }
    const node: string | undefined = pod.spec?.nodeName;
    if (!node) return; // waiting for the scheduler
    // A node whose kubelet is down (node-not-ready) posts no pod status.
    if (this.o.kubelet.down.has(node)) return;
    const serving = this.servingFor(component, node);
    if (!serving) return;
    const running =
      pod.status?.phase === 'Running' &&
      (pod.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True') &&
      (pod.status?.containerStatuses ?? []).every((s: any) => s.ready && s.state?.running);
    if (!running) {
      const c = pod.spec.containers[0];
      markRunning(store, pod, [{ name: c.name, image: c.image, imageID: imageID(c.image) }]);
    }
    if (!network.get(key)) network.set(key, { ip: '127.0.0.1', ports: new Map(serving.ports.map((p) => [p, serving.port])), defaultPort: serving.port });
    if (!this.measured.containers(ns, name)) {
      this.measured.set(ns, name, node, [{ name: pod.spec.containers[0].name, measured: serving.measured }]);
      this.refreshTargets();
    }
  }

  /** The server behind a component's pod on a node, if it runs. */
  private servingFor(component: Component, node: string): { port: number; ports: string[]; measured: Measured } | undefined {
    switch (component) {
      case COMPONENT.prometheus:
        return { port: this.prom.port, ports: ['9090', 'http-web'], measured: this.promUsage };
      case COMPONENT.ksm:
        return this.ksm && { port: this.ksm.port, ports: ['8080', 'http'], measured: this.ksmUsage };
      case COMPONENT.nodeExporter: {
        const ep = this.nodes.get(node);
        return ep && { port: ep.nodeExporter.port, ports: ['9100', 'http-metrics'], measured: ep.nodeExporterUsage };
      }
    }
    return undefined;
  }

  /** StatefulSet and DaemonSet pods come back when deleted, as their controllers would do. */
  private recreate(component: Component, pod: KObject): void {
    const { store } = this.o;
    if (component === COMPONENT.prometheus && !this.promGone) {
      const sts = store.get('statefulsets', NS, PROMETHEUS_STS);
      if (sts && pod.metadata.name === PROMETHEUS_POD) ensurePrometheusPod(store, sts, pod.spec.nodeName);
    } else if (component === COMPONENT.nodeExporter) {
      const ds = store.get('daemonsets', NS, this.nodeExporterDs?.metadata.name ?? '');
      const node: string = pod.spec?.nodeName;
      if (ds && this.nodes.has(node)) ensureNodeExporterPod(store, ds, node);
    }
  }

  private onPrometheusExit(): void {
    this.promGone = true;
    if (this.stopped) return;
    try {
      this.o.store.delete('pods', NS, PROMETHEUS_POD, { gracePeriodSeconds: 0 });
    } catch {
      /* gone */
    }
  }

  // ---------------------------------------------------------------- targets

  private refreshTargets(): void {
    if (this.timer || this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.writeTargets().catch((err) => this.o.log(`monitoring: updating scrape targets failed: ${String(err)}`));
    }, 200);
  }

  private async writeTargets(): Promise<void> {
    const { store, kubelet } = this.o;
    const kubelets = new Map([...this.nodes].map(([n, ep]) => [n, ep.kubelet.port]));
    const running = (component: string) =>
      store.list('pods', { namespace: NS }).items.filter((p) => p.metadata.annotations?.[EXTERNAL_ANNOTATION] === component && !p.metadata.deletionTimestamp && p.status?.phase === 'Running');
    const ksm = this.ksm ? running(COMPONENT.ksm).map((p) => ksmTarget(this.ksm!.port, p.metadata.name!)) : [];
    const nodeExporters = running(COMPONENT.nodeExporter).flatMap((p) => {
      const ep = this.nodes.get(p.spec.nodeName);
      return ep ? [{ port: ep.nodeExporter.port, pod: p.metadata.name! }] : [];
    });
    await Promise.all([
      this.prom.updateTargets(scrapeTargets(kubelet)),
      this.prom.updateTargets(kubeletTargets(kubelets, '/metrics'), JOBS.kubelet),
      this.prom.updateTargets(kubeletTargets(kubelets, '/metrics/cadvisor'), JOBS.cadvisor),
      this.prom.updateTargets(ksm, JOBS.ksm),
      this.prom.updateTargets(nodeExporterTargets(nodeExporters), JOBS.nodeExporter),
    ]);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.unwatch.forEach((u) => u());
    this.scope.stop();
    const i = this.o.extra.indexOf(this.measured);
    if (i >= 0) this.o.extra.splice(i, 1);
    await Promise.all([this.ksm?.close(), ...[...this.nodes.values()].flatMap((ep) => [ep.kubelet.close(), ep.nodeExporter.close()]), this.prom.stop()]);
  }
}

/** Prometheus' version, for its pod's image tag ("2.42.0+ds" -> "2.42.0"). */
async function prometheusVersion(url: string): Promise<string> {
  try {
    const r = await fetch(`${url}/api/v1/status/buildinfo`, { signal: AbortSignal.timeout(2000) });
    const v = ((await r.json()) as { data?: { version?: string } }).data?.version;
    if (v) return v.replace(/[+-].*$/, '');
  } catch {
    // an old Prometheus without buildinfo
  }
  return '2.42.0';
}

export async function startMonitoring(o: MonitoringOptions): Promise<Monitoring | undefined> {
  const prom = await startPrometheus({
    targets: scrapeTargets(o.kubelet),
    log: o.log,
    scrapeIntervalSeconds: o.scrapeIntervalSeconds ?? 5,
    jobs: EXPORTER_JOBS,
    ruleGroups: RECORDING_RULES,
    self: SELF_SCRAPE,
  });
  if (!prom.available) return undefined;
  const stack = new MonitoringStack(o, prom, await prometheusVersion(prom.url));
  try {
    await stack.start();
  } catch (err) {
    await stack.stop();
    throw err;
  }
  return { url: prom.url, stop: () => stack.stop() };
}
