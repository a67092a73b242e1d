// The cluster at a glance: nodes, workloads and pods by health, what is not ready, what
// restarted recently, the latest warnings, and usage against capacity.
import type { HealthCounts } from '../../../src-main/contract/types';
import { useLatest } from '../api/hooks';
import { useContexts } from '../app/contexts';
import { useRoute } from '../app/route';
import { formatAge, useNow } from '../components/age';
import { HealthDot } from '../components/HealthBadge';
import { UsageSparkline } from './metrics/ResourceUsage';
import { objectHref } from './ObjectView';

const levels = ['ok', 'degraded', 'failing', 'unknown'] as const;

function HealthBar({ counts }: { counts: HealthCounts }) {
  const total = levels.reduce((s, l) => s + counts[l], 0);
  if (total === 0) return <span className="muted">none</span>;
  return (
    <div className="hbar" title={levels.map((l) => `${l}: ${counts[l]}`).join(', ')}>
      {levels.map((l) => counts[l] > 0 && <span key={l} className={`seg ${l}`} style={{ flexGrow: counts[l] }} />)}
    </div>
  );
}

function Usage({ label, used, total, format, trend }: { label: string; used: number; total: number; format(v: number): string; trend?: React.ReactNode }) {
  const pct = total > 0 ? (used / total) * 100 : 0;
  return (
    <div className="tile" data-testid={`usage-${label.toLowerCase()}`}>
      <div className="tile-label">{label} usage</div>
      <div className="tile-value">{pct.toFixed(1)}%</div>
      <div className="meter">
        <span className={pct > 90 ? 'failing' : pct > 75 ? 'degraded' : 'ok'} style={{ width: `${Math.min(100, pct)}%` }} />
      </div>
      <div className="muted">
        {format(used)} of {format(total)} allocatable
      </div>
      {trend}
    </div>
  );
}

const cores = (v: number) => `${v.toFixed(2)} cores`;
const gib = (v: number) => `${(v / 1024 ** 3).toFixed(1)} GiB`;

export function OverviewView() {
  const route = useRoute();
  const { selected: context } = useContexts();
  const namespace = route.params.get('ns') ?? undefined;
  const now = useNow();
  const { value: o, error } = useLatest('cluster.overview', { context: context ?? '', ...(namespace ? { namespace } : {}) }, undefined, !context);
  if (!context) return <div className="notice warn">Pick a context first (Contexts page).</div>;
  if (error) return <div className="notice error" role="alert">{error.message}</div>;
  if (!o) return <div className="notice">Loading the overview of {context}…</div>;
  return (
    <section className="view overview" data-testid="overview">
      <header className="view-header">
        <h1>Overview</h1>
        <span className="muted">
          {context}
          {namespace ? ` · namespace ${namespace}` : ' · all namespaces'}
        </span>
        {o.loading.length > 0 && <span className="sync busy">Loading {o.loading.join(', ')}…</span>}
      </header>
      <div className="tiles">
        <div className="tile" data-testid="tile-nodes">
          <div className="tile-label">Nodes ready</div>
          <div className="tile-value">
            {o.nodes.ready}/{o.nodes.total}
          </div>
        </div>
        <div className="tile">
          <div className="tile-label">Namespaces</div>
          <div className="tile-value">{o.namespaces}</div>
        </div>
        <div className="tile" data-testid="tile-pods">
          <div className="tile-label">Pods</div>
          <div className="tile-value">{o.pods.total.toLocaleString()}</div>
          <HealthBar counts={o.pods} />
        </div>
        {o.usage ? (
          <>
            <Usage label="CPU" used={o.usage.cpuCores} total={o.usage.cpuAllocatable} format={cores} trend={<UsageSparkline context={context} target={{ kind: 'cluster' }} resource="cpu" />} />
            <Usage label="Memory" used={o.usage.memoryBytes} total={o.usage.memoryAllocatable} format={gib} trend={<UsageSparkline context={context} target={{ kind: 'cluster' }} resource="memory" />} />
          </>
        ) : (
          <div className="tile muted">{o.usageError ?? 'Reading metrics.k8s.io…'}</div>
        )}
      </div>
      <div className="panels">
        <section className="panel">
          <h2>Workloads</h2>
          <table className="grid compact" data-testid="workloads">
            <thead>
              <tr>
                <th>Kind</th>
                <th>Health</th>
                <th className="num">OK</th>
                <th className="num">Degraded</th>
                <th className="num">Failing</th>
              </tr>
            </thead>
            <tbody>
              {o.workloads.map((w) => (
                <tr key={w.kindId}>
                  <td>
                    <a href={`#/resources?kind=${w.kindId}&ctx=${encodeURIComponent(context)}${namespace ? `&ns=${namespace}` : ''}`}>{w.kind}s</a>
                  </td>
                  <td style={{ width: '40%' }}>
                    <HealthBar counts={w.counts} />
                  </td>
                  <td className="num">{w.counts.ok}</td>
                  <td className="num">{w.counts.degraded}</td>
                  <td className="num">{w.counts.failing}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        <section className="panel">
          <h2>Pods not ready ({o.notReady.length})</h2>
          {o.notReady.length === 0 ? (
            <div className="muted">Every pod is ready.</div>
          ) : (
            <ul className="plain" data-testid="not-ready">
              {o.notReady.map((p) => (
                <li key={p.uid ?? p.name}>
                  <HealthDot health={p.health} /> <a href={objectHref(route.params, p)}>{p.namespace}/{p.name}</a> <span className="muted">{p.health?.reason}</span>
                </li>
              ))}
            </ul>
          )}
        </section>
        <section className="panel">
          <h2>Restarted in the last hour ({o.recentRestarts.length})</h2>
          {o.recentRestarts.length === 0 ? (
            <div className="muted">No container restarted in the last hour.</div>
          ) : (
            <ul className="plain" data-testid="restarts">
              {o.recentRestarts.map((r) => (
                <li key={`${r.uid}-${r.container}`}>
                  <a href={objectHref(route.params, r)}>{r.namespace}/{r.name}</a> <span className="mono">{r.container}</span> — {r.reason}, {r.restarts} restarts, last {formatAge(r.at, now)} ago
                </li>
              ))}
            </ul>
          )}
        </section>
        <section className="panel">
          <h2>Recent warnings</h2>
          {o.warnings.length === 0 ? (
            <div className="muted">No warning events.</div>
          ) : (
            <table className="grid compact" data-testid="warnings">
              <tbody>
                {o.warnings.map((w, i) => (
                  <tr key={i} className="warning">
                    <td>{formatAge(w.lastSeen, now)}</td>
                    <td>{w.reason}</td>
                    <td className="mono">{w.object}</td>
                    <td>{w.message}</td>
                    <td className="num">×{w.count}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      </div>
    </section>
  );
}
