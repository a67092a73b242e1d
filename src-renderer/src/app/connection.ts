import type { ClusterConnection } from '../../../src-main/contract/types';
import { useLatest } from '../api/hooks';

/** The selected context's connection state, live. */
export function useClusterConnection(context: string | undefined): ClusterConnection | undefined {
  const { value } = useLatest('cluster.connection', { context: context ?? '' }, undefined, !context);
  return context ? value : undefined;
}

export const connectionLabels: Record<ClusterConnection['state'], string> = {
  connecting: 'Connecting',
  connected: 'Connected',
  unreachable: 'Unreachable',
  tls: 'TLS failure',
  unauthorized: 'Credentials rejected (401)',
  forbidden: 'Forbidden (403)',
  'config-error': 'Kubeconfig problem',
  error: 'Error',
};
