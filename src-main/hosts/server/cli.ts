// `npm run serve -- [--port N] [--kubeconfig PATH]`: the backend and renderer in browser mode.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createBackend } from '../../core/backend';
import { createTelemetry } from '../../core/telemetry/telemetry';
import { chooseKubeconfig, type SandboxMode } from '../kubeconfig-choice';
import { startServerHost } from './server-host';

const usage = 'usage: npm run serve -- [--port N] [--kubeconfig PATH] [--sandbox | --no-sandbox] [--data-dir DIR]';

/** Where remembered choices live: --data-dir, $ORRERY_DATA_DIR, else $XDG_CONFIG_HOME/orrery. */
function defaultDataDir(): string {
  return process.env.ORRERY_DATA_DIR || join(process.env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'orrery');
}

function parse() {
  try {
    const { values } = parseArgs({
      options: {
        port: { type: 'string', default: '0' },
        kubeconfig: { type: 'string' },
        sandbox: { type: 'boolean' },
        'no-sandbox': { type: 'boolean' },
        'data-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    });
    if (values.help) {
      console.log(usage);
      process.exit(0);
    }
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be an integer from 0 to 65535, got "${values.port}"`);
    if (values.sandbox && values['no-sandbox']) throw new Error('--sandbox and --no-sandbox contradict each other');
    if (values.sandbox && values.kubeconfig) throw new Error('--sandbox writes its own kubeconfig; drop --kubeconfig');
    const sandbox: SandboxMode = values.sandbox ? 'force' : values['no-sandbox'] ? 'never' : 'auto';
    return { port, kubeconfig: values.kubeconfig, sandbox, dataDir: values['data-dir'] || defaultDataDir() };
  } catch (err) {
    console.error(`orrery: ${(err as Error).message}\n${usage}`);
    process.exit(2);
  }
}

async function main() {
  const args = parse();
  const version = (JSON.parse(readFileSync(fileURLToPath(new URL('../../package.json', import.meta.url)), 'utf8')) as { version: string }).version;
  const telemetry = createTelemetry();
  const choice = await chooseKubeconfig({ explicit: args.kubeconfig, sandbox: args.sandbox, log: (line) => console.log(line) }).catch((err: Error) => {
    console.error(`orrery: the sandbox cluster could not start: ${err.message}`);
    process.exit(1);
  });
  const paths = choice.paths;
  const backend = createBackend({ host: 'server', version, kubeconfigPaths: paths, telemetry, dataDir: args.dataDir });
  const host = await startServerHost({
    backend,
    telemetry,
    rendererDir: fileURLToPath(new URL('../renderer', import.meta.url)),
    port: args.port,
  }).catch((err: NodeJS.ErrnoException) => {
    console.error(err.code === 'EADDRINUSE' ? `orrery: port ${args.port} is already in use; pick another with --port or use 0 for a free one` : `orrery: ${err.message}`);
    process.exit(1);
  });
  console.log(`Orrery is ready at ${host.url}`);
  console.log(`kubeconfig: ${paths.join(process.platform === 'win32' ? ';' : ':')}`);
  const stop = () => {
    backend.dispose();
    void Promise.all([host.close(), choice.sandbox?.stop()]).then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

void main();
