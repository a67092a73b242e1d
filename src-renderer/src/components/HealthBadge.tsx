import type { Health } from '../../../src-main/contract/types';

const words = { ok: 'OK', degraded: 'Degraded', failing: 'Failing', unknown: 'Unknown' };

/** The one color language for health, explained on hover. */
export function HealthDot({ health }: { health?: Health }) {
  if (!health) return <span className="health-dot none" aria-hidden />;
  return <span className={`health-dot ${health.level}`} title={`${words[health.level]}: ${health.reason}`} aria-label={`${words[health.level]}: ${health.reason}`} role="img" data-health={health.level} />;
}
