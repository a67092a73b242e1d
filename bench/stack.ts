// What several benchmarks start the same way: the sandbox and the server host as child
// processes, a contract client over WebSocket, and the system Chromium.
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { parse as parseYaml } from 'yaml';
import type { ClientMessage, ServerMessage, Transport } from '../src-main/contract/messages';
import { decodeWsMessage } from '../src-main/contract/ws-frames';
import { startNode } from './processes';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export interface Cluster {
  child: ChildProcess;
  url: string;
  kubeconfig: string;
  ca: string;
  token: string;
  /** Seconds from spawn to `sandbox ready`. */
  readyS: number;
}

/** The built sandbox (out/main/sandbox.js) with `args`, its admin credentials read from the kubeconfig it writes. */
export async function startSandboxProcess(kubeconfig: string, args: string[], timeoutMs: number): Promise<Cluster> {
  const t0 = performance.now();
  const { child } = await startNode([join(root, 'out/main/sandbox.js'), '--kubeconfig', kubeconfig, '--prometheus', 'off', ...args], /sandbox ready/, 'the sandbox', timeoutMs);
  const kc = parseYaml(readFileSync(kubeconfig, 'utf8')) as { clusters: { cluster: { server: string; 'certificate-authority-data': string } }[]; users: { name: string; user: { token: string } }[] };
  const cluster = kc.clusters[0]!.cluster;
  return {
    child,
    kubeconfig,
    url: cluster.server,
    ca: Buffer.from(cluster['certificate-authority-data'], 'base64').toString('utf8'),
    token: kc.users.find((u) => u.name.endsWith('-admin'))!.user.token,
    readyS: (performance.now() - t0) / 1000,
  };
}

/** The built server host on a free port, pointed at the cluster's kubeconfig. */
export async function startOrreryServer(c: { kubeconfig: string }): Promise<{ child: ChildProcess; url: string; origin: string; token: string }> {
  const { child, match } = await startNode([join(root, 'out/main/server.js'), '--port', '0', '--kubeconfig', c.kubeconfig], /Orrery is ready at (http:\/\/\S+)/, 'the server host', 30_000);
  const url = new URL(match[1]!);
  return { child, url: match[1]!, origin: url.origin, token: url.searchParams.get('token') ?? '' };
}

/** The contract over a Node WebSocket (what the renderer does over the browser's). */
export function wsTransport(url: string, headers: Record<string, string> = {}): Promise<Transport<ServerMessage, ClientMessage>> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.on('open', () =>
      resolve({
        send: (m) => ws.send(JSON.stringify(m)),
        onMessage: (l) => ws.on('message', (d: Buffer, isBinary) => l(decodeWsMessage(isBinary ? d : d.toString()))),
        onClose: (l) => ws.on('close', l),
      }),
    );
    ws.on('error', reject);
  });
}

export function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((p): p is string => !!p);
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error('no Chromium: set CHROMIUM_PATH or install /usr/bin/chromium');
  return found;
}
