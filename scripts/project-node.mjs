// The Node that runs Orrery: the one `npm ci` installs into node_modules/.bin (Node 22+, which
// @kubernetes/client-node needs), whatever Node typed the command. Used by absolute path because
// a shell that looked up `node` before node_modules existed keeps using the old one.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export function projectNode() {
  const bin = join(root, 'node_modules', 'node', 'bin', process.platform === 'win32' ? 'node.exe' : 'node');
  return existsSync(bin) ? bin : process.execPath;
}

/** Runs a script of ours on the project's Node, forwarding arguments, signals and exit code. */
export function runOnProjectNode(script, args) {
  const child = spawn(projectNode(), [join(root, script), ...args], { stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
  return child;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [script, ...args] = process.argv.slice(2);
  if (!script) {
    console.error('usage: node scripts/project-node.mjs SCRIPT [ARGS...]');
    process.exit(2);
  }
  runOnProjectNode(script, args);
}
