// The constellation without Kubernetes: starts pods of the constellation through a
// WorkloadRuntime and answers resolveService from its own table of ready pods. Tests use it, and
// it is handy for trying the services alone; the sandbox proper resolves through Endpoints.
import { CONSTELLATION, DEFAULT_TAG, SERVICE_IMAGE, type ServiceSpec } from './constellation';
import type { ContainerExit, RunningContainer, WorkloadRuntime } from './types';

export interface LocalPod {
  namespace: string;
  service: string;
  pod: string;
  container: RunningContainer;
  lines: string[];
  exit?: ContainerExit;
}

export interface LocalClusterOptions {
  runtime: WorkloadRuntime;
  /** Services to start (default: all) and replicas (default: the constellation's). */
  services?: Record<string, number>;
  /** Extra env for every container (overrides the ConfigMap values), e.g. STARTUP_DELAY_MS. */
  env?: Record<string, string>;
  /** Env overrides per service. */
  envFor?: Record<string, Record<string, string>>;
  image?: string;
  /** Keep at most this many log lines per pod. */
  maxLines?: number;
}

export interface LocalCluster {
  pods: LocalPod[];
  resolveService(namespace: string, name: string): string[];
  podsOf(service: string): LocalPod[];
  /** Start one more pod of a service (e.g. after a crash), with optional image/env. */
  addPod(spec: ServiceSpec, over?: { image?: string; env?: Record<string, string> }): Promise<LocalPod>;
  stop(): Promise<void>;
}

let seq = 0;

export async function startLocalCluster(o: LocalClusterOptions): Promise<LocalCluster> {
  const pods: LocalPod[] = [];
  const resolveService = (namespace: string, name: string): string[] =>
    pods
      .filter((p) => p.namespace === namespace && p.service === name && !p.exit && p.container.ready())
      .map((p) => `127.0.0.1:${p.container.port}`);
  const addPod = async (spec: ServiceSpec, over: { image?: string; env?: Record<string, string> } = {}): Promise<LocalPod> => {
    const pod = `${spec.name}-${(++seq).toString(36).padStart(5, '0')}`;
    const lines: string[] = [];
    const max = o.maxLines ?? 5000;
    const container = await o.runtime.start({
      namespace: spec.namespace,
      pod,
      podUid: `uid-${pod}`,
      container: spec.name,
      image: over.image ?? o.image ?? `${SERVICE_IMAGE}:${DEFAULT_TAG}`,
      env: { ...spec.config, ORRERY_SERVICE: spec.name, ...o.env, ...o.envFor?.[spec.name], ...over.env },
      host: '127.0.0.1',
      port: 0,
      log: (l) => {
        lines.push(l);
        if (lines.length > max) lines.splice(0, lines.length - max);
      },
      resolveService,
    });
    const p: LocalPod = { namespace: spec.namespace, service: spec.name, pod, container, lines };
    void container.exited.then((e) => (p.exit = e));
    pods.push(p);
    return p;
  };
  const wanted = CONSTELLATION.filter((s) => !o.services || s.name in o.services);
  await Promise.all(wanted.flatMap((s) => Array.from({ length: o.services?.[s.name] ?? s.replicas }, () => addPod(s))));
  return {
    pods,
    resolveService,
    podsOf: (service) => pods.filter((p) => p.service === service),
    addPod,
    async stop() {
      await Promise.all(pods.map((p) => p.container.stop()));
    },
  };
}

/** Resolves once every started pod (that has not exited) is ready, or rejects after timeoutMs. */
export async function waitReady(c: LocalCluster, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!c.pods.every((p) => p.exit || p.container.ready())) {
    if (Date.now() > deadline) throw new Error('pods not ready in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}
