// The CLI as a user runs it: `sandbox --kubeconfig <new dir>/kubeconfig --prometheus off` in a
// child process prints `sandbox ready`, kubectl works with the kubeconfig it wrote, and SIGTERM
// (or SIGINT) stops it cleanly with exit code 0. Runs the TypeScript entry through tsx, and the
// built out/main/sandbox.js too when a build exists.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../..');
const BUILT = join(ROOT, 'out/main/sandbox.js');

/** Newest mtime of the sources under a path (tests are not part of the build). */
function newest(path: string): number {
  const info = statSync(path);
  if (!info.isDirectory()) return path.endsWith('.test.ts') ? 0 : info.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((e) => newest(join(path, e))));
}
/** A build of the current sources exists (`npm run sandbox` makes one); a stale one is not tested. */
const freshBuild = existsSync(BUILT) && existsSync(join(ROOT, 'out/.build-stamp')) && statSync(join(ROOT, 'out/.build-stamp')).mtimeMs >= newest(join(ROOT, 'src-main/sandbox'));

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function run(entry: string[], args: string[]): Run {
  // process.execPath: the Node this test runs on (22), never whatever `node` is on PATH.
  const child = spawn(process.execPath, [...entry, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: '' } });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on('exit', (code, signal) => r({ code, signal })));
  return { child, stdout: () => out, stderr: () => err, exit };
}

async function waitFor(r: Run, re: RegExp, ms: number): Promise<RegExpExecArray> {
  const end = Date.now() + ms;
  for (;;) {
    const m = re.exec(r.stdout());
    if (m) return m;
    if (r.child.exitCode !== null) throw new Error(`exited ${r.child.exitCode}: ${r.stderr()}`);
    if (Date.now() > end) throw new Error(`no ${re} within ${ms} ms; stderr: ${r.stderr()}`);
    await new Promise((res) => setTimeout(res, 50));
  }
}

function kubectl(kubeconfig: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((res) => {
    execFile('kubectl', args, { env: { ...process.env, KUBECONFIG: kubeconfig, KUBECTL_KUBERC: 'false' }, timeout: 30_000 }, (err, stdout, stderr) =>
      res({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const portOpen = (port: number) =>
  new Promise<boolean>((res) => {
    const s = connect(port, '127.0.0.1');
    s.on('connect', () => (s.destroy(), res(true)));
    s.on('error', () => res(false));
  });

async function exercise(entry: string[], signal: NodeJS.Signals): Promise<void> {
  // A directory that does not exist yet: the sandbox creates it.
  const kubeconfig = join(mkdtempSync(join(tmpdir(), 'orrery-cli-')), 'new-dir', 'kubeconfig');
  const r = run(entry, ['--kubeconfig', kubeconfig, '--prometheus', 'off']);
  try {
    const t0 = Date.now();
    const m = await waitFor(r, /sandbox ready: https:\/\/127\.0\.0\.1:(\d+) kubeconfig=(\S+) audit=(\S+)/, 30_000);
    const readyMs = Date.now() - t0;
    expect(m[2]).toBe(kubeconfig);
    expect(existsSync(m[3]!)).toBe(true);
    expect(statSync(kubeconfig).mode & 0o777).toBe(0o600);
    const port = Number(m[1]);

    const ctx = await kubectl(kubeconfig, ['config', 'get-contexts', '-o', 'name']);
    expect(ctx.stdout.split('\n').filter(Boolean).sort()).toEqual(['orrery-sandbox', 'orrery-sandbox-viewer']);
    // The constellation comes up: every pod Running (kubectl's own wait).
    const ns = await kubectl(kubeconfig, ['get', 'ns', '-o', 'name']);
    expect(ns.stdout).toContain('namespace/shop');
    let pods = '';
    for (const end = Date.now() + 20_000; Date.now() < end; ) {
      pods = (await kubectl(kubeconfig, ['get', 'pods', '-A', '--no-headers'])).stdout;
      const lines = pods.trim().split('\n').filter(Boolean);
      if (lines.length >= 17 && lines.every((l) => /\s1\/1\s+Running\s/.test(l))) break;
      await new Promise((res) => setTimeout(res, 300));
    }
    expect(pods.trim().split('\n').length).toBeGreaterThanOrEqual(17);
    for (const l of pods.trim().split('\n')) expect(l).toMatch(/\s1\/1\s+Running\s/);
    const can = await kubectl(kubeconfig, ['--context', 'orrery-sandbox-viewer', 'auth', 'can-i', 'delete', 'pods', '-n', 'shop']);
    expect(can.stdout.trim()).toBe('no');
    expect(readyMs).toBeLessThan(15_000); // startup includes tsx/transpile here; the 5 s target is the bench's

    const t1 = Date.now();
    r.child.kill(signal);
    const exit = await r.exit;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(Date.now() - t1).toBeLessThan(10_000);
    expect(r.stderr()).toContain(`sandbox: ${signal}, stopping`);
    expect(await portOpen(port)).toBe(false);
  } finally {
    if (r.child.exitCode === null) r.child.kill('SIGKILL');
  }
}

describe('sandbox CLI', () => {
  it('via tsx: ready line, kubectl with the written kubeconfig, clean exit on SIGTERM', () => exercise(['--import', 'tsx', 'src-main/sandbox/cli.ts'], 'SIGTERM'), 60_000);

  it.skipIf(!freshBuild)('built out/main/sandbox.js: same, exit on SIGINT', () => exercise([BUILT], 'SIGINT'), 60_000);

  it('rejects bad arguments with exit code 2 and the usage', async () => {
    const r = run(['--import', 'tsx', 'src-main/sandbox/cli.ts'], ['--prometheus', 'sometimes']);
    expect((await r.exit).code).toBe(2);
    expect(r.stderr()).toMatch(/--kubeconfig PATH is required[\s\S]*usage: npm run sandbox --/);
    const r2 = run(['--import', 'tsx', 'src-main/sandbox/cli.ts'], ['--kubeconfig', '/tmp/x', '--scenario', 'meteor']);
    expect((await r2.exit).code).toBe(2);
    expect(r2.stderr()).toContain('unknown scenario "meteor"');
  }, 30_000);
});
