import { describe, expect, it } from 'vitest';
import { candidateLabel, parseManualChoice } from './prometheus-label';

describe('Prometheus choices', () => {
  it('reads a manual Service or URL, and explains anything else', () => {
    expect(parseManualChoice(' monitoring/prometheus-operated:9090 ')).toEqual({ service: 'monitoring/prometheus-operated:9090' });
    expect(parseManualChoice('vm/vmselect-main:8481/select/0/prometheus')).toEqual({ service: 'vm/vmselect-main:8481/select/0/prometheus' });
    expect(parseManualChoice('http://localhost:9090')).toEqual({ url: 'http://localhost:9090' });
    expect(parseManualChoice('http://user:pw@host:9090')).toHaveProperty('error');
    expect(parseManualChoice('prometheus')).toHaveProperty('error');
  });
  it('labels candidates the way a user would type them', () => {
    expect(candidateLabel({ id: 'x', via: 'service', namespace: 'monitoring', name: 'prometheus-operated', port: 'web', pathPrefix: '', flavor: 'prometheus', foundBy: [], status: 'ok' })).toBe('monitoring/prometheus-operated:web');
    expect(candidateLabel({ id: 'u', via: 'url', url: 'http://localhost:9090', pathPrefix: '', flavor: 'unknown', foundBy: [], status: 'ok' })).toBe('http://localhost:9090');
  });
});
