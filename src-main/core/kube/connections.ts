// Connections to kubeconfig contexts: one KubeClient per context, built from the merged
// kubeconfig and rebuilt when that context's cluster or user entry changes. Several contexts
// can be connected at once; each has an explicit, explained state.
import type { ClusterConnection } from '../../contract/types';
import { KubeApiError } from './kube-errors';
import { KubeClient, kubeConfigFor } from './kube-client';
import type { MergedKubeconfig } from './kubeconfig';
import type { KubeconfigSource } from './kubeconfig-source';

const probeTimeoutMs = 10_000;
const healthyRecheckMs = 60_000;

interface Entry {
  fingerprint: string;
  client?: KubeClient;
  configError?: string;
  state: ClusterConnection;
  listeners: Set<(s: ClusterConnection) => void>;
  timer?: ReturnType<typeof setTimeout>;
  failures: number;
  probing?: Promise<void>;
}

/** What of the kubeconfig a context's connection depends on; a change means a new client. */
function fingerprint(config: MergedKubeconfig, context: string): string {
  const ctx = config.contexts.get(context);
  const cluster = ctx && config.clusters.get(String(ctx.value.cluster));
  const user = ctx && config.users.get(String(ctx.value.user));
  return JSON.stringify([ctx?.value, cluster?.value, user?.value]);
}

/**
 * /version answers anonymous requests too, so a server that ignored the credentials (basic auth
 * on Kubernetes 1.19+, a token for another cluster on a server with anonymous auth) would look
 * connected. SelfSubjectReview (`kubectl auth whoami`) says who the server thinks we are; servers
 * without it (before 1.28) or other failures leave the verdict to later requests.
 */
async function checkNotAnonymous(client: KubeClient): Promise<void> {
  if (client.credentialKind() === 'none') return;
  const anonymous = await client
    .json<{ status?: { userInfo?: { username?: string } } }>({
      method: 'POST',
      path: '/apis/authentication.k8s.io/v1/selfsubjectreviews',
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
      timeoutMs: probeTimeoutMs,
      intent: { verb: 'create', resource: 'selfsubjectreviews.authentication.k8s.io' },
    })
    .then(
      (r) => r.status?.userInfo?.username === 'system:anonymous',
      (err: unknown) => err instanceof KubeApiError && err.kind === 'forbidden' && /User "system:anonymous"/.test(err.message),
    );
  if (!anonymous) return;
  const basic = client.credentialKind() === 'basic' ? ' Kubernetes removed basic authentication (username/password) in 1.19; use a token, client certificate or exec plugin.' : ' Check that the credentials are for this cluster.';
  throw new KubeApiError('unauthorized', `${client.server} (context "${client.context}") treats Orrery's requests as anonymous (system:anonymous): it did not recognize the kubeconfig's ${client.credentialKind()} credentials.${basic}`);
}

export class ConnectionManager {
  private entries = new Map<string, Entry>();
  private config: MergedKubeconfig | undefined;
  private readonly unsubscribe: () => void;

  constructor(source: KubeconfigSource) {
    this.unsubscribe = source.subscribe((config) => this.onConfig(config));
  }

  private onConfig(config: MergedKubeconfig) {
    this.config = config;
    for (const [context, entry] of this.entries) {
      if (fingerprint(config, context) !== entry.fingerprint) {
        this.rebuild(context, entry);
        void this.probe(context);
      }
    }
  }

  private async ready(): Promise<MergedKubeconfig> {
    while (!this.config) await new Promise((r) => setTimeout(r, 10));
    return this.config;
  }

  private rebuild(context: string, entry: Entry) {
    const config = this.config!;
    entry.fingerprint = fingerprint(config, context);
    entry.client = undefined;
    entry.configError = undefined;
    try {
      entry.client = new KubeClient(context, kubeConfigFor(config, context));
    } catch (err) {
      entry.configError = (err as Error).message;
    }
  }

  private async entry(context: string): Promise<Entry> {
    await this.ready();
    let entry = this.entries.get(context);
    if (!entry) {
      entry = { fingerprint: '', state: { context, state: 'connecting', checkedAt: new Date().toISOString() }, listeners: new Set(), failures: 0 };
      this.entries.set(context, entry);
      this.rebuild(context, entry);
    }
    return entry;
  }

  /** The client for a context; throws a KubeApiError-like error when the kubeconfig entry is unusable. */
  async client(context: string): Promise<KubeClient> {
    const entry = await this.entry(context);
    if (!entry.client) throw new KubeApiError('invalid', `context "${context}" cannot be used: ${entry.configError}`);
    return entry.client;
  }

  /** Follows a context's connection state, probing the server while anyone listens. */
  watch(context: string, listener: (state: ClusterConnection) => void): () => void {
    let entry: Entry | undefined;
    let cancelled = false;
    void this.entry(context).then((e) => {
      if (cancelled) return;
      entry = e;
      e.listeners.add(listener);
      listener(e.state);
      if (e.listeners.size === 1) void this.probe(context);
    });
    return () => {
      cancelled = true;
      entry?.listeners.delete(listener);
      if (entry && entry.listeners.size === 0) clearTimeout(entry.timer);
    };
  }

  private set(entry: Entry, state: ClusterConnection) {
    entry.state = state;
    for (const l of entry.listeners) l(state);
  }

  /** Asks the server for /version; schedules the next check by outcome. */
  probe(context: string): Promise<void> {
    const entry = this.entries.get(context);
    if (!entry) return Promise.resolve();
    entry.probing ??= this.runProbe(context, entry).finally(() => (entry.probing = undefined));
    return entry.probing;
  }

  private async runProbe(context: string, entry: Entry) {
    clearTimeout(entry.timer);
    const now = () => new Date().toISOString();
    if (!entry.client) {
      this.set(entry, { context, state: 'config-error', message: entry.configError, checkedAt: now() });
      return; // retried when the kubeconfig changes
    }
    const client = entry.client;
    if (entry.state.state !== 'connected') this.set(entry, { context, server: client.server, state: 'connecting', checkedAt: now() });
    let next: number;
    try {
      const version = await client.json<{ gitVersion?: string; platform?: string }>({ path: '/version', timeoutMs: probeTimeoutMs, intent: { verb: 'get', resource: 'version' } });
      await checkNotAnonymous(client);
      if (client !== entry.client) return;
      entry.failures = 0;
      this.set(entry, { context, server: client.server, state: 'connected', version: version.gitVersion, checkedAt: now() });
      next = healthyRecheckMs;
    } catch (err) {
      if (client !== entry.client) return;
      entry.failures++;
      next = Math.min(30_000, 1000 * 2 ** Math.min(entry.failures - 1, 5)) * (0.8 + Math.random() * 0.4);
      const e = err instanceof KubeApiError ? err : new KubeApiError('server', (err as Error).message);
      const state = e.kind === 'unreachable' || e.kind === 'tls' || e.kind === 'unauthorized' || e.kind === 'forbidden' ? e.kind : 'error';
      this.set(entry, { context, server: client.server, state, message: e.message, checkedAt: now(), retryInMs: Math.round(next) });
    }
    if (entry.listeners.size > 0) entry.timer = setTimeout(() => void this.probe(context), next);
  }

  /** Reports a failure seen elsewhere (e.g. a watch got 401) so the state reflects it at once. */
  report(context: string, err: KubeApiError) {
    const entry = this.entries.get(context);
    if (entry && (err.kind === 'unauthorized' || err.kind === 'unreachable' || err.kind === 'tls')) void this.probe(context);
  }

  dispose() {
    this.unsubscribe();
    for (const entry of this.entries.values()) clearTimeout(entry.timer);
    this.entries.clear();
  }
}
