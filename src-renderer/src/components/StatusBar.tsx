import { useConnectionState } from '../api/hooks';
import { transportKind } from '../api/client';

const labels = { connecting: 'Connecting to backend…', open: 'Backend connected', reconnecting: 'Backend unreachable, reconnecting', closed: 'Backend closed' };

export function StatusBar({ context, namespace }: { context?: string; namespace?: string }) {
  const { state, detail } = useConnectionState();
  return (
    <footer className="statusbar" data-testid="statusbar">
      <span className={`dot ${state}`} aria-hidden />
      <span data-testid="connection-state" data-state={state}>
        {labels[state]}
        {detail && state !== 'open' ? ` (${detail})` : ''}
      </span>
      <span className="muted">via {transportKind}</span>
      <span className="spacer" />
      <span className="muted">context</span> <span>{context ?? 'none'}</span>
      <span className="muted">namespace</span> <span>{namespace ?? 'all'}</span>
    </footer>
  );
}
