// CPU and memory of a pod, node or workload from metrics.k8s.io with the backend's history (no
// Prometheus needed), against requests, limits and allocatable. Live: each metrics-server
// sample is appended as it arrives.
import { useEffect, useState } from 'react';
import type { UsageTarget } from '../../../../src-main/contract/metrics-types';
import { client } from '../../api/client';
import { useNow } from '../../components/age';
import { Sparkline } from './charts/Sparkline';
import { TimeSeriesChart } from './charts/TimeSeriesChart';
import { formatValue } from './charts/units';
import { applyUsageFrame, emptyUsage, usageSeries, type UsageState } from './usage-state';
import './metrics.css';

export function useUsage(context: string | undefined, target: UsageTarget | undefined): UsageState & { error?: string } {
  const key = context && target ? JSON.stringify({ context, target }) : '';
  const [state, setState] = useState<{ key: string; usage: UsageState; error?: string }>({ key, usage: emptyUsage });
  useEffect(() => {
    if (!key) return;
    const input = JSON.parse(key) as { context: string; target: UsageTarget };
    return client.subscribe('metrics.usage', input, {
      onData: (frames) => setState((s) => ({ key, usage: frames.reduce((u, f) => applyUsageFrame(u, f), s.key === key ? s.usage : emptyUsage) })),
      onError: (e) => setState((s) => ({ ...s, key, error: e.message })),
      onRestart: () => setState({ key, usage: emptyUsage }),
    });
  }, [key]);
  return state.key === key ? { ...state.usage, error: state.error } : emptyUsage;
}

/** The last non-null value of a column. */
function latest(values: Array<number | null>): number | undefined {
  for (let i = values.length - 1; i >= 0; i--) if (values[i] !== null) return values[i]!;
  return undefined;
}

export function ResourceUsage({ context, target }: { context: string; target: UsageTarget }) {
  const usage = useUsage(context, target);
  const now = useNow(15_000);
  const start = now - 3600_000;
  const status = usage.status;
  return (
    <section className="panel" data-testid="resource-usage" data-state={status?.state ?? 'loading'}>
      <h2>Resource usage (metrics.k8s.io)</h2>
      {usage.error && <div className="notice error">{usage.error}</div>}
      {status && status.state !== 'ok' && status.state !== 'starting' && (
        <div className="notice warn" data-testid="usage-status">
          {status.message ?? status.state}
          {status.retryInMs !== undefined && <span className="muted"> · retrying in {Math.round(status.retryInMs / 1000)} s</span>}
        </div>
      )}
      {!usage.loaded && !usage.error && <div className="muted">Reading usage…</div>}
      {usage.loaded && (
        <>
          <div className="usage-charts">
            <div className="usage-chart">
              <h3>CPU</h3>
              <TimeSeriesChart testId="usage-cpu" series={usageSeries(usage, 'cpu', start, now)} unit="cores" start={start} end={now} height={150} />
            </div>
            <div className="usage-chart">
              <h3>Memory (working set)</h3>
              <TimeSeriesChart testId="usage-memory" series={usageSeries(usage, 'memory', start, now)} unit="bytes" start={start} end={now} height={150} />
            </div>
          </div>
          {status?.resolutionS !== undefined && (
            <div className="muted small">
              A sample every {status.resolutionS} s{status.retentionS ? `, ${Math.round(status.retentionS / 60)} min kept` : ''} (metrics-server keeps no history; Orrery does).
            </div>
          )}
          {status?.state === 'ok' && status.message && (
            <div className="muted small" data-testid="usage-note">
              {status.message}
            </div>
          )}
        </>
      )}
    </section>
  );
}

/** One line of usage for a tile or a row: a sparkline of the last hour and the latest value,
 *  scaled to the usage itself (a trend), or with the request and limit drawn when `bounds`. */
export function UsageSparkline({ context, target, resource, bounds = false }: { context: string; target: UsageTarget; resource: 'cpu' | 'memory'; bounds?: boolean }) {
  const usage = useUsage(context, target);
  const points: Array<[number, number]> = [];
  usage.points.t.forEach((t, i) => {
    const v = usage.points[resource][i];
    if (v !== null && v !== undefined) points.push([t, v]);
  });
  const unit = resource === 'cpu' ? 'cores' : 'bytes';
  return (
    <span className="usage-spark" data-testid={`spark-${resource}`}>
      <Sparkline points={points} width={100} label={`${resource} over the last hour`} {...(bounds ? { request: usage.spec?.requests[resource], limit: usage.spec?.limits[resource] } : {})} />
      <span className="muted small nowrap">{formatValue(latest(usage.points[resource]), unit)}</span>
    </span>
  );
}

const workloadKinds = new Set(['deployments', 'statefulsets', 'daemonsets', 'jobs', 'cronjobs', 'replicasets']);

/** The usage target of an object page, for the kinds metrics.k8s.io usage is kept for. */
export function usageTargetOf(kind: string, namespace: string | undefined, name: string | undefined): UsageTarget | undefined {
  if (!name) return undefined;
  if (kind === 'pods' && namespace) return { kind: 'pod', namespace, name };
  if (kind === 'nodes') return { kind: 'node', name };
  if (kind === 'namespaces') return { kind: 'namespace', name };
  if (workloadKinds.has(kind) && namespace) return { kind: 'workload', workloadKind: kind as Extract<UsageTarget, { kind: 'workload' }>['workloadKind'], namespace, name };
  return undefined;
}
