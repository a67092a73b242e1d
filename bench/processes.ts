// Child processes of a benchmark: every one started is stopped on the way out, whatever happens
// (normal end, exception, Ctrl-C), so a failed run never leaves a sandbox or browser behind.
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const children = new Set<ChildProcess>();
const cleanups: Array<() => void> = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** Something else to kill on the way out (e.g. browser processes). */
export function onCleanup(fn: () => void) {
  cleanups.push(fn);
}

function killGroup(child: ChildProcess) {
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}

/** SIGTERM, then SIGKILL (whole process group: children are spawned detached) after `graceMs`. */
export async function stop(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timedOut = await Promise.race([exited.then(() => false), sleep(graceMs).then(() => true)]);
  if (timedOut) {
    killGroup(child);
    await exited;
  }
}

/** Stops every child still running (the polite way: SIGTERM first). */
export function stopAll(graceMs = 3000): Promise<void> {
  return Promise.all([...children].map((c) => stop(c, graceMs))).then(() => undefined);
}

function killAllNow() {
  for (const c of children) killGroup(c);
  for (const fn of cleanups) fn();
}
process.once('exit', killAllNow);
for (const sig of ['SIGINT', 'SIGTERM'] as const)
  process.once(sig, () => {
    killAllNow();
    process.exit(130);
  });

/** Spawns `node args…` (detached, so its whole group can be killed) and waits for a line matching `ready`. */
export function startNode(args: string[], ready: RegExp, what: string, timeoutMs: number): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  const child = track(spawn(process.execPath, args, { cwd: root, detached: true, stdio: ['ignore', 'pipe', 'pipe'] }));
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} not ready within ${timeoutMs / 1000} s:\n${output.slice(-2000)}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      if (output.length < 1e6) output += chunk.toString();
      const match = ready.exec(output);
      if (match) {
        clearTimeout(timer);
        child.stdout!.removeListener('data', onData);
        child.stderr!.removeListener('data', onData);
        child.stdout!.resume();
        child.stderr!.resume();
        resolve({ child, match });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code, sig) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${code ?? sig}):\n${output.slice(-2000)}`));
    });
  });
}
