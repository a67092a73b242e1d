// A run-to-completion container for Jobs: `orrery/service` started with ORRERY_TASK set runs that
// task instead of a service. It logs structured JSON progress lines, then exits by itself:
// exit code ORRERY_TASK_EXIT_CODE (default 0 -> reason Completed, else Error) after
// ORRERY_TASK_DURATION ("2s", "500ms", "1m"; default 2s). Nothing listens on its port.
import type { ContainerCounters, ContainerExit, ContainerLaunch, RunningContainer } from './types';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000 };
/** A task works steadily: 2 millicores. */
const TASK_NANOCORES = 2_000_000;

/** "2s" / "500ms" / "1m" / "3" (seconds) in ms, or undefined when malformed. */
export function parseTaskDuration(v: string | undefined): number | undefined {
  if (v === undefined || v === '') return 2000;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(v.trim());
  return m ? Math.round(Number(m[1]) * UNITS[m[2] ?? 's']!) : undefined;
}

export class TaskContainer implements RunningContainer {
  readonly exited: Promise<ContainerExit>;
  private readonly timers: NodeJS.Timeout[] = [];
  private running = true;
  private resolveExit!: (e: ContainerExit) => void;
  private readonly started = performance.now();
  private stoppedAt: number | undefined;

  constructor(private readonly launch: ContainerLaunch) {
    this.port = launch.port;
    this.exited = new Promise((r) => (this.resolveExit = r));
    const task = launch.env.ORRERY_TASK!;
    const duration = parseTaskDuration(launch.env.ORRERY_TASK_DURATION);
    const code = Number(launch.env.ORRERY_TASK_EXIT_CODE ?? '0');
    if (duration === undefined || !Number.isInteger(code) || code < 0 || code > 255) {
      const bad = duration === undefined ? `ORRERY_TASK_DURATION=${JSON.stringify(launch.env.ORRERY_TASK_DURATION)}` : `ORRERY_TASK_EXIT_CODE=${JSON.stringify(launch.env.ORRERY_TASK_EXIT_CODE)}`;
      this.log('error', `invalid configuration: ${bad}`, {});
      this.after(100, () => this.finish({ exitCode: 2, reason: 'Error', message: `invalid configuration: ${bad}` }));
      return;
    }
    this.log('info', 'task started', { duration_ms: duration });
    const steps = Math.max(1, Math.min(5, Math.floor(duration / 500)));
    for (let i = 1; i < steps; i++) this.after((duration * i) / steps, () => this.log('info', 'task progress', { done: i, of: steps }));
    this.after(duration, () => {
      if (code === 0) {
        this.log('info', 'task completed', { elapsed_ms: Math.round(performance.now() - this.started) });
        this.finish({ exitCode: 0, reason: 'Completed' });
      } else {
        this.log('error', 'task failed', { exit_code: code });
        this.finish({ exitCode: code, reason: 'Error', message: `task ${task} failed with exit code ${code}` });
      }
    });
  }

  readonly port: number;

  private log(level: string, msg: string, fields: Record<string, unknown>): void {
    this.launch.log(JSON.stringify({ time: new Date().toISOString(), level, msg, task: this.launch.env.ORRERY_TASK, pod: this.launch.pod, ...fields }));
  }

  private after(ms: number, f: () => void): void {
    this.timers.push(setTimeout(f, ms));
  }

  private finish(e: ContainerExit): void {
    if (!this.running) return;
    this.running = false;
    this.stoppedAt = performance.now();
    this.timers.forEach(clearTimeout);
    this.resolveExit(e);
  }

  ready(): boolean {
    return this.running;
  }

  live(): boolean {
    return this.running;
  }

  usage(): { cpuNanoCores: number; memoryBytes: number } {
    return this.running ? { cpuNanoCores: TASK_NANOCORES, memoryBytes: 12 * 1024 * 1024 } : { cpuNanoCores: 0, memoryBytes: 0 };
  }

  counters(): ContainerCounters {
    const ran = ((this.stoppedAt ?? performance.now()) - this.started) / 1000;
    return { cpuSeconds: (TASK_NANOCORES / 1e9) * ran, rxBytes: 0, txBytes: 0, rxPackets: 0, txPackets: 0 };
  }

  /** SIGTERM: stop the work; `exited` stays pending (the contract for stopped containers). */
  async stop(): Promise<void> {
    this.stoppedAt ??= performance.now();
    this.running = false;
    this.timers.forEach(clearTimeout);
  }
}
