// `npm run sandbox -- --kubeconfig PATH [--port N] [--prometheus auto|off] [--scenario NAME]
//  [--scale-pods N] [--churn R] [--log-rate L|max] [--no-metrics-server]`: the sandbox cluster in the foreground.
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { startSandbox, type Sandbox, type SandboxOptions } from './index';
import { SCENARIOS } from './scenarios';

const USAGE = 'usage: npm run sandbox -- --kubeconfig PATH [--port N] [--prometheus auto|off] [--scenario NAME] [--scale-pods N] [--churn R] [--log-rate L|max] [--no-metrics-server]';

function fail(msg: string): never {
  process.stderr.write(`sandbox: ${msg}\n${USAGE}\n`);
  process.exit(2);
}

function int(name: string, v: string | undefined, min: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) fail(`--${name} must be an integer >= ${min}, got "${v}"`);
  return n;
}

export function parseCli(argv: string[]): SandboxOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        kubeconfig: { type: 'string' },
        port: { type: 'string' },
        prometheus: { type: 'string' },
        scenario: { type: 'string' },
        'scale-pods': { type: 'string' },
        churn: { type: 'string' },
        'log-rate': { type: 'string' },
        'audit-log': { type: 'string' },
        'no-metrics-server': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    fail((err as Error).message);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\nscenarios: ${SCENARIOS.join(', ')}\n`);
    process.exit(0);
  }
  const kubeconfig = values.kubeconfig as string | undefined;
  if (!kubeconfig) fail('--kubeconfig PATH is required');
  const prometheus = (values.prometheus as string | undefined) ?? 'auto';
  if (prometheus !== 'auto' && prometheus !== 'off') fail(`--prometheus must be auto or off, got "${prometheus}"`);
  const scenario = values.scenario as string | undefined;
  if (scenario !== undefined && !(SCENARIOS as readonly string[]).includes(scenario)) fail(`unknown scenario "${scenario}" (known: ${SCENARIOS.join(', ')})`);
  const port = int('port', values.port as string | undefined, 0);
  if (port !== undefined && port > 65535) fail(`--port must be <= 65535, got ${port}`);
  const lr = values['log-rate'] as string | undefined;
  let logRate: number | 'max' | undefined;
  if (lr !== undefined) {
    if (lr === 'max') logRate = 'max';
    else {
      const n = Number(lr);
      if (!Number.isFinite(n) || n < 0) fail(`--log-rate must be a number >= 0 or "max", got "${lr}"`);
      logRate = n;
    }
  }
  const churn = values.churn === undefined ? undefined : Number(values.churn);
  if (churn !== undefined && (!Number.isFinite(churn) || churn < 0)) fail(`--churn must be a number >= 0, got "${values.churn}"`);
  const opts: SandboxOptions = { kubeconfigPath: resolve(kubeconfig), prometheus };
  if (port !== undefined) opts.port = port;
  if (scenario) opts.scenario = scenario;
  const scalePods = int('scale-pods', values['scale-pods'] as string | undefined, 0);
  if (scalePods !== undefined) opts.scalePods = scalePods;
  if (churn !== undefined) opts.churn = churn;
  if (logRate !== undefined) opts.logRate = logRate;
  if (values['audit-log']) opts.auditLogPath = resolve(values['audit-log'] as string);
  if (values['no-metrics-server']) opts.metricsServer = false;
  return opts;
}

async function main(): Promise<void> {
  const opts = parseCli(process.argv.slice(2));
  const log = (l: string) => process.stderr.write(`${l}\n`);
  let sandbox: Sandbox;
  try {
    sandbox = await startSandbox({ ...opts, log });
  } catch (err) {
    process.stderr.write(`sandbox: failed to start: ${(err as Error).message}\n`);
    process.exit(1);
  }
  process.stdout.write(
    `sandbox ready: ${sandbox.url} kubeconfig=${sandbox.kubeconfigPath} audit=${sandbox.auditLogPath}${sandbox.prometheusUrl ? ` prometheus=${sandbox.prometheusUrl}` : ''}\n` +
      `  kubectl --kubeconfig ${sandbox.kubeconfigPath} get pods -A   (contexts: orrery-sandbox, orrery-sandbox-viewer)\n`,
  );
  let stopping = false;
  const shutdown = (sig: string) => {
    if (stopping) return;
    stopping = true;
    log(`sandbox: ${sig}, stopping`);
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    sandbox.stop().then(
      () => process.exit(0),
      (err) => {
        process.stderr.write(`sandbox: stop failed: ${(err as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

void main();
