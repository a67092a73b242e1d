// One health language for every object (ok, degraded, failing, unknown) with a reason a person
// can read, derived from status the way kubectl and Lens present it.
import type { Health } from '../../../contract/types';
import type { KubeObject } from '../cache/types';
import { podReady, podReason, podStatusOf } from './pod-status';

const failingPodReasons = /^(CrashLoopBackOff|Error|OOMKilled|ImagePullBackOff|ErrImagePull|InvalidImageName|CreateContainerConfigError|CreateContainerError|RunContainerError|Failed|Evicted|ContainerStatusUnknown|Init:(CrashLoopBackOff|Error|OOMKilled|ImagePullBackOff|ErrImagePull)|Init:ExitCode:.*|ExitCode:.*|Signal:.*)$/;

type Conditions = Array<{ type: string; status: string; reason?: string; message?: string }>;
const conditions = (o: KubeObject) => ((o.status as { conditions?: Conditions } | undefined)?.conditions ?? []) as Conditions;
const num = (v: unknown) => (typeof v === 'number' ? v : 0);

export function podHealth(pod: KubeObject): Health {
  const reason = podReason(pod);
  const { ready, total } = podReady(pod);
  if (failingPodReasons.test(reason)) return { level: 'failing', reason };
  if (reason === 'Completed' || podStatusOf(pod).phase === 'Succeeded') return { level: 'ok', reason: 'Completed' };
  if (reason === 'Terminating') return { level: 'unknown', reason: 'Terminating' };
  if (reason === 'Running') return ready === total ? { level: 'ok', reason: 'Running, all containers ready' } : { level: 'degraded', reason: `Running, ${ready}/${total} containers ready` };
  if (reason === 'NotReady') return { level: 'degraded', reason: 'Not ready' };
  if (reason === 'Pending' || reason === 'ContainerCreating' || reason === 'PodInitializing' || reason.startsWith('Init:')) return { level: 'unknown', reason: `Starting (${reason})` };
  return { level: 'unknown', reason };
}

function replicasHealth(desired: number, ready: number, what: string): Health {
  if (desired === 0) return { level: 'ok', reason: 'Scaled to zero' };
  if (ready >= desired) return { level: 'ok', reason: `${ready}/${desired} ${what} ready` };
  if (ready === 0) return { level: 'failing', reason: `0/${desired} ${what} ready` };
  return { level: 'degraded', reason: `${ready}/${desired} ${what} ready` };
}

export function healthOf(kind: string, o: KubeObject): Health | undefined {
  const spec = (o.spec ?? {}) as Record<string, unknown>;
  const status = (o.status ?? {}) as Record<string, unknown>;
  switch (kind) {
    case 'Pod':
      return podHealth(o);
    case 'Deployment': {
      const progressing = conditions(o).find((c) => c.type === 'Progressing');
      if (progressing?.status === 'False') return { level: 'failing', reason: `${progressing.reason ?? 'Not progressing'}: ${progressing.message ?? ''}`.trim() };
      const desired = typeof spec.replicas === 'number' ? spec.replicas : 1;
      const h = replicasHealth(desired, num(status.availableReplicas), 'available');
      if (h.level === 'ok' && num(status.updatedReplicas) < desired) return { level: 'degraded', reason: `Rolling out: ${num(status.updatedReplicas)}/${desired} updated` };
      return h;
    }
    case 'ReplicaSet':
    case 'StatefulSet':
      return replicasHealth(typeof spec.replicas === 'number' ? spec.replicas : 1, num(status.readyReplicas), 'pods');
    case 'DaemonSet':
      return replicasHealth(num(status.desiredNumberScheduled), num(status.numberReady), 'pods');
    case 'Job': {
      const failed = conditions(o).find((c) => c.type === 'Failed' && c.status === 'True');
      if (failed) return { level: 'failing', reason: `Failed: ${failed.reason ?? ''}` };
      if (conditions(o).some((c) => c.type === 'Complete' && c.status === 'True')) return { level: 'ok', reason: 'Complete' };
      return { level: 'unknown', reason: `Running (${num(status.active)} active)` };
    }
    case 'Node': {
      const ready = conditions(o).find((c) => c.type === 'Ready');
      if (ready?.status !== 'True') return { level: 'failing', reason: `NotReady${ready?.reason ? `: ${ready.reason}` : ''}` };
      const pressure = conditions(o).filter((c) => c.type !== 'Ready' && c.status === 'True').map((c) => c.type);
      if (pressure.length) return { level: 'degraded', reason: pressure.join(', ') };
      if (spec.unschedulable) return { level: 'degraded', reason: 'Ready, cordoned (SchedulingDisabled)' };
      return { level: 'ok', reason: 'Ready' };
    }
    case 'PersistentVolumeClaim': {
      const phase = String(status.phase ?? 'Unknown');
      return phase === 'Bound' ? { level: 'ok', reason: 'Bound' } : phase === 'Lost' ? { level: 'failing', reason: 'Lost' } : { level: 'degraded', reason: phase };
    }
    case 'Namespace':
      return status.phase === 'Terminating' ? { level: 'unknown', reason: 'Terminating' } : { level: 'ok', reason: 'Active' };
    case 'Event':
      return (o as { type?: string }).type === 'Warning' ? { level: 'degraded', reason: 'Warning' } : { level: 'ok', reason: 'Normal' };
    case 'HorizontalPodAutoscaler': {
      const bad = conditions(o).find((c) => (c.type === 'ScalingActive' || c.type === 'AbleToScale') && c.status === 'False');
      return bad ? { level: 'degraded', reason: `${bad.type}: ${bad.reason ?? ''}` } : { level: 'ok', reason: 'Scaling active' };
    }
    default:
      return readyConditionHealth(o);
  }
}

/** Any other kind with a Ready condition (CRDs: cert-manager, Argo, Flux, Crossplane...), as
 *  kstatus reads it: True is ok, False failing with its reason, Unknown still in progress. */
export function readyConditionHealth(o: KubeObject): Health | undefined {
  const ready = conditions(o).find((c) => c.type === 'Ready');
  if (!ready) return undefined;
  const why = [ready.reason, ready.message].filter(Boolean).join(': ');
  if (ready.status === 'True') return { level: 'ok', reason: ready.reason || 'Ready' };
  if (ready.status === 'False') return { level: 'failing', reason: why || 'Not ready' };
  return { level: 'unknown', reason: why || 'Readiness unknown' };
}
