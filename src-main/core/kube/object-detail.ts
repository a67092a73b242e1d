// Builds the detail of one object from the watch cache: its conditions, containers (probes,
// restarts, last termination), owner chain, owned objects and events, recomputed (coalesced)
// whenever any of them changes.
import type { ContainerDetail, EventSummary, KindInfo, ObjectDetail, ObjectRef } from '../../contract/types';
import type { CacheHandle } from './cache/cache';
import type { KubeObject } from './cache/types';
import { healthOf } from './kinds/health';
import { kindInfos } from './kinds/kinds';
import type { ContainerStatus } from './kinds/pod-status';

const infos = kindInfos();
const infoByKind = new Map(infos.map((k) => [k.kind, k]));

/** Secret values never leave the backend unless revealed. */
export function maskSecret(obj: KubeObject): KubeObject {
  const mask = (data: unknown) => (data && typeof data === 'object' ? Object.fromEntries(Object.keys(data).map((k) => [k, '••••••'])) : data);
  const copy: KubeObject = { ...obj };
  if ('data' in obj) copy.data = mask(obj.data);
  if ('stringData' in obj) copy.stringData = mask(obj.stringData);
  return copy;
}

function probeSummary(p: Record<string, unknown>): string {
  const http = p.httpGet as { path?: string; port?: unknown } | undefined;
  const tcp = p.tcpSocket as { port?: unknown } | undefined;
  const exec = p.exec as { command?: string[] } | undefined;
  const how = http ? `http-get :${String(http.port)}${http.path ?? '/'}` : tcp ? `tcp-socket :${String(tcp.port)}` : exec ? `exec ${(exec.command ?? []).join(' ')}` : p.grpc ? 'grpc' : 'unknown';
  return `${how} delay=${p.initialDelaySeconds ?? 0}s timeout=${p.timeoutSeconds ?? 1}s period=${p.periodSeconds ?? 10}s #success=${p.successThreshold ?? 1} #failure=${p.failureThreshold ?? 3}`;
}

function stateText(s: ContainerStatus['state']): { state: string; detail?: string } {
  if (s?.running) return { state: 'Running', detail: s.running.startedAt ? `since ${s.running.startedAt}` : undefined };
  if (s?.waiting) return { state: `Waiting: ${s.waiting.reason ?? ''}`.trim(), detail: s.waiting.message };
  if (s?.terminated) return { state: `Terminated: ${s.terminated.reason ?? `exit ${s.terminated.exitCode}`}`, detail: s.terminated.message };
  return { state: 'Unknown' };
}

export function containersOf(pod: KubeObject, events: EventSummary[]): ContainerDetail[] {
  const spec = (pod.spec ?? {}) as { containers?: Array<Record<string, unknown>>; initContainers?: Array<Record<string, unknown>> };
  const status = (pod.status ?? {}) as { containerStatuses?: ContainerStatus[]; initContainerStatuses?: ContainerStatus[] };
  const build = (c: Record<string, unknown>, init: boolean): ContainerDetail => {
    const name = String(c.name);
    const st = (init ? status.initContainerStatuses : status.containerStatuses)?.find((s) => s.name === name);
    const { state, detail } = stateText(st?.state);
    const last = st?.lastState?.terminated;
    const resources = (c.resources ?? {}) as { requests?: Record<string, string>; limits?: Record<string, string> };
    // The kubelet reports probe failures only as Unhealthy events; the latest one per probe kind is its last result.
    const lastResult = (kind: string) => events.find((e) => e.reason === 'Unhealthy' && e.message.toLowerCase().startsWith(kind) && e.message.includes(name))?.message;
    const probes: ContainerDetail['probes'] = [];
    for (const kind of ['liveness', 'readiness', 'startup'] as const) {
      const p = c[`${kind}Probe`] as Record<string, unknown> | undefined;
      if (p) {
        const result = lastResult(kind);
        probes.push({ kind, summary: probeSummary(p), ...(result ? { lastResult: result } : {}) });
      }
    }
    return {
      name,
      init,
      image: String(c.image ?? ''),
      ready: st?.ready ?? false,
      restartCount: st?.restartCount ?? 0,
      state,
      ...(detail ? { stateDetail: detail } : {}),
      ...(last ? { lastTermination: { reason: last.reason ?? `exit ${last.exitCode}`, exitCode: last.exitCode, finishedAt: last.finishedAt, message: last.message } } : {}),
      probes,
      ...(resources.requests ? { requests: resources.requests } : {}),
      ...(resources.limits ? { limits: resources.limits } : {}),
    };
  };
  return [...(spec.initContainers ?? []).map((c) => build(c, true)), ...(spec.containers ?? []).map((c) => build(c, false))];
}

export function eventSummaries(events: KubeObject[]): EventSummary[] {
  return events
    .map((e) => {
      const ev = e as KubeObject & { type?: string; reason?: string; message?: string; count?: number; lastTimestamp?: string; eventTime?: string; source?: { component?: string }; reportingComponent?: string };
      return {
        type: ev.type ?? 'Normal',
        reason: ev.reason ?? '',
        message: ev.message ?? '',
        count: ev.count ?? 1,
        lastSeen: ev.lastTimestamp ?? ev.eventTime ?? ev.metadata.creationTimestamp ?? null,
        source: ev.source?.component ?? ev.reportingComponent,
      };
    })
    .sort((a, b) => String(b.lastSeen).localeCompare(String(a.lastSeen)));
}

export function refOf(o: KubeObject, kindName = o.kind ?? ''): ObjectRef {
  const info = infoByKind.get(kindName);
  const ref: ObjectRef = { kind: kindName, name: o.metadata.name ?? '', uid: o.metadata.uid };
  if (o.metadata.namespace) ref.namespace = o.metadata.namespace;
  if (info) ref.kindId = info.id;
  const health = healthOf(kindName, o);
  if (health) ref.health = health;
  return ref;
}

export interface DetailSources {
  target: CacheHandle;
  events: CacheHandle;
  /** Stores of kinds that can own or be owned (replicasets, pods, deployments...). */
  related: Map<string, CacheHandle>;
}

/** `full` replaces the cached object when the cache keeps a slimmed copy of this kind. */
export function buildDetail(kind: KindInfo, namespace: string | undefined, name: string, sources: DetailSources, reveal: boolean, full?: KubeObject): ObjectDetail {
  const cached = sources.target.store.getByName(namespace, name);
  const obj = cached && full?.metadata.uid === cached.metadata.uid ? full : cached;
  const base: ObjectDetail = { kind, object: null, conditions: [], containers: [], owners: [], owned: [], events: [], revealed: reveal };
  if (!obj) return { ...base, gone: true };
  const uid = obj.metadata.uid ?? '';
  const events = eventSummaries(sources.events.store.byIndex('involved', uid));

  // Owner chain: follow controller references upwards through the stores we hold.
  const owners: ObjectRef[] = [];
  let current: KubeObject | undefined = obj;
  for (let depth = 0; current && depth < 5; depth++) {
    const ref: { uid: string; kind?: string; name?: string } | undefined = current.metadata.ownerReferences?.find((r) => r.controller) ?? current.metadata.ownerReferences?.[0];
    if (!ref) break;
    const ownerInfo: KindInfo | undefined = ref.kind ? infoByKind.get(ref.kind) : undefined;
    const store: CacheHandle['store'] | undefined = ownerInfo ? sources.related.get(ownerInfo.id)?.store : undefined;
    const owner: KubeObject | undefined = store ? (store.get(ref.uid) ?? store.getByName(current.metadata.namespace, ref.name ?? '')) : undefined;
    owners.push(owner ? refOf(owner, ref.kind) : { kind: ref.kind ?? 'Unknown', name: ref.name ?? '', uid: ref.uid, ...(current.metadata.namespace ? { namespace: current.metadata.namespace } : {}), ...(ownerInfo ? { kindId: ownerInfo.id } : {}) });
    current = owner;
  }

  const owned: ObjectRef[] = [];
  for (const [id, handle] of sources.related) {
    const info = infos.find((k) => k.id === id)!;
    for (const child of handle.store.byIndex('owner', uid)) owned.push(refOf(child, info.kind));
  }
  owned.sort((a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name));

  const conditions = (((obj.status as { conditions?: ObjectDetail['conditions'] } | undefined)?.conditions ?? []) as ObjectDetail['conditions']).map((c) => ({ ...c }));
  const detail: ObjectDetail = {
    ...base,
    object: kind.kind === 'Secret' && !reveal ? maskSecret(obj) : obj,
    conditions,
    containers: kind.kind === 'Pod' ? containersOf(obj, events) : [],
    owners,
    owned,
    events,
  };
  const health = healthOf(kind.kind, obj);
  if (health) detail.health = health;
  return detail;
}
