// A real Prometheus for the sandbox, when the binary exists (Debian's `prometheus` package, or
// PROMETHEUS_BIN). It listens on loopback, keeps its TSDB in a temporary directory, and finds its
// targets through file-based service discovery: updateTargets() rewrites a job's targets file as
// pods come and go. Targets are written with the __meta_kubernetes_* labels that kubernetes_sd
// would produce, and each job relabels them the way the Prometheus operator's generated config
// does (namespace, pod, container, service, endpoint, node), so `up` and every series look like
// those of a cluster. Jobs, recording rules and the self-scrape labels are options: the sandbox
// configures them to match a kube-prometheus-stack install (see sandbox/monitoring).
//
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';

export interface ScrapeTarget {
  /** host:port of the pod's metrics endpoint. */
  address: string;
  /** namespace, pod, container, service, node become the usual target labels; job sets the job
   *  (default: the service name, as a ServiceMonitor would); any other label is kept as is. */
  labels: Record<string, string>;
  /** Path of the metrics endpoint (default /metrics). */
  metricsPath?: string;
}

/** One scrape config with its own file_sd targets. */
export interface ScrapeJob {
  /** job_name (the operator names them `serviceMonitor/<namespace>/<name>/<endpoint index>`). */
  name: string;
  /** honor_labels: the exporter's own namespace/pod/container labels win over the target's. */
  honorLabels?: boolean;
  /** Copy __metrics_path__ into a `metrics_path` label, as kube-prometheus-stack does for the
   *  kubelet's endpoints (/metrics, /metrics/cadvisor). */
  metricsPathLabel?: boolean;
  /** metric_relabel_configs, in Prometheus' YAML shape. */
  metricRelabelConfigs?: Record<string, unknown>[];
  /** Initial targets. */
  targets?: ScrapeTarget[];
}

/** A Prometheus rule group (recording rules), in the YAML shape of a rule file. */
export interface RuleGroup {
  name: string;
  interval?: string;
  rules: { record: string; expr: string; labels?: Record<string, string> }[];
}

export interface PrometheusOptions {
  /** Binary to run; default PROMETHEUS_BIN, then `prometheus` on PATH. */
  bin?: string;
  /** Port on 127.0.0.1 (default: a free one). */
  port?: number;
  scrapeIntervalSeconds?: number;
  /** Where to keep config, targets and TSDB (default: a new temp dir, removed on stop). */
  dir?: string;
  retention?: string;
  /** Extra command-line flags, e.g. --web.external-url for serving behind the API server proxy. */
  extraArgs?: string[];
  /** Where to say what happens (default console.warn); Prometheus's own errors are included. */
  log?: (msg: string) => void;
  /** How long to wait for /-/ready (default 20 s). */
  readyTimeoutMs?: number;
  /** Initial targets of the default job (`kubernetes-pods`). */
  targets?: ScrapeTarget[];
  /** More scrape jobs, each with its own targets file. */
  jobs?: ScrapeJob[];
  /** Recording rules, written to a rule file Prometheus evaluates every scrape interval. */
  ruleGroups?: RuleGroup[];
  /** How Prometheus scrapes itself: job_name and the target's labels (default: job `prometheus`
   *  with namespace=monitoring, service=prometheus). */
  self?: { jobName: string; labels: Record<string, string> };
}

export interface RunningPrometheus {
  available: true;
  url: string;
  port: number;
  pid: number;
  dir: string;
  /** Replace a job's targets (default job: `kubernetes-pods`); Prometheus notices the file change
   *  within a few seconds. */
  updateTargets(targets: ScrapeTarget[], job?: string): Promise<void>;
  /** SIGTERM, wait (SIGKILL after 10 s), remove the temp dir. Idempotent. */
  stop(): Promise<void>;
  /** Resolves when Prometheus has exited (after stop(), or by itself); carries its last output. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

export interface MissingPrometheus {
  available: false;
  reason: string;
  updateTargets(targets: ScrapeTarget[], job?: string): Promise<void>;
  stop(): Promise<void>;
}

export type PrometheusHandle = RunningPrometheus | MissingPrometheus;

export const DEFAULT_JOB = 'kubernetes-pods';
let warnedMissing = false;

function executable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && executable(path.join(dir, name))) return path.join(dir, name);
  }
  return undefined;
}

/** The Prometheus binary to run, or undefined when there is none. */
export function findPrometheusBinary(bin?: string): string | undefined {
  const want = bin ?? process.env.PROMETHEUS_BIN;
  if (want) return want.includes('/') ? (executable(want) ? want : undefined) : onPath(want);
  return onPath('prometheus');
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = a && typeof a === 'object' ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

const META: Record<string, string> = {
  namespace: '__meta_kubernetes_namespace',
  pod: '__meta_kubernetes_pod_name',
  container: '__meta_kubernetes_pod_container_name',
  service: '__meta_kubernetes_service_name',
  node: '__meta_kubernetes_pod_node_name',
  endpoint: '__meta_kubernetes_endpoint_port_name',
};

/** One file_sd group per target, labelled as kubernetes_sd would label a pod endpoint. */
export function fileSdGroups(targets: ScrapeTarget[]): { targets: string[]; labels: Record<string, string> }[] {
  return targets.map((t) => {
    const labels: Record<string, string> = {};
    for (const [k, v] of Object.entries(t.labels)) labels[META[k] ?? k] = v;
    // A discovered `job` label wins over job_name in Prometheus; default it like a ServiceMonitor.
    if (!labels.job && t.labels.service) labels.job = t.labels.service;
    if (t.metricsPath) labels.__metrics_path__ = t.metricsPath;
    return { targets: [t.address], labels };
  });
}

interface ConfigInput {
  jobs: { job: ScrapeJob; file: string }[];
  rulesFile?: string;
  selfAddress: string;
  self: { jobName: string; labels: Record<string, string> };
  interval: number;
}

function config(c: ConfigInput): string {
  const relabel = (source: string, target: string) => ({ source_labels: [source], regex: '(.+)', target_label: target, replacement: '$1', action: 'replace' });
  return stringify({
    global: {
      scrape_interval: `${c.interval}s`,
      scrape_timeout: `${Math.max(1, c.interval - 1)}s`,
      evaluation_interval: `${c.interval}s`,
    },
    ...(c.rulesFile ? { rule_files: [c.rulesFile] } : {}),
    scrape_configs: [
      { job_name: c.self.jobName, static_configs: [{ targets: [c.selfAddress], labels: c.self.labels }] },
      ...c.jobs.map(({ job, file }) => ({
        job_name: job.name,
        honor_labels: job.honorLabels ?? false,
        file_sd_configs: [{ files: [file], refresh_interval: '5s' }],
        relabel_configs: [
          ...Object.entries(META).map(([label, meta]) => relabel(meta, label)),
          ...(job.metricsPathLabel ? [relabel('__metrics_path__', 'metrics_path')] : []),
        ],
        ...(job.metricRelabelConfigs?.length ? { metric_relabel_configs: job.metricRelabelConfigs } : {}),
      })),
    ],
  });
}

async function writeAtomic(file: string, text: string): Promise<void> {
  // Rename is atomic: Prometheus's file watcher never reads a half-written file.
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, file);
}

function missing(reason: string, log: (m: string) => void): MissingPrometheus {
  if (!warnedMissing) {
    warnedMissing = true;
    log(`prometheus not found: ${reason}; the sandbox runs without Prometheus`);
  }
  return { available: false, reason, updateTargets: async () => {}, stop: async () => {} };
}

export async function startPrometheus(opts: PrometheusOptions = {}): Promise<PrometheusHandle> {
  const log = opts.log ?? ((m: string) => console.warn(m));
  const bin = findPrometheusBinary(opts.bin);
  if (!bin) {
    const asked = opts.bin ?? process.env.PROMETHEUS_BIN;
    return missing(asked ? `${asked} is not an executable` : 'no `prometheus` on PATH and PROMETHEUS_BIN is not set', log);
  }
  const ownDir = !opts.dir;
  const dir = opts.dir ?? (await mkdtemp(path.join(os.tmpdir(), 'orrery-prometheus-')));
  const port = opts.port ?? (await freePort());
  const interval = opts.scrapeIntervalSeconds ?? 5;
  const jobs = [{ name: DEFAULT_JOB, targets: opts.targets ?? [] }, ...(opts.jobs ?? [])].map((job, i) => ({ job, file: path.join(dir, i === 0 ? 'targets.json' : `targets-${i}.json`) }));
  const files = new Map<string, string>();
  for (const { job, file } of jobs) {
    if (files.has(job.name)) throw new Error(`prometheus: duplicate scrape job "${job.name}"`);
    files.set(job.name, file);
    await writeAtomic(file, JSON.stringify(fileSdGroups(job.targets ?? [])));
  }
  let rulesFile: string | undefined;
  if (opts.ruleGroups?.length) {
    rulesFile = path.join(dir, 'rules.yml');
    await writeFile(rulesFile, stringify({ groups: opts.ruleGroups }));
  }
  const configFile = path.join(dir, 'prometheus.yml');
  const self = opts.self ?? { jobName: 'prometheus', labels: { namespace: 'monitoring', service: 'prometheus' } };
  await writeFile(configFile, config({ jobs, ...(rulesFile ? { rulesFile } : {}), selfAddress: `127.0.0.1:${port}`, self, interval }));

  const args = [
    `--config.file=${configFile}`,
    `--storage.tsdb.path=${path.join(dir, 'data')}`,
    `--storage.tsdb.retention.time=${opts.retention ?? '1d'}`,
    `--web.listen-address=127.0.0.1:${port}`,
    // No --web.enable-lifecycle: file_sd needs no reloads, and /-/quit would be reachable by
    // anyone allowed to use the services/proxy subresource.
    '--log.level=warn',
    ...(opts.extraArgs ?? []),
  ];
  // The guardian shell: starts Prometheus, prints its pid, and kills it when its stdin reaches
  // EOF. Our end of that pipe closes however this process ends (even SIGKILL), so Prometheus
  // cannot outlive us; stop() closes the pipe on purpose. (PR_SET_PDEATHSIG is not enough: it
  // follows the spawning thread, and some kernels/sandboxes do not deliver it at all.)
  // (fd 3: a background job's stdin is /dev/null in sh, so the pipe is passed explicitly.)
  const guardian = 'exec 3<&0; "$@" & P=$!; echo $P; (read _ignored <&3; kill -TERM $P 2>/dev/null) & W=$!; wait $P; S=$?; kill $W 2>/dev/null; exit $S';
  const child: ChildProcess = spawn('/bin/sh', ['-c', guardian, 'prometheus-guardian', bin, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdin?.on('error', () => undefined); // EPIPE if the guardian is already gone
  let pid = 0;
  const promPid = new Promise<number>((resolve) => {
    let out = '';
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (d: string) => {
      out += d;
      const m = /^(\d+)\n/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', () => resolve(0));
  });

  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (d: string) => {
    stderr = (stderr + d).slice(-8192);
  });
  const killOnExit = (): void => {
    // Synchronous, as 'exit' handlers must be: SIGKILL both the guardian and Prometheus.
    if (pid) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    child.kill('SIGKILL');
  };
  process.on('exit', killOnExit);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => {
    child.once('exit', (code, signal) => {
      process.off('exit', killOnExit);
      resolve({ code, signal, stderr });
    });
    child.once('error', (err) => {
      process.off('exit', killOnExit);
      resolve({ code: null, signal: null, stderr: `${stderr}\n${String(err)}` });
    });
  });
  pid = await promPid;

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        // Closing the guardian's stdin makes it SIGTERM Prometheus and wait for it to exit.
        child.stdin?.end();
        const grace = setTimeout(() => {
          if (pid) {
            try {
              process.kill(pid, 'SIGKILL');
            } catch {
              // already gone
            }
          }
        }, 10_000);
        await exited;
        clearTimeout(grace);
      }
      if (ownDir) await rm(dir, { recursive: true, force: true }).catch(() => undefined);
    })());

  let writing: Promise<void> = Promise.resolve();
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 20_000);
  let dead = false;
  void exited.then(() => (dead = true));
  for (;;) {
    if (dead) {
      const e = await exited;
      await stop();
      throw new Error(`prometheus exited during start (code ${e.code}, signal ${e.signal}): ${e.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    }
    try {
      const r = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1000) });
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus did not become ready within ${opts.readyTimeoutMs ?? 20_000} ms: ${stderr.trim().split('\n').slice(-3).join(' | ')}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  void exited.then((e) => {
    if (!stopping) log(`prometheus exited unexpectedly (code ${e.code}, signal ${e.signal}): ${e.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  });

  return {
    available: true,
    url,
    port,
    pid,
    dir,
    exited,
    stop,
    // Serialized, so overlapping updates cannot interleave and the last call wins.
    updateTargets: (targets, job = DEFAULT_JOB) => {
      const file = files.get(job);
      if (!file) return Promise.reject(new Error(`prometheus: no scrape job "${job}" (jobs: ${[...files.keys()].join(', ')})`));
      const text = JSON.stringify(fileSdGroups(targets));
      const next = writing.then(() => writeAtomic(file, text));
      writing = next.catch(() => undefined);
      return next;
    },
  };
}
