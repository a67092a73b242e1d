// Every kind of kubeconfig credential and cluster setting Orrery connects with, each against a
// sandbox API server configured for it, through KubeClient (client-node's KubeConfig for
// authentication, node:https for the requests). Each failure has its explained message.
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { generateServingCerts } from '../../sandbox/apiserver/certs';
import { startHarness, type Harness } from '../../sandbox/apiserver/testkit';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeClient, kubeConfigFor } from './kube-client';
import type { KubeApiError } from './kube-errors';
import { loadKubeconfig } from './kubeconfig';
import { ConnectionManager } from './connections';
import { KubeconfigSource } from './kubeconfig-source';
import type { ClusterConnection } from '../../contract/types';

const ISSUER_CLIENT_ID = 'orrery';
let h: Harness;
let oidcKeys: { privateKey: KeyObject; publicKey: KeyObject };
let issuer: { url: string; caPem: string; refreshes: string[]; server: HttpsServer };

beforeAll(async () => {
  oidcKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  issuer = await startIssuer();
  h = await startHarness({
    basicAuth: [{ username: 'ops', password: 's3cret', groups: ['system:masters'] }],
    oidc: { issuerUrl: issuer.url, clientId: ISSUER_CLIENT_ID, keys: [oidcKeys.publicKey], usernameClaim: 'email' },
  });
});
afterAll(async () => {
  await h.server.stop();
  issuer.server.close();
});

const ca = () => Buffer.from(h.server.caPem).toString('base64');
const adminToken = () => h.server.users.find((u) => u.name === 'admin')!.token;

/** A kubeconfig with one context "c" made of this cluster and user, loaded as Orrery does. */
async function clientWith(cluster: Record<string, unknown>, user: Record<string, unknown>): Promise<KubeClient> {
  const path = join(h.dir, `kubeconfig-${Math.random().toString(36).slice(2)}`);
  writeFileSync(
    path,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'c', cluster: { server: h.server.url, ...cluster } }],
      users: [{ name: 'u', user }],
      contexts: [{ name: 'c', context: { cluster: 'c', user: 'u' } }],
      'current-context': 'c',
    }),
  );
  return new KubeClient('c', kubeConfigFor(await loadKubeconfig([path]), 'c'));
}

/** Who the server authenticated us as (SelfSubjectReview, as `kubectl auth whoami`). */
async function whoAmI(client: KubeClient): Promise<string> {
  const review = await client.json<{ status: { userInfo: { username: string } } }>({
    method: 'POST',
    path: '/apis/authentication.k8s.io/v1/selfsubjectreviews',
    body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
  });
  return review.status.userInfo.username;
}

const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as KubeApiError);

function jwt(claims: Record<string, unknown>, key = oidcKeys.privateKey): string {
  const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const input = `${enc({ alg: 'RS256', typ: 'JWT', kid: 'k1' })}.${enc(claims)}`;
  return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
}
const now = () => Math.floor(Date.now() / 1000);
const idToken = (email: string, expiresIn: number) => jwt({ iss: issuer.url, aud: ISSUER_CLIENT_ID, sub: email, email, email_verified: true, iat: now() - 60, exp: now() + expiresIn });

/** A minimal OIDC provider: discovery and a token endpoint that trades refresh tokens. */
async function startIssuer() {
  const certs = await generateServingCerts();
  const refreshes: string[] = [];
  let url = '';
  const server = createHttpsServer({ key: certs.keyPem, cert: certs.certPem }, (req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const send = (code: number, o: object) => {
        res.writeHead(code, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
        res.end(JSON.stringify(o));
      };
      if (req.url === '/.well-known/openid-configuration') {
        return send(200, { issuer: url, token_endpoint: `${url}/token`, authorization_endpoint: `${url}/auth`, jwks_uri: `${url}/keys`, response_types_supported: ['code'], subject_types_supported: ['public'], id_token_signing_alg_values_supported: ['RS256'] });
      }
      if (req.url === '/token' && req.method === 'POST') {
        const form = new URLSearchParams(body);
        const token = form.get('refresh_token') ?? '';
        refreshes.push(token);
        if (!token.startsWith('good-')) return send(400, { error: 'invalid_grant', error_description: 'refresh token revoked' });
        return send(200, { access_token: 'at', token_type: 'Bearer', expires_in: 3600, id_token: idToken('refreshed@example.com', 3600), refresh_token: `good-${refreshes.length}` });
      }
      send(404, { error: 'not found' });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, caPem: certs.caPem, refreshes, server };
}

/** A real HTTP CONNECT proxy that records the tunnels it opened. */
async function startConnectProxy(opts: { refuseWith?: number } = {}) {
  const tunnels: string[] = [];
  const server: HttpServer = createHttpServer((_req, res) => res.writeHead(405).end());
  server.on('connect', (req, clientSocket, head) => {
    tunnels.push(req.url ?? '');
    if (opts.refuseWith) {
      clientSocket.end(`HTTP/1.1 ${opts.refuseWith} Refused\r\n\r\n`);
      return;
    }
    const [host, port] = (req.url ?? '').split(':');
    const upstream = connect(Number(port), host, () => {
      clientSocket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(clientSocket);
      clientSocket.pipe(upstream);
    });
    upstream.on('error', () => clientSocket.destroy());
    clientSocket.on('error', () => upstream.destroy());
  });
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const close = () =>
    new Promise<void>((r) => {
      server.close(() => r());
      for (const s of sockets) s.destroy(); // tunnels are no longer the HTTP server's to close
    });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, tunnels, close };
}

describe('client certificates', () => {
  it('authenticates with client-certificate-data: CN is the user, O the groups', async () => {
    const cert = await h.server.issueClientCertificate({ user: 'alice', groups: ['system:masters', 'devs'] });
    const client = await clientWith({ 'certificate-authority-data': ca() }, { 'client-certificate-data': Buffer.from(cert.certPem).toString('base64'), 'client-key-data': Buffer.from(cert.keyPem).toString('base64') });
    expect(client.credentialKind()).toBe('client-certificate');
    expect(await whoAmI(client)).toBe('alice');
  });

  it('reads client-certificate and client-key files relative to the kubeconfig', async () => {
    const cert = await h.server.issueClientCertificate({ user: 'bob', groups: ['system:masters'] });
    writeFileSync(join(h.dir, 'bob.crt'), cert.certPem);
    writeFileSync(join(h.dir, 'bob.key'), cert.keyPem);
    const client = await clientWith({ 'certificate-authority-data': ca() }, { 'client-certificate': 'bob.crt', 'client-key': 'bob.key' });
    expect(await whoAmI(client)).toBe('bob');
  });

  it('explains a 401 for an expired client certificate', async () => {
    const cert = await h.server.issueClientCertificate({ user: 'carol', groups: ['system:masters'] }, { notBefore: new Date(Date.now() - 2 * 86400_000), notAfter: new Date(Date.now() - 86400_000) });
    const client = await clientWith({ 'certificate-authority-data': ca() }, { 'client-certificate-data': Buffer.from(cert.certPem).toString('base64'), 'client-key-data': Buffer.from(cert.keyPem).toString('base64') });
    const err = await failure(client.json({ path: '/api/v1/namespaces' }));
    expect(err?.kind).toBe('unauthorized');
    expect(err?.message).toMatch(/client certificate \(CN=carol\) expired at \d{4}-\d\d-\d\dT/);
  });

  it('explains a 401 for a certificate from a CA the server does not trust', async () => {
    const other = await generateServingCerts();
    const cert = await other.issueClientCert({ user: 'mallory', groups: ['system:masters'] });
    const client = await clientWith({ 'certificate-authority-data': ca() }, { 'client-certificate-data': Buffer.from(cert.certPem).toString('base64'), 'client-key-data': Buffer.from(cert.keyPem).toString('base64') });
    const err = await failure(client.json({ path: '/api/v1/namespaces' }));
    expect(err?.kind).toBe('unauthorized');
    expect(err?.message).toContain('the client certificate (CN=mallory) was rejected: it is valid until');
    expect(err?.message).toContain('so its issuer (CN=orrery-sandbox-ca) is probably not a CA this server trusts');
  });
});

describe('basic auth', () => {
  it('sends the username/password, which a server configured for it accepts', async () => {
    const client = await clientWith({ 'certificate-authority-data': ca() }, { username: 'ops', password: 's3cret' });
    expect(client.credentialKind()).toBe('basic');
    expect(await whoAmI(client)).toBe('ops');
  });

  it('says that API servers no longer accept basic auth when one answers 401', async () => {
    const client = await clientWith({ 'certificate-authority-data': ca() }, { username: 'ops', password: 'wrong' });
    const err = await failure(client.json({ path: '/api/v1/namespaces' }));
    expect(err?.kind).toBe('unauthorized');
    expect(err?.message).toContain('the server rejected the username/password');
    expect(err?.message).toContain('Kubernetes removed basic authentication in 1.19');
  });
});

describe('basic auth on a server with anonymous auth (most clusters)', () => {
  it('says the credentials were not recognized when the answer is a 403 for system:anonymous', async () => {
    const anon = await startHarness({ anonymousAuth: true });
    try {
      const path = join(anon.dir, 'basic');
      writeFileSync(path, stringify({ clusters: [{ name: 'c', cluster: { server: anon.server.url, 'certificate-authority-data': Buffer.from(anon.server.caPem).toString('base64') } }], users: [{ name: 'u', user: { username: 'ops', password: 's3cret' } }], contexts: [{ name: 'c', context: { cluster: 'c', user: 'u' } }] }));
      const client = new KubeClient('c', kubeConfigFor(await loadKubeconfig([path]), 'c'));
      // /version is public, so a connection check alone would look fine.
      expect((await client.json<{ gitVersion: string }>({ path: '/version' })).gitVersion).toMatch(/^v1\./);
      const err = await failure(client.json({ path: '/api/v1/namespaces', intent: { verb: 'list', resource: 'namespaces' } }));
      expect(err?.kind).toBe('forbidden');
      expect(err?.message).toContain('not allowed to list namespaces');
      expect(err?.message).toContain('User "system:anonymous" cannot list resource "namespaces"');
      expect(err?.message).toContain("The server treated the request as anonymous, so it did not recognize the kubeconfig's credentials: API servers since Kubernetes 1.19 ignore basic authentication");
      // The connection state says so too, although /version answered.
      const manager = new ConnectionManager(new KubeconfigSource([path]));
      let state: ClusterConnection | undefined;
      const stop = manager.watch('c', (st) => (state = st));
      await expect.poll(() => state?.state).toBe('unauthorized');
      expect(state?.message).toContain("treats Orrery's requests as anonymous (system:anonymous): it did not recognize the kubeconfig's basic credentials. Kubernetes removed basic authentication");
      stop();
      manager.dispose();
    } finally {
      await anon.server.stop();
    }
  });
});

describe('OIDC (auth-provider oidc)', () => {
  const oidcUser = (config: Record<string, string>) => ({ 'auth-provider': { name: 'oidc', config: { 'idp-issuer-url': issuer.url, 'client-id': ISSUER_CLIENT_ID, ...config } } });

  it('sends a valid id-token; the server maps the email claim to the user', async () => {
    h.server.store.create('clusterrolebindings', {
      metadata: { name: 'oidc-admins' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'dev@example.com' }, { apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'refreshed@example.com' }],
    } as never);
    const client = await clientWith({ 'certificate-authority-data': ca() }, oidcUser({ 'id-token': idToken('dev@example.com', 600) }));
    expect(client.credentialKind()).toBe('oidc');
    expect(await whoAmI(client)).toBe('dev@example.com');
  });

  it('refreshes an expired id-token at the issuer when there is a refresh-token', async () => {
    const client = await clientWith(
      { 'certificate-authority-data': ca() },
      oidcUser({ 'id-token': idToken('dev@example.com', -60), 'refresh-token': 'good-0', 'idp-certificate-authority-data': Buffer.from(issuer.caPem).toString('base64') }),
    );
    const before = issuer.refreshes.length;
    expect(await whoAmI(client)).toBe('refreshed@example.com');
    expect(await whoAmI(client)).toBe('refreshed@example.com');
    // One refresh; the new id-token is used until it expires.
    expect(issuer.refreshes.slice(before)).toEqual(['good-0']);
  });

  it("client-node 2.0's own refresh fails, which is why Orrery refreshes (drop oidc-credential.ts when this fails)", async () => {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'c', server: h.server.url, skipTLSVerify: false }],
      users: [{ name: 'u', authProvider: { name: 'oidc', config: { 'idp-issuer-url': issuer.url, 'client-id': ISSUER_CLIENT_ID, 'id-token': idToken('dev@example.com', -60), 'refresh-token': 'good-0', 'idp-certificate-authority-data': Buffer.from(issuer.caPem).toString('base64') } } }],
      contexts: [{ name: 'c', cluster: 'c', user: 'u' }],
      currentContext: 'c',
    });
    await expect(kc.applyToHTTPSOptions({ headers: {} })).rejects.toThrow('"server" must be an instance of URL');
  });

  it('explains an expired id-token without a refresh-token (log in again), as kubectl does before sending', async () => {
    const client = await clientWith({ 'certificate-authority-data': ca() }, oidcUser({ 'id-token': idToken('dev@example.com', -60) }));
    const err = await failure(client.json({ path: '/api/v1/namespaces' }));
    expect(err?.kind).toBe('unauthorized');
    expect(err?.message).toMatch(/the OIDC id-token of context "c" expired at \d{4}-\d\d-\d\dT[^ ]+ and the kubeconfig has no refresh-token/);
    expect(err?.message).toContain('log in again');
  });

  it('explains a refresh the issuer refuses (issuer CA from a file relative to the kubeconfig)', async () => {
    writeFileSync(join(h.dir, 'issuer-ca.crt'), issuer.caPem);
    const client = await clientWith({ 'certificate-authority-data': ca() }, oidcUser({ 'id-token': idToken('dev@example.com', -60), 'refresh-token': 'revoked', 'idp-certificate-authority': 'issuer-ca.crt' }));
    const err = await failure(client.json({ path: '/api/v1/namespaces' }));
    expect(err?.kind).toBe('unauthorized');
    expect(err?.message).toContain(`refreshing the expired OIDC id-token at ${issuer.url} failed: the token endpoint answered 400 (invalid_grant: refresh token revoked)`);
    expect(err?.message).toContain('log in again');
  });

  it('explains an id-token the server rejects (another issuer signed it)', async () => {
    const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const forged = jwt({ iss: issuer.url, aud: ISSUER_CLIENT_ID, sub: 'x', email: 'dev@example.com', iat: now(), exp: now() + 600 }, stranger.privateKey);
    const client = await clientWith({ 'certificate-authority-data': ca() }, oidcUser({ 'id-token': forged }));
    const err = await failure(client.json({ path: '/api/v1/namespaces' }));
    expect(err?.kind).toBe('unauthorized');
    expect(err?.message).toContain('the server rejected the OIDC id-token (valid until');
  });
});

describe('cluster settings', () => {
  it('goes through proxy-url (an HTTP CONNECT proxy)', async () => {
    const proxy = await startConnectProxy();
    try {
      const client = await clientWith({ 'certificate-authority-data': ca(), 'proxy-url': proxy.url }, { token: adminToken() });
      expect((await client.json<{ gitVersion: string }>({ path: '/version' })).gitVersion).toMatch(/^v1\./);
      expect(proxy.tunnels).toEqual([`127.0.0.1:${h.server.port}`]);
    } finally {
      await proxy.close();
    }
  });

  it('names the proxy when it refuses the tunnel or is not there', async () => {
    const proxy = await startConnectProxy({ refuseWith: 403 });
    const refusing = await clientWith({ 'certificate-authority-data': ca(), 'proxy-url': proxy.url }, { token: adminToken() });
    const refused = await failure(refusing.json({ path: '/version' }));
    await proxy.close();
    expect(refused?.kind).toBe('unreachable');
    expect(refused?.message).toBe(`cannot reach ${h.server.url} through the proxy ${proxy.url}: the proxy answered 403 to CONNECT`);
    const gone = await failure(refusing.json({ path: '/version' }));
    expect(gone?.message).toBe(`cannot reach ${h.server.url} through the proxy ${proxy.url}: the proxy: connection refused: nothing listens there`);
  });

  it('accepts an untrusted server certificate with insecure-skip-tls-verify', async () => {
    const client = await clientWith({ 'insecure-skip-tls-verify': true }, { token: adminToken() });
    expect((await client.json<{ gitVersion: string }>({ path: '/version' })).gitVersion).toMatch(/^v1\./);
  });

  it('reads certificate-authority from a file relative to the kubeconfig', async () => {
    writeFileSync(join(h.dir, 'ca.crt'), h.server.caPem);
    const client = await clientWith({ 'certificate-authority': 'ca.crt' }, { token: adminToken() });
    expect((await client.json<{ gitVersion: string }>({ path: '/version' })).gitVersion).toMatch(/^v1\./);
  });

  it('explains a certificate that does not name the server (tls-server-name)', async () => {
    const ok = await clientWith({ 'certificate-authority-data': ca(), 'tls-server-name': 'localhost' }, { token: adminToken() });
    expect((await ok.json<{ gitVersion: string }>({ path: '/version' })).gitVersion).toMatch(/^v1\./);
    const wrong = await clientWith({ 'certificate-authority-data': ca(), 'tls-server-name': 'api.example.com' }, { token: adminToken() });
    const err = await failure(wrong.json({ path: '/version' }));
    expect(err?.kind).toBe('tls');
    expect(err?.message).toContain('the certificate does not name this address');
  });
});

describe('connection states', () => {
  it('explains TLS, expired-credential and proxy failures as the context state', async () => {
    const path = join(h.dir, 'states');
    const proxy = await startConnectProxy();
    await proxy.close(); // nothing listens at proxy.url any more
    writeFileSync(
      path,
      stringify({
        clusters: [
          { name: 'untrusted', cluster: { server: h.server.url } },
          { name: 'trusted', cluster: { server: h.server.url, 'certificate-authority-data': ca() } },
          { name: 'proxied', cluster: { server: h.server.url, 'certificate-authority-data': ca(), 'proxy-url': proxy.url } },
        ],
        users: [
          { name: 'admin', user: { token: adminToken() } },
          { name: 'oidc', user: { 'auth-provider': { name: 'oidc', config: { 'idp-issuer-url': issuer.url, 'client-id': ISSUER_CLIENT_ID, 'id-token': idToken('dev@example.com', -60) } } } },
        ],
        contexts: [
          { name: 'tls', context: { cluster: 'untrusted', user: 'admin' } },
          { name: 'expired', context: { cluster: 'trusted', user: 'oidc' } },
          { name: 'proxy-down', context: { cluster: 'proxied', user: 'admin' } },
        ],
      }),
    );
    const manager = new ConnectionManager(new KubeconfigSource([path]));
    const last: Record<string, ClusterConnection | undefined> = {};
    const stops = ['tls', 'expired', 'proxy-down'].map((ctx) => manager.watch(ctx, (st) => (last[ctx] = st)));
    try {
      await expect.poll(() => [last.tls?.state, last.expired?.state, last['proxy-down']?.state]).toEqual(['tls', 'unauthorized', 'unreachable']);
      expect(last.tls?.message).toContain(`TLS failure talking to ${h.server.url}`);
      expect(last.tls?.message).toContain('check certificate-authority(-data) in the kubeconfig');
      expect(last.expired?.message).toContain('has no refresh-token to renew it: log in again with your identity provider');
      expect(last['proxy-down']?.message).toBe(`cannot reach ${h.server.url} through the proxy ${proxy.url}: the proxy: connection refused: nothing listens there`);
      expect(last['proxy-down']?.retryInMs).toBeGreaterThan(0);
    } finally {
      stops.forEach((stop) => stop());
      manager.dispose();
    }
  });
});
