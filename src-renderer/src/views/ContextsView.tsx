import { connectionLabels, useClusterConnection } from '../app/connection';
import { useContexts } from '../app/contexts';
import { useRoute } from '../app/route';

export function ContextsView() {
  const { snapshot, error, selected } = useContexts();
  const { setParams } = useRoute();
  const connection = useClusterConnection(selected);
  if (error) return <div className="notice error">Cannot read kubeconfig contexts: {error.message}</div>;
  if (!snapshot) return <div className="notice">Reading kubeconfig…</div>;
  const brokenFiles = snapshot.files.filter((f) => f.error);
  return (
    <section className="view">
      <header className="view-header">
        <h1>Contexts</h1>
        <span className="muted">{snapshot.contexts.length} from {snapshot.files.filter((f) => f.exists).length} kubeconfig file(s)</span>
      </header>
      {snapshot.missing && (
        <div className="notice warn" role="status" data-testid="kubeconfig-missing">
          {snapshot.missing}
        </div>
      )}
      {connection && (
        <div className={`notice connection-panel ${connection.state === 'connected' ? '' : connection.state === 'connecting' ? '' : 'error'}`} data-testid="connection-panel" data-state={connection.state}>
          <h2>
            {connection.context}: {connectionLabels[connection.state]}
            {connection.version ? ` — Kubernetes ${connection.version}` : ''}
          </h2>
          {connection.server && <div className="mono muted">{connection.server}</div>}
          {connection.message && <div>{connection.message}</div>}
          {connection.retryInMs !== undefined && <div className="muted">Retrying in {Math.round(connection.retryInMs / 1000)} s.</div>}
        </div>
      )}
      {brokenFiles.map((f) => (
        <div key={f.path} className="notice error" role="alert" data-testid="kubeconfig-error">
          <pre>{f.error}</pre>
        </div>
      ))}
      {snapshot.contexts.length > 0 && (
        <table className="grid" data-testid="contexts-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Cluster</th>
              <th>Server</th>
              <th>User</th>
              <th>Namespace</th>
              <th>Defined in</th>
            </tr>
          </thead>
          <tbody>
            {snapshot.contexts.map((c) => (
              <tr
                key={c.name}
                className={c.name === selected ? 'selected' : undefined}
                aria-selected={c.name === selected}
                onClick={() => setParams({ ctx: c.name })}
              >
                <td>
                  <span className="name">{c.name}</span>
                  {c.name === snapshot.currentContext && <span className="badge">current</span>}
                  {c.error && (
                    <div className="cell-error" title={c.error}>
                      {c.error}
                    </div>
                  )}
                </td>
                <td>{c.cluster || <span className="muted">none</span>}</td>
                <td className="mono">{c.server ?? <span className="muted">unknown</span>}</td>
                <td>{c.user || <span className="muted">none</span>}</td>
                <td>{c.namespace}</td>
                <td className="mono muted">{c.file}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <details className="files">
        <summary>Kubeconfig files read</summary>
        <ul>
          {snapshot.files.map((f) => (
            <li key={f.path} className="mono">
              {f.path} — {f.error ? 'has problems' : f.exists ? 'read' : 'does not exist (skipped)'}
            </li>
          ))}
        </ul>
      </details>
    </section>
  );
}
