// Core v1 Events the way client-go's event recorder writes them: name `<object>.<hex nanos>`,
// identical events (same source, object, type, reason, message) folded into one whose count and
// lastTimestamp grow. Events older than an hour are removed, like the API server's event TTL.
import type { KObject, Store } from '../apiserver/store';
import { nowTime } from './util';

export interface EventSource {
  component: string;
  host?: string;
}

interface Seen {
  namespace: string;
  name: string;
  count: number;
}

const TTL_MS = 60 * 60_000;
const MAX_CACHE = 4096;

export class EventRecorder {
  private readonly cache = new Map<string, Seen>();
  private seq = 0;
  private gcTimer: NodeJS.Timeout;

  constructor(private readonly store: Store) {
    this.gcTimer = setInterval(() => this.gc(), 5 * 60_000);
    this.gcTimer.unref?.();
  }

  /** Record an event about `obj`. `fieldPath` e.g. `spec.containers{web}`. */
  event(source: EventSource, obj: KObject, type: 'Normal' | 'Warning', reason: string, message: string, fieldPath?: string): void {
    const m = obj.metadata;
    const namespace = m.namespace || 'default';
    const involved: any = { kind: obj.kind, namespace: m.namespace ?? (obj.kind === 'Node' ? undefined : namespace), name: m.name, uid: m.uid, apiVersion: obj.apiVersion, resourceVersion: m.resourceVersion };
    if (!involved.namespace) delete involved.namespace;
    if (fieldPath) involved.fieldPath = fieldPath;
    const key = [source.component, source.host ?? '', obj.kind, namespace, m.name, m.uid, fieldPath ?? '', type, reason, message].join('\u0000');
    const now = nowTime();
    const seen = this.cache.get(key);
    if (seen) {
      try {
        this.store.patch('events', seen.namespace, seen.name, (d) => {
          d.count = (d.count ?? 1) + 1;
          d.lastTimestamp = now;
          d.involvedObject = { ...d.involvedObject, resourceVersion: m.resourceVersion };
        });
        seen.count++;
        this.cache.delete(key);
        this.cache.set(key, seen);
        return;
      } catch {
        this.cache.delete(key);
      }
    }
    const nanos = BigInt(Date.now()) * 1_000_000n + BigInt(this.seq++ % 1_000_000);
    const name = `${m.name}.${nanos.toString(16)}`;
    try {
      this.store.create('events', {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name, namespace },
        involvedObject: involved,
        reason,
        message,
        source: { component: source.component, ...(source.host ? { host: source.host } : {}) },
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
        type,
        eventTime: null,
        reportingComponent: source.component,
        reportingInstance: source.host ?? '',
      });
    } catch {
      return; // namespace going away
    }
    this.cache.set(key, { namespace, name, count: 1 });
    if (this.cache.size > MAX_CACHE) this.cache.delete(this.cache.keys().next().value!);
  }

  private gc(): void {
    const cutoff = Date.now() - TTL_MS;
    for (const e of this.store.list('events').items) {
      const t = Date.parse(e.lastTimestamp ?? e.metadata.creationTimestamp ?? '');
      if (t && t < cutoff) {
        try {
          this.store.delete('events', e.metadata.namespace, e.metadata.name!);
        } catch {
          /* already gone */
        }
      }
    }
  }

  stop(): void {
    clearInterval(this.gcTimer);
  }
}
