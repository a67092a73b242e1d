// events.k8s.io/v1 is a view of the core v1 Events in storage, converted both ways as
// kube-apiserver's conversion functions do.
import type { KObject } from './store';

const cache = new WeakMap<KObject, KObject>();

export function coreToEventsV1(e: KObject): KObject {
  const hit = cache.get(e);
  if (hit) return hit;
  const out: KObject = { apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: e.metadata };
  // eventTime is required in events.k8s.io/v1; legacy events (kubelet-style) have none, so the
  // first timestamp stands in (kube would print null, which the schema rejects).
  const legacy = e.firstTimestamp ?? e.metadata.creationTimestamp;
  out.eventTime = e.eventTime ?? (legacy ? String(legacy).replace(/Z$/, '.000000Z') : null);
  if (e.series) out.series = { count: e.series.count, lastObservedTime: e.series.lastObservedTime };
  if (e.reportingComponent) out.reportingController = e.reportingComponent;
  if (e.reportingInstance) out.reportingInstance = e.reportingInstance;
  if (e.action) out.action = e.action;
  if (e.reason) out.reason = e.reason;
  if (e.involvedObject) out.regarding = e.involvedObject;
  if (e.related) out.related = e.related;
  if (e.message) out.note = e.message;
  if (e.type) out.type = e.type;
  if (e.source && (e.source.component || e.source.host)) out.deprecatedSource = e.source;
  if (e.firstTimestamp) out.deprecatedFirstTimestamp = e.firstTimestamp;
  if (e.lastTimestamp) out.deprecatedLastTimestamp = e.lastTimestamp;
  if (e.count) out.deprecatedCount = e.count;
  cache.set(e, out);
  return out;
}

export function eventsV1ToCore(e: KObject): KObject {
  const out: KObject = { apiVersion: 'v1', kind: 'Event', metadata: e.metadata };
  out.involvedObject = e.regarding ?? {};
  if (e.related) out.related = e.related;
  if (e.reason) out.reason = e.reason;
  if (e.note) out.message = e.note;
  if (e.type) out.type = e.type;
  if (e.action) out.action = e.action;
  if (e.eventTime) out.eventTime = e.eventTime;
  if (e.series) out.series = e.series;
  if (e.reportingController) out.reportingComponent = e.reportingController;
  if (e.reportingInstance) out.reportingInstance = e.reportingInstance;
  out.source = e.deprecatedSource ?? (e.reportingController ? { component: e.reportingController } : {});
  if (e.deprecatedFirstTimestamp) out.firstTimestamp = e.deprecatedFirstTimestamp;
  if (e.deprecatedLastTimestamp) out.lastTimestamp = e.deprecatedLastTimestamp;
  if (e.deprecatedCount) out.count = e.deprecatedCount;
  return out;
}
