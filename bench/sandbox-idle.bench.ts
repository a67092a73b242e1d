// The sandbox at rest, as `npm run sandbox` runs it (out/main/sandbox.js, or the TypeScript entry
// through tsx when there is no build): default constellation, its 3 rps load generator, and
// Prometheus when a binary is found. Measures
// - startup: spawn -> the `sandbox ready` line (issue 3: under 5 s), and -> every pod Ready;
// - idle CPU of the sandbox process over 20 s once settled (issue 3: under 10% of one core),
//   from /proc/<pid>/stat, and Prometheus' own CPU separately when it runs.
// Baselines, measured in the same run: `node -e` printing "ready" (startup), and a Node process
// holding the same number of idle HTTP servers (one per pod + the API server) over the same 20 s.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { kubeClient, podReady, until } from '../src-main/sandbox/test-helpers';
import { report, type BenchResult } from './report';

const ROOT = resolve(import.meta.dirname, '..');
const BUILT = join(ROOT, 'out/main/sandbox.js');
const MEASURE_MS = 20_000;
const SETTLE_MS = 5_000;
const TICK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** utime + stime of a process in ms. */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / TICK;
}

/** Every descendant of a process (Prometheus runs under a /bin/sh guardian). */
function descendants(pid: number): number[] {
  let direct: number[] = [];
  try {
    direct = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    /* gone */
  }
  return direct.flatMap((c) => [c, ...descendants(c)]);
}

function waitLine(child: ChildProcess, re: RegExp, ms: number): Promise<string> {
  return new Promise((res, rej) => {
    let buf = '';
    const timer = setTimeout(() => rej(new Error(`no ${re} within ${ms} ms`)), ms);
    child.stdout!.on('data', (d) => {
      buf += d;
      const m = re.exec(buf);
      if (m) {
        clearTimeout(timer);
        res(m[0]);
      }
    });
    child.on('exit', (code) => rej(new Error(`exited with ${code} before ${re}`)));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.on('exit', r));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

async function startupBaseline(): Promise<number> {
  const t0 = performance.now();
  const child = spawn(process.execPath, ['-e', 'console.log("ready")'], { stdio: ['ignore', 'pipe', 'inherit'] });
  await waitLine(child, /ready/, 10_000);
  return performance.now() - t0;
}

/** A Node process with `n` idle HTTP servers on loopback (what the sandbox's listening sockets cost at rest). */
async function idleServers(n: number): Promise<ChildProcess> {
  const code = `const http=require('node:http');let up=0;for(let i=0;i<${n};i++)http.createServer((q,s)=>s.end('ok')).listen(0,'127.0.0.1',()=>{if(++up===${n})console.log('ready')});`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  await waitLine(child, /ready/, 10_000);
  return child;
}

async function main(): Promise<void> {
  const entry = existsSync(BUILT) ? [BUILT] : ['--import', 'tsx', join(ROOT, 'src-main/sandbox/cli.ts')];
  const kubeconfig = join(mkdtempSync(join(tmpdir(), 'orrery-bench-idle-')), 'kubeconfig');
  const startBase = await startupBaseline();

  const t0 = performance.now();
  const sb = spawn(process.execPath, [...entry, '--kubeconfig', kubeconfig, '--prometheus', 'auto'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: '' } });
  let stderr = '';
  sb.stderr!.on('data', (d) => (stderr += d));
  try {
    await waitLine(sb, /sandbox ready: \S+/, 30_000);
    const readyMs = performance.now() - t0;
    const admin = kubeClient(kubeconfig);
    const pods = await until('all pods Ready', async () => {
      const items = (await admin.get('/api/v1/pods')).items;
      return items.length >= 17 && items.every(podReady) ? items : undefined;
    }, 30_000, 100);
    const podsReadyMs = performance.now() - t0;
    const prometheus = (pods as { metadata: { namespace: string } }[]).some((p) => p.metadata.namespace === 'monitoring');
    console.log(`sandbox ready in ${Math.round(readyMs)} ms, ${pods.length} pods Ready in ${Math.round(podsReadyMs)} ms (${entry[0] === BUILT ? 'built output' : 'tsx'}; prometheus ${prometheus ? 'on' : 'not found'})`);

    const base = await idleServers(pods.length + 1);
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const promPids = descendants(sb.pid!);
    const before = { sb: cpuMs(sb.pid!), base: cpuMs(base.pid!), prom: promPids.map(cpuMs) };
    const tm = performance.now();
    await new Promise((r) => setTimeout(r, MEASURE_MS));
    const wall = performance.now() - tm;
    const sbPct = ((cpuMs(sb.pid!) - before.sb) / wall) * 100;
    const basePct = ((cpuMs(base.pid!) - before.base) / wall) * 100;
    const promPct = promPids.length ? (promPids.reduce((s, p, i) => s + cpuMs(p) - before.prom[i]!, 0) / wall) * 100 : undefined;
    await stop(base);

    const results: BenchResult[] = [
      { name: 'sandbox startup to `sandbox ready` (target < 5 s)', unit: 'ms', figure: readyMs, baseline: startBase, baselineName: 'node -e console.log startup', better: 'lower' },
      { name: 'sandbox startup to every constellation pod Ready', unit: 'ms', figure: podsReadyMs, baseline: startBase, baselineName: 'node -e console.log startup', better: 'lower' },
      { name: `sandbox idle CPU, default constellation + 3 rps load (target < 10% of one core)`, unit: '% core', figure: sbPct, baseline: basePct, baselineName: `node with ${pods.length + 1} idle HTTP servers`, better: 'lower' },
    ];
    if (promPct !== undefined) results.push({ name: 'Prometheus process CPU scraping every pod at 5 s (informational)', unit: '% core', figure: promPct, baseline: basePct, baselineName: `node with ${pods.length + 1} idle HTTP servers`, better: 'lower' });
    report(results);
    console.log(`targets: startup ${readyMs < 5000 ? 'met' : 'MISSED'} (${Math.round(readyMs)} ms < 5000 ms), idle CPU ${sbPct < 10 ? 'met' : 'MISSED'} (${sbPct.toFixed(2)}% < 10%)`);
  } finally {
    await stop(sb);
  }
}

await main();
