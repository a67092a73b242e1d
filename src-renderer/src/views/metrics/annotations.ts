// Cluster events drawn on charts, derived from what the watch cache already streams for one
// object (resources.detail): a Deployment's rollouts (its Progressing condition and its
// ScalingReplicaSet events) and a pod's restarts (each container's last termination) and warning
// events. Kubernetes keeps one last termination per container and events for about an hour, so
// older restarts and rollouts are not drawn; the restart panels (kube-state-metrics) cover them.
import type { ObjectDetail } from '../../../../src-main/contract/types';
import type { Annotation } from './charts/chart-options';

const ms = (iso: string | null | undefined) => (iso ? Date.parse(iso) : NaN);

export function annotationsFromDetail(detail: ObjectDetail | undefined, now: number): Annotation[] {
  if (!detail || detail.gone) return [];
  const out: Annotation[] = [];
  const name = (detail.object as { metadata?: { name?: string } }).metadata?.name ?? '';
  if (detail.kind.kind === 'Deployment') {
    const progressing = detail.conditions.find((c) => c.type === 'Progressing');
    const at = ms(progressing?.lastTransitionTime);
    if (progressing && Number.isFinite(at)) {
      // ReplicaSetUpdated: a rollout is going on since then; NewReplicaSetAvailable: one finished then.
      if (progressing.reason === 'ReplicaSetUpdated' || progressing.reason === 'NewReplicaSetCreated') out.push({ time: at, end: now, kind: 'rollout', title: `rollout of ${name} in progress` });
      else if (progressing.reason === 'NewReplicaSetAvailable') out.push({ time: at, kind: 'rollout', title: `rollout of ${name} complete` });
    }
    for (const e of detail.events) {
      const t = ms(e.lastSeen);
      if (e.reason === 'ScalingReplicaSet' && Number.isFinite(t)) out.push({ time: t, kind: 'rollout', title: e.message });
    }
  }
  for (const c of detail.containers) {
    const t = ms(c.lastTermination?.finishedAt);
    if (Number.isFinite(t)) out.push({ time: t, kind: 'restart', title: `${name}/${c.name} restarted (${c.lastTermination!.reason}${c.lastTermination!.exitCode !== undefined ? `, exit ${c.lastTermination!.exitCode}` : ''})` });
  }
  if (detail.kind.kind === 'Pod') {
    for (const e of detail.events) {
      const t = ms(e.lastSeen);
      if (e.type === 'Warning' && Number.isFinite(t)) out.push({ time: t, kind: 'event', title: `${e.reason}: ${e.message}` });
    }
  }
  return out.sort((a, b) => a.time - b.time);
}
