// Which kubeconfig a host opens: the user's (--kubeconfig, KUBECONFIG, ~/.kube/config), or the
// embedded sandbox cluster when asked (--sandbox) or when no kubeconfig exists at all, so a new
// user sees a living cluster on first start.
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubeconfigPaths } from '../core/kube/kubeconfig';
import type { Sandbox } from '../sandbox/options';

export type SandboxMode = 'force' | 'auto' | 'never';

export interface KubeconfigChoice {
  paths: string[];
  sandbox?: Sandbox;
}

export async function chooseKubeconfig(opts: { explicit?: string; sandbox: SandboxMode; log(line: string): void; env?: NodeJS.ProcessEnv; home?: string }): Promise<KubeconfigChoice> {
  const paths = kubeconfigPaths({ explicit: opts.explicit, env: opts.env, home: opts.home });
  const noneExists = !paths.some((p) => existsSync(p));
  const wantSandbox = opts.sandbox === 'force' || (opts.sandbox === 'auto' && !opts.explicit && noneExists);
  if (!wantSandbox) return { paths };
  if (opts.sandbox === 'auto') opts.log(`No kubeconfig found (looked in ${paths.join(', ')}): starting the sandbox cluster. Pass --no-sandbox to skip it.`);
  const dir = await mkdtemp(join(tmpdir(), 'orrery-sandbox-'));
  const { startSandbox } = await import('../sandbox/index');
  const sandbox = await startSandbox({ kubeconfigPath: join(dir, 'kubeconfig'), prometheus: 'auto', log: opts.log });
  opts.log(`sandbox ready: API ${sandbox.url}, kubeconfig ${sandbox.kubeconfigPath}, audit log ${sandbox.auditLogPath}${sandbox.prometheusUrl ? `, Prometheus ${sandbox.prometheusUrl}` : ''}`);
  return { paths: [sandbox.kubeconfigPath], sandbox };
}
