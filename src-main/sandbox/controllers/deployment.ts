// deployment-controller: one ReplicaSet per pod template (pod-template-hash), revisions, rolling
// updates within maxSurge/maxUnavailable, Recreate, history cleanup, status and the Progressing /
// Available conditions kubectl rollout status reads.
import type { KObject, Store } from '../apiserver/store';
import { WorkQueue, nsKey, splitKey } from './queue';
import type { EventRecorder } from './recorder';
import { controllerOf, fnv32a, nowTime, ownerRef, safeEncode, setCondition, stableJson } from './util';

const SOURCE = { component: 'deployment-controller' };
const REVISION = 'deployment.kubernetes.io/revision';
const DESIRED = 'deployment.kubernetes.io/desired-replicas';
const MAX_REPLICAS = 'deployment.kubernetes.io/max-replicas';
const HASH = 'pod-template-hash';

/** Resolve an IntOrString against a total (percent: surge rounds up, unavailable down). */
function resolve(v: number | string | undefined, total: number, roundUp: boolean, dflt: string): number {
  const x = v ?? dflt;
  if (typeof x === 'number') return x;
  const m = /^(\d+)%$/.exec(x);
  if (!m) return Number(x) || 0;
  const f = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(f) : Math.floor(f);
}

export function templateHash(template: any, collisionCount = 0): string {
  const t = structuredClone(template ?? {});
  if (t.metadata?.labels) delete t.metadata.labels[HASH];
  return safeEncode(String(fnv32a(stableJson(t) + (collisionCount ? String(collisionCount) : ''))));
}

function sameTemplate(rsTemplate: any, depTemplate: any): boolean {
  const a = structuredClone(rsTemplate ?? {});
  if (a.metadata?.labels) delete a.metadata.labels[HASH];
  return stableJson(a) === stableJson(depTemplate ?? {});
}

const rev = (rs: KObject) => Number(rs.metadata.annotations?.[REVISION] ?? 0);

export class DeploymentController {
  private readonly queue = new WorkQueue('deployment', (k) => this.sync(k));
  private readonly unwatch: (() => void)[] = [];

  constructor(
    private readonly store: Store,
    private readonly recorder: EventRecorder,
  ) {
    this.unwatch.push(store.watch('deployments', {}, (ev) => this.queue.add(nsKey(ev.object.metadata.namespace, ev.object.metadata.name!))));
    this.unwatch.push(
      store.watch('replicasets', {}, (ev) => {
        const ref = controllerOf(ev.object);
        if (ref?.kind === 'Deployment') this.queue.add(nsKey(ev.object.metadata.namespace, ref.name));
      }),
    );
  }

  private sync(key: string): void {
    const [ns, name] = splitKey(key);
    const d = this.store.get('deployments', ns, name);
    if (!d || d.metadata.deletionTimestamp) return;
    const all = this.store.list('replicasets', { namespace: ns }).items.filter((rs) => controllerOf(rs)?.uid === d.metadata.uid);
    let newRS = all.find((rs) => sameTemplate(rs.spec?.template, d.spec?.template));
    const old = all.filter((rs) => rs !== newRS);
    const desired: number = d.spec?.replicas ?? 1;
    const strategy = d.spec?.strategy ?? { type: 'RollingUpdate' };
    const maxSurge = strategy.type === 'RollingUpdate' ? resolve(strategy.rollingUpdate?.maxSurge, desired, true, '25%') : 0;
    let maxUnavailable = strategy.type === 'RollingUpdate' ? resolve(strategy.rollingUpdate?.maxUnavailable, desired, false, '25%') : 0;
    if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
    if (maxUnavailable > desired) maxUnavailable = desired;
    let createdNew: string | undefined;

    if (d.spec?.paused) return this.writeStatus(d, newRS, all, maxUnavailable, undefined);

    const maxOldRev = Math.max(0, ...old.map(rev));
    if (!newRS) {
      const hash = templateHash(d.spec?.template, d.status?.collisionCount ?? 0);
      const tpl = structuredClone(d.spec?.template ?? {});
      tpl.metadata = { ...(tpl.metadata ?? {}), labels: { ...(tpl.metadata?.labels ?? {}), [HASH]: hash } };
      const sel = structuredClone(d.spec?.selector ?? {});
      sel.matchLabels = { ...(sel.matchLabels ?? {}), [HASH]: hash };
      const annotations: Record<string, string> = { [DESIRED]: String(desired), [MAX_REPLICAS]: String(desired + maxSurge), [REVISION]: String(maxOldRev + 1) };
      const cause = d.metadata.annotations?.['kubernetes.io/change-cause'];
      if (cause) annotations['kubernetes.io/change-cause'] = cause;
      const isFirst = all.length === 0;
      const initial = strategy.type === 'Recreate' && old.some((rs) => (rs.spec?.replicas ?? 0) > 0) ? 0 : isFirst ? desired : 0;
      try {
        newRS = this.store.create('replicasets', {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          metadata: { name: `${name}-${hash}`, namespace: ns, labels: { ...(tpl.metadata.labels ?? {}) }, annotations, ownerReferences: [ownerRef(d)] },
          spec: { replicas: initial, minReadySeconds: d.spec?.minReadySeconds ?? 0, selector: sel, template: tpl },
        });
      } catch (err: any) {
        if (err?.code !== 409) throw err;
        // Hash collision with a ReplicaSet we do not own as this template: bump collisionCount.
        this.store.patch('deployments', ns, name, (x) => {
          x.status = { ...(x.status ?? {}), collisionCount: (x.status?.collisionCount ?? 0) + 1 };
        }, { status: true });
        return;
      }
      createdNew = newRS.metadata.name;
      if (initial > 0) this.recorder.event(SOURCE, d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${newRS.metadata.name} from 0 to ${initial}`);
    } else if (rev(newRS) <= maxOldRev || newRS.metadata.annotations?.[DESIRED] !== String(desired)) {
      // Rollback to an old template: it becomes the newest revision.
      const r = rev(newRS) <= maxOldRev ? String(maxOldRev + 1) : String(rev(newRS));
      newRS = this.store.patch('replicasets', ns, newRS.metadata.name!, (x) => {
        x.metadata.annotations = { ...(x.metadata.annotations ?? {}), [REVISION]: r, [DESIRED]: String(desired), [MAX_REPLICAS]: String(desired + maxSurge) };
      });
    }
    if (d.metadata.annotations?.[REVISION] !== newRS.metadata.annotations?.[REVISION]) {
      this.store.patch('deployments', ns, name, (x) => {
        x.metadata.annotations = { ...(x.metadata.annotations ?? {}), [REVISION]: newRS!.metadata.annotations![REVISION]! };
      });
    }

    if (strategy.type === 'Recreate') this.recreate(d, newRS, old, desired);
    else this.rolling(d, newRS, old, desired, maxSurge, maxUnavailable);
    this.cleanup(d, old);
    const fresh = this.store.list('replicasets', { namespace: ns }).items.filter((rs) => controllerOf(rs)?.uid === d.metadata.uid);
    this.writeStatus(d, fresh.find((rs) => rs.metadata.uid === newRS!.metadata.uid), fresh, maxUnavailable, createdNew);
  }

  private scale(d: KObject, rs: KObject, to: number): void {
    const from = rs.spec?.replicas ?? 0;
    if (from === to) return;
    this.store.patch('replicasets', rs.metadata.namespace, rs.metadata.name!, (x) => {
      x.spec.replicas = to;
      x.metadata.annotations = { ...(x.metadata.annotations ?? {}), [DESIRED]: String(d.spec?.replicas ?? 1) };
    });
    this.recorder.event(SOURCE, d, 'Normal', 'ScalingReplicaSet', `Scaled ${to > from ? 'up' : 'down'} replica set ${rs.metadata.name} from ${from} to ${to}`);
  }

  private recreate(d: KObject, newRS: KObject, old: KObject[], desired: number): void {
    let oldRunning = 0;
    for (const rs of old) {
      if ((rs.spec?.replicas ?? 0) > 0) this.scale(d, rs, 0);
      oldRunning += rs.status?.replicas ?? 0;
    }
    if (oldRunning === 0) this.scale(d, newRS, desired);
  }

  private rolling(d: KObject, newRS: KObject, old: KObject[], desired: number, maxSurge: number, maxUnavailable: number): void {
    const specCount = (rs: KObject) => rs.spec?.replicas ?? 0;
    // Scale the new ReplicaSet up within the surge.
    let newReplicas = specCount(newRS);
    if (newReplicas > desired) {
      this.scale(d, newRS, desired);
      newReplicas = desired;
    } else if (newReplicas < desired) {
      const total = newReplicas + old.reduce((s, rs) => s + specCount(rs), 0);
      const up = Math.min(desired + maxSurge - total, desired - newReplicas);
      if (up > 0) {
        this.scale(d, newRS, newReplicas + up);
        newReplicas += up;
      }
    }
    // Scale old ReplicaSets down as far as availability allows.
    const oldActive = old.filter((rs) => specCount(rs) > 0).sort((a, b) => rev(a) - rev(b));
    if (!oldActive.length) return;
    const allPods = newReplicas + oldActive.reduce((s, rs) => s + specCount(rs), 0);
    const minAvailable = desired - maxUnavailable;
    const newUnavailable = newReplicas - (newRS.status?.availableReplicas ?? 0);
    let budget = allPods - minAvailable - newUnavailable;
    if (budget <= 0) return;
    // First the old pods that are not available anyway.
    for (const rs of oldActive) {
      if (budget <= 0) break;
      const unhealthy = specCount(rs) - (rs.status?.availableReplicas ?? 0);
      if (unhealthy <= 0) continue;
      const n = Math.min(budget, unhealthy);
      this.scale(d, rs, specCount(rs) - n);
      budget -= n;
    }
    // Then available ones, keeping minAvailable.
    const fresh = (rs: KObject) => this.store.get('replicasets', rs.metadata.namespace, rs.metadata.name!) ?? rs;
    const availableNow = (newRS.status?.availableReplicas ?? 0) + oldActive.reduce((s, rs) => s + Math.min(fresh(rs).spec?.replicas ?? 0, rs.status?.availableReplicas ?? 0), 0);
    let down = Math.min(budget, availableNow - minAvailable);
    for (const rs of oldActive) {
      if (down <= 0) break;
      const cur = fresh(rs).spec?.replicas ?? 0;
      const n = Math.min(cur, down);
      if (n > 0) this.scale(d, fresh(rs), cur - n);
      down -= n;
    }
  }

  private cleanup(d: KObject, old: KObject[]): void {
    const limit = d.spec?.revisionHistoryLimit ?? 10;
    const idle = old.filter((rs) => (rs.spec?.replicas ?? 0) === 0 && (rs.status?.replicas ?? 0) === 0 && !rs.metadata.deletionTimestamp).sort((a, b) => rev(a) - rev(b));
    for (const rs of idle.slice(0, Math.max(0, idle.length - limit))) {
      try {
        this.store.delete('replicasets', rs.metadata.namespace, rs.metadata.name!);
      } catch {
        /* gone */
      }
    }
  }

  private writeStatus(d: KObject, newRS: KObject | undefined, all: KObject[], maxUnavailable: number, createdNew: string | undefined): void {
    const cur = this.store.get('deployments', d.metadata.namespace, d.metadata.name!);
    if (!cur) return;
    const desired = cur.spec?.replicas ?? 1;
    const sum = (f: (rs: KObject) => number) => all.reduce((s, rs) => s + f(rs), 0);
    const replicas = sum((rs) => rs.status?.replicas ?? 0);
    const updated = newRS?.status?.replicas ?? 0;
    const ready = sum((rs) => rs.status?.readyReplicas ?? 0);
    const available = sum((rs) => rs.status?.availableReplicas ?? 0);
    const now = nowTime();
    const prev = cur.status ?? {};
    let conds: any[] = prev.conditions ?? [];
    const minAvailable = desired - maxUnavailable;
    conds = setCondition(
      conds,
      available >= minAvailable
        ? { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' }
        : { type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.' },
      now,
      { updateTime: true },
    );
    const rsName = newRS?.metadata.name ?? '';
    const complete = updated === desired && replicas === desired && available === desired && (newRS?.status?.availableReplicas ?? 0) === desired;
    const progress = prev.replicas !== replicas || prev.updatedReplicas !== updated || prev.readyReplicas !== ready || prev.availableReplicas !== available;
    const prog = conds.find((c) => c.type === 'Progressing');
    const deadline = cur.spec?.progressDeadlineSeconds ?? 600;
    if (cur.spec?.paused) {
      conds = setCondition(conds, { type: 'Progressing', status: 'Unknown', reason: 'DeploymentPaused', message: 'Deployment is paused' }, now, { updateTime: true });
    } else if (complete) {
      conds = setCondition(conds, { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${rsName}" has successfully progressed.` }, now, { updateTime: true });
    } else if (createdNew) {
      conds = setCondition(conds, { type: 'Progressing', status: 'True', reason: 'NewReplicaSetCreated', message: `Created new replica set "${createdNew}"` }, now, { updateTime: true });
    } else if (progress || !prog || prog.reason === 'NewReplicaSetAvailable' || (prog.reason === 'ProgressDeadlineExceeded' && cur.metadata.generation !== prev.observedGeneration)) {
      const c = { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', message: `ReplicaSet "${rsName}" is progressing.` };
      conds = setCondition(conds, c, now);
      const i = conds.findIndex((x) => x.type === 'Progressing');
      conds[i] = { ...conds[i], lastUpdateTime: now };
    } else if (prog.reason !== 'ProgressDeadlineExceeded') {
      const since = Date.parse(prog.lastUpdateTime ?? now);
      const left = since + deadline * 1000 - Date.now();
      if (left <= 0) {
        conds = setCondition(conds, { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: `ReplicaSet "${rsName}" has timed out progressing.` }, now, { updateTime: true });
        this.recorder.event(SOURCE, cur, 'Warning', 'ProgressDeadlineExceeded', `Deployment "${cur.metadata.name}" has timed out progressing.`);
      }
    }
    const p = conds.find((c) => c.type === 'Progressing');
    if (!complete && p && p.reason !== 'ProgressDeadlineExceeded' && !cur.spec?.paused) {
      this.queue.after(nsKey(cur.metadata.namespace, cur.metadata.name!), Date.parse(p.lastUpdateTime) + deadline * 1000 - Date.now() + 1000);
    }
    // Progressing first, Available second — as kubectl describe shows them.
    conds.sort((a, b) => (a.type === 'Available' ? 0 : 1) - (b.type === 'Available' ? 0 : 1));
    const status: any = {
      observedGeneration: cur.metadata.generation,
      replicas,
      updatedReplicas: updated,
      readyReplicas: ready,
      availableReplicas: available,
      conditions: conds,
    };
    if (desired - available > 0) status.unavailableReplicas = desired - available;
    if (prev.collisionCount) status.collisionCount = prev.collisionCount;
    for (const k of ['replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas'] as const) if (status[k] === 0) delete status[k];
    this.store.patch('deployments', cur.metadata.namespace, cur.metadata.name!, (x) => {
      x.status = status;
    }, { status: true });
  }

  stop(): void {
    this.unwatch.forEach((u) => u());
    this.queue.stop();
  }
}
