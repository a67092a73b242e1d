// Test helpers: a started sandbox API server with a kubeconfig and a kubectl runner.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApiServer, type ApiServer, type ApiServerOptions } from './server';
import { writeKubeconfig } from './kubeconfig';
import { createServer, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Store } from './store';
import type { ContainerLogBuffer } from './logs';
import type { LogProvider } from './logs';
import type { MetricsProvider, ProxyProvider } from './providers';

export interface Harness {
  server: ApiServer;
  dir: string;
  kubeconfig: string;
  auditPath: string;
  kubectl(args: string[], opts?: { context?: string; input?: string; env?: Record<string, string> }): Promise<{ code: number; stdout: string; stderr: string }>;
  spawnKubectl(args: string[], context?: string): ChildProcess;
}

export async function startHarness(opts: ApiServerOptions = {}): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'orrery-apiserver-'));
  const auditPath = join(dir, 'audit.log');
  const server = await startApiServer({ auditPath, ...opts });
  const kubeconfig = join(dir, 'kubeconfig');
  writeKubeconfig(kubeconfig, server);
  const env = { ...process.env, KUBECONFIG: kubeconfig, HOME: dir, KUBECTL_KUBERC: 'false' };
  return {
    server,
    dir,
    kubeconfig,
    auditPath,
    kubectl(args, o = {}) {
      const full = [...(o.context ? ['--context', o.context] : []), ...args];
      return new Promise((resolve) => {
        const child = execFile('kubectl', full, { env: { ...env, ...o.env }, timeout: 20_000 }, (err, stdout, stderr) => {
          resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
        });
        if (o.input !== undefined) child.stdin?.end(o.input);
      });
    },
    spawnKubectl(args, context) {
      return spawn('kubectl', [...(context ? ['--context', context] : []), ...args], { env });
    },
  };
}


/** Providers backed by a real loopback HTTP server and in-memory logs. */
export interface FakeRuntime {
  logs: LogProvider & { buffers: Map<string, ContainerLogBuffer> };
  proxy: ProxyProvider;
  metrics: MetricsProvider;
  http: Server;
  port: number;
  close(): Promise<void>;
}

export async function startFakeRuntime(): Promise<FakeRuntime> {
  const http = createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain', 'X-Upstream': 'pod' });
    res.end(`hello from upstream ${req.method} ${req.url}\n`);
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
  const port = (http.address() as { port: number }).port;
  const buffers = new Map<string, ContainerLogBuffer>();
  return {
    http,
    port,
    logs: {
      buffers,
      containerLog: (ns, pod, c, previous) => (previous ? undefined : buffers.get(`${ns}/${pod}/${c}`)),
    },
    proxy: { podAddress: (pod) => (pod.status?.phase === 'Running' ? { host: '127.0.0.1', port } : undefined) },
    metrics: {
      podUsage: (_ns, name) => [{ name: name.startsWith('web') ? 'web' : 'c', cpuNanoCores: 12_500_000, memoryBytes: 48 * 1024 * 1024 }],
      nodeUsage: () => ({ cpuNanoCores: 750_000_000, memoryBytes: 3 * 1024 ** 3 }),
    },
    close: () => new Promise((r) => http.close(() => r())),
  };
}

export const WEB_POD = 'web-7d4b9c8f6-x2k9q';

/** A small realistic cluster: a node, namespace `shop`, deployment web -> replicaset -> pod,
 *  service + endpoints, configmap, secret and an event, with statuses a kubelet would write. */
export function seedShop(store: Store): void {
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  store.create('nodes', {
    metadata: { name: 'sandbox-node-1', labels: { 'kubernetes.io/hostname': 'sandbox-node-1', 'kubernetes.io/os': 'linux', 'node-role.kubernetes.io/control-plane': '' } },
    spec: {},
    status: {
      capacity: { cpu: '4', memory: '8Gi', pods: '110' },
      allocatable: { cpu: '4', memory: '8Gi', pods: '110' },
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: now, lastTransitionTime: now }],
      addresses: [{ type: 'InternalIP', address: '127.0.0.1' }, { type: 'Hostname', address: 'sandbox-node-1' }],
      nodeInfo: { kubeletVersion: 'v1.32.0', osImage: 'Orrery Sandbox', kernelVersion: '6.1.0', containerRuntimeVersion: 'orrery://1.0', operatingSystem: 'linux', architecture: 'amd64', machineID: 'm', systemUUID: 's', bootID: 'b', kubeProxyVersion: 'v1.32.0' },
    },
  });
  store.create('namespaces', { metadata: { name: 'shop' } });
  const labels = { app: 'web', 'pod-template-hash': '7d4b9c8f6' };
  const template = {
    metadata: { labels: { app: 'web' } },
    spec: { containers: [{ name: 'web', image: 'orrery/service:web', ports: [{ name: 'http', containerPort: 8080 }], env: [{ name: 'MODE', value: 'prod' }] }] },
  };
  const dep = store.create('deployments', {
    metadata: { name: 'web', namespace: 'shop', labels: { app: 'web' }, annotations: { 'deployment.kubernetes.io/revision': '1' } },
    spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template },
  });
  store.updateStatus('deployments', {
    ...dep,
    status: {
      observedGeneration: 1, replicas: 1, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1,
      conditions: [
        { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.', lastUpdateTime: now, lastTransitionTime: now },
        { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: 'ReplicaSet "web-7d4b9c8f6" has successfully progressed.', lastUpdateTime: now, lastTransitionTime: now },
      ],
    },
  });
  const rs = store.create('replicasets', {
    metadata: {
      name: 'web-7d4b9c8f6', namespace: 'shop', labels,
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: dep.metadata.uid!, controller: true, blockOwnerDeletion: true }],
    },
    spec: { replicas: 1, selector: { matchLabels: labels }, template: { ...template, metadata: { labels } } },
    status: { replicas: 1, readyReplicas: 1, availableReplicas: 1, fullyLabeledReplicas: 1, observedGeneration: 1 },
  });
  const pod = store.create('pods', {
    metadata: {
      name: WEB_POD, namespace: 'shop', labels,
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs.metadata.name!, uid: rs.metadata.uid!, controller: true, blockOwnerDeletion: true }],
    },
    spec: { ...template.spec, nodeName: 'sandbox-node-1' },
    status: {
      phase: 'Running', hostIP: '127.0.0.1', hostIPs: [{ ip: '127.0.0.1' }], podIP: '10.244.0.5', podIPs: [{ ip: '10.244.0.5' }], startTime: now, qosClass: 'BestEffort',
      conditions: ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({ type, status: 'True', lastProbeTime: null, lastTransitionTime: now })),
      containerStatuses: [{ name: 'web', image: 'orrery/service:web', imageID: 'orrery/service@sha256:0', containerID: 'orrery://web-1', ready: true, started: true, restartCount: 0, state: { running: { startedAt: now } } }],
    },
  });
  store.create('services', {
    metadata: { name: 'web', namespace: 'shop', labels: { app: 'web' } },
    spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
  });
  store.create('endpoints', {
    metadata: { name: 'web', namespace: 'shop', labels: { app: 'web' } },
    subsets: [{ addresses: [{ ip: '10.244.0.5', nodeName: 'sandbox-node-1', targetRef: { kind: 'Pod', namespace: 'shop', name: WEB_POD, uid: pod.metadata.uid! } }], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] }],
  });
  store.create('configmaps', { metadata: { name: 'web-config', namespace: 'shop' }, data: { LOG_LEVEL: 'info' } });
  store.create('secrets', { metadata: { name: 'db-password', namespace: 'shop' }, data: { password: Buffer.from('hunter2').toString('base64') } });
  store.create('events', {
    metadata: { name: `${WEB_POD}.17f0a1b2c3d4e5f6`, namespace: 'shop' },
    involvedObject: { kind: 'Pod', namespace: 'shop', name: WEB_POD, uid: pod.metadata.uid!, apiVersion: 'v1', fieldPath: 'spec.containers{web}' },
    reason: 'Started', message: 'Started container web', type: 'Normal', source: { component: 'kubelet', host: 'sandbox-node-1' },
    firstTimestamp: now, lastTimestamp: now, count: 1, reportingComponent: 'kubelet', reportingInstance: 'sandbox-node-1',
  });
}


export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json: any;
}

/** One HTTPS request to the sandbox as a user (default admin). */
export function api(server: ApiServer, method: string, path: string, opts: { body?: unknown; contentType?: string; accept?: string; user?: string; token?: string } = {}): Promise<HttpResult> {
  const token = opts.token ?? server.users.find((u) => u.name === (opts.user ?? 'admin'))!.token;
  const body = opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
  const url = new URL(path, server.url);
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      url,
      {
        method,
        ca: server.caPem,
        headers: {
          ...(token ? { Authorization: `Bearer ${token}` } : {}),
          Accept: opts.accept ?? 'application/json',
          'User-Agent': 'orrery-test/1.0',
          ...(body !== undefined ? { 'Content-Type': opts.contentType ?? 'application/json', 'Content-Length': Buffer.byteLength(body) } : {}),
        },
      },
      (res) => {
        let data = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (data += d));
        res.on('end', () => {
          let json: any;
          try {
            json = JSON.parse(data);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: data, json });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Open a watch (or any streaming GET) and collect JSON lines. */
export function stream(server: ApiServer, path: string, opts: { accept?: string; user?: string } = {}) {
  const token = server.users.find((u) => u.name === (opts.user ?? 'admin'))!.token;
  const lines: any[] = [];
  let status = 0;
  let ended = false;
  const waiters: (() => void)[] = [];
  const notify = () => waiters.splice(0).forEach((w) => w());
  const req = httpsRequest(new URL(path, server.url), { ca: server.caPem, headers: { Authorization: `Bearer ${token}`, Accept: opts.accept ?? 'application/json' } }, (res) => {
    status = res.statusCode ?? 0;
    let buf = '';
    res.setEncoding('utf8');
    res.on('data', (d: string) => {
      buf += d;
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (line.trim()) lines.push(JSON.parse(line));
      }
      notify();
    });
    res.on('end', () => {
      ended = true;
      notify();
    });
  });
  req.on('error', () => {
    ended = true;
    notify();
  });
  req.end();
  return {
    lines,
    get status() {
      return status;
    },
    get ended() {
      return ended;
    },
    /** Wait until `pred(lines)` holds (or the stream ended), failing after ms. */
    until(pred: (l: any[]) => boolean, ms = 5000): Promise<void> {
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`stream condition not met; lines: ${JSON.stringify(lines).slice(0, 2000)}`)), ms);
        const check = () => {
          if (pred(lines) || ended) {
            clearTimeout(t);
            resolve();
          } else waiters.push(check);
        };
        check();
      });
    },
    close: () => req.destroy(),
  };
}
