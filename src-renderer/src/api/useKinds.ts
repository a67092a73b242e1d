import type { KindInfo } from '../../../src-main/contract/types';
import type { ClientError } from '../../../src-main/contract/client';
import { useLatest } from './hooks';

/** The context's resource kinds, live: a CRD added or removed in the cluster updates the list. */
export function useKinds(context: string | undefined): { data?: KindInfo[]; error?: ClientError } {
  const { value, error } = useLatest('resources.kindsWatch', { context: context ?? '' }, undefined, !context);
  return { ...(value ? { data: value } : {}), ...(error ? { error } : {}) };
}
