// Fault injection, per service (all replicas of a Deployment share the faults of their service).
// Scenarios flip these switches; the pod servers read them on every request and subscribe to
// changes so that "crash" and "oom" take effect on containers already running.
//
// What each fault does (see service-pod.ts):
// - errorRate: that fraction of the service's responses become 5xx (errorCode, default 500), with
//   an error log line; callers see and report the failure like any other.
// - edge latency caller->callee: the callee delays its answer to requests coming from that caller
//   (both mesh reporters and the server span see it; other callers are unaffected).
// - crash: running containers exit with reason Error (exit code 1) after `crashAfterMs`, and so
//   does every restart while the fault is on -> CrashLoopBackOff in the kubelet simulation.
// - oom: the working set climbs until it passes the memory limit; the container then exits with
//   reason OOMKilled (exit code 137). Restarts leak again while the fault is on.
// - neverReady: readiness stays false (as does image tag `orrery/service:broken`).

export interface ServiceFaultState {
  errorRate: number;
  errorCode: number;
  /** Added latency in ms for requests coming from the given caller service. */
  latencyFrom: Record<string, number>;
  crash: boolean;
  crashAfterMs: number;
  oom: boolean;
  /** How long a container takes to leak its way to the memory limit. */
  oomAfterMs: number;
  neverReady: boolean;
}

const NONE: Readonly<ServiceFaultState> = Object.freeze({
  errorRate: 0,
  errorCode: 500,
  latencyFrom: Object.freeze({}) as Record<string, number>,
  crash: false,
  crashAfterMs: 3000,
  oom: false,
  oomAfterMs: 8000,
  neverReady: false,
});

export type FaultListener = (service: string, state: Readonly<ServiceFaultState>) => void;

/** Accepts "cart" or "shop/cart"; faults are keyed by the bare service name (unique here). */
function key(service: string): string {
  const i = service.indexOf('/');
  return i >= 0 ? service.slice(i + 1) : service;
}

export class FaultController {
  private readonly states = new Map<string, ServiceFaultState>();
  private readonly listeners = new Set<FaultListener>();

  get(service: string): Readonly<ServiceFaultState> {
    return this.states.get(key(service)) ?? NONE;
  }

  /** Every service with a fault set, for display and for scenario teardown. */
  active(): Record<string, Readonly<ServiceFaultState>> {
    return Object.fromEntries(this.states);
  }

  setErrorRate(service: string, fraction: number, code = 500): void {
    if (!(fraction >= 0 && fraction <= 1)) throw new RangeError(`error rate must be within 0..1, got ${fraction}`);
    if (code < 500 || code > 599) throw new RangeError(`error code must be 5xx, got ${code}`);
    this.update(service, { errorRate: fraction, errorCode: code });
  }

  /** Add `ms` of latency to calls from `caller` to `callee`; 0 removes it. */
  setEdgeLatency(caller: string, callee: string, ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`latency must be >= 0, got ${ms}`);
    const cur = { ...this.get(callee).latencyFrom };
    if (ms === 0) delete cur[key(caller)];
    else cur[key(caller)] = ms;
    this.update(callee, { latencyFrom: cur });
  }

  setCrash(service: string, on: boolean, opts: { afterMs?: number } = {}): void {
    this.update(service, { crash: on, crashAfterMs: opts.afterMs ?? NONE.crashAfterMs });
  }

  setOOM(service: string, on: boolean, opts: { afterMs?: number } = {}): void {
    this.update(service, { oom: on, oomAfterMs: opts.afterMs ?? NONE.oomAfterMs });
  }

  setNeverReady(service: string, on: boolean): void {
    this.update(service, { neverReady: on });
  }

  /** Remove the faults of one service, or of all when no service is given. */
  clear(service?: string): void {
    const names = service === undefined ? [...this.states.keys()] : [key(service)];
    for (const n of names) {
      this.states.delete(n);
      this.emit(n);
    }
  }

  onChange(listener: FaultListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private update(service: string, patch: Partial<ServiceFaultState>): void {
    const n = key(service);
    const next = { ...(this.states.get(n) ?? NONE), ...patch };
    const isNone =
      next.errorRate === 0 && Object.keys(next.latencyFrom).length === 0 && !next.crash && !next.oom && !next.neverReady;
    if (isNone) this.states.delete(n);
    else this.states.set(n, next);
    this.emit(n);
  }

  private emit(n: string): void {
    const state = this.get(n);
    for (const l of this.listeners) l(n, state);
  }
}
