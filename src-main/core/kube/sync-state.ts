import type { SyncState } from '../../contract/types';
import type { ReflectorState } from './cache/reflector';

/** The reflector's state as the renderer shows it. */
export function toSyncState(s: ReflectorState, now = Date.now()): SyncState {
  switch (s.phase) {
    case 'listing':
      return { phase: 'listing', synced: s.synced, count: s.listed };
    case 'synced':
      return { phase: 'synced', synced: true, count: s.count };
    case 'watching':
      return { phase: 'watching', synced: true };
    case 'backoff':
      return { phase: 'backoff', synced: s.synced, message: s.error.message, retryInMs: Math.max(0, s.retryAt - now) };
    case 'forbidden':
      return { phase: 'forbidden', synced: s.synced, message: s.error.message, verb: s.verb, resource: s.resource, namespace: s.namespace, retryInMs: Math.max(0, s.retryAt - now) };
    case 'stopped':
      return { phase: 'stopped', synced: s.synced };
  }
}
