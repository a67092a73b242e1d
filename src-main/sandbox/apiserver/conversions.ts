// API versions served as views of another stored version: events.k8s.io/v1 Events over core v1
// Events, autoscaling/v1 HorizontalPodAutoscalers over autoscaling/v2.
import type { KObject } from './store';
import { coreToEventsV1, eventsV1ToCore } from './events';

export interface Conversion {
  /** Stored object -> this version (results cached per stored object). */
  toView(o: KObject): KObject;
  /** This version -> storage shape (for writes). */
  toStorage(o: KObject): KObject;
}

const hpaCache = new WeakMap<KObject, KObject>();

function cpuTarget(spec: any): number | undefined {
  const m = (spec?.metrics ?? []).find((x: any) => x.type === 'Resource' && x.resource?.name === 'cpu' && x.resource?.target?.type === 'Utilization');
  return m?.resource?.target?.averageUtilization;
}

function hpaV2ToV1(o: KObject): KObject {
  const hit = hpaCache.get(o);
  if (hit) return hit;
  const spec: Record<string, unknown> = { scaleTargetRef: o.spec?.scaleTargetRef };
  if (o.spec?.minReplicas !== undefined) spec.minReplicas = o.spec.minReplicas;
  spec.maxReplicas = o.spec?.maxReplicas;
  const target = cpuTarget(o.spec);
  if (target !== undefined) spec.targetCPUUtilizationPercentage = target;
  const st = o.status ?? {};
  const status: Record<string, unknown> = { currentReplicas: st.currentReplicas ?? 0, desiredReplicas: st.desiredReplicas ?? 0 };
  if (st.observedGeneration !== undefined) status.observedGeneration = st.observedGeneration;
  if (st.lastScaleTime) status.lastScaleTime = st.lastScaleTime;
  const cur = (st.currentMetrics ?? []).find((x: any) => x.type === 'Resource' && x.resource?.name === 'cpu');
  if (cur?.resource?.current?.averageUtilization !== undefined) status.currentCPUUtilizationPercentage = cur.resource.current.averageUtilization;
  const out: KObject = { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: o.metadata, spec, status };
  hpaCache.set(o, out);
  return out;
}

function hpaV1ToV2(o: KObject): KObject {
  const spec = o.spec ?? {};
  // autoscaling/v1 defaults the CPU target to 80%.
  const target = spec.targetCPUUtilizationPercentage ?? 80;
  const v2spec: Record<string, unknown> = {
    scaleTargetRef: spec.scaleTargetRef,
    ...(spec.minReplicas !== undefined ? { minReplicas: spec.minReplicas } : {}),
    maxReplicas: spec.maxReplicas,
    metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: target } } }],
  };
  const out: KObject = { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: o.metadata, spec: v2spec };
  if (o.status) {
    const s = o.status;
    out.status = {
      currentReplicas: s.currentReplicas ?? 0,
      desiredReplicas: s.desiredReplicas ?? 0,
      ...(s.observedGeneration !== undefined ? { observedGeneration: s.observedGeneration } : {}),
      ...(s.lastScaleTime ? { lastScaleTime: s.lastScaleTime } : {}),
      ...(s.currentCPUUtilizationPercentage !== undefined
        ? { currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: s.currentCPUUtilizationPercentage } } }] }
        : {}),
    };
  }
  return out;
}

const CONVERSIONS: Record<string, Conversion> = {
  'events.k8s.io/v1/events': { toView: coreToEventsV1, toStorage: eventsV1ToCore },
  'autoscaling/v1/horizontalpodautoscalers': { toView: hpaV2ToV1, toStorage: hpaV1ToV2 },
};

export function conversionFor(group: string, version: string, resource: string): Conversion | undefined {
  return CONVERSIONS[`${group}/${version}/${resource}`];
}
