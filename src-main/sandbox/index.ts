// The sandbox cluster: API server + controllers + kubelet simulation + the constellation.
export type { Sandbox, SandboxOptions } from './options';
import type { Sandbox, SandboxOptions } from './options';
import { startSandboxImpl } from './sandbox';

export async function startSandbox(opts: SandboxOptions): Promise<Sandbox> {
  return startSandboxImpl(opts);
}
