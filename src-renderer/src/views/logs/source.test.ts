import { describe, expect, it } from 'vitest';
import { describeSource, filterFromParams, logsHref, podColor, sourceFromParams } from './source';

describe('log sources in the URL', () => {
  it('round-trips a workload and a pod through logsHref', () => {
    const href = logsHref(new URLSearchParams('ctx=prod'), { kind: 'deployments', namespace: 'shop', name: 'cart' }, { lvl: 'error' });
    const params = new URLSearchParams(href.split('?')[1]);
    expect(sourceFromParams(params)).toEqual({ workload: { kind: 'deployments', namespace: 'shop', name: 'cart' } });
    expect(filterFromParams(params)).toEqual({ levels: ['error'] });
    expect(params.get('ctx')).toBe('prod');
    const pod = new URLSearchParams(logsHref(new URLSearchParams(), { kind: 'pods', namespace: 'shop', name: 'cart-1' }).split('?')[1]);
    expect(sourceFromParams(pod)).toEqual({ pods: [{ namespace: 'shop', name: 'cart-1' }] });
  });
  it('reads selectors, regexes and namespaces, and describes them', () => {
    expect(sourceFromParams(new URLSearchParams('lsel=app=web&lns=a,b'))).toEqual({ labelSelector: 'app=web', namespaces: ['a', 'b'] });
    expect(sourceFromParams(new URLSearchParams('lre=^cart-&lns=shop'))).toEqual({ podRegex: '^cart-', namespaces: ['shop'] });
    expect(sourceFromParams(new URLSearchParams('lns=shop'))).toEqual({ namespace: 'shop' });
    expect(sourceFromParams(new URLSearchParams('lw=deployments/shop'))).toBeUndefined();
    expect(describeSource({ labelSelector: 'app=web' })).toBe('pods matching app=web');
  });
  it('gives a pod the same color every time', () => {
    expect(podColor('cart-1')).toBe(podColor('cart-1'));
    expect(podColor('cart-1')).not.toBe(podColor('cart-2'));
  });
});
