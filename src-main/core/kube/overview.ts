// The overview of one context, recomputed at most once a second while the page is open, from
// the watch cache (nodes, namespaces, pods, workloads, events) and metrics.k8s.io (polled at
// metrics-server's 15 s resolution).
import type { ClusterOverview, HealthCounts, ObjectRef } from '../../contract/types';
import type { StreamSink } from '../../contract/server';
import { ContractError } from '../../contract/errors';
import type { CacheHandle } from './cache/cache';
import type { KubeObject } from './cache/types';
import type { ClusterCaches } from './clusters';
import type { ConnectionManager } from './connections';
import { healthOf } from './kinds/health';
import { findKind } from './kinds/kinds';
import type { ContainerStatus } from './kinds/pod-status';
import { eventSummaries, refOf } from './object-detail';
import { parseQuantity } from './quantity';

const workloadKinds = ['deployments', 'statefulsets', 'daemonsets', 'jobs'];
const severity = { failing: 0, degraded: 1, unknown: 2, ok: 3 };
const hour = 3600_000;

const zero = (): HealthCounts => ({ ok: 0, degraded: 0, failing: 0, unknown: 0 });

export function summarize(handles: Map<string, CacheHandle>, namespace: string | undefined, now = Date.now()): Omit<ClusterOverview, 'usage' | 'usageError'> {
  const inScope = (o: KubeObject) => !namespace || o.metadata.namespace === namespace;
  const nodes = [...handles.get('nodes')!.store.list()];
  const workloads = workloadKinds.map((id) => {
    const kind = findKind(id)!;
    const counts = zero();
    for (const o of handles.get(id)!.store.list()) if (inScope(o)) counts[healthOf(kind.kind, o)?.level ?? 'unknown']++;
    return { kind: kind.kind, kindId: id, counts };
  });
  const pods = { ...zero(), total: 0 };
  const notReady: ObjectRef[] = [];
  const recentRestarts: ClusterOverview['recentRestarts'] = [];
  for (const pod of handles.get('pods')!.store.list()) {
    if (!inScope(pod)) continue;
    const ref = refOf(pod, 'Pod');
    const level = ref.health?.level ?? 'unknown';
    pods.total++;
    pods[level]++;
    if (level !== 'ok' && (pod.status as { phase?: string } | undefined)?.phase !== 'Succeeded') notReady.push(ref);
    for (const c of ((pod.status as { containerStatuses?: ContainerStatus[] } | undefined)?.containerStatuses ?? [])) {
      const last = c.lastState?.terminated;
      if (c.restartCount && last?.finishedAt && now - Date.parse(last.finishedAt) < hour) {
        recentRestarts.push({ ...ref, container: c.name, restarts: c.restartCount, reason: last.reason ?? `exit ${last.exitCode}`, at: last.finishedAt });
      }
    }
  }
  notReady.sort((a, b) => severity[a.health?.level ?? 'unknown'] - severity[b.health?.level ?? 'unknown'] || a.name.localeCompare(b.name));
  recentRestarts.sort((a, b) => b.at.localeCompare(a.at));
  const warningEvents = [...handles.get('events')!.store.list()].filter((e) => inScope(e) && (e as { type?: string }).type === 'Warning');
  const warnings = eventSummaries(warningEvents)
    .slice(0, 20)
    .map((summary) => {
      const e = warningEvents.find((w) => (w as { message?: string }).message === summary.message && (w as { reason?: string }).reason === summary.reason);
      const involved = (e as { involvedObject?: { kind?: string; name?: string } } | undefined)?.involvedObject;
      return { ...summary, object: `${(involved?.kind ?? '').toLowerCase()}/${involved?.name ?? ''}` };
    });
  const loading = [...handles.entries()].filter(([, h]) => !h.state().synced).map(([id]) => id);
  return {
    nodes: { total: nodes.length, ready: nodes.filter((n) => healthOf('Node', n)?.level !== 'failing').length },
    namespaces: handles.get('namespaces')!.store.size,
    workloads,
    pods,
    notReady: notReady.slice(0, 50),
    recentRestarts: recentRestarts.slice(0, 50),
    warnings,
    loading,
  };
}

function allocatable(nodes: Iterable<KubeObject>) {
  let cpu = 0;
  let memory = 0;
  for (const n of nodes) {
    const a = (n.status as { allocatable?: Record<string, string> } | undefined)?.allocatable ?? {};
    cpu += parseQuantity(a.cpu) || 0;
    memory += parseQuantity(a.memory) || 0;
  }
  return { cpu, memory };
}

export async function streamOverview(caches: ClusterCaches, connections: ConnectionManager, req: { context: string; namespace?: string }, sink: StreamSink<ClusterOverview>) {
  const handles = new Map<string, CacheHandle>();
  try {
    for (const id of ['nodes', 'namespaces', 'pods', 'events', ...workloadKinds]) handles.set(id, await caches.acquire(req.context, findKind(id)!));
  } catch (err) {
    handles.forEach((h) => h.release());
    throw new ContractError('UNAVAILABLE', (err as Error).message);
  }
  let usage: ClusterOverview['usage'];
  let usageError: string | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const publish = () => {
    timer = undefined;
    sink.push({ ...summarize(handles, req.namespace), ...(usage ? { usage } : {}), ...(usageError ? { usageError } : {}) });
  };
  const schedule = () => (timer ??= setTimeout(publish, 1000));

  const pollUsage = async () => {
    try {
      const client = await connections.client(req.context);
      const path = req.namespace ? `/apis/metrics.k8s.io/v1beta1/namespaces/${encodeURIComponent(req.namespace)}/pods` : '/apis/metrics.k8s.io/v1beta1/nodes';
      const list = await client.json<{ items: Array<{ usage?: Record<string, string>; containers?: Array<{ usage?: Record<string, string> }>; timestamp?: string }> }>({
        path,
        timeoutMs: 10_000,
        intent: { verb: 'list', resource: req.namespace ? 'pods.metrics.k8s.io' : 'nodes.metrics.k8s.io', namespace: req.namespace },
        signal: sink.signal,
      });
      let cpu = 0;
      let memory = 0;
      for (const item of list.items) {
        for (const u of item.usage ? [item.usage] : (item.containers ?? []).map((c) => c.usage ?? {})) {
          cpu += parseQuantity(u.cpu) || 0;
          memory += parseQuantity(u.memory) || 0;
        }
      }
      const alloc = allocatable(handles.get('nodes')!.store.list());
      usage = { cpuCores: cpu, cpuAllocatable: alloc.cpu, memoryBytes: memory, memoryAllocatable: alloc.memory, at: list.items[0]?.timestamp ?? new Date().toISOString() };
      usageError = undefined;
    } catch (err) {
      if (sink.signal.aborted) return;
      usage = undefined;
      usageError = /404/.test((err as Error).message) ? 'metrics.k8s.io is not served: install metrics-server to see usage' : (err as Error).message;
    }
    schedule();
  };
  void pollUsage();
  const poller = setInterval(() => void pollUsage(), 15_000);
  const unsubscribes = [...handles.values()].map((h) => [h.store.subscribe(schedule), h.onState(schedule)]).flat();
  publish();
  sink.signal.addEventListener('abort', () => {
    clearInterval(poller);
    clearTimeout(timer);
    unsubscribes.forEach((u) => u());
    handles.forEach((h) => h.release());
  });
}
