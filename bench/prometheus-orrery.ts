// Orrery for bench/prometheus.bench.ts, in its own process: the backend behind the real
// browser-mode server host (token auth, WebSocket transport), on the given kubeconfig.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBackend } from '../src-main/core/backend';
import { createTelemetry } from '../src-main/core/telemetry/telemetry';
import { startServerHost } from '../src-main/hosts/server/server-host';

const telemetry = createTelemetry();
const backend = createBackend({ host: 'server', version: 'bench', kubeconfigPaths: [process.env.KUBECONFIG_IN!], telemetry, dataDir: mkdtempSync(join(tmpdir(), 'orrery-bench-data-')) });
const host = await startServerHost({ backend, telemetry, rendererDir: tmpdir(), port: 0 });
console.log(`Orrery is ready at ${host.url}`);
process.once('SIGTERM', () => {
  backend.dispose();
  void host.close().then(() => process.exit(0));
});
