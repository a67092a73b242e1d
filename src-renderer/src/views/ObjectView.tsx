// One object's page: summary, health, owner chain, containers, conditions, events, owned
// objects and its YAML (Secret values masked until revealed). Live.
import { useState } from 'react';
import { stringify } from 'yaml';
import type { ObjectRef } from '../../../src-main/contract/types';
import { useLatest } from '../api/hooks';
import { useContexts } from '../app/contexts';
import { useRoute } from '../app/route';
import { formatAge, useNow } from '../components/age';
import { HealthDot } from '../components/HealthBadge';
import { ObjectActions } from '../components/ObjectActions';
import { logsHref } from './logs/source';
import { ResourceUsage, usageTargetOf } from './metrics/ResourceUsage';

const loggable = new Set(['pods', 'deployments', 'statefulsets', 'daemonsets', 'jobs', 'replicasets', 'services']);

interface Meta {
  name?: string;
  namespace?: string;
  uid?: string;
  creationTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export function objectHref(params: URLSearchParams, ref: { kindId?: string; namespace?: string; name: string }): string {
  const next = new URLSearchParams();
  for (const key of ['ctx', 'ns']) {
    const v = params.get(key);
    if (v) next.set(key, v);
  }
  next.set('kind', ref.kindId ?? '');
  if (ref.namespace) next.set('on', ref.namespace);
  next.set('name', ref.name);
  return `#/object?${next.toString()}`;
}

function RefLink({ r, params }: { r: ObjectRef; params: URLSearchParams }) {
  const label = `${r.kind}/${r.name}`;
  return (
    <span className="ref">
      <HealthDot health={r.health} />
      {r.kindId ? <a href={objectHref(params, r)}>{label}</a> : <span>{label}</span>}
    </span>
  );
}

export function ObjectView() {
  const route = useRoute();
  const { selected: context } = useContexts();
  const kind = route.params.get('kind') ?? '';
  const name = route.params.get('name') ?? '';
  const namespace = route.params.get('on') ?? undefined;
  const [reveal, setReveal] = useState(false);
  const now = useNow();
  const { value: detail, error } = useLatest('resources.detail', { context: context ?? '', kind, name, ...(namespace ? { namespace } : {}), reveal }, undefined, !context || !kind || !name);

  if (error) return <div className="notice error" role="alert">{error.message}</div>;
  if (!detail) return <div className="notice">Loading {kind}/{name}…</div>;
  if (detail.gone) return <div className="notice warn" data-testid="object-gone">{detail.kind.kind} {namespace ? `${namespace}/` : ''}{name} no longer exists.</div>;
  const meta = ((detail.object as { metadata?: Meta }).metadata ?? {}) as Meta;
  return (
    <section className="view object" data-testid="object-view">
      <header className="view-header">
        <HealthDot health={detail.health} />
        <h1>
          <span className="muted">{detail.kind.kind}</span> {meta.name}
        </h1>
        {meta.namespace && <span className="badge">{meta.namespace}</span>}
        {detail.health && <span className={`health-text ${detail.health.level}`} data-testid="object-health">{detail.health.reason}</span>}
        {loggable.has(kind) && meta.name && (
          <a className="button" href={logsHref(route.params, { kind, namespace: meta.namespace, name: meta.name })} data-testid="open-logs">
            Logs
          </a>
        )}
      </header>

      <ObjectActions
        target={{ context: context!, kind, name, ...(namespace ? { namespace } : {}) }}
        object={detail.object}
        replicas={(detail.object as { spec?: { replicas?: number } }).spec?.replicas}
        unschedulable={(detail.object as { spec?: { unschedulable?: boolean } }).spec?.unschedulable === true}
      />
      <div className="panels">
        {usageTargetOf(kind, meta.namespace, meta.name) && context && <ResourceUsage context={context} target={usageTargetOf(kind, meta.namespace, meta.name)!} />}
        <Panel title="Summary">
          <dl className="kv">
            <dt>Created</dt>
            <dd>{meta.creationTimestamp ? `${formatAge(meta.creationTimestamp, now)} ago (${meta.creationTimestamp})` : 'unknown'}</dd>
            <dt>UID</dt>
            <dd className="mono">{meta.uid}</dd>
            <dt>Labels</dt>
            <dd>{Object.entries(meta.labels ?? {}).map(([k, v]) => <span key={k} className="chip">{k}={v}</span>)}</dd>
            {detail.owners.length > 0 && (
              <>
                <dt>Controlled by</dt>
                <dd data-testid="owners">
                  {detail.owners.map((o, i) => (
                    <span key={o.uid ?? i}>
                      {i > 0 && <span className="muted"> ← </span>}
                      <RefLink r={o} params={route.params} />
                    </span>
                  ))}
                </dd>
              </>
            )}
          </dl>
        </Panel>

        {detail.containers.length > 0 && (
          <Panel title="Containers">
            {detail.containers.map((c) => (
              <div key={`${c.init}-${c.name}`} className="container-card" data-testid="container">
                <div className="container-head">
                  <span className={`health-dot ${c.ready ? 'ok' : c.state.startsWith('Running') ? 'degraded' : 'failing'}`} />
                  <strong>{c.name}</strong> {c.init && <span className="badge">init</span>}
                  <span className="mono muted">{c.image}</span>
                </div>
                <dl className="kv">
                  <dt>State</dt>
                  <dd>
                    {c.state}
                    {c.stateDetail && <span className="muted"> — {c.stateDetail}</span>}
                  </dd>
                  <dt>Restarts</dt>
                  <dd>{c.restartCount}</dd>
                  {c.lastTermination && (
                    <>
                      <dt>Last termination</dt>
                      <dd data-testid="last-termination">
                        {c.lastTermination.reason}
                        {c.lastTermination.exitCode !== undefined && ` (exit ${c.lastTermination.exitCode})`}
                        {c.lastTermination.finishedAt && ` at ${c.lastTermination.finishedAt}`}
                        {c.lastTermination.message && <div className="muted">{c.lastTermination.message}</div>}
                      </dd>
                    </>
                  )}
                  {c.probes.map((p) => (
                    <span key={p.kind} className="contents">
                      <dt>{p.kind[0]!.toUpperCase() + p.kind.slice(1)} probe</dt>
                      <dd>
                        <span className="mono">{p.summary}</span>
                        <div className={p.lastResult ? 'cell-error' : 'muted'}>{p.lastResult ? `Last failure: ${p.lastResult}` : 'No failures reported'}</div>
                      </dd>
                    </span>
                  ))}
                  {(c.requests || c.limits) && (
                    <>
                      <dt>Resources</dt>
                      <dd className="mono">
                        requests {JSON.stringify(c.requests ?? {})} limits {JSON.stringify(c.limits ?? {})}
                      </dd>
                    </>
                  )}
                </dl>
              </div>
            ))}
          </Panel>
        )}

        {detail.conditions.length > 0 && (
          <Panel title="Conditions">
            <table className="grid compact">
              <thead>
                <tr><th>Type</th><th>Status</th><th>Reason</th><th>Message</th><th>Since</th></tr>
              </thead>
              <tbody>
                {detail.conditions.map((c) => (
                  <tr key={c.type}>
                    <td>{c.type}</td>
                    <td>{c.status}</td>
                    <td>{c.reason}</td>
                    <td>{c.message}</td>
                    <td>{c.lastTransitionTime ? formatAge(c.lastTransitionTime, now) : ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Panel>
        )}

        {detail.owned.length > 0 && (
          <Panel title={`Owns (${detail.owned.length})`}>
            <div className="refs" data-testid="owned">
              {detail.owned.slice(0, 200).map((o) => (
                <RefLink key={o.uid ?? o.name} r={o} params={route.params} />
              ))}
            </div>
          </Panel>
        )}

        <Panel title={`Events (${detail.events.length})`}>
          {detail.events.length === 0 ? (
            <div className="muted">No events (the API server keeps them about an hour).</div>
          ) : (
            <table className="grid compact" data-testid="events">
              <thead>
                <tr><th>Type</th><th>Reason</th><th>Message</th><th>Count</th><th>Last seen</th><th>From</th></tr>
              </thead>
              <tbody>
                {detail.events.map((e, i) => (
                  <tr key={i} className={e.type === 'Warning' ? 'warning' : undefined}>
                    <td>{e.type}</td>
                    <td>{e.reason}</td>
                    <td>{e.message}</td>
                    <td className="num">{e.count}</td>
                    <td>{formatAge(e.lastSeen, now)}</td>
                    <td className="muted">{e.source}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Panel>

        <Panel title="YAML">
          {detail.kind.kind === 'Secret' && (
            <button data-testid="reveal" onClick={() => setReveal((r) => !r)}>
              {reveal ? 'Hide secret values' : 'Reveal secret values'}
            </button>
          )}
          <pre className="yaml" data-testid="yaml">{stringify(detail.object)}</pre>
        </Panel>
      </div>
    </section>
  );
}

function Panel({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <section className="panel">
      <h2>{title}</h2>
      {children}
    </section>
  );
}
