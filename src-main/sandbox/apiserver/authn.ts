// Request authentication as kube-apiserver's union authenticator does it: each configured
// method looks at the request; the first to recognize the user wins; credentials that some
// method rejects (a bad client certificate, an unknown token, an expired ID token) make the
// request 401 unless another method accepts it. A request with no credentials at all is
// anonymous when anonymous auth is on, else 401.
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { UserInfo } from './rbac';
import { looksLikeJwt, verifyIdToken, type OidcOptions } from './oidc';

/** kube-apiserver before 1.19 (--basic-auth-file); off unless configured, as on every current release. */
export interface BasicAuthUser {
  username: string;
  password: string;
  groups?: string[];
}

export interface AuthnConfig {
  tokens: ReadonlyMap<string, { name: string; groups: string[] }>;
  basicAuth?: readonly BasicAuthUser[];
  oidc?: OidcOptions;
  /** Requests without credentials act as system:anonymous (kube's --anonymous-auth). */
  anonymous?: boolean;
}

export type AuthnResult = { user: UserInfo } | { rejected: string[] };

const AUTHENTICATED = 'system:authenticated';
export const ANONYMOUS: UserInfo = { username: 'system:anonymous', groups: ['system:unauthenticated'] };

const withAuthenticated = (groups: readonly string[]) => (groups.includes(AUTHENTICATED) ? [...groups] : [...groups, AUTHENTICATED]);

/** The client certificate's user: CN is the name, each O a group (kube's x509 authenticator). */
function fromClientCertificate(req: IncomingMessage): AuthnResult | undefined {
  const socket = req.socket as Partial<TLSSocket>;
  const peer = socket.getPeerCertificate?.();
  if (!peer || Object.keys(peer).length === 0) return undefined;
  if (!socket.authorized) return { rejected: [`x509: ${String(socket.authorizationError ?? 'certificate not trusted')}`] };
  const cn = peer.subject?.CN;
  const name = Array.isArray(cn) ? cn[0] : cn;
  if (!name) return { rejected: ['x509: certificate has no common name'] };
  const o = peer.subject?.O;
  const groups = Array.isArray(o) ? o : o ? [o] : [];
  return { user: { username: name, groups: withAuthenticated(groups) } };
}

function fromBearer(token: string, config: AuthnConfig): AuthnResult {
  const account = config.tokens.get(token);
  if (account) return { user: { username: account.name, uid: account.name, groups: withAuthenticated(account.groups) } };
  if (config.oidc && looksLikeJwt(token)) {
    const r = verifyIdToken(token, config.oidc);
    return 'user' in r ? { user: { username: r.user.username, groups: withAuthenticated(r.user.groups) } } : { rejected: [r.error] };
  }
  return { rejected: ['invalid bearer token'] };
}

function fromBasic(encoded: string, config: AuthnConfig): AuthnResult | undefined {
  if (!config.basicAuth) return undefined; // no basic authenticator: the header is not looked at
  const text = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  const username = colon < 0 ? text : text.slice(0, colon);
  const password = colon < 0 ? '' : text.slice(colon + 1);
  const u = config.basicAuth.find((x) => x.username === username && x.password === password);
  return u ? { user: { username: u.username, uid: u.username, groups: withAuthenticated(u.groups ?? []) } } : { rejected: ['invalid username/password'] };
}

export function authenticate(req: IncomingMessage, config: AuthnConfig): AuthnResult {
  const rejected: string[] = [];
  const consider = (r: AuthnResult | undefined): UserInfo | undefined => {
    if (!r) return undefined;
    if ('user' in r) return r.user;
    rejected.push(...r.rejected);
    return undefined;
  };
  const cert = consider(fromClientCertificate(req));
  if (cert) return { user: cert };
  const auth = req.headers.authorization ?? '';
  const [scheme, value] = [auth.slice(0, auth.indexOf(' ')).toLowerCase(), auth.slice(auth.indexOf(' ') + 1).trim()];
  const user = scheme === 'bearer' && value ? consider(fromBearer(value, config)) : scheme === 'basic' ? consider(fromBasic(value, config)) : undefined;
  if (user) return { user };
  if (rejected.length) return { rejected };
  return config.anonymous ? { user: ANONYMOUS } : { rejected: ['no credentials'] };
}
