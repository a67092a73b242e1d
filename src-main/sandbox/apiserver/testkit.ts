// Test helpers: a started sandbox API server with a kubeconfig and a kubectl runner.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApiServer, type ApiServer, type ApiServerOptions } from './server';
import { writeKubeconfig } from './kubeconfig';

export interface Harness {
  server: ApiServer;
  dir: string;
  kubeconfig: string;
  auditPath: string;
  kubectl(args: string[], opts?: { context?: string; input?: string }): Promise<{ code: number; stdout: string; stderr: string }>;
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
        const child = execFile('kubectl', full, { env, timeout: 20_000 }, (err, stdout, stderr) => {
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
