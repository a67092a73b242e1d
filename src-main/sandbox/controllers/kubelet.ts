// The kubelet simulation: runs the pods bound to the sandbox's nodes through the WorkloadRuntime.
// Containers get their resolved env and a real loopback port; readiness and liveness probes use
// RunningContainer.ready()/live(); exits restart with the CrashLoopBackOff backoff; image pull
// failures back off as ImagePullBackOff; deletion is graceful (Killing, stop, then the final
// delete). Status (phase, conditions, containerStatuses, IPs) is written like a kubelet's.
// Ephemeral containers (added through pods/ephemeralcontainers, as `kubectl debug` does) run
// once, never restart, take no part in readiness or the pod's ports, and have their own logs.
import { createHash } from 'node:crypto';
import type { KObject, Store } from '../apiserver/store';
import { ContainerLogBuffer } from '../apiserver/logs';
import { parseServiceImage } from '../workloads/image';
import { ImagePullError, type ContainerCounters, type ContainerExit, type RunningContainer, type WorkloadRuntime } from '../workloads';
import { resolveEnv, ContainerConfigError } from './env';
import { portMap, type PodNetwork } from './network';
import { WorkQueue, nsKey, splitKey } from './queue';
import type { EventRecorder } from './recorder';
import { nowTime, randomHex, setCondition } from './util';

export const EXTERNAL_ANNOTATION = 'sandbox.orrery.dev/external';
export const SYNTHETIC_ANNOTATION = 'sandbox.orrery.dev/synthetic';

export interface KubeletOptions {
  nodes: string[];
  /** CrashLoopBackOff / ImagePullBackOff: initial and maximum delay (kubelet: 10 s, 5 min). */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Log lines kept per container instance. */
  maxLogLines?: number;
  /** How often probes are evaluated (each probe still honours its own periodSeconds). */
  probeTickMs?: number;
}

interface ContainerRt {
  name: string;
  spec: any;
  restartCount: number;
  instance?: RunningContainer;
  containerID?: string;
  imageID?: string;
  state: any;
  lastState: any;
  ready: boolean;
  started: boolean;
  startedAtMs: number;
  log?: ContainerLogBuffer;
  /** Logs of terminated instances, newest last (two kept: current-after-exit and previous). */
  oldLogs: ContainerLogBuffer[];
  timer?: NodeJS.Timeout;
  pullFailures: number;
  starting: boolean;
  nextReady: number;
  nextLive: number;
  readyOk: number;
  readyFail: number;
  liveFail: number;
  everReady: boolean;
  lastExitMs: number;
  /** Exits since the backoff was last reset. */
  crashes: number;
  /** Declared in spec.ephemeralContainers. */
  ephemeral: boolean;
}

interface PodRt {
  key: string;
  namespace: string;
  name: string;
  uid: string;
  node: string;
  pod: KObject;
  containers: Map<string, ContainerRt>;
  ephemeral: Map<string, ContainerRt>;
  startTime: string;
  podIP?: string;
  terminating: boolean;
  gone: boolean;
}

export interface RunningContainerInfo {
  name: string;
  /** `containerd://<64 hex>`, as in the container status. */
  containerID: string;
  image: string;
  startedAtMs: number;
  counters: ContainerCounters;
  usage: { cpuNanoCores: number; memoryBytes: number };
}

export interface ContainerEvent {
  namespace: string;
  pod: string;
}

function imageID(image: string): string {
  const repo = image.replace(/:[^/:]+$/, '');
  const full = repo.includes('.') && repo.split('/')[0]!.includes('.') ? repo : `docker.io/${repo}`;
  return `${full}@sha256:${createHash('sha256').update(image).digest('hex')}`;
}

function fmtDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return s % 60 ? `${m}m${s % 60}s` : `${m}m0s`;
}

export class Kubelet {
  private readonly pods = new Map<string, PodRt>();
  private readonly queue = new WorkQueue('kubelet', (k) => this.sync(k));
  private readonly unwatch: (() => void)[] = [];
  private readonly dirty = new Set<string>();
  private flushScheduled = false;
  private readonly probeTimer: NodeJS.Timeout;
  private readonly nodes: Set<string>;
  private readonly base: number;
  private readonly max: number;
  /** Nodes whose kubelet has stopped posting status (node-not-ready). */
  readonly down = new Set<string>();
  private readonly changeListeners = new Set<() => void>();
  private stopped = false;

  constructor(
    private readonly store: Store,
    private readonly recorder: EventRecorder,
    private readonly runtime: WorkloadRuntime,
    private readonly network: PodNetwork,
    private readonly opts: KubeletOptions,
  ) {
    this.nodes = new Set(opts.nodes);
    this.base = opts.backoffBaseMs ?? 10_000;
    this.max = opts.backoffMaxMs ?? 300_000;
    this.unwatch.push(
      store.watch('pods', {}, (ev) => {
        const key = nsKey(ev.object.metadata.namespace, ev.object.metadata.name!);
        if (ev.type === 'DELETED') {
          const pr = this.pods.get(key);
          if (pr && pr.uid === ev.object.metadata.uid) this.teardown(pr, true);
          return;
        }
        if (this.nodes.has(ev.object.spec?.nodeName)) this.queue.add(key);
      }),
    );
    // A ConfigMap or Secret appearing unblocks containers waiting in CreateContainerConfigError.
    const retryConfig = () => {
      for (const pr of this.pods.values())
        for (const c of pr.containers.values()) if (c.state.waiting?.reason === 'CreateContainerConfigError' && !c.starting) void this.startContainer(pr, c);
    };
    this.unwatch.push(store.watch('configmaps', { resourceVersion: store.resourceVersion }, retryConfig));
    this.unwatch.push(store.watch('secrets', { resourceVersion: store.resourceVersion }, retryConfig));
    this.probeTimer = setInterval(() => this.probe(), opts.probeTickMs ?? 1000);
    this.probeTimer.unref?.();
  }

  /** Called whenever containers start or stop (Prometheus targets follow). */
  onContainersChanged(l: () => void): () => void {
    this.changeListeners.add(l);
    return () => this.changeListeners.delete(l);
  }

  private changed(): void {
    for (const l of this.changeListeners) l();
  }

  // ------------------------------------------------------------------ reads for providers

  containerLog(namespace: string, pod: string, container: string, previous: boolean): ContainerLogBuffer | undefined {
    const pr = this.pods.get(nsKey(namespace, pod));
    const c = pr?.containers.get(container) ?? pr?.ephemeral.get(container);
    if (!c) return undefined;
    if (previous) return c.log ? c.oldLogs[c.oldLogs.length - 1] : c.oldLogs[c.oldLogs.length - 2];
    return c.log ?? c.oldLogs[c.oldLogs.length - 1];
  }

  podUsage(namespace: string, pod: string): { name: string; cpuNanoCores: number; memoryBytes: number }[] | undefined {
    const pr = this.pods.get(nsKey(namespace, pod));
    if (!pr) return undefined;
    const out: { name: string; cpuNanoCores: number; memoryBytes: number }[] = [];
    for (const c of pr.containers.values()) if (c.instance) out.push({ name: c.name, ...c.instance.usage() });
    return out.length ? out : undefined;
  }

  /** A pod's running container instances with what cAdvisor reads about them (cumulative
   *  counters and current usage), undefined when the kubelet runs no container of it. */
  runningContainers(namespace: string, pod: string): RunningContainerInfo[] | undefined {
    const pr = this.pods.get(nsKey(namespace, pod));
    if (!pr) return undefined;
    const out: RunningContainerInfo[] = [];
    for (const c of pr.containers.values()) {
      if (!c.instance || !c.containerID) continue;
      out.push({ name: c.name, containerID: c.containerID, image: c.spec.image, startedAtMs: c.startedAtMs, counters: c.instance.counters(), usage: c.instance.usage() });
    }
    return out.length ? out : undefined;
  }

  /** Running pods with their containers, for node usage and scrape targets. */
  runningPods(): { namespace: string; name: string; node: string; pod: KObject; containers: { name: string; port: number; usage: () => { cpuNanoCores: number; memoryBytes: number } }[] }[] {
    const out = [];
    for (const pr of this.pods.values()) {
      const containers = [...pr.containers.values()].filter((c) => c.instance).map((c) => ({ name: c.name, port: c.instance!.port, usage: () => c.instance!.usage() }));
      if (containers.length) out.push({ namespace: pr.namespace, name: pr.name, node: pr.node, pod: pr.pod, containers });
    }
    return out;
  }

  /** Mark a node's kubelet as gone (statuses stop) or back. */
  setNodeDown(node: string, down: boolean): void {
    if (down) this.down.add(node);
    else {
      this.down.delete(node);
      for (const pr of this.pods.values()) if (pr.node === node) this.markDirty(pr);
    }
  }

  // ------------------------------------------------------------------ pod lifecycle

  private sync(key: string): void {
    if (this.stopped) return;
    const [ns, name] = splitKey(key);
    const pod = this.store.get('pods', ns, name);
    const known = this.pods.get(key);
    if (!pod) {
      if (known) this.teardown(known, true);
      return;
    }
    if (known && known.uid !== pod.metadata.uid) this.teardown(known, true);
    if (!this.nodes.has(pod.spec?.nodeName)) return;
    const ann = pod.metadata.annotations ?? {};
    if (ann[EXTERNAL_ANNOTATION] || ann[SYNTHETIC_ANNOTATION]) return;
    let pr = this.pods.get(key);
    if (!pr) {
      if (pod.metadata.deletionTimestamp) {
        // Never started here: nothing to stop.
        this.finalDelete(ns!, name, pod.metadata.uid!);
        return;
      }
      if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return;
      pr = this.admit(key, pod);
    }
    pr.pod = pod;
    if (pod.metadata.deletionTimestamp && !pr.terminating) void this.terminate(pr);
    else this.startEphemeral(pr);
  }

  /** Starts ephemeral containers added since the last sync (once: they never restart). */
  private startEphemeral(pr: PodRt): void {
    if (pr.terminating || pr.gone) return;
    for (const spec of pr.pod.spec?.ephemeralContainers ?? []) {
      if (!spec?.name || pr.ephemeral.has(spec.name)) continue;
      const c = this.newContainer(spec, true);
      pr.ephemeral.set(spec.name, c);
      this.markDirty(pr);
      void this.startContainer(pr, c);
    }
  }

  private admit(key: string, pod: KObject): PodRt {
    const pr: PodRt = {
      key,
      namespace: pod.metadata.namespace!,
      name: pod.metadata.name!,
      uid: pod.metadata.uid!,
      node: pod.spec.nodeName,
      pod,
      containers: new Map(),
      ephemeral: new Map(),
      startTime: nowTime(),
      terminating: false,
      gone: false,
    };
    for (const spec of pod.spec?.containers ?? []) pr.containers.set(spec.name, this.newContainer(spec, false));
    this.pods.set(key, pr);
    this.markDirty(pr);
    for (const c of pr.containers.values()) void this.startContainer(pr, c);
    return pr;
  }

  private newContainer(spec: any, ephemeral: boolean): ContainerRt {
    return {
      name: spec.name,
      spec,
      restartCount: 0,
      state: { waiting: { reason: 'ContainerCreating' } },
      lastState: {},
      ready: false,
      started: false,
      startedAtMs: 0,
      oldLogs: [],
      pullFailures: 0,
      starting: false,
      nextReady: 0,
      nextLive: 0,
      readyOk: 0,
      readyFail: 0,
      liveFail: 0,
      everReady: false,
      lastExitMs: 0,
      crashes: 0,
      ephemeral,
    };
  }

  /** Every container the kubelet runs for the pod, ephemeral ones included. */
  private allContainers(pr: PodRt): ContainerRt[] {
    return [...pr.containers.values(), ...pr.ephemeral.values()];
  }

  private source(pr: PodRt) {
    return { component: 'kubelet', host: pr.node };
  }

  private event(pr: PodRt, c: ContainerRt | undefined, type: 'Normal' | 'Warning', reason: string, message: string): void {
    const pod = this.store.get('pods', pr.namespace, pr.name) ?? pr.pod;
    this.recorder.event(this.source(pr), pod, type, reason, message, c ? `spec.${c.ephemeral ? 'ephemeralContainers' : 'containers'}{${c.name}}` : undefined);
  }

  private async startContainer(pr: PodRt, c: ContainerRt): Promise<void> {
    if (c.starting || pr.terminating || pr.gone || this.stopped) return;
    c.starting = true;
    clearTimeout(c.timer);
    const image: string = c.spec.image;
    try {
      let env: Record<string, string>;
      try {
        env = resolveEnv(this.store, pr.pod, c.spec, '127.0.0.1');
      } catch (err) {
        if (!(err instanceof ContainerConfigError)) throw err;
        c.state = { waiting: { reason: 'CreateContainerConfigError', message: err.message } };
        this.event(pr, c, 'Warning', 'Failed', `Error: ${err.message}`);
        this.markDirty(pr);
        c.timer = setTimeout(() => void this.startContainer(pr, c), this.base);
        return;
      }
      try {
        parseServiceImage(image);
      } catch (err) {
        if (!(err instanceof ImagePullError)) throw err;
        this.pullFailed(pr, c, err);
        return;
      }
      if (c.pullFailures > 0) this.event(pr, c, 'Normal', 'Pulled', `Successfully pulled image "${image}" in 412ms (412ms including waiting). Image size: 48213114 bytes.`);
      else this.event(pr, c, 'Normal', 'Pulled', `Container image "${image}" already present on machine`);
      c.pullFailures = 0;
      this.event(pr, c, 'Normal', 'Created', `Created container: ${c.name}`);
      const log = new ContainerLogBuffer(this.opts.maxLogLines ?? 10_000);
      let inst: RunningContainer;
      try {
        inst = await this.runtime.start({
          namespace: pr.namespace,
          pod: pr.name,
          podUid: pr.uid,
          container: c.name,
          image,
          env,
          host: '127.0.0.1',
          port: 0,
          log: (line) => log.append(line),
          resolveService: (ns, name) => this.resolveService(ns, name),
        });
      } catch (err) {
        if (err instanceof ImagePullError) {
          this.pullFailed(pr, c, err);
          return;
        }
        const msg = String((err as Error)?.message ?? err);
        c.state = { waiting: { reason: 'RunContainerError', message: msg } };
        this.event(pr, c, 'Warning', 'Failed', `Error: ${msg}`);
        this.markDirty(pr);
        c.timer = setTimeout(() => void this.startContainer(pr, c), this.base);
        return;
      }
      if (pr.terminating || pr.gone || this.stopped) {
        log.stop();
        await inst.stop();
        return;
      }
      const now = Date.now();
      c.instance = inst;
      c.log = log;
      c.containerID = `containerd://${randomHex(64)}`;
      c.imageID = imageID(image);
      c.state = { running: { startedAt: nowTime(now) } };
      c.started = true;
      c.startedAtMs = now;
      c.ready = false;
      c.readyOk = 0;
      c.readyFail = 0;
      c.liveFail = 0;
      c.nextReady = now + (c.spec.readinessProbe?.initialDelaySeconds ?? 0) * 1000;
      c.nextLive = now + (c.spec.livenessProbe?.initialDelaySeconds ?? 0) * 1000;
      if (!c.spec.readinessProbe) c.ready = true;
      pr.podIP = '127.0.0.1';
      // An ephemeral container has no ports: the pod's address keeps pointing at its app.
      if (!c.ephemeral) this.network.set(pr.key, { ip: '127.0.0.1', ports: portMap(pr.pod.spec, c.name, inst.port), defaultPort: inst.port });
      this.event(pr, c, 'Normal', 'Started', `Started container ${c.name}`);
      void inst.exited.then((exit) => this.onExit(pr, c, inst, exit));
      this.markDirty(pr);
      this.changed();
    } finally {
      c.starting = false;
    }
  }

  private backoffDelay(n: number): number {
    return Math.min(this.max, this.base * 2 ** Math.max(0, n - 1));
  }

  private pullFailed(pr: PodRt, c: ContainerRt, err: ImagePullError): void {
    const image: string = c.spec.image;
    c.pullFailures++;
    this.event(pr, c, 'Normal', 'Pulling', `Pulling image "${image}"`);
    this.event(pr, c, 'Warning', 'Failed', `Failed to pull image "${image}": ${err.message}`);
    this.event(pr, c, 'Warning', 'Failed', 'Error: ErrImagePull');
    c.state = { waiting: { reason: 'ErrImagePull', message: err.message } };
    this.markDirty(pr);
    const delay = this.backoffDelay(c.pullFailures);
    // Shortly after the failed pull the kubelet reports the back-off.
    c.timer = setTimeout(() => {
      if (pr.terminating || pr.gone) return;
      c.state = { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}": ErrImagePull: ${err.message}` } };
      this.event(pr, c, 'Normal', 'BackOff', `Back-off pulling image "${image}"`);
      this.event(pr, c, 'Warning', 'Failed', 'Error: ImagePullBackOff');
      this.markDirty(pr);
      c.timer = setTimeout(() => void this.startContainer(pr, c), delay);
    }, Math.min(1000, delay));
  }

  private onExit(pr: PodRt, c: ContainerRt, inst: RunningContainer, exit: ContainerExit): void {
    if (c.instance !== inst || pr.gone) return;
    const now = Date.now();
    c.instance = undefined;
    c.log?.stop();
    if (c.log) c.oldLogs.push(c.log);
    if (c.oldLogs.length > 2) c.oldLogs.shift();
    c.log = undefined;
    const terminated: any = { exitCode: exit.exitCode, reason: exit.reason, startedAt: c.state.running?.startedAt ?? nowTime(c.startedAtMs), finishedAt: nowTime(now), containerID: c.containerID };
    if (exit.message) terminated.message = exit.message;
    c.lastState = { terminated };
    c.ready = false;
    c.lastExitMs = now;
    if (c.ephemeral) {
      // Never restarted, whatever the pod's restartPolicy.
      c.state = { terminated };
      c.lastState = {};
      this.markDirty(pr);
      this.changed();
      return;
    }
    this.network.delete(pr.key);
    this.changed();
    const policy = pr.pod.spec?.restartPolicy ?? 'Always';
    if (pr.terminating || policy === 'Never' || (policy === 'OnFailure' && exit.exitCode === 0)) {
      c.state = { terminated };
      c.lastState = {};
      this.markDirty(pr);
      return;
    }
    // A container that ran long enough (2x the max backoff) starts over without delay.
    if (now - c.startedAtMs > 2 * this.max) c.crashes = 0;
    c.restartCount++;
    c.crashes++;
    const delay = c.crashes <= 1 ? 0 : this.backoffDelay(c.crashes - 1);
    if (delay === 0) {
      c.state = { terminated };
      this.markDirty(pr);
      void this.startContainer(pr, c);
      return;
    }
    c.state = { waiting: { reason: 'CrashLoopBackOff', message: `back-off ${fmtDuration(delay)} restarting failed container=${c.name} pod=${pr.name}_${pr.namespace}(${pr.uid})` } };
    this.event(pr, c, 'Warning', 'BackOff', `Back-off restarting failed container ${c.name} in pod ${pr.name}_${pr.namespace}(${pr.uid})`);
    this.markDirty(pr);
    c.timer = setTimeout(() => void this.startContainer(pr, c), delay);
  }

  private async terminate(pr: PodRt): Promise<void> {
    pr.terminating = true;
    const grace = (pr.pod.metadata.deletionGracePeriodSeconds ?? pr.pod.spec?.terminationGracePeriodSeconds ?? 30) * 1000;
    const stops: Promise<void>[] = [];
    for (const c of this.allContainers(pr)) {
      clearTimeout(c.timer);
      c.ready = false;
      const inst = c.instance;
      if (!inst) continue;
      this.event(pr, c, 'Normal', 'Killing', `Stopping container ${c.name}`);
      stops.push(
        Promise.race([inst.stop(), new Promise<void>((r) => setTimeout(r, Math.max(grace, 100)).unref?.())]).then(() => {
          if (c.instance !== inst) return;
          c.instance = undefined;
          c.log?.stop();
          c.state = { terminated: { exitCode: 0, reason: 'Completed', startedAt: c.state.running?.startedAt ?? nowTime(c.startedAtMs), finishedAt: nowTime(), containerID: c.containerID } };
        }),
      );
    }
    this.network.delete(pr.key);
    this.changed();
    this.markDirty(pr);
    await Promise.all(stops);
    if (pr.gone) return;
    this.writeStatus(pr);
    this.finalDelete(pr.namespace, pr.name, pr.uid);
  }

  private finalDelete(ns: string, name: string, uid: string): void {
    try {
      this.store.delete('pods', ns, name, { gracePeriodSeconds: 0, preconditions: { uid } });
    } catch {
      /* already gone */
    }
  }

  /** The pod is gone from the API (or the sandbox stops): stop its containers quietly. */
  private teardown(pr: PodRt, removeEntry: boolean): void {
    pr.gone = true;
    for (const c of this.allContainers(pr)) {
      clearTimeout(c.timer);
      c.log?.stop();
      const inst = c.instance;
      c.instance = undefined;
      if (inst) void inst.stop();
    }
    this.network.delete(pr.key);
    if (removeEntry && this.pods.get(pr.key) === pr) this.pods.delete(pr.key);
    this.changed();
  }

  // ------------------------------------------------------------------ probes

  private probe(): void {
    const now = Date.now();
    for (const pr of this.pods.values()) {
      if (pr.terminating || pr.gone || this.down.has(pr.node)) continue;
      for (const c of pr.containers.values()) {
        const inst = c.instance;
        if (!inst) continue;
        const rp = c.spec.readinessProbe;
        if (rp && now >= c.nextReady) {
          const period = (rp.periodSeconds ?? 10) * 1000;
          c.nextReady = now + (c.everReady ? period : Math.min(period, 1000));
          const ok = inst.ready();
          if (ok) {
            c.readyFail = 0;
            c.readyOk++;
            if (!c.ready && c.readyOk >= (rp.successThreshold ?? 1)) {
              c.ready = true;
              c.everReady = true;
              this.markDirty(pr);
            }
          } else {
            c.readyOk = 0;
            c.readyFail++;
            // Failures during the first period after start are the app starting up.
            if (now >= c.startedAtMs + ((rp.initialDelaySeconds ?? 0) + (rp.periodSeconds ?? 10)) * 1000 || c.everReady) {
              this.event(pr, c, 'Warning', 'Unhealthy', `Readiness probe failed: HTTP probe failed with statuscode: 503`);
            }
            if (c.ready && c.readyFail >= (rp.failureThreshold ?? 3)) {
              c.ready = false;
              this.markDirty(pr);
            }
          }
        }
        const lp = c.spec.livenessProbe;
        if (lp && now >= c.nextLive) {
          c.nextLive = now + (lp.periodSeconds ?? 10) * 1000;
          if (inst.live()) c.liveFail = 0;
          else {
            c.liveFail++;
            this.event(pr, c, 'Warning', 'Unhealthy', `Liveness probe failed: HTTP probe failed with statuscode: 500`);
            if (c.liveFail >= (lp.failureThreshold ?? 3)) {
              this.event(pr, c, 'Normal', 'Killing', `Container ${c.name} failed liveness probe, will be restarted`);
              c.liveFail = 0;
              void inst.stop().then(() => this.onExit(pr, c, inst, { exitCode: 137, reason: 'Error' }));
            }
          }
        }
      }
    }
  }

  // ------------------------------------------------------------------ status

  private markDirty(pr: PodRt): void {
    this.dirty.add(pr.key);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      const keys = [...this.dirty];
      this.dirty.clear();
      for (const k of keys) {
        const p = this.pods.get(k);
        if (p && !p.gone) this.writeStatus(p);
      }
    });
  }

  private writeStatus(pr: PodRt): void {
    if (this.down.has(pr.node) || this.stopped) return;
    const cur = this.store.get('pods', pr.namespace, pr.name);
    if (!cur || cur.metadata.uid !== pr.uid) return;
    const now = nowTime();
    const cs = [...pr.containers.values()];
    const statusOf = (c: ContainerRt) => {
      const s: any = { name: c.name, state: c.state, lastState: c.lastState, ready: c.ready, restartCount: c.restartCount, image: c.spec.image, imageID: c.imageID ?? '', started: !!c.instance && c.started };
      if (c.containerID) s.containerID = c.containerID;
      return s;
    };
    const statuses = cs.map(statusOf);
    const allReady = cs.every((c) => c.ready);
    const unready = cs.filter((c) => !c.ready).map((c) => c.name);
    const policy = cur.spec?.restartPolicy ?? 'Always';
    let phase = 'Pending';
    const everStarted = cs.some((c) => c.containerID);
    if (policy !== 'Always' && cs.every((c) => c.state.terminated)) phase = cs.every((c) => c.state.terminated.exitCode === 0) ? 'Succeeded' : 'Failed';
    else if (everStarted) phase = 'Running';
    let conds: any[] = cur.status?.conditions ?? [];
    const set = (c: any) => (conds = setCondition(conds, c, now, { probeTime: true }));
    set({ type: 'PodReadyToStartContainers', status: pr.terminating && !cs.some((c) => c.instance) ? 'False' : 'True' });
    set({ type: 'Initialized', status: 'True' });
    if (allReady && !pr.terminating) {
      set({ type: 'Ready', status: 'True' });
      set({ type: 'ContainersReady', status: 'True' });
    } else if (phase === 'Succeeded' || phase === 'Failed') {
      set({ type: 'Ready', status: 'False', reason: 'PodCompleted' });
      set({ type: 'ContainersReady', status: 'False', reason: 'PodCompleted' });
    } else {
      const msg = `containers with unready status: [${(unready.length ? unready : cs.map((c) => c.name)).join(' ')}]`;
      set({ type: 'Ready', status: 'False', reason: 'ContainersNotReady', message: msg });
      set({ type: 'ContainersReady', status: 'False', reason: 'ContainersNotReady', message: msg });
    }
    if (!conds.some((c) => c.type === 'PodScheduled')) set({ type: 'PodScheduled', status: 'True' });
    const order = ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'];
    conds.sort((a, b) => order.indexOf(a.type) - order.indexOf(b.type));
    const status: any = {
      ...(cur.status ?? {}),
      phase,
      conditions: conds,
      hostIP: '127.0.0.1',
      hostIPs: [{ ip: '127.0.0.1' }],
      startTime: cur.status?.startTime ?? pr.startTime,
      containerStatuses: statuses,
    };
    if (pr.ephemeral.size) status.ephemeralContainerStatuses = [...pr.ephemeral.values()].map(statusOf);
    if (pr.podIP) {
      status.podIP = pr.podIP;
      status.podIPs = [{ ip: pr.podIP }];
    }
    try {
      this.store.patch('pods', pr.namespace, pr.name, (d) => {
        d.status = status;
      }, { status: true });
    } catch {
      /* deleted meanwhile */
    }
  }

  // ------------------------------------------------------------------ service discovery

  private readonly resolved = new Map<string, { rv: string; list: string[] }>();

  /** Ready endpoints of a Service as host:port, from its Endpoints object. */
  resolveService(ns: string, name: string): string[] {
    const ep = this.store.getEntry('endpoints', ns, name);
    if (!ep) return [];
    const key = `${ns}/${name}`;
    const rv = ep.object.metadata.resourceVersion ?? '';
    const hit = this.resolved.get(key);
    if (hit && hit.rv === rv) return hit.list;
    const list: string[] = [];
    for (const s of ep.object.subsets ?? []) {
      const port = (s.ports ?? []).find((p: any) => p.name === 'http') ?? s.ports?.[0];
      if (!port) continue;
      for (const a of s.addresses ?? []) list.push(`${a.ip}:${port.port}`);
    }
    this.resolved.set(key, { rv, list });
    return list;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.probeTimer);
    this.unwatch.forEach((u) => u());
    this.queue.stop();
    const stops: Promise<void>[] = [];
    for (const pr of this.pods.values()) {
      pr.gone = true;
      for (const c of this.allContainers(pr)) {
        clearTimeout(c.timer);
        c.log?.stop();
        if (c.instance) stops.push(c.instance.stop());
        c.instance = undefined;
      }
    }
    this.pods.clear();
    await Promise.all(stops);
  }
}
