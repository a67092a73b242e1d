// Starts the real server host (the built out/main/server.js) for a test, and checks pages for
// console errors and CSP violations, which must never happen.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test as base, expect, type Page } from '@playwright/test';

export interface Orrery {
  url: string;
  token: string;
  origin: string;
  process: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

export async function startOrrery(opts: { env?: Record<string, string>; args?: string[] } = {}): Promise<Orrery> {
  const child = spawn(process.execPath, [resolve('out/main/server.js'), ...(opts.args ?? [])], {
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`Orrery did not print its URL within 20 s:\n${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Orrery is ready at (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolveUrl(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`Orrery exited with ${code}:\n${output}`)));
  });
  const parsed = new URL(url);
  return {
    url,
    token: parsed.searchParams.get('token')!,
    origin: parsed.origin,
    process: child,
    output: () => output,
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}

export function tempKubeconfigs(files: Record<string, string>): { dir: string; paths: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'orrery-e2e-'));
  const paths = Object.entries(files).map(([name, text]) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  });
  return { dir, paths };
}

/** Fails the test on any console error, page error or CSP violation. */
export function watchForErrors(page: Page): () => void {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  return () => expect(problems, 'console errors or CSP violations').toEqual([]);
}

export const test = base;
export { expect };
