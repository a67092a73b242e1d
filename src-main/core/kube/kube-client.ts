// HTTP access to one kubeconfig context's API server. Authentication (tokens, client certs,
// basic auth, exec plugins, proxy-url, CA, insecure-skip-tls-verify) comes from
// @kubernetes/client-node's KubeConfig, except OIDC id-token refresh (oidc-credential.ts);
// requests themselves go through node:http(s) so lists and watches can be streamed and parsed
// without building typed models for 100k objects.
import { KubeConfig } from '@kubernetes/client-node';
import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest, type RequestOptions } from 'node:https';
import { createSecureContext, type SecureContext } from 'node:tls';
import type { MergedKubeconfig } from './kubeconfig';
import { classifyNetworkError, KubeApiError, statusError, type CredentialDetails } from './kube-errors';
import { OidcCredential } from './oidc-credential';

export interface KubeRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  headers?: Record<string, string>;
  body?: unknown;
  signal?: AbortSignal;
  /** Fails the request when no response headers arrive in time (not a limit on streaming). */
  timeoutMs?: number;
  /** Bytes the response (and a new socket) may buffer before reading pauses (node's default: 64 KiB). */
  highWaterMark?: number;
  /** For messages: what the request was trying to do ("list pods in shop"). */
  intent?: { verb: string; resource: string; namespace?: string; name?: string };
}

/** Builds a KubeConfig holding just one context, its cluster and its user. */
export function kubeConfigFor(merged: MergedKubeconfig, contextName: string): KubeConfig {
  const context = merged.contexts.get(contextName);
  if (!context) throw new Error(`no context named "${contextName}" in the kubeconfig`);
  const clusterName = String(context.value.cluster ?? '');
  const userName = String(context.value.user ?? '');
  const cluster = merged.clusters.get(clusterName);
  if (!cluster) throw new Error(`context "${contextName}" refers to cluster "${clusterName}", which no kubeconfig file defines`);
  const user = merged.users.get(userName);
  const userBody: Record<string, unknown> = { ...(user?.value ?? {}) };
  // kubectl spells it tokenFile; client-node reads token-file.
  if (typeof userBody.tokenFile === 'string') userBody['token-file'] = userBody.tokenFile;
  const kc = new KubeConfig();
  kc.loadFromString(
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: clusterName, cluster: cluster.value }],
      users: [{ name: userName || 'anonymous', user: userBody }],
      contexts: [{ name: contextName, context: { ...context.value, user: userName || 'anonymous' } }],
      'current-context': contextName,
    }),
  );
  return kc;
}

export class KubeClient {
  readonly server: string;
  /** proxy-url of the cluster, when requests go through an HTTP CONNECT or SOCKS proxy. */
  readonly proxy: string | undefined;
  private readonly oidc: OidcCredential | undefined;
  private tls: { id: string; context: SecureContext; agent: HttpsAgent } | undefined;
  /** Plain-HTTP servers (no TLS): one keep-alive agent. */
  private plain: HttpAgent | undefined;

  constructor(
    readonly context: string,
    private readonly kc: KubeConfig,
  ) {
    const cluster = kc.getCurrentCluster();
    const server = cluster?.server;
    if (!server) throw new Error(`cluster of context "${context}" has no server URL`);
    this.server = server.replace(/\/+$/, '');
    this.proxy = cluster.proxyUrl || undefined;
    const user = kc.getCurrentUser();
    if (user?.authProvider?.name === 'oidc') {
      // Orrery supplies the id-token itself; client-node must not try (its refresh is broken).
      this.oidc = new OidcCredential(context, { ...(user.authProvider.config as Record<string, string | undefined>) });
      kc.users = kc.users.map((u) => (u === user ? { ...u, authProvider: undefined } : u));
    }
  }

  /** What kind of credential the context uses, for advice when the server rejects it. */
  credentialKind(): 'exec' | 'oidc' | 'token' | 'client-certificate' | 'basic' | 'none' {
    if (this.oidc) return 'oidc';
    const user = this.kc.getCurrentUser();
    if (!user) return 'none';
    if (user.exec) return 'exec';
    if (user.authProvider) return 'oidc';
    if (user.token || (user as { tokenFile?: string }).tokenFile) return 'token';
    if (user.certData || user.certFile) return 'client-certificate';
    if (user.username) return 'basic';
    return 'none';
  }

  /** Facts about the credential for explaining a rejection: certificate validity, token expiry. */
  credentialDetails(): CredentialDetails {
    const details: CredentialDetails = {};
    if (this.oidc) details.oidc = this.oidc.facts();
    const user = this.kc.getCurrentUser();
    if (user?.certData || user?.certFile) {
      try {
        const cert = new X509Certificate(user.certFile ? readFileSync(user.certFile) : Buffer.from(user.certData!, 'base64'));
        details.clientCertificate = { subject: cert.subject.replace(/\n/g, ', '), issuer: cert.issuer.replace(/\n/g, ', '), notBefore: new Date(cert.validFrom), notAfter: new Date(cert.validTo) };
      } catch (err) {
        details.clientCertificate = { unreadable: (err as Error).message };
      }
    }
    return details;
  }

  execCommand(): string | undefined {
    const exec = this.kc.getCurrentUser()?.exec as { command?: string; args?: string[] } | undefined;
    return exec?.command ? [exec.command, ...(exec.args ?? [])].join(' ') : undefined;
  }

  /** Sends a request and resolves with the response stream once headers arrive (any status). */
  async send(req: KubeRequest): Promise<IncomingMessage> {
    const url = new URL(this.server + req.path);
    for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const opts: RequestOptions & { headers: Record<string, string>; secureContext?: SecureContext } = {
      method: req.method ?? 'GET',
      headers: { Accept: 'application/json', 'User-Agent': 'orrery', ...req.headers },
    };
    try {
      await this.kc.applyToHTTPSOptions(opts);
      if (this.oidc) opts.headers.Authorization = `Bearer ${await this.oidc.token()}`;
    } catch (err) {
      if (err instanceof KubeApiError) throw err;
      throw new KubeApiError('unauthorized', `could not obtain credentials for context "${this.context}": ${(err as Error).message}`, { cause: err });
    }
    let payload: string | undefined;
    if (req.body !== undefined) {
      payload = typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
      opts.headers['Content-Type'] ??= 'application/json';
      opts.headers['Content-Length'] = String(Buffer.byteLength(payload));
    }
    // client-node hands out a fresh Agent per request, so every request opened (and the server
    // closed) its own connection: a 100k-pod list in 200 pages paid 200 TLS handshakes on both
    // sides. Without a proxy, requests share one keep-alive agent per set of credentials.
    if (url.protocol === 'https:' && !this.proxy) {
      const tls = this.tlsFor(opts);
      opts.secureContext = tls.context;
      opts.agent = tls.agent;
    } else if (url.protocol === 'http:' && !this.proxy) opts.agent = this.plain ??= new HttpAgent({ keepAlive: true, scheduling: 'lifo' });
    const send = url.protocol === 'http:' ? httpRequest : httpsRequest;
    return new Promise<IncomingMessage>((resolve, reject) => {
      const request = send(url, { ...opts, signal: req.signal, ...(req.highWaterMark ? { highWaterMark: req.highWaterMark } : {}) }, resolve);
      if (req.timeoutMs) {
        request.setTimeout(req.timeoutMs, () => request.destroy(Object.assign(new Error(`no response within ${req.timeoutMs} ms`), { code: 'ETIMEDOUT' })));
      }
      request.on('error', (err) => reject(req.signal?.aborted ? err : classifyNetworkError(err, this.server, this.proxy)));
      request.end(payload);
    });
  }

  /**
   * One TLS context and one keep-alive agent per set of credentials: without the context node
   * builds one (parsing the CA and the client key) for every connection, and a log view opens
   * hundreds at once. New credentials (a rotated client certificate) get a new agent; the old
   * one's connections finish their requests and close when idle.
   */
  private tlsFor(o: RequestOptions): { context: SecureContext; agent: HttpsAgent } {
    const id = [o.ca, o.cert, o.key, o.pfx, o.passphrase].map((v) => (v === undefined ? '' : String(v))).join('\0');
    if (this.tls?.id !== id) {
      this.tls = { id, context: createSecureContext({ ca: o.ca, cert: o.cert, key: o.key, pfx: o.pfx, passphrase: o.passphrase }), agent: new HttpsAgent({ keepAlive: true, scheduling: 'lifo' }) };
    }
    return this.tls;
  }

  /** A request whose answer is one JSON document; non-2xx answers become KubeApiErrors. */
  async json<T>(req: KubeRequest): Promise<T> {
    const res = await this.send(req);
    const text = await readBody(res);
    if (res.statusCode && res.statusCode >= 200 && res.statusCode < 300) {
      try {
        return JSON.parse(text) as T;
      } catch {
        throw new KubeApiError('server', `${this.server}${req.path} answered ${res.statusCode} with a body that is not JSON`);
      }
    }
    throw statusError(res.statusCode ?? 0, text, req, this);
  }
}

export async function readBody(res: IncomingMessage, limit = 64 * 1024 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      res.destroy();
      throw new KubeApiError('server', `response larger than ${limit} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
