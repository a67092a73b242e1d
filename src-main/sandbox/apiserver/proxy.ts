// pods/proxy and services/proxy: forward the request to the real loopback listener.
import { request } from 'node:http';
import { ApiError } from './errors';
import type { KObject, Store } from './store';
import type { ProxyProvider } from './providers';
import type { Ctx } from './rest';

const HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'host', 'authorization', 'impersonate-user', 'impersonate-group']);

/** `[scheme:]name[:port]` of services/proxy -> an address, via the Service's Endpoints. */
export function resolveServiceTarget(store: Store, provider: ProxyProvider | undefined, ns: string, raw: string): { host: string; port: number } {
  const parts = raw.split(':');
  let name: string;
  let port: string | undefined;
  if (parts.length === 3) [, name, port] = parts as [string, string, string];
  else if (parts.length === 2) {
    if (parts[0] === 'http' || parts[0] === 'https') name = parts[1]!;
    else [name, port] = parts as [string, string];
  } else name = parts[0]!;
  const svc = store.mustGet('services', ns, name).object;
  const ports: any[] = svc.spec?.ports ?? [];
  const sp = port === undefined || port === '' ? ports[0] : ports.find((p) => p.name === port || String(p.port) === port);
  if (!sp) throw new ApiError(503, 'ServiceUnavailable', `no endpoints available for service "${name}"`);
  const ep = store.get('endpoints', ns, name);
  const candidates: { addr: any; port: number }[] = [];
  for (const s of ep?.subsets ?? []) {
    const p = (s.ports ?? []).find((x: any) => (sp.name ? x.name === sp.name : true));
    if (!p) continue;
    for (const a of s.addresses ?? []) candidates.push({ addr: a, port: p.port });
  }
  if (candidates.length === 0) throw new ApiError(503, 'ServiceUnavailable', `no endpoints available for service "${name}"`);
  const pick = candidates[Math.floor(Math.random() * candidates.length)]!;
  const ref = pick.addr.targetRef;
  if (ref?.kind === 'Pod' && provider) {
    const pod: KObject | undefined = store.get('pods', ref.namespace ?? ns, ref.name);
    const t = pod && provider.podAddress(pod, String(pick.port));
    if (t) return t;
  }
  return { host: pick.addr.ip, port: pick.port };
}

export function proxyTo(ctx: Ctx, target: { host: string; port: number }, path: string): Promise<void> {
  const { req, res } = ctx;
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !HOP.has(k)) headers[k] = v;
  headers.host = `${target.host}:${target.port}`;
  return new Promise((resolve) => {
    const up = request({ host: target.host, port: target.port, method: req.method, path: path + ctx.url.search, headers }, (r) => {
      const out: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(r.headers)) if (v !== undefined && !HOP.has(k)) out[k] = v;
      res.writeHead(r.statusCode ?? 502, out);
      r.pipe(res);
      r.on('end', () => {
        ctx.audit?.complete({ code: r.statusCode ?? 502 });
        resolve();
      });
      r.on('error', () => resolve());
    });
    up.on('error', (err) => {
      ctx.fail(new ApiError(503, 'ServiceUnavailable', `error trying to reach service: ${err.message}`));
      resolve();
    });
    req.pipe(up);
  });
}
