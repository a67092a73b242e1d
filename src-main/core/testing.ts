// Test support: the backend, in process, on a sandbox API server, reached through the real
// contract client and server over an in-memory transport.
import { afterAll, beforeAll } from 'vitest';
import { api, type Api } from '../contract/api';
import { ContractClient } from '../contract/client';
import { memoryTransportPair } from '../contract/memory-transport';
import { serveConnection } from '../contract/server';
import type { ApiServerOptions } from '../sandbox/apiserver/server';
import { seedShop, startHarness, type Harness } from '../sandbox/apiserver/testkit';
import { createBackend, type Backend, type BackendOptions } from './backend';
import { createTelemetry } from './telemetry/telemetry';

export interface BackendOnSandbox {
  h: Harness;
  backend: Backend;
  client: ContractClient<Api>;
  stop(): Promise<void>;
}

export async function startBackendOnSandbox(opts: { server?: ApiServerOptions; seed?: (h: Harness) => void; backend?: Partial<Pick<BackendOptions, 'metrics' | 'dataDir'>> } = {}): Promise<BackendOnSandbox> {
  const h = await startHarness(opts.server);
  seedShop(h.server.store);
  opts.seed?.(h);
  const { backend, client, stop } = connectBackend([h.kubeconfig], opts.backend);
  return {
    h,
    backend,
    client,
    async stop() {
      stop();
      await h.server.stop();
    },
  };
}

/** The backend on any kubeconfig (e.g. a whole sandbox's), behind the real contract client. */
export function connectBackend(kubeconfigPaths: string[], opts: Partial<Pick<BackendOptions, 'metrics' | 'dataDir'>> = {}): { backend: Backend; client: ContractClient<Api>; stop(): void } {
  const backend = createBackend({ host: 'server', version: 'test', kubeconfigPaths, telemetry: createTelemetry(), ...opts });
  const pair = memoryTransportPair();
  serveConnection(pair.server, api, backend.handlers);
  const client = new ContractClient<Api>(async () => pair.client);
  return {
    backend,
    client,
    stop() {
      client.dispose();
      backend.dispose();
    },
  };
}

type StartOptions = NonNullable<Parameters<typeof startBackendOnSandbox>[0]>;

/** Starts the backend on a sandbox before the file's tests and stops it after them. The
 *  returned object's fields are filled in by the beforeAll hook: read them inside tests.
 *  Options may be a function, for values that earlier beforeAll hooks create. */
export function useBackendOnSandbox(opts: StartOptions | (() => StartOptions) = {}): Omit<BackendOnSandbox, 'stop'> {
  let env: BackendOnSandbox | undefined;
  beforeAll(async () => {
    env = await startBackendOnSandbox(typeof opts === 'function' ? opts() : opts);
  });
  afterAll(async () => {
    await env?.stop();
  });
  const started = () => {
    if (!env) throw new Error('useBackendOnSandbox: the backend starts in beforeAll; read its fields inside tests');
    return env;
  };
  return {
    get h() {
      return started().h;
    },
    get backend() {
      return started().backend;
    },
    get client() {
      return started().client;
    },
  };
}
