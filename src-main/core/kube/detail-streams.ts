// resources.detail: one object's detail, pushed again (coalesced) whenever the object, its
// events, its owners or the objects it owns change.
import { ContractError } from '../../contract/errors';
import type { StreamSink } from '../../contract/server';
import type { ObjectDetail } from '../../contract/types';
import type { CacheHandle } from './cache/cache';
import type { ClusterCaches } from './clusters';
import { findKind, kindInfo } from './kinds/kinds';
import { apiPath, type KubeObject } from './cache/types';
import { slimKinds } from './kinds/slim';
import { buildDetail } from './object-detail';
import type { KindResolver } from './resource-views';

/** Kinds that own or are owned by workloads: watched to draw the owner chain and children. */
const relatedKinds = ['deployments', 'replicasets', 'statefulsets', 'daemonsets', 'jobs', 'cronjobs', 'pods'];

export async function streamDetail(
  caches: ClusterCaches,
  req: { context: string; kind: string; namespace?: string; name: string; reveal: boolean },
  sink: StreamSink<ObjectDetail>,
  resolveKind: KindResolver = async (_context, id) => findKind(id),
): Promise<void> {
  const kind = findKind(req.kind) ?? (await resolveKind(req.context, req.kind));
  if (!kind) throw new ContractError('NOT_FOUND', `unknown resource kind "${req.kind}"`);
  const info = kindInfo(kind);
  const handles: CacheHandle[] = [];
  const release = () => handles.forEach((h) => h.release());
  try {
    const target = await caches.acquire(req.context, kind);
    handles.push(target);
    const events = await caches.acquire(req.context, findKind('events')!);
    handles.push(events);
    const related = new Map<string, CacheHandle>();
    // Pods own nothing, so a pod's page needs only the kinds above it.
    for (const id of relatedKinds) {
      const h = id === kind.id ? target : await caches.acquire(req.context, findKind(id)!);
      if (h !== target) handles.push(h);
      related.set(id, h);
    }
    if (sink.signal.aborted) return release();
    await target.synced(sink.signal);
    await Promise.all(handles.map((h) => h.synced(sink.signal).catch(() => undefined)));

    let timer: ReturnType<typeof setTimeout> | undefined;
    // The cache holds slimmed pods, and only the metadata of kinds listed that way: the page
    // shows the full object, re-read when it changes.
    let full: KubeObject | undefined;
    const partial = !!slimKinds[kind.id] || kind.serverTable === 'metadata';
    const refreshFull = async (): Promise<void> => {
      const cached = target.store.getByName(req.namespace, req.name);
      if (!partial || !cached || cached.metadata.resourceVersion === full?.metadata.resourceVersion) return;
      const path = `${apiPath({ group: kind.group, version: kind.version, resource: kind.resource, ...(req.namespace ? { namespace: req.namespace } : {}) })}/${encodeURIComponent(req.name)}`;
      full = await (await caches.client(req.context))
        .json<KubeObject>({ path, signal: sink.signal, intent: { verb: 'get', resource: kind.resource, namespace: req.namespace, name: req.name } })
        .catch(() => full); // deleted or unreachable meanwhile: the cache says which
    };
    const publish = () => {
      timer = undefined;
      void refreshFull().then(() => {
        if (!sink.signal.aborted) sink.push(buildDetail(info, req.namespace, req.name, { target, events, related }, req.reveal, full));
      });
    };
    const schedule = () => (timer ??= setTimeout(publish, 50));
    const unsubscribes = handles.map((h) => h.store.subscribe(schedule));
    publish();
    sink.signal.addEventListener('abort', () => {
      clearTimeout(timer);
      unsubscribes.forEach((u) => u());
      release();
    });
  } catch (err) {
    release();
    if (sink.signal.aborted) return;
    throw err instanceof ContractError ? err : new ContractError('UNAVAILABLE', (err as Error).message);
  }
}
