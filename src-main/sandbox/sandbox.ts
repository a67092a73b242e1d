import type { Sandbox, SandboxOptions } from './options';

export async function startSandboxImpl(_opts: SandboxOptions): Promise<Sandbox> {
  throw new Error('sandbox: not implemented yet');
}
