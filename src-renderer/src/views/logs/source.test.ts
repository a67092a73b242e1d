import { describe, expect, it } from 'vitest';
import { contextColor, describeSource, describeSources, filterFromParams, logsHref, podColor, sourceFromParams, sourcesFromParams, tailSources } from './source';

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
  it('spreads the sources over every context of the view, and over namespaces given alone', () => {
    const p = new URLSearchParams('lctx=eu,us&lw=deployments/shop/checkout');
    const list = sourcesFromParams(p, 'dev')!;
    const checkout = { workload: { kind: 'deployments', namespace: 'shop', name: 'checkout' } };
    expect(list).toEqual([
      { context: 'eu', source: checkout },
      { context: 'us', source: checkout },
    ]);
    expect(tailSources(list)).toEqual({ context: 'eu', source: checkout, sources: [{ context: 'us', source: checkout }] });
    expect(describeSources(list)).toBe('deployment shop/checkout · contexts eu, us');
    // No lctx: the selected context; namespaces alone: one source each; with a selector: where to look.
    expect(sourcesFromParams(new URLSearchParams('lns=shop,edge'), 'dev')).toEqual([
      { context: 'dev', source: { namespace: 'shop' } },
      { context: 'dev', source: { namespace: 'edge' } },
    ]);
    expect(tailSources(sourcesFromParams(new URLSearchParams('lsel=app=web&lns=shop,edge'), 'dev')!)).toEqual({ context: 'dev', source: { labelSelector: 'app=web', namespaces: ['shop', 'edge'] } });
    expect(sourcesFromParams(new URLSearchParams('lctx=eu'), 'dev')).toBeUndefined();
    expect(sourcesFromParams(new URLSearchParams('lns=shop'), undefined)).toBeUndefined();
  });
  it('keeps pod colors whatever the contexts, and gives contexts their own', () => {
    expect(contextColor('eu')).toBe(contextColor('eu'));
    expect(contextColor('eu')).not.toBe(contextColor('us'));
    expect(contextColor('cart-1')).not.toBe(podColor('cart-1'));
  });
});
