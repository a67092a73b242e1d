import { useCall } from '../api/hooks';
import { transportKind } from '../api/client';
import type { MetricFamily } from '../../../src-main/contract/types';

const highlights: Array<{ metric: string; label: string; format: (v: number) => string }> = [
  { metric: 'orrery_process_resident_memory_bytes', label: 'Memory (RSS)', format: (v) => `${(v / 1024 / 1024).toFixed(1)} MiB` },
  { metric: 'orrery_process_cpu_seconds_total', label: 'CPU time', format: (v) => `${v.toFixed(2)} s` },
  { metric: 'orrery_nodejs_eventloop_lag_p99_seconds', label: 'Event loop lag p99', format: (v) => `${(v * 1000).toFixed(1)} ms` },
  { metric: 'orrery_open_streams', label: 'Open streams', format: String },
  { metric: 'orrery_clients', label: 'Clients', format: String },
  { metric: 'orrery_watch_connections', label: 'Watch connections', format: String },
  { metric: 'orrery_messages_sent_total', label: 'Messages sent', format: String },
  { metric: 'orrery_stream_items_sent_total', label: 'Stream items sent', format: String },
];

const total = (family: MetricFamily | undefined) => family?.samples.reduce((sum, s) => sum + s.value, 0) ?? 0;

export function DiagnosticsView() {
  const { data, error } = useCall('diagnostics.metrics', undefined, { refetchInterval: 2000 });
  const info = useCall('app.info');
  if (error) return <div className="notice error">Cannot read Orrery's metrics: {error.message}</div>;
  const byName = new Map(data?.map((f) => [f.name, f]));
  return (
    <section className="view">
      <header className="view-header">
        <h1>Diagnostics</h1>
        {info.data && (
          <span className="muted">
            Orrery {info.data.version} · {info.data.host} host over {transportKind} · Node {info.data.nodeVersion} · {info.data.platform}
          </span>
        )}
      </header>
      <div className="tiles">
        {highlights.map((h) => (
          <div className="tile" key={h.metric} data-testid={`tile-${h.metric}`}>
            <div className="tile-label">{h.label}</div>
            <div className="tile-value">{data ? h.format(total(byName.get(h.metric))) : '…'}</div>
          </div>
        ))}
      </div>
      <table className="grid compact">
        <thead>
          <tr>
            <th>Metric</th>
            <th>Labels</th>
            <th className="num">Value</th>
          </tr>
        </thead>
        <tbody>
          {data?.flatMap((family) =>
            family.samples.map((s, i) => (
              <tr key={`${family.name}-${i}`} title={family.help}>
                <td className="mono">{family.name}</td>
                <td className="mono muted">
                  {Object.entries(s.labels)
                    .map(([k, v]) => `${k}="${v}"`)
                    .join(', ')}
                </td>
                <td className="num mono">{Number.isInteger(s.value) ? s.value : s.value.toFixed(4)}</td>
              </tr>
            )),
          )}
        </tbody>
      </table>
    </section>
  );
}
