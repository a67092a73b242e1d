// The poller against a metrics-server that has not scraped again: a round with no newer sample is
// not recorded twice, but a namespace just added to the scope is recorded at once.
import { Readable } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { KubeClient } from '../../kube/kube-client';
import { UsagePoller, type PollRound } from './poller';

const T = '2026-11-27T05:00:00Z';

/** A metrics API whose samples all carry the same timestamp (no scrape since). */
function fakeKube(): KubeClient {
  const send = async (req: { path: string }) => {
    const ns = /namespaces\/([^/]+)\/pods/.exec(req.path)?.[1];
    const items = req.path.endsWith('/nodes')
      ? [{ metadata: { name: 'node-1' }, timestamp: T, window: '15s', usage: { cpu: '100m', memory: '1Gi' } }]
      : [{ metadata: { name: `${ns}-pod`, namespace: ns }, timestamp: T, window: '15s', containers: [{ name: 'c', usage: { cpu: '10m', memory: '10Mi' } }] }];
    const res = Readable.from([Buffer.from(JSON.stringify({ items }))]) as unknown as IncomingMessage;
    res.statusCode = 200;
    return res;
  };
  return { send, context: 'test', server: 'https://test' } as unknown as KubeClient;
}

describe('UsagePoller', () => {
  it('records a round at once when a namespace joins the scope, even without a newer scrape', async () => {
    const rounds: PollRound[] = [];
    let namespaces = ['a'];
    const poller = new UsagePoller(
      { kube: async () => fakeKube(), onRound: (r) => rounds.push(r), onStatus: () => {}, namespaces: () => namespaces, podScope: () => ({ namespaces, why: 'test' }) },
      { minIntervalMs: 50, minResolutionS: 5 },
    );
    poller.start();
    await expect.poll(() => rounds.length).toBe(1);
    expect(rounds[0]!.pods!.map((p) => p.name)).toEqual(['a-pod']);
    // A round without a newer timestamp is not recorded again...
    await new Promise((r) => setTimeout(r, 300));
    expect(rounds).toHaveLength(1);
    // ...but one that brings a new namespace is, right away.
    namespaces = ['a', 'b'];
    poller.pokeSoon();
    await expect.poll(() => rounds.length, { timeout: 1000 }).toBe(2);
    expect(rounds[1]!.pods!.map((p) => p.name)).toEqual(['a-pod', 'b-pod']);
    expect(rounds[1]!.timestampMs).toBe(rounds[0]!.timestampMs);
    await new Promise((r) => setTimeout(r, 300));
    expect(rounds).toHaveLength(2);
    poller.stop();
  });
});
