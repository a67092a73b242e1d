// `npm start`: opens the desktop app. When Electron's runtime is missing or cannot start
// (no display, no binary and no way to download it), says so in one line and serves the same
// app in browser mode instead, printing the URL to open.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildIfStale } from './build-if-stale.mjs';
import { projectNode, runOnProjectNode } from './project-node.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);

function electronBinary() {
  const dir = join(root, 'node_modules', 'electron');
  const pathFile = join(dir, 'path.txt');
  const binary = () => (existsSync(pathFile) ? join(dir, 'dist', readFileSync(pathFile, 'utf8').trim()) : undefined);
  if (binary() && existsSync(binary())) return { binary: binary() };
  // Electron 45+ downloads its runtime on first use.
  const install = spawnSync(projectNode(), [join(dir, 'install.js')], { encoding: 'utf8', timeout: 180_000 });
  if (install.status === 0 && binary() && existsSync(binary())) return { binary: binary() };
  const why = (install.stderr || install.stdout || '').split('\n').find((l) => /error|fail/i.test(l))?.trim() ?? 'download failed';
  return { problem: `the Electron runtime is not installed and could not be downloaded (${why})` };
}

function noDisplay() {
  if (process.platform !== 'linux' || process.env.DISPLAY || process.env.WAYLAND_DISPLAY) return undefined;
  return 'no display: DISPLAY and WAYLAND_DISPLAY are unset';
}

function serveInstead(reason) {
  console.log(`orrery: the desktop app cannot start here (${reason}); starting the browser-mode server instead.`);
  runOnProjectNode('out/main/server.js', args);
}

buildIfStale();
const found = electronBinary();
const reason = found.problem ?? noDisplay();
if (reason) {
  serveInstead(reason);
} else {
  const startedAt = Date.now();
  const app = spawn(found.binary, [join(root, 'out', 'main', 'electron.js'), ...args], { stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => app.kill(signal));
  app.on('error', (err) => serveInstead(`Electron failed to launch: ${err.message}`));
  app.on('exit', (code, signal) => {
    // A crash within seconds of launch means the runtime cannot run here (missing libraries...).
    if (code !== 0 && !signal && Date.now() - startedAt < 10_000) serveInstead(`Electron exited at start with code ${code}`);
    else process.exit(code ?? 0);
  });
}
