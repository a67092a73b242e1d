// First step of `npm start`, `npm test` and friends: install dependencies when node_modules is
// missing or older than package-lock.json, so a fresh clone needs nothing but these commands.
// Runs on whatever Node launched npm (20 here), so plain JavaScript and no dependencies.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const lock = join(root, 'package-lock.json');
const installed = join(root, 'node_modules', '.package-lock.json'); // written by npm on every install
const node22 = join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'node.cmd' : 'node');

const stale = !existsSync(installed) || !existsSync(node22) || statSync(installed).mtimeMs < statSync(lock).mtimeMs;
if (stale) {
  console.log('orrery: installing dependencies (npm ci)…');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  // Electron's binary is fetched on first launch, not at install time (it may be unreachable).
  const result = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' },
    shell: process.platform === 'win32',
  });
  if (result.status !== 0) {
    console.error('orrery: `npm ci` failed (see above); nothing else was run.');
    process.exit(result.status ?? 1);
  }
}
