// How Orrery found the context's Prometheus: every candidate with how it was found, whether it
// answered (targets, version, latency) or why it was rejected (RBAC on services/proxy named as
// such), the one in use and why; the user picks among several, or names a Service or URL.
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { Api } from '../../../../src-main/contract/api';
import type { ClientError } from '../../../../src-main/contract/client';
import type { InputOf } from '../../../../src-main/contract/define';
import type { PrometheusCandidate, PrometheusDiscovery } from '../../../../src-main/contract/metrics-types';
import { client } from '../../api/client';
import { useCall } from '../../api/hooks';
import { useContexts } from '../../app/contexts';
import { candidateLabel, parseManualChoice } from './prometheus-label';
import './metrics.css';

const selectionText: Record<PrometheusDiscovery['selection'], string> = {
  user: 'your pick',
  manual: 'your manual setting',
  only: 'the only one that answers',
  ranked: 'the best ranked of several',
  none: 'none',
};

const rejectionText: Record<NonNullable<PrometheusCandidate['rejection']>, string> = {
  'no-endpoints': 'no ready endpoints',
  forbidden: 'forbidden (RBAC)',
  'not-found': 'not found',
  'not-prometheus': 'not a Prometheus API',
  timeout: 'timed out',
  unreachable: 'unreachable',
  error: 'error',
};

export function PrometheusView() {
  const { selected: context } = useContexts();
  const queryClient = useQueryClient();
  const discovery = useCall('prometheus.discover', context ? { context } : undefined);
  const [busy, setBusy] = useState<string>();
  const [manual, setManual] = useState('');
  const [problem, setProblem] = useState<string>();

  if (!context) return <div className="notice warn">Pick a context first (Contexts page).</div>;

  const apply = async (what: string, call: () => Promise<PrometheusDiscovery>) => {
    setBusy(what);
    setProblem(undefined);
    try {
      const next = await call();
      queryClient.setQueryData(['prometheus.discover', { context }], next);
      // Everything already queried came from the previous choice.
      await queryClient.invalidateQueries({ predicate: (q) => ['promql-range', 'promql-instant', 'panel', 'label-values'].includes(String(q.queryKey[0])) });
    } catch (e) {
      setProblem((e as ClientError).message);
    } finally {
      setBusy(undefined);
    }
  };
  const select = (choice: InputOf<Api['prometheus.select']>['choice']) =>
    apply(JSON.stringify(choice), () => client.call('prometheus.select', { context, choice }));
  const recheck = () => apply('refresh', () => client.call('prometheus.discover', { context, refresh: true }));

  const d = discovery.data;
  return (
    <section className="view prometheus" data-testid="prometheus-view">
      <header className="view-header">
        <h1>Prometheus</h1>
        <span className="muted">{context}</span>
        <span className="spacer" />
        <button type="button" onClick={recheck} disabled={!!busy} data-testid="prometheus-recheck">
          {busy === 'refresh' ? 'Checking…' : 'Check again'}
        </button>
      </header>
      {discovery.error && (
        <div className="notice error" role="alert">
          {discovery.error.message}
        </div>
      )}
      {!d && !discovery.error && <div className="notice">Looking for Prometheus in {context}…</div>}
      {problem && (
        <div className="notice error" role="alert" data-testid="prometheus-problem">
          {problem}
        </div>
      )}
      {d && (
        <>
          <div className={`notice ${d.selected ? (d.ambiguous ? 'warn' : '') : 'error'}`} data-testid="prometheus-explanation" data-selection={d.selection}>
            <strong>{d.selected ? `In use: ${candidateLabel(d.candidates.find((c) => c.id === d.selected)!)}` : 'No Prometheus in use.'}</strong> <span className="muted">({selectionText[d.selection]})</span>
            <div>{d.explanation}</div>
            {d.ambiguous && <div>Several candidates answer with data. Pick the one to use below; Orrery remembers it for this context.</div>}
          </div>
          {d.problems.length > 0 && (
            <div className="notice warn">
              {d.problems.map((p) => (
                <div key={p}>{p}</div>
              ))}
            </div>
          )}
          <section className="panel">
            <h2>Candidates ({d.candidates.length})</h2>
            {d.candidates.length === 0 ? (
              <div className="muted">Nothing that looks like Prometheus, Thanos or VictoriaMetrics was found. Name one below.</div>
            ) : (
              <table className="grid compact candidates" data-testid="prometheus-candidates">
                <thead>
                  <tr>
                    <th>Where</th>
                    <th>Found by</th>
                    <th>Status</th>
                    <th className="num">Targets</th>
                    <th className="num">Latency</th>
                    <th />
                  </tr>
                </thead>
                <tbody>
                  {d.candidates.map((c) => (
                    <tr key={c.id} className={c.id === d.selected ? 'selected' : undefined} data-testid="prometheus-candidate" data-status={c.status} data-id={c.id}>
                      <td>
                        <span className="mono">{candidateLabel(c)}</span>
                        <div className="muted small">
                          {c.flavor}
                          {c.version ? ` ${c.version}` : ''}
                          {c.sameAs ? ` · same server as ${c.sameAs}` : ''}
                        </div>
                      </td>
                      <td>
                        {c.foundBy.map((f) => (
                          <div key={f} className="small">
                            {f}
                          </div>
                        ))}
                      </td>
                      <td>
                        <span className={`health-text ${c.status === 'ok' ? 'ok' : 'failing'}`}>{c.status === 'ok' ? 'answers' : rejectionText[c.rejection ?? 'error']}</span>
                        {c.message && <div className="muted small">{c.message}</div>}
                      </td>
                      <td className="num">{c.targets ?? ''}</td>
                      <td className="num">{c.latencyMs !== undefined ? `${Math.round(c.latencyMs)} ms` : ''}</td>
                      <td>
                        {c.id === d.selected ? (
                          <span className="badge">in use</span>
                        ) : (
                          c.status === 'ok' && (
                            <button type="button" disabled={!!busy} onClick={() => void select({ candidate: c.id })} data-testid="prometheus-use">
                              Use this
                            </button>
                          )
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
          <section className="panel">
            <h2>Set it yourself</h2>
            <form
              className="override-form"
              onSubmit={(e) => {
                e.preventDefault();
                const choice = parseManualChoice(manual);
                if ('error' in choice) setProblem(choice.error);
                else void select(choice);
              }}
            >
              <input aria-label="Prometheus Service or URL" placeholder="namespace/name:port or http://host:9090" value={manual} onChange={(e) => setManual(e.target.value)} />
              <button type="submit" className="primary" disabled={!!busy || !manual.trim()}>
                Use
              </button>
              {(d.selection === 'user' || d.selection === 'manual') && (
                <button type="button" disabled={!!busy} onClick={() => void select({ auto: true })}>
                  Back to automatic
                </button>
              )}
            </form>
            <p className="muted small">A Service is reached through the API server's proxy (it needs get on services/proxy); a URL is requested by Orrery directly. The choice is checked with a query before it is remembered.</p>
          </section>
          <p className="muted small">Checked {new Date(d.checkedAt).toLocaleString()}.</p>
        </>
      )}
    </section>
  );
}
