// Authentication methods of the sandbox API server, checked with kubectl (a real client-go
// client) and raw requests: client certificates, OIDC ID tokens, basic auth, anonymous.
import { generateKeyPairSync, sign } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { startHarness, type Harness } from './testkit';
import { verifyIdToken } from './oidc';

const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ISSUER = 'https://issuer.example';
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ oidc: { issuerUrl: ISSUER, clientId: 'kube', keys: [keys.publicKey] }, basicAuth: [{ username: 'ops', password: 'pw', groups: ['ops'] }] });
});
afterAll(async () => h.server.stop());

function jwt(claims: Record<string, unknown>, key = keys.privateKey): string {
  const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const input = `${enc({ alg: 'RS256', typ: 'JWT' })}.${enc(claims)}`;
  return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
}
const now = () => Math.floor(Date.now() / 1000);
const b64 = (s: string) => Buffer.from(s).toString('base64');
const userInfo = (stdout: string) => (JSON.parse(stdout) as { status: { userInfo: unknown } }).status.userInfo;

/** A kubeconfig for the sandbox with just this user. */
function kubeconfigWith(user: Record<string, string>): string {
  const path = join(h.dir, `kubeconfig-${Math.random().toString(36).slice(2)}`);
  writeFileSync(path, stringify({ clusters: [{ name: 'c', cluster: { server: h.server.url, 'certificate-authority-data': b64(h.server.caPem) } }], users: [{ name: 'u', user }], contexts: [{ name: 'c', context: { cluster: 'c', user: 'u' } }], 'current-context': 'c' }));
  return path;
}

function get(path: string, headers: Record<string, string>, server = h.server): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${server.url}${path}`, { ca: server.caPem, headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('client certificates', () => {
  it('kubectl authenticates with a certificate from the sandbox CA: CN user, O groups', async () => {
    const cert = await h.server.issueClientCertificate({ user: 'jane', groups: ['devs', 'system:masters'] });
    const r = await h.kubectl(['auth', 'whoami', '-o', 'json'], { env: { KUBECONFIG: kubeconfigWith({ 'client-certificate-data': b64(cert.certPem), 'client-key-data': b64(cert.keyPem) }) } });
    expect(r.stderr).toBe('');
    expect(userInfo(r.stdout)).toEqual({ username: 'jane', groups: ['devs', 'system:masters', 'system:authenticated'] });
  });
});

describe('OIDC ID tokens', () => {
  const claims = (extra: Record<string, unknown> = {}) => ({ iss: ISSUER, aud: 'kube', sub: 'u1', groups: ['g1'], iat: now(), exp: now() + 300, ...extra });

  it('maps sub (prefixed with the issuer, as kube does) and groups', async () => {
    const r = await h.kubectl(['auth', 'whoami', '-o', 'json'], { env: { KUBECONFIG: kubeconfigWith({ token: jwt(claims()) }) } });
    expect(r.stderr).toBe('');
    expect(userInfo(r.stdout)).toEqual({ username: `${ISSUER}#u1`, groups: ['g1', 'system:authenticated'] });
  });

  it('rejects expired, wrong-audience, wrong-issuer and forged tokens with 401', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    for (const token of [jwt(claims({ exp: now() - 1 })), jwt(claims({ aud: 'other' })), jwt(claims({ iss: 'https://evil.example' })), jwt(claims(), other.privateKey)]) {
      expect((await get('/api/v1/namespaces', { Authorization: `Bearer ${token}` })).status).toBe(401);
    }
    const opts = { issuerUrl: ISSUER, clientId: 'kube', keys: [keys.publicKey] };
    expect(verifyIdToken(jwt(claims({ exp: now() - 1 })), opts)).toMatchObject({ error: expect.stringContaining('expired') });
    expect(verifyIdToken(jwt(claims({ aud: 'other' })), opts)).toMatchObject({ error: expect.stringContaining('audience') });
    expect(verifyIdToken(jwt(claims(), other.privateKey), opts)).toMatchObject({ error: 'oidc: failed to verify signature' });
  });
});

describe('basic auth and anonymous requests', () => {
  it('accepts configured username/password only', async () => {
    const basic = (u: string, p: string) => ({ Authorization: `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}` });
    expect((await get('/version', basic('ops', 'pw'))).status).toBe(200);
    expect((await get('/version', basic('ops', 'nope'))).status).toBe(401);
  });

  it('answers 401 without credentials unless anonymous auth is on; anonymous may read /version only', async () => {
    expect((await get('/version', {})).status).toBe(401);
    const anon = await startHarness({ anonymousAuth: true });
    try {
      expect((await get('/version', {}, anon.server)).status).toBe(200);
      const pods = await get('/api/v1/namespaces/default/pods', {}, anon.server);
      expect(pods.status).toBe(403);
      expect(pods.body).toContain('User \\"system:anonymous\\" cannot list resource \\"pods\\" in API group \\"\\" in the namespace \\"default\\"');
    } finally {
      await anon.server.stop();
    }
  });
});
