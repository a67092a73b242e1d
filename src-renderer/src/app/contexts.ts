import type { ContextsSnapshot } from '../../../src-main/contract/types';
import { useLatest } from '../api/hooks';
import { useRoute } from './route';

/** The kubeconfig contexts, live; and which one is selected (URL ?ctx=, else current-context). */
export function useContexts() {
  const { value, error } = useLatest('contexts.watch', undefined, 'contexts.list');
  const { params } = useRoute();
  const selected = selectContext(value, params.get('ctx') ?? undefined);
  return { snapshot: value, error, selected };
}

export function selectContext(snapshot: ContextsSnapshot | undefined, requested: string | undefined): string | undefined {
  if (!snapshot) return requested;
  const names = new Set(snapshot.contexts.map((c) => c.name));
  if (requested && names.has(requested)) return requested;
  if (snapshot.currentContext && names.has(snapshot.currentContext)) return snapshot.currentContext;
  return snapshot.contexts[0]?.name;
}
