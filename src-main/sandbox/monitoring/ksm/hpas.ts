// kube-state-metrics' HorizontalPodAutoscaler families (internal/store/horizontalpodautoscaler.go,
// v2.15) over the autoscaling/v2 objects the sandbox stores, in KSM's order and with its
// stability levels. Target and current metrics give one series per value the MetricTarget /
// MetricValueStatus sets (metric_target_type value|utilization|average; quantities as their
// milli-value / 1000), for Resource, ContainerResource, Pods, Object and External sources.
import type { KObject } from '../../apiserver/store';
import { conditionRows, nm, ns, quantityFloat, type Labels, type Writer } from './common';

const id = (h: KObject): Labels => [['namespace', ns(h)], ['horizontalpodautoscaler', nm(h)]];

/** The metric name and the target (spec) or current (status) values of one metric source. */
function source(m: any, field: 'target' | 'current'): { name: string; values: any } | undefined {
  switch (m?.type) {
    case 'Resource':
      return { name: m.resource?.name ?? '', values: m.resource?.[field] };
    case 'ContainerResource':
      return { name: m.containerResource?.name ?? '', values: m.containerResource?.[field] };
    case 'Pods':
      return { name: m.pods?.metric?.name ?? '', values: m.pods?.[field] };
    case 'Object':
      return { name: m.object?.metric?.name ?? '', values: m.object?.[field] };
    case 'External':
      return { name: m.external?.metric?.name ?? '', values: m.external?.[field] };
    default:
      return undefined;
  }
}

const metricRows = (h: KObject, metrics: any[] | undefined, field: 'target' | 'current'): [Labels, number][] =>
  (metrics ?? []).flatMap((m): [Labels, number][] => {
    const s = source(m, field);
    if (!s) return [];
    const v = s.values ?? {};
    const byType: [string, number | undefined][] = [
      ['value', quantityFloat(v.value)],
      ['utilization', typeof v.averageUtilization === 'number' ? v.averageUtilization : undefined],
      ['average', quantityFloat(v.averageValue)],
    ];
    return byType.filter((e): e is [string, number] => e[1] !== undefined).map(([t, x]) => [[...id(h), ['metric_name', s.name], ['metric_target_type', t]], x]);
  });

export function writeHpas(w: Writer, hpas: readonly KObject[]): void {
  const one = (name: string, help: string, v: (h: KObject) => number | undefined) => w.gauge(name, help, true, hpas, id, v);
  w.family('kube_horizontalpodautoscaler_info', 'gauge', 'Information about this autoscaler.', false, hpas, (h) => {
    const ref = h.spec?.scaleTargetRef ?? {};
    const api: Labels = ref.apiVersion ? [['scaletargetref_api_version', ref.apiVersion]] : [];
    return [[[...id(h), ...api, ['scaletargetref_kind', ref.kind ?? ''], ['scaletargetref_name', ref.name ?? '']], 1]];
  });
  one('kube_horizontalpodautoscaler_metadata_generation', 'The generation observed by the HorizontalPodAutoscaler controller.', (h) => h.metadata.generation ?? 0);
  one('kube_horizontalpodautoscaler_spec_max_replicas', 'Upper limit for the number of pods that can be set by the autoscaler; cannot be smaller than MinReplicas.', (h) => h.spec?.maxReplicas ?? 0);
  one('kube_horizontalpodautoscaler_spec_min_replicas', 'Lower limit for the number of pods that can be set by the autoscaler, default 1.', (h) => h.spec?.minReplicas ?? 1);
  w.family('kube_horizontalpodautoscaler_spec_target_metric', 'gauge', 'The metric specifications used by this autoscaler when calculating the desired replica count.', false, hpas, (h) => metricRows(h, h.spec?.metrics, 'target'));
  w.family('kube_horizontalpodautoscaler_status_target_metric', 'gauge', 'The current metric status used by this autoscaler when calculating the desired replica count.', false, hpas, (h) => metricRows(h, h.status?.currentMetrics, 'current'));
  one('kube_horizontalpodautoscaler_status_current_replicas', 'Current number of replicas of pods managed by this autoscaler.', (h) => h.status?.currentReplicas ?? 0);
  one('kube_horizontalpodautoscaler_status_desired_replicas', 'Desired number of replicas of pods managed by this autoscaler.', (h) => h.status?.desiredReplicas ?? 0);
  w.annotations('horizontalpodautoscaler');
  w.labels('horizontalpodautoscaler');
  w.family('kube_horizontalpodautoscaler_status_condition', 'gauge', 'The condition of this autoscaler.', true, hpas, (h) => (h.status?.conditions ?? []).flatMap((c: any) => conditionRows(id(h), c)));
}
