// Which Prometheus the metrics views use, in a word, linking to the page that explains it.
import { useCall } from '../../api/hooks';
import { useRoute } from '../../app/route';
import { candidateLabel } from './prometheus-label';

export function PrometheusBadge({ context }: { context: string }) {
  const route = useRoute();
  // Re-read now and then: a query that can no longer reach the chosen one makes the backend look again.
  const { data, error } = useCall('prometheus.discover', { context }, { refetchInterval: 15_000 });
  const href = `#/prometheus?${new URLSearchParams({ ctx: route.params.get('ctx') ?? context }).toString()}`;
  const selected = data?.candidates.find((c) => c.id === data.selected);
  const [cls, text] = error ? ['bad', `Prometheus: ${error.message}`] : !data ? ['wait', 'Looking for Prometheus…'] : selected ? ['ok', `Prometheus: ${candidateLabel(selected)}${data.ambiguous ? ' (several answer: pick one)' : ''}`] : ['bad', 'No Prometheus: choose one'];
  return (
    <a className="prom-badge" href={href} data-testid="prometheus-badge" title={data?.explanation}>
      <span className={`dot ${cls}`} />
      {text}
    </a>
  );
}
