// The id-token of a kubeconfig user with `auth-provider: oidc`, refreshed with its refresh-token
// when it expires, as kubectl's (client-go's) oidc provider does. Orrery does this itself because
// @kubernetes/client-node 2.0's refresh cannot work: it hands openid-client a string where a URL
// object is required, so every refresh throws. Refreshed tokens live in memory only; they are not
// written back to the kubeconfig (kubectl does write them back).
import { readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { KubeApiError } from './kube-errors';

/** client-go treats a token as expired this long before its exp claim. */
const EXPIRY_SLACK_S = 10;
const REQUEST_TIMEOUT_MS = 15_000;

export interface OidcFacts {
  issuer?: string;
  expiresAt?: Date;
  hasRefreshToken: boolean;
}

/** The exp claim of a JWT, in seconds; undefined when it is not a readable JWT. */
export function jwtExpiry(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const exp = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown }).exp;
    return typeof exp === 'number' ? exp : undefined;
  } catch {
    return undefined;
  }
}

function httpsJson(url: URL, ca: Buffer | undefined, init: { method: 'GET' | 'POST'; headers?: Record<string, string>; body?: string }): Promise<{ status: number; json: Record<string, unknown> | undefined; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { method: init.method, headers: { Accept: 'application/json', ...init.headers }, ...(ca ? { ca } : {}), timeout: REQUEST_TIMEOUT_MS }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: Record<string, unknown> | undefined;
        try {
          const v = JSON.parse(text) as unknown;
          if (v && typeof v === 'object' && !Array.isArray(v)) json = v as Record<string, unknown>;
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, json, text });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end(init.body);
  });
}

export class OidcCredential {
  private idToken: string;
  private refreshToken: string;
  private refreshing: Promise<string> | undefined;

  constructor(
    private readonly context: string,
    private readonly config: Record<string, string | undefined>,
    private readonly now: () => number = Date.now,
  ) {
    this.idToken = config['id-token'] ?? '';
    this.refreshToken = config['refresh-token'] ?? '';
  }

  facts(): OidcFacts {
    const exp = jwtExpiry(this.idToken);
    return {
      ...(this.config['idp-issuer-url'] ? { issuer: this.config['idp-issuer-url'] } : {}),
      ...(exp !== undefined ? { expiresAt: new Date(exp * 1000) } : {}),
      hasRefreshToken: this.refreshToken !== '',
    };
  }

  private expired(): boolean {
    const exp = jwtExpiry(this.idToken);
    return exp === undefined || exp - EXPIRY_SLACK_S < this.now() / 1000;
  }

  /** A usable id-token, refreshed first when expired; throws an explained error when it cannot be. */
  async token(): Promise<string> {
    if (this.idToken && !this.expired()) return this.idToken;
    this.refreshing ??= this.refresh().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async refresh(): Promise<string> {
    const issuer = this.config['idp-issuer-url'];
    const clientId = this.config['client-id'];
    const expiry = this.facts().expiresAt;
    const what = this.idToken ? `the OIDC id-token of context "${this.context}" ${expiry ? `expired at ${expiry.toISOString()}` : 'is not a readable JWT'}` : `the kubeconfig user of context "${this.context}" has no OIDC id-token`;
    const relogin = 'log in again with your identity provider (e.g. `kubectl oidc-login get-token`, kubelogin, or your cluster\'s login command) to write a new id-token into the kubeconfig';
    if (!this.refreshToken) throw new KubeApiError('unauthorized', `${what} and the kubeconfig has no refresh-token to renew it: ${relogin}`);
    if (!issuer || !clientId) throw new KubeApiError('unauthorized', `${what}; renewing it needs idp-issuer-url and client-id in the auth-provider config: add them, or ${relogin}`);
    try {
      const ca = this.issuerCa();
      const discovery = await httpsJson(new URL(`${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`), ca, { method: 'GET' });
      const endpoint = discovery.json?.token_endpoint;
      if (discovery.status !== 200 || typeof endpoint !== 'string') throw new Error(`its discovery document answered ${discovery.status} without a token_endpoint`);
      const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: this.refreshToken });
      const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded' };
      const secret = this.config['client-secret'];
      // client_secret_basic when there is a secret (what every provider must support), else a public client.
      if (secret) headers.Authorization = `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`;
      else form.set('client_id', clientId);
      const answer = await httpsJson(new URL(endpoint), ca, { method: 'POST', headers, body: form.toString() });
      if (answer.status !== 200) {
        const reason = typeof answer.json?.error === 'string' ? `${answer.json.error}${typeof answer.json.error_description === 'string' ? `: ${answer.json.error_description}` : ''}` : answer.text.slice(0, 200);
        throw new Error(`the token endpoint answered ${answer.status} (${reason})`);
      }
      const idToken = answer.json?.id_token;
      if (typeof idToken !== 'string' || idToken === '') throw new Error('the token endpoint answered without an id_token');
      this.idToken = idToken;
      // Providers that do not rotate refresh tokens omit it: the old one stays valid.
      if (typeof answer.json?.refresh_token === 'string' && answer.json.refresh_token !== '') this.refreshToken = answer.json.refresh_token;
      return idToken;
    } catch (err) {
      throw new KubeApiError('unauthorized', `refreshing the expired OIDC id-token at ${issuer} failed: ${(err as Error).message}. The refresh-token may be expired or revoked: ${relogin}`, { cause: err });
    }
  }

  private issuerCa(): Buffer | undefined {
    const file = this.config['idp-certificate-authority'];
    if (file) return readFileSync(file);
    const data = this.config['idp-certificate-authority-data'];
    return data ? Buffer.from(data, 'base64') : undefined;
  }
}
