// Resource handlers: get/list/watch/create/update/patch/delete(collection) on stored kinds,
// the status/scale/log/proxy subresources, metrics.k8s.io and self-subject reviews.
// Responses reuse each stored object's cached JSON.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from './errors';
import { clone, type Entry, type KObject, type Store, type WatchEvent } from './store';
import { apiVersionOf, type ResourceInfo, type ServedResources } from './resources';
import type { Authorizer, UserInfo } from './rbac';
import type { AuditContext } from './audit';
import type { RequestInfo } from './requestinfo';
import { applyPatch, strategicMergePatch } from './patch';
import { parse as parseYaml } from 'yaml';
import { tableJson, type IncludeObject } from './tables';
import { conversionFor } from './conversions';
import { parseLogOptions, streamLog, type LogProvider } from './logs';
import type { MetricsProvider, ProxyProvider } from './providers';
import { labelSelectorToString, parseLabelSelector } from './selectors';
import { proxyTo, resolveServiceTarget } from './proxy';
import { decodeObject } from './protobuf';
import { defaultEphemeralContainer, validateEphemeralContainers } from './ephemeral';

export interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  info: RequestInfo;
  user: UserInfo;
  audit?: AuditContext;
  send(code: number, body: string, contentType?: string): void;
  fail(e: ApiError): void;
}

export interface ServerDeps {
  store: Store;
  authorizer: Authorizer;
  logs: LogProvider | undefined;
  proxy: ProxyProvider | undefined;
  metrics: MetricsProvider | undefined;
  bookmarkIntervalMs: number;
  closing: boolean;
  /** Open long-running responses (watch, follow), closed on stop. */
  streams: Set<() => void>;
  /** Built-in kinds plus the custom resources of established CRDs. */
  resources: ServedResources;
}

const NOT_FOUND = () => new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});
const MAX_BODY = 3 * 1024 * 1024;
/** A watcher this far behind is cut off (the client relists), as kube does with slow watchers. */
const MAX_WATCH_BACKLOG = 64 * 1024 * 1024;

async function readRaw(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of req) {
    n += (c as Buffer).length;
    if (n > MAX_BODY) throw new ApiError(413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728');
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

async function readBody(req: IncomingMessage): Promise<string> {
  return (await readRaw(req)).toString('utf8');
}

const PROTOBUF = 'application/vnd.kubernetes.protobuf';

async function readObject(ctx: Ctx): Promise<{ obj: KObject; body: string }> {
  const ct = String(ctx.req.headers['content-type'] ?? 'application/json');
  if (ct.startsWith(PROTOBUF)) {
    const obj = decodeObject(await readRaw(ctx.req)) as KObject;
    obj.metadata ??= {};
    return { obj, body: JSON.stringify(obj) };
  }
  const body = await readBody(ctx.req);
  if (!ct.startsWith('application/json') && ctx.info.verb !== 'patch') {
    throw new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml`);
  }
  try {
    const obj = JSON.parse(body) as KObject;
    if (!obj || typeof obj !== 'object' || Array.isArray(obj)) throw new Error('not an object');
    obj.metadata ??= {};
    return { obj, body };
  } catch (e) {
    throw ApiError.badRequest(`the object provided is unrecognized (must be of type object): ${(e as Error).message}`);
  }
}

type Mode = { kind: 'json' } | { kind: 'table'; include: IncludeObject } | { kind: 'partial' };

function outputMode(ctx: Ctx): Mode {
  const accept = String(ctx.req.headers.accept ?? '');
  // First acceptable clause wins, as in kube's content negotiation.
  for (const clause of accept.split(',')) {
    const params = new Map(
      clause
        .split(';')
        .slice(1)
        .map((p) => p.trim().split('=') as [string, string]),
    );
    const as = params.get('as');
    if (!as) {
      if (clause.trim().startsWith('application/json') || clause.trim().startsWith('*/*')) return { kind: 'json' };
      continue;
    }
    if (params.get('g') !== 'meta.k8s.io' || (params.get('v') !== 'v1' && params.get('v') !== 'v1beta1')) continue;
    if (as === 'Table') {
      const inc = ctx.url.searchParams.get('includeObject');
      return { kind: 'table', include: inc === 'None' || inc === 'Object' ? inc : 'Metadata' };
    }
    if (as === 'PartialObjectMetadata' || as === 'PartialObjectMetadataList') return { kind: 'partial' };
  }
  return { kind: 'json' };
}

/** The object as this API version shows it, with its (cached) JSON. */
interface View {
  object: KObject;
  json: () => string;
}
const convertedJson = new WeakMap<KObject, string>();

function viewOf(ri: ResourceInfo, e: Entry | { object: KObject; json: string }): View {
  const conv = ri.conversion ?? conversionFor(ri.group, ri.version, ri.resource);
  if (conv) {
    const o = conv.toView(e.object);
    return {
      object: o,
      json: () => {
        let s = convertedJson.get(o);
        if (s === undefined) convertedJson.set(o, (s = JSON.stringify(o)));
        return s;
      },
    };
  }
  return { object: e.object, json: () => e.json };
}

function partialJson(o: KObject): string {
  return `{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":${JSON.stringify(o.metadata)}}`;
}

function render(ri: ResourceInfo, v: View, mode: Mode): string {
  if (mode.kind === 'table') return tableJson(ri.printer ?? ri.resource, [v], mode.include, { resourceVersion: v.object.metadata.resourceVersion });
  if (mode.kind === 'partial') return partialJson(v.object);
  return v.json();
}

function listMetaJson(m: { resourceVersion: string; continue?: string; remainingItemCount?: number }): string {
  const o: Record<string, unknown> = { resourceVersion: m.resourceVersion };
  if (m.continue) o.continue = m.continue;
  if (m.remainingItemCount !== undefined) o.remainingItemCount = m.remainingItemCount;
  return JSON.stringify(o);
}

function storageOf(ri: ResourceInfo): string {
  return ri.storage ?? ri.resource;
}

function toStorage(ri: ResourceInfo, obj: KObject): KObject {
  return (ri.conversion ?? conversionFor(ri.group, ri.version, ri.resource))?.toStorage(obj) ?? obj;
}

function checkBodyKind(ri: ResourceInfo, obj: KObject): void {
  const av = apiVersionOf(ri);
  if ((obj.kind && obj.kind !== ri.kind) || (obj.apiVersion && obj.apiVersion !== av)) {
    throw ApiError.badRequest(`the API version in the data (${obj.apiVersion ?? ''}) does not match the expected API version (${av})`);
  }
}

export async function handleResource(ctx: Ctx, deps: ServerDeps): Promise<void> {
  const { info } = ctx;
  try {
    const ri = deps.resources.find(info.group, info.version, info.resource!);
    if (!ri) throw NOT_FOUND();
    // Namespaced objects are addressed within a namespace (lists may span all); cluster-scoped
    // ones never are (namespaces/NAME sets info.namespace to NAME, as in kube).
    if (ri.namespaced && !info.namespace && (info.name || info.verb === 'create')) throw NOT_FOUND();
    if (!ri.namespaced && info.namespace && ri.resource !== 'namespaces') throw NOT_FOUND();
    if (info.subresource && !ri.subresources?.some((s) => s.name === info.subresource)) throw NOT_FOUND();
    if (ri.virtual === 'metrics') return metrics(ctx, deps, ri);
    if (ri.virtual === 'review') return await review(ctx, deps, ri);
    if (!info.subresource && !ri.verbs.includes(info.verb)) throw ApiError.methodNotAllowed();
    if (info.subresource && info.subresource !== 'proxy') {
      const sub = ri.subresources!.find((x) => x.name === info.subresource)!;
      if (!sub.verbs.includes(info.verb)) throw ApiError.methodNotAllowed();
    }
    switch (info.subresource) {
      case 'log':
        return podLog(ctx, deps);
      case 'proxy':
        return await proxy(ctx, deps, ri);
      case 'scale':
        return await scale(ctx, deps, ri);
      case 'ephemeralcontainers':
        return await ephemeralContainers(ctx, deps, ri);
    }
    const store = deps.store;
    const storage = storageOf(ri);
    const ns = ri.namespaced ? info.namespace : undefined;
    const q = ctx.url.searchParams;
    const mode = outputMode(ctx);
    const status = info.subresource === 'status';
    const dryRun = parseDryRun(q);
    switch (info.verb) {
      case 'get': {
        const e = store.mustGet(storage, ns, info.name!);
        return ctx.send(200, render(ri, viewOf(ri, e), mode));
      }
      case 'list': {
        const r = store.list(storage, {
          ...(ns ? { namespace: ns } : {}),
          labelSelector: q.get('labelSelector') ?? undefined,
          fieldSelector: q.get('fieldSelector') ?? undefined,
          ...(q.get('limit') ? { limit: Number(q.get('limit')) } : {}),
          ...(q.get('continue') ? { continue: q.get('continue')! } : {}),
        });
        const views = r.entries.map((e) => viewOf(ri, e));
        let body: string;
        if (mode.kind === 'table') body = tableJson(ri.printer ?? ri.resource, views, mode.include, r);
        else if (mode.kind === 'partial') {
          body = `{"kind":"PartialObjectMetadataList","apiVersion":"meta.k8s.io/v1","metadata":${listMetaJson(r)},"items":[${views.map((v) => partialJson(v.object)).join(',')}]}`;
        } else body = `{"kind":"${ri.listKind ?? `${ri.kind}List`}","apiVersion":"${apiVersionOf(ri)}","metadata":${listMetaJson(r)},"items":[${views.map((v) => v.json()).join(',')}]}`;
        return ctx.send(200, body);
      }
      case 'watch':
        return watch(ctx, deps, ri, ns, mode);
      case 'create': {
        const { obj, body } = await readObject(ctx);
        ctx.audit?.requestObject(body);
        checkBodyKind(ri, obj);
        if (ns && obj.metadata.namespace && obj.metadata.namespace !== ns) {
          throw ApiError.badRequest('the namespace of the provided object does not match the namespace sent on the request');
        }
        if (ri.hasStatus && ri.resource !== 'namespaces') delete obj.status; // PrepareForCreate resets status
        const created = store.create(storage, toStorage(ri, obj), ns, { dryRun });
        ctx.audit?.setObjectRef({ name: created.metadata.name!, uid: created.metadata.uid! });
        if (dryRun) return ctx.send(201, render(ri, viewOf(ri, { object: created, json: JSON.stringify(created) }), mode));
        return ctx.send(201, render(ri, viewOf(ri, store.mustGet(storage, ns, created.metadata.name!)), mode));
      }
      case 'update': {
        const { obj, body } = await readObject(ctx);
        ctx.audit?.requestObject(body);
        checkBodyKind(ri, obj);
        if (obj.metadata.name && obj.metadata.name !== info.name) {
          throw ApiError.badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${info.name})`);
        }
        obj.metadata.name = info.name!;
        if (ns) obj.metadata.namespace = ns;
        const converted = toStorage(ri, obj);
        const updated = status ? store.updateStatus(storage, converted, { dryRun }) : store.update(storage, converted, { dryRun });
        return ctx.send(200, render(ri, written(ri, store, ns, updated, dryRun), mode));
      }
      case 'patch': {
        const body = await readBody(ctx.req);
        const contentType = String(ctx.req.headers['content-type'] ?? '');
        if (contentType.startsWith('application/apply-patch+yaml')) {
          // Server-side apply, simplified: create or merge the applied configuration.
          // No managedFields or field ownership: no conflicts, and fields dropped from a later
          // apply are not removed.
          const applied = parseApplyBody(body);
          ctx.audit?.requestObject(JSON.stringify(applied));
          checkBodyKind(ri, applied);
          applied.metadata ??= {};
          if (applied.metadata.name && applied.metadata.name !== info.name) {
            throw ApiError.badRequest(`the name of the object (${applied.metadata.name}) does not match the name on the URL (${info.name})`);
          }
          applied.metadata.name = info.name!;
          if (ns) applied.metadata.namespace = ns;
          const existing = store.getEntry(storage, ns, info.name!);
          if (!existing) {
            if (status) throw ApiError.notFound(ri.resource, ri.group, info.name!);
            if (ri.hasStatus && ri.resource !== 'namespaces') delete applied.status;
            const created = store.create(storage, toStorage(ri, applied), ns, { dryRun });
            return ctx.send(201, render(ri, written(ri, store, ns, created, dryRun), mode));
          }
          const merged = strategicMergePatch(clone(viewOf(ri, existing).object), applied) as KObject;
          merged.metadata.resourceVersion = applied.metadata.resourceVersion || String(existing.rv);
          const converted = toStorage(ri, merged);
          const updated = status ? store.updateStatus(storage, converted, { dryRun }) : store.update(storage, converted, { dryRun });
          return ctx.send(200, render(ri, written(ri, store, ns, updated, dryRun), mode));
        }
        ctx.audit?.requestObject(isJson(body) ? body : undefined);
        const cur = store.mustGet(storage, ns, info.name!);
        const before = clone(viewOf(ri, cur).object);
        const patched = applyPatch(String(ctx.req.headers['content-type'] ?? ''), before, body) as KObject;
        if (!patched || typeof patched !== 'object') throw ApiError.badRequest('patch produced a non-object');
        patched.metadata ??= {};
        patched.metadata.name = info.name!;
        if (ns) patched.metadata.namespace = ns;
        // A resourceVersion in the patch is a precondition; otherwise the read version is.
        patched.metadata.resourceVersion ||= String(cur.rv);
        const converted = toStorage(ri, patched);
        const updated = status ? store.updateStatus(storage, converted, { dryRun }) : store.update(storage, converted, { dryRun });
        return ctx.send(200, render(ri, written(ri, store, ns, updated, dryRun), mode));
      }
      case 'delete': {
        const body = await readDeleteBody(ctx);
        const parsed = parseDeleteOptions(body, q);
        const opts = { ...parsed, dryRun: dryRun || !!parsed?.dryRun };
        const out = store.delete(storage, ns, info.name!, opts);
        const gone = opts.dryRun || !store.getEntry(storage, ns, info.name!);
        return ctx.send(gone ? 200 : 202, render(ri, viewOf(ri, { object: out, json: JSON.stringify(out) }), mode.kind === 'table' ? { kind: 'json' } : mode));
      }
      case 'deletecollection': {
        const body = await readDeleteBody(ctx);
        const opts = parseDeleteOptions(body, q);
        const r = store.list(storage, {
          ...(ns ? { namespace: ns } : {}),
          labelSelector: q.get('labelSelector') ?? undefined,
          fieldSelector: q.get('fieldSelector') ?? undefined,
        });
        const deleted: string[] = [];
        for (const o of r.items) {
          try {
            deleted.push(JSON.stringify(store.delete(storage, o.metadata.namespace, o.metadata.name!, opts)));
          } catch (e) {
            if (!(e instanceof ApiError && e.code === 404)) throw e;
          }
        }
        return ctx.send(200, `{"kind":"${ri.kind}List","apiVersion":"${apiVersionOf(ri)}","metadata":{"resourceVersion":"${store.resourceVersion}"},"items":[${deleted.join(',')}]}`);
      }
      default:
        throw ApiError.methodNotAllowed();
    }
  } catch (e) {
    if (e instanceof ApiError) return ctx.fail(e);
    throw e;
  }
}

/** DeleteOptions as JSON text, whether sent as JSON or (typed clients) protobuf. */
async function readDeleteBody(ctx: Ctx): Promise<string> {
  if (String(ctx.req.headers['content-type'] ?? '').startsWith(PROTOBUF)) {
    const raw = await readRaw(ctx.req);
    return raw.length ? JSON.stringify(decodeObject(raw)) : '';
  }
  return readBody(ctx.req);
}

function parseDryRun(q: URLSearchParams): boolean {
  const v = q.getAll('dryRun');
  if (v.length === 0) return false;
  for (const x of v) {
    if (x !== 'All') {
      throw ApiError.invalid('', '', '', [{ reason: 'FieldValueNotSupported', message: `Unsupported value: "${x}": supported values: "All"`, field: 'dryRun' }]);
    }
  }
  return true;
}

/** The stored version (cached JSON) after a write, or the computed one for a dry run. */
function written(ri: ResourceInfo, store: Store, ns: string | undefined, obj: KObject, dryRun: boolean): View {
  if (dryRun) return viewOf(ri, { object: obj, json: JSON.stringify(obj) });
  return viewOf(ri, store.mustGet(storageOf(ri), ns, obj.metadata.name!));
}

function parseApplyBody(body: string): KObject {
  let obj: unknown;
  try {
    obj = parseYaml(body);
  } catch (e) {
    throw ApiError.badRequest(`error decoding YAML: ${(e as Error).message}`);
  }
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) throw ApiError.badRequest('apply body must be an object');
  return obj as KObject;
}

function isJson(s: string): boolean {
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
}

function parseDeleteOptions(body: string, q: URLSearchParams): Parameters<Store['delete']>[3] {
  let o: any = {};
  if (body.trim()) {
    try {
      o = JSON.parse(body);
    } catch {
      throw ApiError.badRequest('invalid DeleteOptions body');
    }
  }
  const policy = o.propagationPolicy ?? q.get('propagationPolicy') ?? (o.orphanDependents === true ? 'Orphan' : undefined);
  if (policy && !['Background', 'Foreground', 'Orphan'].includes(policy)) {
    throw ApiError.invalid('DeleteOptions', '', '', [{ reason: 'FieldValueNotSupported', message: `Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan"`, field: 'propagationPolicy' }]);
  }
  const grace = o.gracePeriodSeconds ?? (q.get('gracePeriodSeconds') !== null ? Number(q.get('gracePeriodSeconds')) : undefined);
  return {
    ...(policy ? { propagationPolicy: policy } : {}),
    ...(grace !== undefined && !Number.isNaN(grace) ? { gracePeriodSeconds: grace } : {}),
    ...(o.preconditions ? { preconditions: o.preconditions } : {}),
    // DeleteOptions carries dryRun in the body (kubectl delete --dry-run=server).
    ...(Array.isArray(o.dryRun) && o.dryRun.includes('All') ? { dryRun: true } : {}),
  };
}

// ------------------------------------------------------------------ watch

function watch(ctx: Ctx, deps: ServerDeps, ri: ResourceInfo, ns: string | undefined, mode: Mode): void {
  const { res } = ctx;
  const q = ctx.url.searchParams;
  const av = apiVersionOf(ri);
  const bookmarks = q.get('allowWatchBookmarks') === 'true' || q.get('allowWatchBookmarks') === '1';
  const sendInitial = q.get('sendInitialEvents') === 'true';
  const timeoutSeconds = Number(q.get('timeoutSeconds') ?? 0);
  // Without timeoutSeconds kube closes watches after a random 30-60 minutes.
  const timeoutMs = timeoutSeconds > 0 ? timeoutSeconds * 1000 : (1800 + Math.random() * 1800) * 1000;
  let closed = false;
  let unsubscribe = () => {};
  res.statusCode = 200;
  res.setHeader('Content-Type', 'application/json');
  res.setHeader('Cache-Control', 'no-cache, private');
  if (ctx.audit) res.setHeader('Audit-Id', ctx.audit.auditID);
  // Events are coalesced per tick: one write (one TLS record run) instead of one per event.
  let pending: string[] = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (closed || pending.length === 0) return;
    const chunk = pending.length === 1 ? pending[0]! : pending.join('');
    pending = [];
    res.write(chunk);
    if (res.writableLength > MAX_WATCH_BACKLOG) close();
  };
  const write = (s: string) => {
    if (closed) return;
    pending.push(s);
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
  const eventLine = (ev: WatchEvent): string => {
    const v = viewOf(ri, ev);
    return `{"type":"${ev.type}","object":${render(ri, v, mode)}}\n`;
  };
  const bookmark = (annotations?: Record<string, string>) => {
    const rv = deps.store.resourceVersion;
    const meta = JSON.stringify({ resourceVersion: rv, ...(annotations ? { annotations } : {}) });
    const obj =
      mode.kind === 'table'
        ? `{"kind":"Table","apiVersion":"meta.k8s.io/v1","metadata":${meta},"columnDefinitions":null,"rows":null}`
        : mode.kind === 'partial'
          ? `{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":${meta}}`
          : `{"kind":"${ri.kind}","apiVersion":"${av}","metadata":${meta}}`;
    write(`{"type":"BOOKMARK","object":${obj}}\n`);
  };
  const timers: NodeJS.Timeout[] = [];
  const close = () => {
    if (closed) return;
    flush(); // may itself close on backlog
    if (closed) return;
    closed = true;
    unsubscribe();
    for (const t of timers) clearTimeout(t);
    deps.streams.delete(close);
    res.end();
    ctx.audit?.complete({ code: 200 });
  };
  try {
    let rv = q.get('resourceVersion') ?? undefined;
    if (sendInitial && rv && rv !== '0') rv = undefined; // initial state, then the end bookmark
    unsubscribe = deps.store.watch(
      storageOf(ri),
      {
        ...(ns ? { namespace: ns } : {}),
        labelSelector: q.get('labelSelector') ?? undefined,
        fieldSelector: q.get('fieldSelector') ?? undefined,
        resourceVersion: rv,
      },
      (ev) => write(eventLine(ev)),
    );
  } catch (e) {
    if (e instanceof ApiError && (e.code === 410 || e.code === 504)) {
      // As kube-apiserver: 200, then one ERROR event carrying the Status.
      ctx.audit?.responseStarted({ code: 200 });
      res.write(`{"type":"ERROR","object":${JSON.stringify(e.toStatus())}}\n`);
      res.end();
      ctx.audit?.complete({ code: 200 });
      return;
    }
    throw e;
  }
  ctx.audit?.responseStarted({ code: 200 });
  if (sendInitial) bookmark({ 'k8s.io/initial-events-end': 'true' });
  if (!res.headersSent) res.flushHeaders();
  deps.streams.add(close);
  res.on('close', close);
  timers.push(setTimeout(close, timeoutMs));
  if (bookmarks) {
    const tick = () => {
      bookmark();
      timers.push(setTimeout(tick, deps.bookmarkIntervalMs));
    };
    timers.push(setTimeout(tick, deps.bookmarkIntervalMs));
  }
}

// ------------------------------------------------------------------ subresources

async function scale(ctx: Ctx, deps: ServerDeps, ri: ResourceInfo): Promise<void> {
  const { info, store } = { info: ctx.info, store: deps.store };
  const ns = info.namespace!;
  const toScale = (o: KObject) => ({
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: o.metadata.name,
      namespace: o.metadata.namespace,
      uid: o.metadata.uid,
      resourceVersion: o.metadata.resourceVersion,
      creationTimestamp: o.metadata.creationTimestamp,
    },
    spec: { replicas: o.spec?.replicas ?? 0 },
    status: { replicas: o.status?.replicas ?? 0, selector: labelSelectorToString(o.spec?.selector) },
  });
  const cur = store.mustGet(ri.resource, ns, info.name!);
  if (info.verb === 'get') return ctx.send(200, JSON.stringify(toScale(cur.object)));
  if (info.verb !== 'update' && info.verb !== 'patch') throw ApiError.methodNotAllowed();
  const body = await readBody(ctx.req);
  ctx.audit?.requestObject(isJson(body) ? body : undefined);
  let want: any;
  if (info.verb === 'update') {
    try {
      want = JSON.parse(body);
    } catch {
      throw ApiError.badRequest('invalid Scale body');
    }
  } else want = applyPatch(String(ctx.req.headers['content-type'] ?? ''), toScale(cur.object), body);
  const replicas = want?.spec?.replicas;
  if (!Number.isInteger(replicas) || replicas < 0) {
    throw ApiError.invalid('Scale', 'autoscaling', info.name!, [{ reason: 'FieldValueInvalid', message: `Invalid value: ${replicas}: must be greater than or equal to 0`, field: 'spec.replicas' }]);
  }
  const rv = want?.metadata?.resourceVersion;
  if (rv && rv !== String(cur.rv)) throw ApiError.conflict(ri.resource, ri.group, info.name!);
  if (parseDryRun(ctx.url.searchParams)) {
    const preview = clone(cur.object);
    preview.spec = { ...preview.spec, replicas };
    return ctx.send(200, JSON.stringify(toScale(preview)));
  }
  const updated = store.patch(ri.resource, ns, info.name!, (d) => {
    d.spec = { ...d.spec, replicas };
  });
  ctx.send(200, JSON.stringify(toScale(updated)));
}

/** pods/ephemeralcontainers: the Pod, of which only spec.ephemeralContainers may change. */
async function ephemeralContainers(ctx: Ctx, deps: ServerDeps, ri: ResourceInfo): Promise<void> {
  const { info } = ctx;
  const ns = info.namespace!;
  const cur = deps.store.mustGet('pods', ns, info.name!);
  const mode = outputMode(ctx);
  if (info.verb === 'get') return ctx.send(200, render(ri, viewOf(ri, cur), mode));
  if (info.verb !== 'update' && info.verb !== 'patch') throw ApiError.methodNotAllowed();
  let want: KObject;
  if (info.verb === 'update') {
    const { obj, body } = await readObject(ctx);
    ctx.audit?.requestObject(body);
    checkBodyKind(ri, obj);
    want = obj;
  } else {
    const body = await readBody(ctx.req);
    ctx.audit?.requestObject(isJson(body) ? body : undefined);
    want = applyPatch(String(ctx.req.headers['content-type'] ?? ''), clone(cur.object), body) as KObject;
  }
  const rv = want?.metadata?.resourceVersion;
  if (rv && rv !== String(cur.rv)) throw ApiError.conflict('pods', '', info.name!);
  const old: Array<{ name?: string }> = cur.object.spec?.ephemeralContainers ?? [];
  const next = Array.isArray(want?.spec?.ephemeralContainers)
    ? want.spec.ephemeralContainers.map((c: any) => (c && typeof c === 'object' && !old.some((o) => o.name === c.name) ? defaultEphemeralContainer(c) : c))
    : want?.spec?.ephemeralContainers;
  const causes = validateEphemeralContainers(cur.object, next);
  if (causes.length) throw ApiError.invalid('Pod', '', info.name!, causes);
  const apply = (d: KObject) => {
    d.spec = { ...d.spec, ephemeralContainers: next ?? [] };
  };
  if (parseDryRun(ctx.url.searchParams)) {
    const preview = clone(cur.object);
    apply(preview);
    return ctx.send(200, render(ri, viewOf(ri, { object: preview, json: JSON.stringify(preview) }), mode));
  }
  deps.store.patch('pods', ns, info.name!, apply);
  ctx.send(200, render(ri, viewOf(ri, deps.store.mustGet('pods', ns, info.name!)), mode));
}

function podLog(ctx: Ctx, deps: ServerDeps): void {
  const { info } = ctx;
  if (info.verb !== 'get') throw ApiError.methodNotAllowed();
  const pod = deps.store.mustGet('pods', info.namespace, info.name!).object;
  const q = ctx.url.searchParams;
  const names: string[] = (pod.spec?.containers ?? []).map((c: any) => c.name);
  const all = [...names, ...(pod.spec?.initContainers ?? []).map((c: any) => c.name), ...(pod.spec?.ephemeralContainers ?? []).map((c: any) => c.name)];
  let container = q.get('container') ?? '';
  if (!container) {
    const def = pod.metadata.annotations?.['kubectl.kubernetes.io/default-container'];
    if (names.length === 1) container = names[0]!;
    else if (def && names.includes(def)) container = def;
    else throw ApiError.badRequest(`a container name must be specified for pod ${pod.metadata.name}, choose one of: [${names.join(' ')}]${pod.spec?.initContainers?.length ? ` or one of the init containers: [${pod.spec.initContainers.map((c: any) => c.name).join(' ')}]` : ''}`);
  }
  if (!all.includes(container)) throw ApiError.badRequest(`container ${container} is not valid for pod ${pod.metadata.name}`);
  const opts = parseLogOptions(q);
  const log = deps.logs?.containerLog(info.namespace!, info.name!, container, opts.previous);
  if (!log) {
    if (opts.previous) throw ApiError.badRequest(`previous terminated container "${container}" in pod "${pod.metadata.name}" not found`);
    const waiting = (pod.status?.containerStatuses ?? []).find((c: any) => c.name === container)?.state?.waiting?.reason ?? 'ContainerCreating';
    throw ApiError.badRequest(`container "${container}" in pod "${pod.metadata.name}" is waiting to start: ${waiting}`);
  }
  ctx.audit?.responseStarted({ code: 200 });
  let done = false;
  const close = () => {
    if (!done) ctx.res.end();
  };
  deps.streams.add(close);
  streamLog(ctx.res, log, opts, () => {
    done = true;
    deps.streams.delete(close);
    ctx.audit?.complete({ code: 200 });
  });
}

async function proxy(ctx: Ctx, deps: ServerDeps, ri: ResourceInfo): Promise<void> {
  const { info } = ctx;
  const ns = info.namespace!;
  const raw = info.name!;
  let target: { host: string; port: number } | undefined;
  if (ri.resource === 'pods') {
    const [name, port] = raw.split(':') as [string, string | undefined];
    const pod = deps.store.mustGet('pods', ns, name).object;
    target = deps.proxy?.podAddress(pod, port);
    if (!target) throw new ApiError(503, 'ServiceUnavailable', `error trying to reach service: pod ${name} has no reachable address${port ? ` for port ${port}` : ''}`);
  } else {
    target = resolveServiceTarget(deps.store, deps.proxy, ns, raw);
  }
  await proxyTo(ctx, target, info.subpath || '/');
}

// ------------------------------------------------------------------ metrics.k8s.io

function cpuQuantity(nano: number): string {
  return `${Math.max(0, Math.round(nano))}n`;
}
function memQuantity(bytes: number): string {
  return `${Math.max(0, Math.round(bytes / 1024))}Ki`;
}

function metrics(ctx: Ctx, deps: ServerDeps, ri: ResourceInfo): void {
  const { info } = ctx;
  if (info.verb !== 'get' && info.verb !== 'list') throw ApiError.methodNotAllowed();
  const p = deps.metrics;
  const now = new Date();
  const timestamp = new Date(Math.floor(now.getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  const window = `${p?.windowSeconds ?? 15}s`;
  const label = parseLabelSelector(ctx.url.searchParams.get('labelSelector'));
  const meta = (o: KObject) => ({
    name: o.metadata.name,
    ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
    creationTimestamp: timestamp,
    ...(o.metadata.labels ? { labels: o.metadata.labels } : {}),
  });
  const podMetric = (o: KObject) => {
    if (o.status?.phase !== 'Running') return undefined;
    const usage = p?.podUsage(o.metadata.namespace!, o.metadata.name!);
    if (!usage) return undefined;
    return {
      kind: 'PodMetrics',
      apiVersion: 'metrics.k8s.io/v1beta1',
      metadata: meta(o),
      timestamp,
      window,
      containers: usage.map((c) => ({ name: c.name, usage: { cpu: cpuQuantity(c.cpuNanoCores), memory: memQuantity(c.memoryBytes) } })),
    };
  };
  const nodeMetric = (o: KObject) => {
    const u = p?.nodeUsage(o.metadata.name!);
    if (!u) return undefined;
    return { kind: 'NodeMetrics', apiVersion: 'metrics.k8s.io/v1beta1', metadata: meta(o), timestamp, window, usage: { cpu: cpuQuantity(u.cpuNanoCores), memory: memQuantity(u.memoryBytes) } };
  };
  const isPods = ri.resource === 'pods';
  const source = isPods ? 'pods' : 'nodes';
  const make = isPods ? podMetric : nodeMetric;
  if (info.verb === 'get') {
    const o = deps.store.get(source, info.namespace, info.name!);
    const m = o && make(o);
    if (!m) throw ApiError.notFound(ri.resource, 'metrics.k8s.io', info.name!);
    return ctx.send(200, JSON.stringify(m));
  }
  const items: object[] = [];
  for (const o of deps.store.list(source, info.namespace ? { namespace: info.namespace } : {}).items) {
    if (label && !label(o.metadata.labels)) continue;
    const m = make(o);
    if (m) items.push(m);
  }
  ctx.send(200, JSON.stringify({ kind: isPods ? 'PodMetricsList' : 'NodeMetricsList', apiVersion: 'metrics.k8s.io/v1beta1', metadata: {}, items }));
}

// ------------------------------------------------------------------ authorization reviews

async function review(ctx: Ctx, deps: ServerDeps, ri: ResourceInfo): Promise<void> {
  if (ctx.info.verb !== 'create') throw ApiError.methodNotAllowed();
  const { obj, body } = await readObject(ctx);
  ctx.audit?.requestObject(body);
  const spec = obj.spec ?? {};
  let status: object;
  if (ri.resource === 'selfsubjectaccessreviews') {
    const ra = spec.resourceAttributes;
    const nra = spec.nonResourceAttributes;
    if (!ra && !nra) {
      throw ApiError.invalid('SelfSubjectAccessReview', 'authorization.k8s.io', '', [{ reason: 'FieldValueRequired', message: 'Required value: exactly one of nonResourceAttributes or resourceAttributes must be specified', field: 'spec.resourceAttributes' }]);
    }
    const d = deps.authorizer.authorize(
      ra
        ? {
            user: ctx.user,
            verb: ra.verb ?? '',
            resourceRequest: true,
            apiGroup: ra.group ?? '',
            resource: ra.resource ?? '',
            ...(ra.namespace ? { namespace: ra.namespace } : {}),
            ...(ra.subresource ? { subresource: ra.subresource } : {}),
            ...(ra.name ? { name: ra.name } : {}),
          }
        : { user: ctx.user, verb: nra.verb ?? '', resourceRequest: false, path: nra.path ?? '' },
    );
    status = { allowed: d.allowed, ...(d.reason ? { reason: d.reason } : {}) };
  } else if (ri.resource === 'selfsubjectreviews') {
    const u = ctx.user;
    const userInfo = { username: u.username, ...(u.uid ? { uid: u.uid } : {}), groups: u.groups };
    return ctx.send(201, JSON.stringify({ kind: ri.kind, apiVersion: 'authentication.k8s.io/v1', metadata: { creationTimestamp: null }, status: { userInfo } }));
  } else {
    const ns = spec.namespace ?? '';
    status = { ...deps.authorizer.rulesFor(ctx.user, ns), incomplete: false };
  }
  ctx.send(201, JSON.stringify({ kind: ri.kind, apiVersion: 'authorization.k8s.io/v1', metadata: {}, spec, status }));
}
