// Discovered kinds belong to the context they were found on: two clusters serving one CRD in
// different versions (or one not serving it at all) each get their own definition.
import { describe, expect, it } from 'vitest';
import { Discovery } from './discovery';
import type { KubeClient } from './kube-client';

/** A client answering discovery paths from a table (404 for anything else). */
function clusterServing(version: string | undefined): KubeClient {
  const docs: Record<string, unknown> = {
    '/apis': { groups: version ? [{ name: 'example.com', preferredVersion: { groupVersion: `example.com/${version}`, version } }] : [] },
    '/api/v1': { resources: [] },
    '/apis/apiextensions.k8s.io/v1/customresourcedefinitions': { items: [] },
  };
  if (version) docs[`/apis/example.com/${version}`] = { resources: [{ name: 'widgets', kind: 'Widget', namespaced: true, verbs: ['get', 'list', 'watch'] }] };
  return {
    json: async ({ path }: { path: string }) => {
      if (!(path in docs)) throw new Error(`404 ${path}`);
      return docs[path];
    },
  } as unknown as KubeClient;
}

describe('Discovery', () => {
  const clients: Record<string, KubeClient> = { old: clusterServing('v1alpha1'), new: clusterServing('v1'), none: clusterServing(undefined) };
  const discovery = new Discovery(async (context) => clients[context]!);

  it('keeps each context its own version of a kind', async () => {
    expect((await discovery.kinds('old')).map((k) => [k.id, k.version])).toEqual([['widgets.example.com', 'v1alpha1']]);
    expect((await discovery.kinds('new')).map((k) => [k.id, k.version])).toEqual([['widgets.example.com', 'v1']]);
    // Resolved after both were discovered: each context still gets its own.
    expect((await discovery.resolve('old', 'widgets.example.com'))?.version).toBe('v1alpha1');
    expect((await discovery.resolve('new', 'widgets.example.com'))?.version).toBe('v1');
  });

  it('does not lend a kind to a context that does not serve it', async () => {
    await discovery.kinds('new');
    expect(await discovery.resolve('none', 'widgets.example.com')).toBeUndefined();
    // Kinds Orrery defines resolve everywhere.
    expect((await discovery.resolve('none', 'pods'))?.kind).toBe('Pod');
  });
});
