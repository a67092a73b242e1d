// OIDC ID-token authentication as kube-apiserver's --oidc-* flags configure it: a JWT signed by
// a key of the issuer (RS256 or ES256), with iss equal to the issuer URL, aud containing the
// client id and exp in the future. The user name comes from a claim (default "sub", prefixed
// with "<issuer>#" unless the claim is "email"), groups from another (default "groups").
import { createPublicKey, verify, type JsonWebKey, type KeyObject } from 'node:crypto';

export interface OidcOptions {
  issuerUrl: string;
  clientId: string;
  /** The issuer's signing keys (public), as KeyObjects or JWKs. */
  keys: Array<KeyObject | JsonWebKey>;
  usernameClaim?: string;
  /** "-" for no prefix; default "<issuer>#" unless usernameClaim is "email". */
  usernamePrefix?: string;
  groupsClaim?: string;
  groupsPrefix?: string;
  now?: () => number;
}

export type OidcResult = { user: { username: string; groups: string[] } } | { error: string };

const ALGORITHMS: Record<string, { hash: string; dsaEncoding?: 'ieee-p1363' }> = {
  RS256: { hash: 'sha256' },
  ES256: { hash: 'sha256', dsaEncoding: 'ieee-p1363' },
};

function decodePart(part: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Whether a bearer token looks like a JWT at all (other authenticators get it otherwise). */
export function looksLikeJwt(token: string): boolean {
  return token.split('.').length === 3 && decodePart(token.split('.')[0]!)?.alg !== undefined;
}

export function verifyIdToken(token: string, opts: OidcOptions): OidcResult {
  const [h, p, sig] = token.split('.');
  const header = h ? decodePart(h) : undefined;
  const claims = p ? decodePart(p) : undefined;
  if (!header || !claims || !sig) return { error: 'oidc: malformed jwt' };
  const alg = ALGORITHMS[String(header.alg)];
  if (!alg) return { error: `oidc: unsupported signing algorithm ${String(header.alg)}` };
  const keys = opts.keys.map((k) => ('type' in k && typeof (k as KeyObject).export === 'function' ? (k as KeyObject) : createPublicKey({ key: k as JsonWebKey, format: 'jwk' })));
  const signed = Buffer.from(`${h}.${p}`);
  const signature = Buffer.from(sig, 'base64url');
  if (!keys.some((key) => verify(alg.hash, signed, { key, ...(alg.dsaEncoding ? { dsaEncoding: alg.dsaEncoding } : {}) }, signature))) {
    return { error: 'oidc: failed to verify signature' };
  }
  if (claims.iss !== opts.issuerUrl) return { error: `oidc: id token issued by a different provider, expected "${opts.issuerUrl}" got "${String(claims.iss)}"` };
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!aud.includes(opts.clientId)) return { error: `oidc: expected audience "${opts.clientId}" got ${JSON.stringify(claims.aud)}` };
  const now = (opts.now ?? Date.now)() / 1000;
  if (typeof claims.exp !== 'number' || claims.exp < now) return { error: `oidc: token is expired (exp ${String(claims.exp)})` };
  const usernameClaim = opts.usernameClaim ?? 'sub';
  const name = claims[usernameClaim];
  if (typeof name !== 'string' || name === '') return { error: `oidc: claim "${usernameClaim}" not present` };
  if (usernameClaim === 'email' && claims.email_verified === false) return { error: 'oidc: email not verified' };
  const prefix = opts.usernamePrefix === '-' ? '' : (opts.usernamePrefix ?? (usernameClaim === 'email' ? '' : `${opts.issuerUrl}#`));
  const rawGroups = claims[opts.groupsClaim ?? 'groups'];
  const groups = (Array.isArray(rawGroups) ? rawGroups : typeof rawGroups === 'string' ? [rawGroups] : []).filter((g): g is string => typeof g === 'string');
  return { user: { username: prefix + name, groups: groups.map((g) => (opts.groupsPrefix ?? '') + g) } };
}
