// One container of a constellation service: a real node:http server on the loopback address the
// kubelet simulation assigned. It serves its routes, calls its peers over real HTTP (propagating
// W3C traceparent), and produces the signals an instrumented service would: JSON logs, RED and
// Istio-named mesh metrics, OpenTelemetry spans, and resource usage that follows its load.
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import {
  findRoute,
  findService,
  parseMemoryQuantity,
  serviceFqdn,
  type RouteCall,
  type RouteSpec,
  type ServiceSpec,
} from './constellation';
import { loadConfig, type ServiceConfig } from './config';
import type { FaultController, ServiceFaultState } from './faults';
import { PodLogger } from './pod-logger';
import { decodePeer, encodePeer, PEER_HEADER, PodMetrics, UNKNOWN_PEER, type MeshPeer } from './pod-metrics';
import { contextFromTraceparent, createPodTracing, traceparentOf, tracesUrlFrom, type PodTracing } from './tracing';
import type { ContainerCounters, ContainerExit, ContainerLaunch, RunningContainer } from './types';
import { LoadMeter } from './usage';

export interface PodDeps {
  faults: FaultController;
  /** OTLP base endpoint used when the container's env does not set one. */
  otlpEndpoint?: string;
  /** Broken image tag: start, but never become ready. */
  broken: boolean;
  tag: string;
}

interface CallResult {
  code: number;
  flags: string;
  body: string;
}

const MAX_BODY = 64 * 1024;

function uniform([min, max]: [number, number]): number {
  return min + Math.random() * (max - min);
}

/** A JSON body of roughly `bytes` bytes, built once per route (cheap to send repeatedly). */
function paddedBody(fields: Record<string, unknown>, bytes: number): string {
  const base = JSON.stringify(fields);
  const room = bytes - base.length - 12;
  if (room <= 0) return base;
  const items: string[] = [];
  let size = 0;
  for (let i = 1; size < room; i++) {
    const item = `{"id":"p${i}","name":"item-${i}","price":${(i * 7.3) % 100 | 0}.99}`;
    items.push(item);
    size += item.length + 1;
  }
  return base.slice(0, -1) + `,"items":[${items.join(',')}]}`;
}

// What a failing service says in its logs when the error-spike fault is on.
const ERROR_MESSAGES: Record<string, string> = {
  gateway: 'upstream request failed: context deadline exceeded',
  frontend: 'template render failed: upstream payload incomplete',
  catalog: 'query products: pq: canceling statement due to statement timeout',
  cart: 'load cart: read tcp: connection reset by peer',
  checkout: 'place order: transaction rolled back: deadlock detected',
  payments: 'charge card: provider returned 503 Service Unavailable',
  inventory: 'reserve stock: optimistic lock conflict after 3 attempts',
  cache: 'OOM command not allowed when used memory > maxmemory',
};

interface Ctx {
  span: Span;
  traceId: string;
  spanId: string;
}

class ServicePod implements RunningContainer {
  readonly exited: Promise<ContainerExit>;
  private resolveExit!: (e: ContainerExit) => void;
  private readonly server: http.Server;
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 16, timeout: 30_000 });
  private readonly metrics = new PodMetrics();
  private readonly meter: LoadMeter;
  private readonly log: PodLogger;
  private readonly tracing: PodTracing;
  private readonly config: ServiceConfig;
  private readonly self: MeshPeer;
  private readonly rr = new Map<string, number>();
  private readonly store = new Map<string, { value: string; expiresAt: number }>();
  private storeBytes = 0;
  private readonly bodies = new Map<RouteSpec, string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly unsubscribe: () => void;
  private readonly startedAt = Date.now();
  private readonly memoryLimit: number;
  private readyAt: number;
  private leakBytes = 0;
  private state: 'running' | 'stopping' | 'exited' = 'running';
  private lastNotReadyLog = 0;

  constructor(
    private readonly launch: ContainerLaunch,
    private readonly spec: ServiceSpec,
    private readonly deps: PodDeps,
  ) {
    this.exited = new Promise((r) => (this.resolveExit = r));
    this.config = loadConfig(launch.env);
    this.log = new PodLogger((l) => launch.log(l), this.config.logLevel, { service: spec.name });
    this.self = { workload: spec.name, namespace: spec.namespace, app: spec.name, version: deps.tag, serviceAccount: spec.name };
    this.meter = new LoadMeter(spec.baseMemoryBytes);
    this.meter.heldBytes = () => this.storeBytes + this.leakBytes;
    if (spec.routes.some((r) => r.behaviour?.startsWith('cache'))) {
      this.metrics.enableCacheMetrics();
      this.metrics.cacheEntries.set(0);
    }
    this.memoryLimit =
      Number(launch.env.MEMORY_LIMIT) || parseMemoryQuantity(spec.resources.limits.memory) || 256 * 1024 * 1024;
    this.readyAt = this.startedAt + this.config.num('STARTUP_DELAY_MS', 1500);
    this.tracing = createPodTracing({
      service: spec.name,
      namespace: spec.namespace,
      version: deps.tag,
      pod: launch.pod,
      podUid: launch.podUid,
      container: launch.container,
      tracesUrl: tracesUrlFrom(launch.env) ?? (deps.otlpEndpoint ? tracesUrlFrom({ OTEL_EXPORTER_OTLP_ENDPOINT: deps.otlpEndpoint }) : undefined),
    });
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 5000;
    this.unsubscribe = deps.faults.onChange((svc, st) => {
      if (svc === spec.name) this.applyFaults(st);
    });
  }

  async listen(): Promise<void> {
    const { launch, spec, config } = this;
    this.log.info('starting service', { version: this.deps.tag, pod: launch.pod, namespace: launch.namespace, node_version: process.version });
    this.log.info('configuration loaded', { keys: Object.keys(config.numbers).length, log_level: config.logLevel, otlp_export: this.tracing.exporting });
    for (const e of config.errors) {
      this.log.error('invalid configuration value', { key: e.key, value: e.value, error: e.reason });
    }
    if (config.errors.length > 0 && config.failFast) {
      this.log.error('fatal: refusing to start with invalid configuration (FAIL_FAST=true)', { keys: config.errors.map((e) => e.key).join(',') });
      this.after(200, () => this.exit({ exitCode: 1, reason: 'Error', message: `invalid configuration: ${config.errors[0]!.key}` }));
      return;
    }
    await new Promise<void>((resolve) => {
      this.server.once('error', (err) => {
        this.log.error('listen failed', { error: String(err) });
        this.exit({ exitCode: 1, reason: 'Error', message: String(err) });
        resolve();
      });
      this.server.listen(launch.port, launch.host, () => resolve());
    });
    if (this.state !== 'running') return;
    this.log.info(`listening on http://${launch.host}:${this.port}`, { routes: spec.routes.length });
    if (this.deps.broken) {
      this.log.error('failed to load feature flags: dial tcp 10.96.0.42:8500: connect: connection refused; retrying', { component: 'flags' });
    }
    this.after(this.readyAt - Date.now(), () => {
      if (this.ready()) this.log.info('ready to serve traffic');
    });
    this.applyFaults(this.deps.faults.get(spec.name));
  }

  /** The bound port (launch.port, or the one the OS chose when launched with port 0). */
  get port(): number {
    const a = this.server.address();
    return a && typeof a === 'object' ? a.port : this.launch.port;
  }

  ready(): boolean {
    if (this.state !== 'running') return false;
    const now = Date.now();
    if (now < this.readyAt) return false;
    const notReady = this.deps.broken ? 'feature flags not loaded' : this.deps.faults.get(this.spec.name).neverReady ? 'warmup incomplete: dependency check failing' : '';
    if (!notReady) return true;
    // Probes come every few seconds; say why we are not ready, but not on every probe.
    if (now - this.lastNotReadyLog > 10_000) {
      this.lastNotReadyLog = now;
      this.log.warn('readiness check failed', { reason: notReady });
    }
    return false;
  }

  live(): boolean {
    return this.state === 'running';
  }

  usage(): { cpuNanoCores: number; memoryBytes: number } {
    return this.meter.usage();
  }

  counters(): ContainerCounters {
    return this.meter.counters();
  }

  /** Graceful shutdown: stop accepting, finish in-flight requests, flush spans. */
  async stop(): Promise<void> {
    if (this.state !== 'running') return;
    this.state = 'stopping';
    this.log.info('received SIGTERM, shutting down gracefully');
    this.clearTimers();
    this.unsubscribe();
    const closed = new Promise<void>((r) => this.server.close(() => r()));
    // Keep-alive peers may hold idle sockets; close them, and force the rest after a grace period.
    this.server.closeIdleConnections();
    const idle = setInterval(() => this.server.closeIdleConnections(), 100);
    const force = setTimeout(() => this.server.closeAllConnections(), 5000);
    await closed;
    clearInterval(idle);
    clearTimeout(force);
    this.agent.destroy();
    await this.tracing.shutdown().catch(() => undefined);
    this.log.info('server closed');
    this.state = 'exited';
  }

  // ----------------------------------------------------------------------------------- faults

  private applyFaults(st: Readonly<ServiceFaultState>): void {
    if (this.state !== 'running') return;
    if (st.crash && !this.crashTimer) {
      const delay = st.crashAfterMs * (0.7 + Math.random() * 0.6);
      this.crashTimer = this.after(delay, () => this.crash());
    } else if (!st.crash && this.crashTimer) {
      this.cancel(this.crashTimer);
      this.crashTimer = undefined;
    }
    if (st.oom && !this.leakTimer) {
      const stepMs = Math.min(500, Math.max(50, st.oomAfterMs / 16));
      const step = ((this.memoryLimit - this.spec.baseMemoryBytes) * stepMs) / Math.max(stepMs, st.oomAfterMs);
      this.leakTimer = setInterval(() => this.leak(step), stepMs);
      this.leakTimer.unref();
      this.timers.add(this.leakTimer);
      this.log.warn('cache warmup started: loading full product index into memory', { component: 'index' });
    } else if (!st.oom && this.leakTimer) {
      this.cancel(this.leakTimer);
      this.leakTimer = undefined;
    }
  }

  private crashTimer: NodeJS.Timeout | undefined;
  private leakTimer: NodeJS.Timeout | undefined;

  private crash(): void {
    const err = `TypeError: Cannot read properties of undefined (reading 'id')`;
    this.log.error('uncaught exception', {
      error: err,
      stack: `${err}\n    at ${this.spec.name}Handler (/app/dist/handlers.js:87:31)\n    at processTicksAndRejections (node:internal/process/task_queues:105:5)`,
    });
    this.launch.log(`/app/dist/handlers.js:87`);
    this.launch.log(`    const owner = session.user.id;`);
    this.launch.log(`                               ^`);
    this.launch.log('');
    this.launch.log(err);
    this.launch.log(`    at ${this.spec.name}Handler (/app/dist/handlers.js:87:31)`);
    this.launch.log('');
    this.launch.log(`Node.js ${process.version}`);
    this.exit({ exitCode: 1, reason: 'Error', message: err });
  }

  private leak(step: number): void {
    this.leakBytes += step;
    const mem = this.meter.usage().memoryBytes;
    if (mem >= this.memoryLimit) {
      // The kernel's OOM killer sends SIGKILL: the process writes nothing more.
      this.exit({ exitCode: 137, reason: 'OOMKilled' });
    } else if (mem > this.memoryLimit * 0.8 && mem - step <= this.memoryLimit * 0.8) {
      this.log.warn('memory usage high', { rss_bytes: Math.round(mem), limit_bytes: this.memoryLimit });
    }
  }

  /** The container dies on its own: drop connections at once (no graceful drain), report why. */
  private exit(e: ContainerExit): void {
    if (this.state === 'exited') return;
    this.state = 'exited';
    this.clearTimers();
    this.unsubscribe();
    this.server.close();
    this.server.closeAllConnections();
    this.agent.destroy();
    // Spans still buffered die with the process, as they would.
    void this.tracing.shutdown().catch(() => undefined);
    this.resolveExit(e);
  }

  private after(ms: number, fn: () => void): NodeJS.Timeout {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, Math.max(0, ms));
    t.unref();
    this.timers.add(t);
    return t;
  }

  private cancel(t: NodeJS.Timeout): void {
    clearTimeout(t);
    clearInterval(t);
    this.timers.delete(t);
  }

  private clearTimers(): void {
    for (const t of this.timers) this.cancel(t);
  }

  // --------------------------------------------------------------------------------- serving

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    res.setHeader(PEER_HEADER, encodePeer(this.self));
    switch (url.pathname) {
      case '/healthz':
        return this.plain(res, this.live() ? 200 : 503, this.live() ? 'ok' : 'not alive');
      case '/readyz':
        return this.plain(res, this.ready() ? 200 : 503, this.ready() ? 'ok' : 'not ready');
      case '/metrics': {
        const { contentType, body } = await this.metrics.exposition();
        res.writeHead(200, { 'content-type': contentType });
        res.end(body);
        return;
      }
    }
    const route = findRoute(this.spec, req.method ?? 'GET', url.pathname);
    await this.serveRoute(req, res, url, route);
  }

  private plain(res: http.ServerResponse, code: number, body: string): void {
    res.writeHead(code, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(body);
  }

  private async serveRoute(req: http.IncomingMessage, res: http.ServerResponse, url: URL, route: RouteSpec | undefined): Promise<void> {
    const t0 = performance.now();
    const method = req.method ?? 'GET';
    const routeLabel = route?.path ?? 'unmatched';
    const peer = decodePeer(req.headers[PEER_HEADER]);
    const parent = contextFromTraceparent(req.headers.traceparent);
    const span = this.tracing.tracer.startSpan(
      `${method} ${route?.path ?? ''}`.trim(),
      {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': method,
          'url.path': url.pathname,
          'url.scheme': 'http',
          'http.route': routeLabel,
          'server.address': serviceFqdn(this.spec),
          'server.port': this.launch.port,
          'client.address': req.socket.remoteAddress ?? '',
          'user_agent.original': req.headers['user-agent'] ?? '',
        },
      },
      parent,
    );
    const ctx: Ctx = { span, traceId: span.spanContext().traceId, spanId: span.spanContext().spanId };
    this.metrics.requestStarted();
    const reqBody = await readBody(req);
    this.meter.begin(reqBody.length + 300);

    // A bug in the handler is a 500 with its message logged, as in any framework.
    const { code, body, failure } = await this.work(route, method, url, peer, reqBody, ctx).catch(
      (err: unknown): { code: number; body: string; failure?: string } => ({ code: 500, body: '{"error":"internal error"}', failure: String(err) }),
    );

    if (!res.destroyed) {
      // While draining, tell keep-alive clients to go away so the server can close.
      if (this.state !== 'running') res.setHeader('connection', 'close');
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(body);
    }
    const ms = performance.now() - t0;
    this.meter.end(route?.cpuMs ?? 0.2, body.length + 200);
    this.metrics.requestFinished(method, routeLabel, code, ms / 1000);
    this.metrics.mesh({
      reporter: 'destination',
      source: peer,
      destination: this.self,
      service: { name: this.spec.name, namespace: this.spec.namespace },
      code,
      flags: '-',
      durationMs: ms,
      mtls: peer !== UNKNOWN_PEER,
    });
    span.setAttribute('http.response.status_code', code);
    if (code >= 500) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: failure });
      span.setAttribute('error.type', String(code));
    }
    span.end();
    const fields = {
      trace_id: ctx.traceId,
      span_id: ctx.spanId,
      method,
      route: routeLabel,
      path: url.pathname,
      status: code,
      duration_ms: Math.round(ms * 100) / 100,
      bytes: body.length,
      source: peer.workload,
    };
    if (failure && code >= 500) this.log.error(failure, fields);
    else if (ms > this.config.num('SLOW_REQUEST_MS', 250)) this.log.warn('slow request', fields);
    else this.log.info('request completed', fields);
  }

  /** The route's own logic; returns the response and, for failures, what to log. */
  private async work(
    route: RouteSpec | undefined,
    method: string,
    url: URL,
    peer: MeshPeer,
    reqBody: string,
    ctx: Ctx,
  ): Promise<{ code: number; body: string; failure?: string }> {
    if (!route) return { code: 404, body: JSON.stringify({ error: 'not found', path: url.pathname }) };
    const faults = this.deps.faults.get(this.spec.name);
    const edgeDelay = faults.latencyFrom[peer.workload];
    if (edgeDelay) await sleep(edgeDelay);
    await sleep(uniform(route.latencyMs));

    for (const key of route.uses ?? []) {
      const bad = this.config.errorFor(key);
      if (bad) {
        return { code: 500, body: JSON.stringify({ error: 'internal error' }), failure: `invalid configuration: ${key}=${JSON.stringify(bad.value)}: ${bad.reason}` };
      }
    }
    if (faults.errorRate > 0 && Math.random() < faults.errorRate) {
      return { code: faults.errorCode, body: JSON.stringify({ error: 'internal error' }), failure: ERROR_MESSAGES[this.spec.name] ?? 'internal error' };
    }

    let previous: CallResult | undefined;
    let fromCache: string | undefined;
    for (const call of route.calls) {
      if (call.when === 'miss' && previous?.code !== 404) continue;
      const r = await this.call(route, call, url, reqBody, ctx);
      previous = r;
      if (call.service === 'cache' && call.method === 'GET') {
        if (r.code === 200) fromCache = r.body;
        this.log.debug(r.code === 200 ? 'cache hit' : 'cache miss', { trace_id: ctx.traceId, span_id: ctx.spanId, key: this.cacheKey(url) });
        if (r.code === 404) continue;
      }
      if (r.code >= 500 || r.code === 0) {
        const failed = `call to ${call.service} ${call.method} ${call.path} failed: ${r.code ? `status ${r.code}` : 'no response'}${r.flags !== '-' ? ` (${r.flags})` : ''}`;
        const code = this.spec.name === 'gateway' ? (r.flags === 'UT' ? 504 : r.flags === '-' ? 502 : 503) : 500;
        return { code, body: JSON.stringify({ error: failed }), failure: failed };
      }
      if (r.code >= 400) {
        // Client errors (a declined card) travel back to the user unchanged.
        return { code: r.code, body: r.body };
      }
    }

    switch (route.behaviour) {
      case 'cache-get':
        return this.cacheGet(url);
      case 'cache-set':
        return this.cacheSet(url, reqBody);
      case 'payment': {
        if (Math.random() < this.config.num('DECLINE_RATE', 0.02)) {
          this.log.warn('card declined', { trace_id: ctx.traceId, span_id: ctx.spanId, reason: 'insufficient_funds', route: route.path });
          return { code: 402, body: JSON.stringify({ error: 'card declined', decline_code: 'insufficient_funds' }) };
        }
        break;
      }
    }
    if (fromCache !== undefined && route.method === 'GET') return { code: 200, body: fromCache };
    const body = this.responseBody(route);
    return { code: route.created ? 201 : 200, body };
  }

  // ------------------------------------------------------------------------------ the cache

  private cacheKey(url: URL): string {
    return url.searchParams.get('key') ?? '';
  }

  private cacheGet(url: URL): { code: number; body: string } {
    const key = this.cacheKey(url);
    const hit = this.store.get(key);
    if (hit && hit.expiresAt > Date.now()) {
      this.metrics.cacheLookups.inc({ result: 'hit' });
      return { code: 200, body: hit.value };
    }
    if (hit) this.drop(key);
    this.metrics.cacheLookups.inc({ result: 'miss' });
    return { code: 404, body: '{"error":"not found"}' };
  }

  private cacheSet(url: URL, value: string): { code: number; body: string } {
    const key = this.cacheKey(url);
    const ttl = Number(url.searchParams.get('ttl')) || this.config.num('DEFAULT_TTL', 300_000);
    this.drop(key);
    this.store.set(key, { value, expiresAt: Date.now() + ttl });
    this.storeBytes += key.length + value.length + 96;
    const max = this.config.num('MAX_ENTRIES', 10_000);
    // Evict expired keys, then the oldest (Map iteration is insertion order), like an LRU-ish cap.
    if (this.store.size > max || this.store.size % 64 === 0) {
      const now = Date.now();
      for (const [k, v] of this.store) if (v.expiresAt <= now) this.drop(k);
      for (const k of this.store.keys()) {
        if (this.store.size <= max) break;
        this.drop(k);
        this.log.debug('evicted key', { key: k, reason: 'maxmemory' });
      }
    }
    this.metrics.cacheEntries.set(this.store.size);
    return { code: 200, body: '{"ok":true}' };
  }

  private drop(key: string): void {
    const v = this.store.get(key);
    if (!v) return;
    this.store.delete(key);
    this.storeBytes -= key.length + v.value.length + 96;
    this.metrics.cacheEntries.set(this.store.size);
  }

  // ------------------------------------------------------------------------- calling peers

  private pick(namespace: string, name: string): string | undefined {
    const eps = this.launch.resolveService(namespace, name);
    if (eps.length === 0) return undefined;
    const k = `${namespace}/${name}`;
    const i = this.rr.get(k) ?? 0;
    this.rr.set(k, i + 1);
    return eps[i % eps.length];
  }

  private async call(route: RouteSpec, call: RouteCall, from: URL, reqBody: string, ctx: Ctx): Promise<CallResult> {
    const target = findService(call.service);
    if (!target) return { code: 0, flags: 'NR', body: '' };
    const t0 = performance.now();
    const query = new URLSearchParams(from.searchParams);
    if (target.name === 'cache') {
      const user = from.searchParams.get('user');
      const id = this.spec.name === 'cart' ? `cart:${user ?? 'anonymous'}` : `${this.spec.name}:${from.pathname}:${from.searchParams.get('page') ?? '1'}`;
      query.set('key', id);
      const ttl = this.config.num('CACHE_TTL', 0);
      if (ttl) query.set('ttl', String(ttl));
    }
    const path = `${call.path}${query.size ? `?${query}` : ''}`;
    const span = this.tracing.tracer.startSpan(
      `${call.method} ${call.path}`,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          'http.request.method': call.method,
          'server.address': serviceFqdn(target),
          'server.port': 8080,
          'url.full': `http://${serviceFqdn(target)}:8080${path}`,
          'peer.service': target.name,
        },
      },
      trace.setSpan(ROOT_CONTEXT, ctx.span),
    );
    const endpoint = this.pick(target.namespace, target.name);
    let result: CallResult;
    let destination = UNKNOWN_PEER;
    if (!endpoint) {
      // Envoy answers for a cluster without healthy hosts: 503 with flag UH.
      result = { code: 503, flags: 'UH', body: 'no healthy upstream' };
    } else {
      span.setAttribute('network.peer.address', endpoint);
      const body = call.method === 'GET' ? '' : call.service === 'cache' ? this.cacheValue(route, reqBody) : reqBody || '{}';
      const r = await this.request(endpoint, call.method, path, body, span);
      result = r;
      if (r.peer) destination = r.peer;
      // Request line and headers out, status line and headers back.
      this.meter.client(body.length + 250, r.body.length + 150);
    }
    const ms = performance.now() - t0;
    this.metrics.mesh({
      reporter: 'source',
      source: this.self,
      destination,
      service: { name: target.name, namespace: target.namespace },
      code: result.code,
      flags: result.flags,
      durationMs: ms,
      mtls: true,
    });
    span.setAttribute('http.response.status_code', result.code);
    if (result.code >= 400 || result.code === 0) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: result.flags !== '-' ? result.flags : String(result.code) });
      span.setAttribute('error.type', result.flags !== '-' ? result.flags : String(result.code));
    }
    span.end();
    if (result.flags !== '-' || result.code >= 500) {
      this.log.warn('upstream call failed', {
        trace_id: ctx.traceId,
        span_id: ctx.spanId,
        upstream: `${target.name}.${target.namespace}`,
        status: result.code,
        response_flags: result.flags,
        duration_ms: Math.round(ms),
      });
    }
    return result;
  }

  /** What a service stores in the cache: the cart stores the cart it was sent, others the page
   *  they are about to render (so later hits return it). */
  private cacheValue(route: RouteSpec, reqBody: string): string {
    if (this.spec.name === 'cart') return reqBody.length > 0 ? reqBody : '{}';
    return this.responseBody(route);
  }

  private responseBody(route: RouteSpec): string {
    let body = this.bodies.get(route);
    if (body === undefined) {
      body = paddedBody({ service: this.spec.name, route: route.path, version: this.deps.tag }, route.responseBytes);
      this.bodies.set(route, body);
    }
    return body;
  }

  private request(endpoint: string, method: string, path: string, body: string, span: Span): Promise<CallResult & { peer?: MeshPeer }> {
    const i = endpoint.lastIndexOf(':');
    const host = endpoint.slice(0, i);
    const port = Number(endpoint.slice(i + 1));
    const timeout = this.config.num('UPSTREAM_TIMEOUT_MS', 2000);
    return new Promise((resolve) => {
      let settled = false;
      const done = (r: CallResult & { peer?: MeshPeer }): void => {
        if (!settled) {
          settled = true;
          clearTimeout(timer);
          resolve(r);
        }
      };
      const req = http.request(
        {
          host,
          port,
          method,
          path,
          agent: this.agent,
          headers: {
            traceparent: traceparentOf(span),
            [PEER_HEADER]: encodePeer(this.self),
            'user-agent': `${this.spec.name}/${this.deps.tag} node-http`,
            ...(body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {}),
          },
        },
        (res) => {
          void readBody(res).then((text) => done({ code: res.statusCode ?? 0, flags: '-', body: text, peer: decodePeer(res.headers[PEER_HEADER]) }));
        },
      );
      const timer = setTimeout(() => {
        req.destroy();
        done({ code: 504, flags: 'UT', body: 'upstream request timeout' });
      }, timeout);
      req.on('error', () => done({ code: 503, flags: 'UF', body: 'upstream connect error or disconnect/reset before headers' }));
      req.end(body || undefined);
    });
  }
}

function readBody(stream: http.IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    stream.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    stream.on('error', () => resolve(Buffer.concat(chunks).toString('utf8')));
    stream.on('aborted', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

/** A container whose process exits right after start (bad env): it logs why and dies. */
class FailedContainer implements RunningContainer {
  readonly exited: Promise<ContainerExit>;
  constructor(
    readonly port: number,
    exit: ContainerExit,
  ) {
    this.exited = new Promise((r) => setTimeout(() => r(exit), 100).unref());
  }
  ready(): boolean {
    return false;
  }
  live(): boolean {
    return false;
  }
  usage(): { cpuNanoCores: number; memoryBytes: number } {
    return { cpuNanoCores: 0, memoryBytes: 0 };
  }
  counters(): ContainerCounters {
    return { cpuSeconds: 0.02, rxBytes: 0, txBytes: 0, rxPackets: 0, txPackets: 0 };
  }
  async stop(): Promise<void> {}
}

export async function startServicePod(launch: ContainerLaunch, deps: PodDeps): Promise<RunningContainer> {
  const name = launch.env.ORRERY_SERVICE;
  const spec = name ? findService(name) : undefined;
  if (!spec) {
    const msg = name ? `unknown service "${name}"` : 'ORRERY_SERVICE is not set';
    launch.log(JSON.stringify({ time: new Date().toISOString(), level: 'error', msg: `fatal: ${msg}`, service: name ?? '' }));
    return new FailedContainer(launch.port, { exitCode: 2, reason: 'Error', message: msg });
  }
  const pod = new ServicePod(launch, spec, deps);
  await pod.listen();
  return pod;
}
