import { writeFileSync } from 'node:fs';
import type { ClientRequest } from 'node:http';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../sandbox/apiserver/testkit';
import { KubeClient, kubeConfigFor, readBody } from './kube-client';
import { KubeApiError } from './kube-errors';
import { loadKubeconfig } from './kubeconfig';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.server.stop());

async function clientFor(context: string, edit?: (yaml: string) => string) {
  let path = h.kubeconfig;
  if (edit) {
    path = join(h.dir, `kubeconfig-${Math.random().toString(36).slice(2)}`);
    const { readFileSync } = await import('node:fs');
    writeFileSync(path, edit(readFileSync(h.kubeconfig, 'utf8')));
  }
  return new KubeClient(context, kubeConfigFor(await loadKubeconfig([path]), context));
}

const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as KubeApiError);

describe('KubeClient against the sandbox API server', () => {
  it('reads /version with the kubeconfig credentials and CA', async () => {
    const client = await clientFor('orrery-sandbox');
    const version = await client.json<{ gitVersion: string }>({ path: '/version' });
    expect(version.gitVersion).toMatch(/^v1\./);
  });

  it('keeps connections alive between requests (a paged list does not pay a TLS handshake per page)', async () => {
    const client = await clientFor('orrery-sandbox');
    const reused: boolean[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await client.send({ path: '/api/v1/namespaces', query: { limit: 1 } });
      // Node sets res.req at run time; @types/node does not declare it.
      reused.push((res as typeof res & { req: ClientRequest }).req.reusedSocket);
      await readBody(res);
      await new Promise((r) => setImmediate(r)); // the socket goes back to the pool
    }
    expect(reused).toEqual([false, true, true]);
  });

  it('authenticates through an exec credential plugin found on PATH, and says so when it fails', async () => {
    const { chmodSync, mkdirSync, readFileSync } = await import('node:fs');
    const bin = join(h.dir, 'plugins');
    mkdirSync(bin, { recursive: true });
    const admin = h.server.users.find((u) => u.name === 'admin')!.token;
    // What aws eks get-token / gke-gcloud-auth-plugin print: an ExecCredential with a token.
    writeFileSync(join(bin, 'orrery-test-auth'), `#!/bin/sh\necho '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"${admin}"}}'\n`);
    chmodSync(join(bin, 'orrery-test-auth'), 0o755);
    const exec = (command: string) => (y: string) =>
      y.replace(/token: .*/, `exec:\n        apiVersion: client.authentication.k8s.io/v1\n        command: ${command}\n        interactiveMode: Never`);
    const oldPath = process.env.PATH;
    process.env.PATH = `${oldPath}:${bin}`;
    try {
      const client = await clientFor('orrery-sandbox', exec('orrery-test-auth'));
      expect(client.credentialKind()).toBe('exec');
      expect((await client.json<{ gitVersion: string }>({ path: '/version' })).gitVersion).toMatch(/^v1\./);
      const missing = await clientFor('orrery-sandbox', exec('orrery-no-such-plugin'));
      const err = await failure(missing.json({ path: '/api/v1/namespaces' }));
      expect(err!.kind).toBe('unauthorized');
      expect(err!.message).toMatch(/could not obtain credentials for context "orrery-sandbox"|exec credential plugin/);
    } finally {
      process.env.PATH = oldPath;
    }
    expect(readFileSync(h.kubeconfig, 'utf8')).toContain('token:');
  });

  it('explains a 401 with advice matching the credential kind', async () => {
    const client = await clientFor('orrery-sandbox', (y) => y.replace(/token: .*/, 'token: expired-token'));
    const err = await failure(client.json({ path: '/api/v1/namespaces' }));
    expect(err).toBeInstanceOf(KubeApiError);
    expect(err!.kind).toBe('unauthorized');
    expect(err!.message).toContain('401 Unauthorized');
    expect(err!.message).toContain('bearer token in the kubeconfig is expired or revoked');
  });

  it('names the verb and resource a 403 is about', async () => {
    const client = await clientFor('orrery-sandbox-viewer');
    const err = await failure(client.json({ path: '/api/v1/namespaces/default/secrets', intent: { verb: 'list', resource: 'secrets', namespace: 'default' } }));
    expect(err!.kind).toBe('forbidden');
    expect(err!.message).toContain('not allowed to list secrets in namespace "default"');
    expect(err!.message).toContain('cannot list resource "secrets"');
    expect(err!.extra).toMatchObject({ status: 403, verb: 'list', resource: 'secrets' });
  });

  it('reports a TLS failure when the CA is not trusted', async () => {
    const client = await clientFor('orrery-sandbox', (y) => y.replace(/certificate-authority-data: .*/, ''));
    const err = await failure(client.json({ path: '/version' }));
    expect(err!.kind).toBe('tls');
    expect(err!.message).toMatch(/TLS failure talking to https:\/\/127\.0\.0\.1:\d+/);
  });

  it('reports an unreachable server with its address and the reason', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const client = await clientFor('orrery-sandbox', (y) => y.replace(/server: .*/, `server: https://127.0.0.1:${port}`));
    const err = await failure(client.json({ path: '/version' }));
    expect(err!.kind).toBe('unreachable');
    expect(err!.message).toBe(`cannot reach https://127.0.0.1:${port}: connection refused: nothing listens there`);
  });

  it('refuses a context whose cluster is missing, by name', async () => {
    const merged = await loadKubeconfig([h.kubeconfig]);
    expect(() => kubeConfigFor(merged, 'nope')).toThrow('no context named "nope"');
  });
});
