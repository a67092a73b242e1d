import { describe, expect, it } from 'vitest';
import type { PrometheusCandidate } from '../../../contract/metrics-types';
import type { CandidateSpec } from './candidates';
import { rank, select, type Verified } from './ranking';

function v(id: string, o: { tier?: CandidateSpec['tier']; preference?: number; ok?: boolean; targets?: number; backends?: string[]; namespace?: string }): Verified {
  const candidate: PrometheusCandidate = {
    id,
    via: 'service',
    namespace: o.namespace ?? 'monitoring',
    pathPrefix: '',
    flavor: 'prometheus',
    foundBy: [`found ${id}`],
    status: o.ok === false ? 'rejected' : 'ok',
    ...(o.ok === false ? { rejection: 'timeout', message: 'no answer within 5 s' } : { targets: o.targets ?? 10 }),
  };
  return {
    spec: { location: { via: 'service', pathPrefix: '' }, flavor: 'prometheus', foundBy: [], tier: o.tier ?? 'server', preference: o.preference ?? 2 },
    candidate,
    ...(o.backends ? { backends: o.backends } : {}),
  };
}

const order = (vs: Verified[]) => rank(vs).map((x) => x.candidate.id);

describe('ranking', () => {
  it('answers, has data, query layer, more targets, typical install, then id', () => {
    expect(order([v('dead', { ok: false, tier: 'query-layer' }), v('empty', { targets: 0, tier: 'query-layer' }), v('b', {}), v('a', {})])).toEqual(['a', 'b', 'empty', 'dead']);
    expect(order([v('prom', { targets: 500 }), v('thanos', { tier: 'query-layer', targets: 5 })])).toEqual(['thanos', 'prom']);
    expect(order([v('istio', { targets: 12, preference: 0 }), v('cluster', { targets: 300, preference: 2 })])).toEqual(['cluster', 'istio']);
    expect(order([v('helm', { preference: 2 }), v('operator', { preference: 0 })])).toEqual(['operator', 'helm']);
    expect(order([v('pod', { tier: 'pod', targets: 999 }), v('svc', { targets: 1 })])).toEqual(['svc', 'pod']);
    expect(order([v('auto', { tier: 'query-layer' }), v('manual', { preference: -1, ok: false })])).toEqual(['manual', 'auto']);
  });

  it('marks a second Service in front of the same pods as the same server', () => {
    const ranked = rank([v('prometheus-k8s', { preference: 1, backends: ['10.0.0.5:9090', '10.0.0.6:9090'] }), v('prometheus-operated', { preference: 0, backends: ['10.0.0.6:9090', '10.0.0.5:9090'] }), v('other', { backends: ['10.0.1.1:9090'] })]);
    expect(ranked.map((x) => [x.candidate.id, x.candidate.sameAs])).toEqual([
      ['prometheus-operated', undefined],
      ['prometheus-k8s', 'prometheus-operated'],
      ['other', undefined],
    ]);
    const s = select(ranked.map((x) => x.candidate), undefined);
    // Two distinct servers answer: ambiguous. Without "other" it would not be.
    expect(s).toMatchObject({ selected: 'prometheus-operated', selection: 'ranked', ambiguous: true });
    const two = rank([v('prometheus-k8s', { preference: 1, backends: ['10.0.0.5:9090'] }), v('prometheus-operated', { preference: 0, backends: ['10.0.0.5:9090'] })]);
    expect(select(two.map((x) => x.candidate), undefined)).toMatchObject({ selected: 'prometheus-operated', selection: 'only', ambiguous: false });
  });
});

describe('selection', () => {
  const cands = rank([v('a', { targets: 50 }), v('b', { targets: 5 }), v('dead', { ok: false })]).map((x) => x.candidate);

  it('the user\'s remembered pick wins while it answers', () => {
    expect(select(cands, { kind: 'candidate', id: 'b' })).toMatchObject({ selected: 'b', selection: 'user', ambiguous: false });
  });

  it('falls back, saying so, when the pick stops answering or is gone', () => {
    const s = select(cands, { kind: 'candidate', id: 'dead' });
    expect(s).toMatchObject({ selected: 'a', selection: 'ranked', ambiguous: true });
    expect(s.explanation).toMatch(/^Your choice dead does not answer \(no answer within 5 s\); 2 answer; using a \(50 targets/);
    expect(select(cands, { kind: 'candidate', id: 'gone' }).explanation).toMatch(/^Your choice gone is no longer found; /);
  });

  it('keeps a manual override even when it fails, and says it fails', () => {
    expect(select(cands, { kind: 'manual', id: 'dead' })).toMatchObject({ selected: 'dead', selection: 'manual', explanation: 'Manual choice dead (does not answer: no answer within 5 s).' });
  });

  it('explains having none', () => {
    expect(select([], undefined)).toMatchObject({ selection: 'none', explanation: 'No Prometheus: no Service or Pod looks like Prometheus, Thanos or VictoriaMetrics.' });
    expect(select(cands.filter((c) => c.id === 'dead'), undefined).explanation).toBe('No Prometheus: 1 candidate found, none answers.');
  });
});
