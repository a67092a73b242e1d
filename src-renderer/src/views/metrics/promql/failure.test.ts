import { describe, expect, it } from 'vitest';
import { ClientError } from '../../../../../src-main/contract/client';
import { toFailure } from './failure';

describe('toFailure', () => {
  it("takes Prometheus's errorType, message and position from a contract error", () => {
    const e = new ClientError({ code: 'BAD_INPUT', message: 'Prometheus: bad_data: 1:5: parse error', details: { source: 'prometheus', errorType: 'bad_data', message: '1:5: parse error: unexpected', position: { line: 1, column: 5, offset: 4 } } });
    expect(toFailure(e, 'rate(')).toEqual({ kind: 'bad_data', message: '1:5: parse error: unexpected', position: { start: 4, end: 5 } });
  });
  it('names contract failures that did not come from Prometheus', () => {
    expect(toFailure(new ClientError({ code: 'UNAVAILABLE', message: 'connection refused' }), 'up')).toEqual({ kind: 'unavailable', message: 'connection refused' });
    expect(toFailure(new ClientError({ code: 'NOT_FOUND', message: 'no Prometheus', details: { source: 'prometheus', errorType: 'no_prometheus', message: 'no Prometheus found' } }), 'up').kind).toBe('no_prometheus');
  });
  it('finds a position in the message when details have none', () => {
    expect(toFailure(new Error('1:3: parse error: x'), 'abcdef').position).toEqual({ start: 2, end: 3 });
  });
});
