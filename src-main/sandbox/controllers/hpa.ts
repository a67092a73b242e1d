// horizontal-pod-autoscaler: CPU utilization of the target's pods (metrics.k8s.io usage against
// requests) -> desiredReplicas within min/max, 10% tolerance, scale-down after a 5 min
// stabilization window; status with currentMetrics and the usual conditions. Resyncs every 15 s
// only while HPAs exist.
import type { MetricsProvider } from '../apiserver/providers';
import type { KObject, Store } from '../apiserver/store';
import { WorkQueue, nsKey, splitKey } from './queue';
import type { EventRecorder } from './recorder';
import { cpuMillis, nowTime, podReady, selectorMatches, setCondition } from './util';

const SOURCE = { component: 'horizontal-pod-autoscaler' };
const RESYNC_MS = 15_000;
const DOWNSCALE_WINDOW_MS = 5 * 60_000;

export class HpaController {
  private readonly queue = new WorkQueue('hpa', (k) => this.sync(k));
  private readonly unwatch: () => void;
  private readonly recommendations = new Map<string, { at: number; replicas: number }[]>();

  constructor(
    private readonly store: Store,
    private readonly recorder: EventRecorder,
    private readonly metrics: MetricsProvider,
  ) {
    this.unwatch = store.watch('horizontalpodautoscalers', {}, (ev) => {
      if (ev.type !== 'DELETED') this.queue.add(nsKey(ev.object.metadata.namespace, ev.object.metadata.name!));
    });
  }

  private sync(key: string): void {
    const [ns, name] = splitKey(key);
    const hpa = this.store.get('horizontalpodautoscalers', ns, name);
    if (!hpa) return;
    this.queue.after(key, RESYNC_MS);
    const ref = hpa.spec?.scaleTargetRef ?? {};
    const resource = { Deployment: 'deployments', ReplicaSet: 'replicasets', StatefulSet: 'statefulsets' }[ref.kind as string];
    const target = resource ? this.store.get(resource, ns, ref.name) : undefined;
    const now = nowTime();
    let conds: any[] = hpa.status?.conditions ?? [];
    if (!target) {
      conds = setCondition(conds, { type: 'AbleToScale', status: 'False', reason: 'FailedGetScale', message: `the HPA controller was unable to get the target's current scale: ${ref.kind?.toLowerCase()}s "${ref.name}" not found` }, now);
      this.write(hpa, { ...(hpa.status ?? {}), currentReplicas: 0, desiredReplicas: 0, conditions: conds });
      return;
    }
    const current: number = target.spec?.replicas ?? 1;
    const min = hpa.spec?.minReplicas ?? 1;
    const max = hpa.spec?.maxReplicas ?? current;
    const cpuMetric = (hpa.spec?.metrics ?? []).find((m: any) => m.type === 'Resource' && m.resource?.name === 'cpu');
    const targetUtil: number | undefined = cpuMetric?.resource?.target?.averageUtilization;
    const pods = this.store.list('pods', { namespace: ns }).items.filter((p: KObject) => selectorMatches(target.spec?.selector, p.metadata.labels) && p.status?.phase === 'Running' && podReady(p) && !p.metadata.deletionTimestamp);
    let usage = 0;
    let requests = 0;
    let sampled = 0;
    for (const p of pods) {
      const u = this.metrics.podUsage(ns!, p.metadata.name!);
      if (!u) continue;
      sampled++;
      usage += u.reduce((s, c) => s + c.cpuNanoCores, 0) / 1e6;
      for (const c of p.spec?.containers ?? []) requests += cpuMillis(c.resources?.requests?.cpu);
    }
    const status: any = { ...(hpa.status ?? {}), currentReplicas: current, observedGeneration: hpa.metadata.generation };
    let desired = current;
    if (targetUtil === undefined || sampled === 0 || requests === 0) {
      conds = setCondition(conds, { type: 'AbleToScale', status: 'True', reason: 'SucceededGetScale', message: 'the HPA controller was able to get the target\'s current scale' }, now);
      conds = setCondition(conds, { type: 'ScalingActive', status: 'False', reason: 'FailedGetResourceMetric', message: requests === 0 && sampled ? 'the HPA was unable to compute the replica count: missing request for cpu' : 'the HPA was unable to compute the replica count: unable to get metrics for resource cpu: no metrics returned from resource metrics API' }, now);
    } else {
      const util = Math.round((usage / requests) * 100);
      const ratio = util / targetUtil;
      desired = Math.abs(ratio - 1) <= 0.1 ? current : Math.ceil(ratio * sampled);
      status.currentMetrics = [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: util, averageValue: `${Math.round(usage / sampled)}m` } } }];
      conds = setCondition(conds, { type: 'AbleToScale', status: 'True', reason: 'ReadyForNewScale', message: 'recommended size matches current size' }, now);
      conds = setCondition(conds, { type: 'ScalingActive', status: 'True', reason: 'ValidMetricFound', message: 'the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)' }, now);
    }
    const clamped = Math.min(max, Math.max(min, desired));
    conds = setCondition(
      conds,
      clamped !== desired
        ? { type: 'ScalingLimited', status: 'True', reason: clamped === max ? 'TooManyReplicas' : 'TooFewReplicas', message: `the desired replica count is ${clamped === max ? 'more' : 'less'} than the ${clamped === max ? 'maximum' : 'minimum'} replica count` }
        : { type: 'ScalingLimited', status: 'False', reason: 'DesiredWithinRange', message: 'the desired count is within the acceptable range' },
      now,
    );
    // Scale-down stabilization: the highest recommendation of the last five minutes wins.
    const recs = (this.recommendations.get(key) ?? []).filter((r) => r.at > Date.now() - DOWNSCALE_WINDOW_MS);
    recs.push({ at: Date.now(), replicas: clamped });
    this.recommendations.set(key, recs);
    const stabilized = clamped < current ? Math.max(clamped, ...recs.map((r) => r.replicas)) : clamped;
    const next = Math.min(stabilized, Math.max(current, clamped));
    status.desiredReplicas = next;
    if (next !== current) {
      this.store.patch(resource!, ns, ref.name, (d) => {
        d.spec.replicas = next;
      });
      status.lastScaleTime = now;
      const reason = next > current ? 'cpu resource utilization (percentage of request) above target' : 'All metrics below target';
      this.recorder.event(SOURCE, hpa, 'Normal', 'SuccessfulRescale', `New size: ${next}; reason: ${reason}`);
    }
    status.conditions = conds;
    this.write(hpa, status);
  }

  private write(hpa: KObject, status: any): void {
    this.store.patch('horizontalpodautoscalers', hpa.metadata.namespace, hpa.metadata.name!, (d) => {
      d.status = status;
    }, { status: true });
  }

  stop(): void {
    this.unwatch();
    this.queue.stop();
  }
}
