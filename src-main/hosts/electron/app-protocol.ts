// The renderer is served from app://orrery/ rather than file://: a standard, secure origin with
// our CSP on every response, and no access to the rest of the file system.
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { securityHeaders } from '../csp';
import type { ElectronApi } from './electron-api';

export const appScheme = 'app';
export const appOrigin = 'app://orrery';

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/** Must run before app 'ready'. */
export function registerAppScheme(protocol: ElectronApi['protocol']) {
  protocol.registerSchemesAsPrivileged([{ scheme: appScheme, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

export async function rendererResponse(rendererDir: string, requestUrl: string): Promise<Response> {
  const url = new URL(requestUrl);
  if (url.host !== 'orrery') return new Response('Not found', { status: 404, headers: securityHeaders });
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return new Response('Bad request', { status: 400, headers: securityHeaders }); // malformed %-encoding
  }
  const relative = normalize(pathname).replace(/^([/\\])+/, '') || 'index.html';
  const file = join(rendererDir, relative);
  if (!file.startsWith(rendererDir + sep)) return new Response('Forbidden', { status: 403, headers: securityHeaders });
  try {
    const body = await readFile(file);
    return new Response(body, { headers: { ...securityHeaders, 'Content-Type': types[extname(file)] ?? 'application/octet-stream' } });
  } catch {
    return new Response('Not found', { status: 404, headers: securityHeaders });
  }
}

export function serveRenderer(protocol: ElectronApi['protocol'], rendererDir: string) {
  protocol.handle(appScheme, (request) => rendererResponse(rendererDir, request.url));
}
