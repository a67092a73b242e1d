// Test helpers for the watch cache: clients for the sandbox API server and a TCP proxy that can
// drop connections and refuse new ones (an unreachable or restarting server).
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { writeKubeconfig, type ApiServer } from '../../../sandbox/apiserver';
import { KubeClient, kubeConfigFor } from '../kube-client';
import { loadKubeconfig } from '../kubeconfig';

/** A KubeClient for a sandbox context, optionally through another address (a proxy). */
export async function sandboxClient(server: ApiServer, dir: string, opts: { context?: string; url?: string } = {}): Promise<KubeClient> {
  const path = join(dir, `kubeconfig-${Math.random().toString(36).slice(2)}`);
  writeKubeconfig(path, { ...server, url: opts.url ?? server.url });
  const merged = await loadKubeconfig([path]);
  const context = opts.context ?? 'orrery-sandbox';
  return new KubeClient(context, kubeConfigFor(merged, context));
}

export class FlakyProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  get url(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  get connections(): number {
    return this.sockets.size / 2;
  }

  /** Starts accepting (on the same port as before, if it listened already). */
  async open(): Promise<void> {
    const server = createServer((client) => {
      const upstream = createConnection(this.target);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream);
      upstream.pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as { port: number }).port;
  }

  /** Stops accepting and drops every connection: the server looks down. */
  async shut(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    this.dropAll();
    if (s) await new Promise<void>((r) => s.close(() => r()));
  }

  dropAll(): void {
    for (const s of this.sockets) s.destroy();
  }

  /** Drops one random connection (both halves). */
  dropOne(random: () => number = Math.random): void {
    const list = [...this.sockets];
    list[Math.floor(random() * list.length)]?.destroy();
  }
}

export async function until(pred: () => boolean, ms = 10_000, what = 'condition'): Promise<void> {
  const t0 = Date.now();
  while (!pred()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
