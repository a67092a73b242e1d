// Per-frame main-thread work from a Chromium trace. requestAnimationFrame intervals cannot go
// below one vsync (16.7 ms) and grow whenever another process holds the CPU, so they cannot
// tell whether the page itself would make 60 Hz. This measures what the page costs instead:
// frame i runs from the start of the task that fires its animation frame to the start of the
// next such task, and its work is the time of every top-level task on the renderer's main thread
// in that span (input and scroll events, WebSocket messages, React renders, rAF callbacks, style,
// layout, paint and commit). CPU time (the trace's thread time) is what the page asked of the
// machine; wall time also counts waiting for a core held by other processes.

/** The trace categories this needs (few, to keep tracing's own overhead low). */
export const FRAME_TRACE_CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline'];

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  tdur?: number;
}

export interface FrameWork {
  /** Frames measured (animation frames fired on the page's main thread, less the last). */
  frames: number;
  /** Main-thread CPU ms per frame, in frame order. */
  cpuMs: number[];
  /** Main-thread wall ms per frame (task durations, including time preempted). */
  wallMs: number[];
  /** CPU ms of each frame's rendering task alone (rAF callbacks, style, layout, paint, commit). */
  renderCpuMs: number[];
  /** Wall ms between animation frames (the rAF intervals). */
  intervalMs: number[];
}

/** Parses the JSON Chromium returns from tracing (an object with traceEvents, or a bare array). */
export function parseTrace(json: string | Buffer): TraceEvent[] {
  const v = JSON.parse(json.toString()) as { traceEvents?: TraceEvent[] } | TraceEvent[];
  const events = Array.isArray(v) ? v : v.traceEvents;
  if (!Array.isArray(events)) throw new Error('not a Chromium trace: no traceEvents');
  return events;
}

export function frameWork(events: readonly TraceEvent[]): FrameWork {
  // The page's main thread is the one firing the most animation frames (the scroll loop).
  const fired = new Map<string, number>();
  for (const e of events) if (e.name === 'FireAnimationFrame') fired.set(`${e.pid}:${e.tid}`, (fired.get(`${e.pid}:${e.tid}`) ?? 0) + 1);
  const main = [...fired].sort((a, b) => b[1] - a[1])[0]?.[0];
  if (!main) throw new Error('the trace has no FireAnimationFrame events (was devtools.timeline traced while the page ran rAF?)');
  const onMain = events.filter((e) => `${e.pid}:${e.tid}` === main && e.ph === 'X');
  // Top-level tasks only: a nested run loop's tasks are already inside their parent's time.
  const tasks: TraceEvent[] = [];
  let end = -Infinity;
  for (const t of onMain.filter((e) => e.name === 'RunTask').sort((a, b) => a.ts - b.ts)) {
    if (t.ts < end) continue;
    tasks.push(t);
    end = t.ts + (t.dur ?? 0);
  }
  if (tasks.length === 0) throw new Error('the trace has no RunTask events on the main thread (trace disabled-by-default-devtools.timeline)');
  const fires = onMain.filter((e) => e.name === 'FireAnimationFrame').sort((a, b) => a.ts - b.ts);
  // The task each animation frame fired in; several rAF callbacks of one frame share a task.
  const frameTasks: number[] = [];
  let ti = 0;
  for (const f of fires) {
    while (ti < tasks.length && tasks[ti]!.ts + (tasks[ti]!.dur ?? 0) < f.ts) ti++;
    if (ti === tasks.length) break;
    if (tasks[ti]!.ts <= f.ts && frameTasks.at(-1) !== ti) frameTasks.push(ti);
  }
  const cpuMs: number[] = [];
  const wallMs: number[] = [];
  const renderCpuMs: number[] = [];
  const intervalMs: number[] = [];
  for (let i = 0; i + 1 < frameTasks.length; i++) {
    const from = frameTasks[i]!;
    const to = frameTasks[i + 1]!;
    let cpu = 0;
    let wall = 0;
    for (let k = from; k < to; k++) {
      cpu += tasks[k]!.tdur ?? tasks[k]!.dur ?? 0;
      wall += tasks[k]!.dur ?? 0;
    }
    cpuMs.push(cpu / 1000);
    wallMs.push(wall / 1000);
    renderCpuMs.push((tasks[from]!.tdur ?? tasks[from]!.dur ?? 0) / 1000);
    intervalMs.push((tasks[to]!.ts - tasks[from]!.ts) / 1000);
  }
  return { frames: cpuMs.length, cpuMs, wallMs, renderCpuMs, intervalMs };
}

export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}
