// Test support: the backend, in process, on a sandbox API server, reached through the real
// contract client and server over an in-memory transport.
import { api, type Api } from '../contract/api';
import { ContractClient } from '../contract/client';
import { memoryTransportPair } from '../contract/memory-transport';
import { serveConnection } from '../contract/server';
import type { ApiServerOptions } from '../sandbox/apiserver/server';
import { seedShop, startHarness, type Harness } from '../sandbox/apiserver/testkit';
import { createBackend, type Backend } from './backend';
import { createTelemetry } from './telemetry/telemetry';

export interface BackendOnSandbox {
  h: Harness;
  backend: Backend;
  client: ContractClient<Api>;
  stop(): Promise<void>;
}

export async function startBackendOnSandbox(opts: { server?: ApiServerOptions; seed?: (h: Harness) => void } = {}): Promise<BackendOnSandbox> {
  const h = await startHarness(opts.server);
  seedShop(h.server.store);
  opts.seed?.(h);
  const backend = createBackend({ host: 'server', version: 'test', kubeconfigPaths: [h.kubeconfig], telemetry: createTelemetry() });
  const pair = memoryTransportPair();
  serveConnection(pair.server, api, backend.handlers);
  const client = new ContractClient<Api>(async () => pair.client);
  return {
    h,
    backend,
    client,
    async stop() {
      client.dispose();
      backend.dispose();
      await h.server.stop();
    },
  };
}
