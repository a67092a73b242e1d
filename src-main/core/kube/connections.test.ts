import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterConnection } from '../../contract/types';
import { startApiServer } from '../../sandbox/apiserver/server';
import { writeKubeconfig } from '../../sandbox/apiserver/kubeconfig';
import { startHarness, type Harness } from '../../sandbox/apiserver/testkit';
import { ConnectionManager } from './connections';
import { KubeconfigSource } from './kubeconfig-source';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.server.stop());

function follow(manager: ConnectionManager, context: string) {
  const states: ClusterConnection[] = [];
  const stop = manager.watch(context, (s) => states.push(s));
  return { states, stop, last: () => states.at(-1) };
}

describe('ConnectionManager', () => {
  it('connects and reports the server version', async () => {
    const manager = new ConnectionManager(new KubeconfigSource([h.kubeconfig]));
    const c = follow(manager, 'orrery-sandbox');
    await expect.poll(() => c.last()?.state).toBe('connected');
    expect(c.last()?.version).toMatch(/^v1\./);
    expect(c.states[0]?.state).toBe('connecting');
    c.stop();
    manager.dispose();
  });

  it('keeps several contexts connected at once, each with its own state', async () => {
    const path = `${h.dir}/two-users`;
    writeFileSync(path, readFileSync(h.kubeconfig, 'utf8'));
    const manager = new ConnectionManager(new KubeconfigSource([path]));
    const admin = follow(manager, 'orrery-sandbox');
    const viewer = follow(manager, 'orrery-sandbox-viewer');
    await expect.poll(() => [admin.last()?.state, viewer.last()?.state]).toEqual(['connected', 'connected']);
    // The viewer's token is revoked in the kubeconfig: only that context turns unauthorized.
    const text = readFileSync(path, 'utf8');
    const viewerToken = h.server.users.find((u) => u.name === 'viewer')!.token;
    writeFileSync(path, text.replace(viewerToken, 'revoked'));
    await expect.poll(() => viewer.last()?.state, { timeout: 10_000 }).toBe('unauthorized');
    expect(viewer.last()?.message).toContain('bearer token in the kubeconfig is expired or revoked');
    expect(admin.last()?.state).toBe('connected');
    admin.stop();
    viewer.stop();
    manager.dispose();
  });

  it('says a context with a missing cluster cannot be used, and why', async () => {
    const path = `${h.dir}/broken`;
    writeFileSync(path, 'contexts: [{name: x, context: {cluster: nowhere, user: u}}]\n');
    const manager = new ConnectionManager(new KubeconfigSource([path]));
    const c = follow(manager, 'x');
    await expect.poll(() => c.last()?.state).toBe('config-error');
    expect(c.last()?.message).toContain('refers to cluster "nowhere"');
    c.stop();
    manager.dispose();
  });

  it('reports an unreachable server with a retry time, and recovers when it comes back', async () => {
    const server = await startApiServer({});
    const port = Number(new URL(server.url).port);
    const path = `${h.dir}/flaky`;
    writeKubeconfig(path, server);
    await server.stop();
    const manager = new ConnectionManager(new KubeconfigSource([path]));
    const c = follow(manager, 'orrery-sandbox');
    await expect.poll(() => c.last()?.state).toBe('unreachable');
    expect(c.last()?.message).toContain(`cannot reach https://127.0.0.1:${port}: connection refused`);
    expect(c.last()?.retryInMs).toBeGreaterThan(0);
    // Back on the same port with a new CA: the kubeconfig is rewritten, as the sandbox does.
    const again = await startApiServer({ port });
    writeKubeconfig(path, again);
    await expect.poll(() => c.last()?.state, { timeout: 15_000 }).toBe('connected');
    c.stop();
    manager.dispose();
    await again.stop();
  });
});
