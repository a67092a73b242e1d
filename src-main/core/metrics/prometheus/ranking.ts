// Which verified candidate to use. Order: a manual override; answers at all; has data (scrapes targets); query
// layers (Thanos, VictoriaMetrics: they see every Prometheus behind them) before servers before
// bare pods; more targets (the cluster's main Prometheus scrapes more than an app's own); the
// install's typicality; then the id, so the order is stable. Candidates that are the same server
// behind several Services (prometheus-operated and prometheus-k8s both select the same pods) do
// not make the choice ambiguous.
import type { PrometheusCandidate, PrometheusDiscovery } from '../../../contract/metrics-types';
import type { CandidateSpec } from './candidates';

export interface Verified {
  spec: CandidateSpec;
  candidate: PrometheusCandidate;
  /** Endpoint addresses behind the candidate (ip:port), when known: same set = same server. */
  backends?: string[];
}

const tierOrder = { 'query-layer': 0, server: 1, pod: 2 } as const;

export function compareVerified(a: Verified, b: Verified): number {
  const ok = (v: Verified) => (v.candidate.status === 'ok' ? 0 : 1);
  const data = (v: Verified) => ((v.candidate.targets ?? 0) > 0 ? 0 : 1);
  // A manual override (preference < 0) is listed first: it is what the user named.
  const manual = (v: Verified) => (v.spec.preference < 0 ? 0 : 1);
  return (
    manual(a) - manual(b) ||
    ok(a) - ok(b) ||
    data(a) - data(b) ||
    tierOrder[a.spec.tier] - tierOrder[b.spec.tier] ||
    (b.candidate.targets ?? 0) - (a.candidate.targets ?? 0) ||
    a.spec.preference - b.spec.preference ||
    (a.candidate.id < b.candidate.id ? -1 : a.candidate.id > b.candidate.id ? 1 : 0)
  );
}

/** Sorted best first, with `sameAs` set on a candidate that is a better one's server again. */
export function rank(verified: Verified[]): Verified[] {
  const sorted = [...verified].sort(compareVerified);
  const seen = new Map<string, string>();
  for (const v of sorted) {
    if (!v.backends?.length || v.candidate.status !== 'ok') continue;
    const key = `${v.candidate.namespace}|${v.candidate.pathPrefix}|${[...v.backends].sort().join(',')}`;
    const first = seen.get(key);
    if (first) v.candidate = { ...v.candidate, sameAs: first };
    else seen.set(key, v.candidate.id);
  }
  return sorted;
}

export type Remembered = { kind: 'candidate'; id: string } | { kind: 'manual'; id: string };

/** The selection given the ranked candidates and what the user chose before. */
export function select(ranked: PrometheusCandidate[], remembered: Remembered | undefined): Pick<PrometheusDiscovery, 'selected' | 'selection' | 'ambiguous' | 'explanation'> {
  const answering = ranked.filter((c) => c.status === 'ok');
  const distinct = answering.filter((c) => !c.sameAs);
  if (remembered?.kind === 'manual') {
    const c = ranked.find((x) => x.id === remembered.id);
    const state = c?.status === 'ok' ? 'answers' : `does not answer: ${c?.message ?? 'not checked'}`;
    return { selected: remembered.id, selection: 'manual', ambiguous: false, explanation: `Manual choice ${remembered.id} (${state}).` };
  }
  let note = '';
  if (remembered?.kind === 'candidate') {
    const c = ranked.find((x) => x.id === remembered.id);
    if (c?.status === 'ok') return { selected: c.id, selection: 'user', ambiguous: false, explanation: `Your choice, ${c.id}.` };
    note = c ? `Your choice ${remembered.id} does not answer (${c.message ?? c.rejection}); ` : `Your choice ${remembered.id} is no longer found; `;
  }
  if (distinct.length === 0) {
    const why = ranked.length ? `${ranked.length} candidate${ranked.length > 1 ? 's' : ''} found, none answers` : 'no Service or Pod looks like Prometheus, Thanos or VictoriaMetrics';
    return { selection: 'none', ambiguous: false, explanation: `${note}No Prometheus: ${why}.` };
  }
  const best = distinct[0]!;
  const how = best.foundBy[0] ?? 'found';
  if (distinct.length === 1) return { selected: best.id, selection: 'only', ambiguous: false, explanation: `${note}${best.id} is the only one that answers (${how}).` };
  return {
    selected: best.id,
    selection: 'ranked',
    ambiguous: true,
    explanation: `${note}${distinct.length} answer; using ${best.id} (${best.targets ?? 0} targets, ${how}) until you pick one.`,
  };
}
