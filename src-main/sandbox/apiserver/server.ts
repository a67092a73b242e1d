// The HTTPS front of the sandbox: authentication (tokens, client certificates, optionally OIDC
// ID tokens and basic auth, authn.ts), impersonation, audit, RBAC, discovery and dispatch to the
// resource handlers (rest.ts), proxies and metrics.
import { createServer, type Server } from 'node:https';
import { noteConnectionAccepted } from '../fair-turns';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { ApiError } from './errors';
import { Store, type StoreOptions } from './store';
import { apiGroupList, apiResourceList, groupVersions, ServedResources, storeResources } from './resources';
import { serveCustomResources } from './custom-resources';
import { Authorizer, bootstrapPolicy, forbidden, type Attributes, type UserInfo } from './rbac';
import { AuditLog, type AuditContext, type AuditPolicy } from './audit';
import { generateServingCerts, type ClientSubject } from './certs';
import { ANONYMOUS, authenticate, type BasicAuthUser } from './authn';
import type { OidcOptions } from './oidc';
import { openapiV3 } from './openapi';
import { parseRequestInfo, type RequestInfo } from './requestinfo';
import { handleResource, type Ctx, type ServerDeps } from './rest';
import type { LogProvider } from './logs';
import type { MetricsProvider, ProxyProvider } from './providers';

export interface UserSpec {
  name: string;
  groups?: string[];
  token?: string;
}

export interface ApiServerOptions {
  /** Port on 127.0.0.1; 0 picks a free one. */
  port?: number;
  host?: string;
  /** Use an existing store (e.g. pre-populated); otherwise a new one with storeOptions. */
  store?: Store;
  storeOptions?: StoreOptions;
  /** Default: admin (system:masters) and viewer (bound to `view`). */
  users?: UserSpec[];
  /** Audit log file (JSON lines); no audit when unset. */
  auditPath?: string;
  auditPolicy?: AuditPolicy;
  logs?: LogProvider;
  proxy?: ProxyProvider;
  metrics?: MetricsProvider;
  /** false: no metrics-server, so metrics.k8s.io is not served (404, absent from discovery). */
  metricsServer?: boolean;
  /** Interval of BOOKMARK events on watches that allow them (kube-apiserver: about a minute). */
  bookmarkIntervalMs?: number;
  /** Static username/password users (--basic-auth-file, removed in Kubernetes 1.19). Off by default. */
  basicAuth?: BasicAuthUser[];
  /** Accept OIDC ID tokens from this issuer (--oidc-issuer-url and friends). */
  oidc?: OidcOptions;
  /** Requests without credentials act as system:anonymous (--anonymous-auth). Off by default. */
  anonymousAuth?: boolean;
}

export interface ApiServer {
  url: string;
  port: number;
  caPem: string;
  users: { name: string; token: string; groups: string[] }[];
  store: Store;
  authorizer: Authorizer;
  auditPath?: string;
  /** A client certificate the server accepts (signed by its CA): CN = user, O = groups. */
  issueClientCertificate(subject: ClientSubject, validity?: { notBefore?: Date; notAfter?: Date }): Promise<{ certPem: string; keyPem: string }>;
  stop(): Promise<void>;
}

export const KUBE_VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0',
  gitCommit: '70d3cc986aa8221cd1dfb1121852688902d3bf53',
  gitTreeState: 'clean',
  buildDate: '2024-12-11T17:59:15Z',
  goVersion: 'go1.23.3',
  compiler: 'gc',
  platform: 'linux/amd64',
};

const HEALTH = new Set(['/healthz', '/livez', '/readyz']);
const JSON_TYPE = 'application/json';

function statusJson(e: ApiError): string {
  return JSON.stringify(e.toStatus());
}

function sendError(res: ServerResponse, audit: AuditContext | undefined, e: ApiError): void {
  const body = statusJson(e);
  if (!res.headersSent) {
    res.writeHead(e.code, { 'Content-Type': JSON_TYPE, 'Cache-Control': 'no-cache, private', ...(audit ? { 'Audit-Id': audit.auditID } : {}) });
    res.end(body);
  } else res.end();
  audit?.complete({ code: e.code, status: 'Failure', message: e.message, reason: e.reason, ...(e.details ? { details: e.details } : {}) }, body);
}

function bootstrap(store: Store, viewers: string[], port: number): void {
  const ensure = (resource: string, obj: any) => {
    const ns = obj.metadata.namespace;
    if (!store.get(resource, ns, obj.metadata.name)) store.create(resource, obj);
  };
  for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) ensure('namespaces', { metadata: { name } });
  for (const { resource, object } of bootstrapPolicy(viewers)) ensure(resource, object);
  ensure('services', {
    metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: { clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }] },
  });
  const ep = { metadata: { name: 'kubernetes', namespace: 'default', labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } }, subsets: [{ addresses: [{ ip: '127.0.0.1' }], ports: [{ name: 'https', port, protocol: 'TCP' }] }] };
  if (store.get('endpoints', 'default', 'kubernetes')) store.patch('endpoints', 'default', 'kubernetes', (d) => ({ ...d, subsets: ep.subsets }));
  else store.create('endpoints', ep);
}

export async function startApiServer(opts: ApiServerOptions = {}): Promise<ApiServer> {
  const store = opts.store ?? new Store(storeResources(), opts.storeOptions);
  const certs = await generateServingCerts();
  const users = (opts.users ?? [{ name: 'admin', groups: ['system:masters'] }, { name: 'viewer' }]).map((u) => ({
    name: u.name,
    token: u.token ?? randomBytes(24).toString('hex'),
    groups: [...(u.groups ?? []), 'system:authenticated'],
  }));
  const authn = {
    tokens: new Map(users.map((u) => [u.token, u])),
    ...(opts.basicAuth ? { basicAuth: opts.basicAuth } : {}),
    ...(opts.oidc ? { oidc: opts.oidc } : {}),
    anonymous: opts.anonymousAuth ?? false,
  };
  const authorizer = new Authorizer(store);
  const audit = opts.auditPath ? new AuditLog(opts.auditPath, opts.auditPolicy) : undefined;
  const served = new ServedResources(opts.metricsServer === false ? ['metrics.k8s.io'] : []);
  const stopCustomResources = serveCustomResources(store, served);
  const deps: ServerDeps = {
    resources: served,
    store,
    authorizer,
    logs: opts.logs,
    proxy: opts.proxy,
    metrics: opts.metrics,
    bookmarkIntervalMs: opts.bookmarkIntervalMs ?? 60_000,
    closing: false,
    streams: new Set(),
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'https://sandbox');
    const path = url.pathname;
    if (HEALTH.has(path) || HEALTH.has(path.replace(/\/$/, ''))) {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
      res.end('ok');
      return;
    }
    const method = req.method ?? 'GET';
    const info: RequestInfo = parseRequestInfo(method, path, url.searchParams);
    const sourceIPs = [normalizeIp(req.socket.remoteAddress)];
    const userAgent = req.headers['user-agent'];
    const authResult = authenticate(req, authn);
    const objectRef = info.resourceRequest ? objectRefOf(info) : undefined;
    const begin = (user: UserInfo, impersonatedUser?: UserInfo) =>
      audit?.begin({
        requestURI: req.url ?? '/',
        verb: info.verb,
        user,
        ...(impersonatedUser ? { impersonatedUser } : {}),
        sourceIPs,
        ...(userAgent ? { userAgent } : {}),
        ...(objectRef ? { objectRef } : {}),
        path,
      });
    if ('rejected' in authResult) {
      const a = begin(ANONYMOUS);
      sendError(res, a, ApiError.unauthorized());
      return;
    }
    const authenticated: UserInfo = authResult.user;
    let user = authenticated;
    const asUser = req.headers['impersonate-user'];
    let ctxAudit: AuditContext | undefined;
    if (typeof asUser === 'string' && asUser) {
      const check: Attributes = { user, verb: 'impersonate', resourceRequest: true, apiGroup: '', resource: 'users', name: asUser };
      if (!authorizer.authorize(check).allowed) {
        ctxAudit = begin(user);
        sendError(res, ctxAudit, forbidden(check));
        return;
      }
      const groups = req.headers['impersonate-group'];
      const gl = Array.isArray(groups) ? groups : groups ? [groups] : [];
      user = { username: asUser, groups: [...gl, 'system:authenticated'] };
    }
    ctxAudit = user === authenticated ? begin(user) : begin(authenticated, user);
    const attrs: Attributes = {
      user,
      verb: info.verb,
      resourceRequest: info.resourceRequest,
      path,
      ...(info.namespace ? { namespace: info.namespace } : {}),
      ...(info.resourceRequest ? { apiGroup: info.group, apiVersion: info.version, resource: info.resource! } : {}),
      ...(info.subresource ? { subresource: info.subresource } : {}),
      ...(info.name ? { name: info.name } : {}),
    };
    const decision = authorizer.authorize(attrs);
    ctxAudit?.authorized(decision.allowed, decision.reason);
    if (!decision.allowed) {
      sendError(res, ctxAudit, forbidden(attrs));
      return;
    }
    const ctx: Ctx = {
      req,
      res,
      url,
      info,
      user,
      ...(ctxAudit ? { audit: ctxAudit } : {}),
      send: (code, body, contentType = JSON_TYPE) => {
        res.writeHead(code, { 'Content-Type': contentType, 'Cache-Control': 'no-cache, private', ...(ctxAudit ? { 'Audit-Id': ctxAudit.auditID } : {}) });
        res.end(body);
        ctxAudit?.complete({ code }, contentType === JSON_TYPE ? body : undefined);
      },
      fail: (e) => sendError(res, ctxAudit, e),
    };
    if (!info.resourceRequest) return handleNonResource(ctx, info);
    await handleResource(ctx, deps);
  };

  // Client certificates are requested, not required, and checked by authenticate() (as
  // kube-apiserver does: a bad one is a 401, not a failed handshake).
  const tlsOptions = { key: certs.keyPem, cert: certs.certPem, ca: certs.caPem, requestCert: true, rejectUnauthorized: false, keepAlive: true };
  const server: Server = createServer(tlsOptions, (req, res) => {
    handle(req, res).catch((err) => {
      const e = err instanceof ApiError ? err : ApiError.internal(String((err as Error)?.message ?? err));
      if (!(err instanceof ApiError)) console.error('apiserver: request failed', err);
      sendError(res, undefined, e);
    });
  });
  const sockets = new Set<Duplex>();
  server.on('connection', (s) => {
    noteConnectionAccepted();
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  bootstrap(store, users.filter((u) => !u.groups.includes('system:masters')).map((u) => u.name), port);
  const url = `https://${opts.host ?? '127.0.0.1'}:${port}`;

  function handleNonResource(ctx: Ctx, info: RequestInfo): void {
    const p = info.path.replace(/\/$/, '') || '/';
    if (ctx.req.method !== 'GET' && ctx.req.method !== 'HEAD') return ctx.fail(ApiError.methodNotAllowed());
    if (p === '/version') return ctx.send(200, JSON.stringify(KUBE_VERSION));
    if (p.startsWith('/openapi/v3')) {
      const doc = openapiV3(p, served.all());
      if (doc) return ctx.send(200, doc);
    }
    if (p === '/api') {
      return ctx.send(200, JSON.stringify({ kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: `127.0.0.1:${port}` }] }));
    }
    const all = served.all();
    if (p === '/apis') return ctx.send(200, JSON.stringify(apiGroupList(all)));
    const m = /^\/apis\/([^/]+)$/.exec(p);
    if (m) {
      const g = (apiGroupList(all) as { groups: { name: string }[] }).groups.find((x) => x.name === m[1]);
      if (g) return ctx.send(200, JSON.stringify({ kind: 'APIGroup', apiVersion: 'v1', ...g }));
    }
    if (info.discovery && groupVersions(all).some((gv) => gv.group === info.group && gv.version === info.version)) {
      return ctx.send(200, JSON.stringify(apiResourceList(info.group, info.version, all)));
    }
    if (p === '/') {
      const paths = ['/api', '/api/v1', '/apis', ...groupVersions(all).filter((g) => g.group).map((g) => `/apis/${g.group}/${g.version}`), '/healthz', '/livez', '/readyz', '/version'];
      return ctx.send(200, JSON.stringify({ paths }));
    }
    ctx.fail(new ApiError(404, 'NotFound', 'the server could not find the requested resource', {}));
  }

  return {
    url,
    port,
    caPem: certs.caPem,
    users: users.map((u) => ({ name: u.name, token: u.token, groups: u.groups })),
    store,
    authorizer,
    ...(opts.auditPath ? { auditPath: opts.auditPath } : {}),
    issueClientCertificate: (subject, validity) => certs.issueClientCert(subject, validity),
    async stop() {
      deps.closing = true;
      stopCustomResources();
      for (const close of deps.streams) close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
      audit?.close();
    },
  };
}

function normalizeIp(ip: string | undefined): string {
  if (!ip) return '';
  return ip.startsWith('::ffff:') ? ip.slice(7) : ip;
}

function objectRefOf(info: RequestInfo): Record<string, string> {
  const ref: Record<string, string> = { resource: info.resource! };
  if (info.namespace) ref.namespace = info.namespace;
  if (info.name) ref.name = info.name;
  if (info.group) ref.apiGroup = info.group;
  ref.apiVersion = info.version;
  if (info.subresource) ref.subresource = info.subresource;
  return ref;
}
