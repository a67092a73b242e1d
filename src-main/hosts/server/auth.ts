// Per-launch token authentication for the browser-mode server. The printed URL carries the
// token once; the server trades it for an HttpOnly, SameSite=Strict cookie and redirects to a
// clean URL, so the token does not linger in history. Scripts and tests may send
// `Authorization: Bearer <token>` instead.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Cookies are not port-specific, so the name carries the port: two Orrery servers never clash. */
export function cookieName(port: number): string {
  return `orrery_token_${port}`;
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function tokenFromRequest(req: IncomingMessage, port: number): { token: string; via: 'header' | 'cookie' | 'query' } | undefined {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return { token: auth.slice(7).trim(), via: 'header' };
  const cookie = req.headers.cookie
    ?.split(';')
    .map((c) => c.trim())
    .find((c) => c.startsWith(`${cookieName(port)}=`));
  if (cookie) return { token: cookie.slice(cookieName(port).length + 1), via: 'cookie' };
  const query = new URL(req.url ?? '/', 'http://x').searchParams.get('token');
  if (query) return { token: query, via: 'query' };
  return undefined;
}

export function isAuthorized(req: IncomingMessage, port: number, expected: string): { ok: boolean; via?: 'header' | 'cookie' | 'query' } {
  const found = tokenFromRequest(req, port);
  if (!found) return { ok: false };
  return { ok: same(found.token, expected), via: found.via };
}

/** Only our own host names: defeats DNS rebinding, where a hostile name resolves to 127.0.0.1. */
export function isAllowedHost(req: IncomingMessage, port: number): boolean {
  const host = req.headers.host;
  return host === `127.0.0.1:${port}` || host === `localhost:${port}` || host === `[::1]:${port}`;
}

/** A WebSocket must come from our own page (or a non-browser client, which sends no Origin). */
export function isAllowedOrigin(req: IncomingMessage, port: number): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  return origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}` || origin === `http://[::1]:${port}`;
}
