import { useConnectionState } from '../api/hooks';
import { transportKind } from '../api/client';
import { connectionLabels, useClusterConnection } from '../app/connection';

const labels = { connecting: 'Connecting to backend…', open: 'Backend connected', reconnecting: 'Backend unreachable, reconnecting', closed: 'Backend closed' };

export function StatusBar({ context, namespace }: { context?: string; namespace?: string }) {
  const { state, detail } = useConnectionState();
  const cluster = useClusterConnection(state === 'open' ? context : undefined);
  return (
    <footer className="statusbar" data-testid="statusbar">
      <span className={`dot ${state}`} aria-hidden />
      <span data-testid="connection-state" data-state={state}>
        {labels[state]}
        {detail && state !== 'open' ? ` (${detail})` : ''}
      </span>
      <span className="muted">via {transportKind}</span>
      <span className="spacer" />
      {cluster && (
        <span className="cluster-state" data-testid="cluster-state" data-state={cluster.state} title={cluster.message ?? cluster.server}>
          <span className={`dot cluster-${cluster.state}`} aria-hidden /> {connectionLabels[cluster.state]}
          {cluster.version ? ` · ${cluster.version}` : ''}
        </span>
      )}
      <span className="muted">context</span> <span>{context ?? 'none'}</span>
      <span className="muted">namespace</span> <span>{namespace ?? 'all'}</span>
    </footer>
  );
}
