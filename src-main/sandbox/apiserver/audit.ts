// audit.k8s.io/v1 Events written as JSON lines (the log backend). Lines are buffered and written
// in batches (no fsync); stop() flushes synchronously so nothing is lost on a clean stop.
import { closeSync, openSync, writeSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import type { UserInfo } from './rbac';

export type AuditLevel = 'None' | 'Metadata' | 'Request' | 'RequestResponse';
export type AuditStage = 'RequestReceived' | 'ResponseStarted' | 'ResponseComplete' | 'Panic';

export interface ObjectRef {
  resource?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  apiGroup?: string;
  apiVersion?: string;
  resourceVersion?: string;
  subresource?: string;
}

export interface AuditRequest {
  requestURI: string;
  verb: string;
  user: UserInfo;
  impersonatedUser?: UserInfo;
  sourceIPs: string[];
  userAgent?: string;
  objectRef?: ObjectRef;
  /** Non-resource path (for policy matching). */
  path: string;
}

export type AuditPolicy = (r: AuditRequest) => AuditLevel;

const WRITES = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);
const QUIET_PATHS = /^\/(healthz|readyz|livez|version|openapi|api$|apis$|api\/v1$|apis\/[^/]+(\/[^/]+)?$)/;
const SYSTEM_USERS = new Set(['system:kube-proxy', 'system:kube-scheduler', 'system:kube-controller-manager', 'system:apiserver']);

/** The sandbox's default policy: nothing for health checks, discovery and system components;
 *  request and response bodies for writes to deployments and configmaps; metadata otherwise. */
export const defaultAuditPolicy: AuditPolicy = (r) => {
  if (!r.objectRef && QUIET_PATHS.test(r.path)) return 'None';
  const u = r.impersonatedUser ?? r.user;
  if (SYSTEM_USERS.has(u.username) || u.groups.includes('system:nodes')) return 'None';
  const res = r.objectRef?.resource;
  if (WRITES.has(r.verb) && ((res === 'deployments' && r.objectRef?.apiGroup === 'apps') || (res === 'configmaps' && !r.objectRef?.apiGroup))) {
    return 'RequestResponse';
  }
  return 'Metadata';
};

// Wall clock with microseconds: Date gives milliseconds, performance.now() the fraction.
const origin = Date.now() - performance.now();
export function microTimestamp(): string {
  const t = origin + performance.now();
  const ms = Math.floor(t);
  const micros = Math.floor((t - ms) * 1000);
  const iso = new Date(ms).toISOString(); // 2026-01-01T00:00:00.123Z
  return `${iso.slice(0, 23)}${String(micros).padStart(3, '0')}Z`;
}

export interface ResponseStatus {
  code: number;
  status?: string;
  message?: string;
  reason?: string;
  details?: unknown;
}

/** One request's audit trail; stages share the auditID. */
export class AuditContext {
  readonly auditID = randomUUID();
  readonly received = microTimestamp();
  private annotations: Record<string, string> = {};
  private requestJson: string | undefined;
  private done = false;

  constructor(
    private readonly log: AuditLog,
    readonly level: AuditLevel,
    readonly req: AuditRequest,
  ) {
    this.emit('RequestReceived');
  }

  authorized(allowed: boolean, reason: string): void {
    this.annotations['authorization.k8s.io/decision'] = allowed ? 'allow' : 'forbid';
    this.annotations['authorization.k8s.io/reason'] = reason;
  }

  /** The request body (already JSON), recorded at Request level and above. */
  requestObject(json: string | undefined): void {
    this.requestJson = json;
  }

  setObjectRef(ref: ObjectRef): void {
    this.req.objectRef = { ...this.req.objectRef, ...ref };
  }

  responseStarted(status: ResponseStatus): void {
    this.emit('ResponseStarted', status);
  }

  complete(status: ResponseStatus, responseJson?: string): void {
    if (this.done) return;
    this.done = true;
    this.emit('ResponseComplete', status, responseJson);
  }

  private emit(stage: AuditStage, status?: ResponseStatus, responseJson?: string): void {
    if (this.level === 'None') return;
    const r = this.req;
    const ev: Record<string, unknown> = {
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      level: this.level,
      auditID: this.auditID,
      stage,
      requestURI: r.requestURI,
      verb: r.verb,
      user: r.user,
      ...(r.impersonatedUser ? { impersonatedUser: r.impersonatedUser } : {}),
      sourceIPs: r.sourceIPs,
    };
    if (r.userAgent) ev.userAgent = r.userAgent;
    if (r.objectRef) ev.objectRef = r.objectRef;
    if (status) ev.responseStatus = { metadata: {}, ...status };
    ev.requestReceivedTimestamp = this.received;
    ev.stageTimestamp = stage === 'RequestReceived' ? this.received : microTimestamp();
    if (stage !== 'RequestReceived' && Object.keys(this.annotations).length) ev.annotations = this.annotations;
    // Bodies are spliced in as raw JSON, so they are not parsed and re-serialized.
    let line = JSON.stringify(ev);
    const extra: string[] = [];
    if (stage === 'ResponseComplete' && (this.level === 'Request' || this.level === 'RequestResponse') && this.requestJson) {
      extra.push(`"requestObject":${this.requestJson}`);
    }
    if (stage === 'ResponseComplete' && this.level === 'RequestResponse' && responseJson) extra.push(`"responseObject":${responseJson}`);
    if (extra.length) line = `${line.slice(0, -1)},${extra.join(',')}}`;
    this.log.write(line);
  }
}

export class AuditLog {
  private fd: number | undefined;
  private buf: string[] = [];
  private bytes = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly path: string,
    readonly policy: AuditPolicy = defaultAuditPolicy,
    private readonly flushMs = 200,
  ) {
    this.fd = openSync(path, 'a');
  }

  begin(req: AuditRequest): AuditContext {
    return new AuditContext(this, this.policy(req), req);
  }

  write(line: string): void {
    if (this.fd === undefined) return;
    this.buf.push(line);
    this.bytes += line.length;
    if (this.bytes > 256 * 1024) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.flushMs).unref();
  }

  /** Write buffered lines (to the OS; no fsync). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.fd === undefined || this.buf.length === 0) return;
    const data = this.buf.join('\n') + '\n';
    this.buf = [];
    this.bytes = 0;
    writeSync(this.fd, data);
  }

  close(): void {
    this.flush();
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
