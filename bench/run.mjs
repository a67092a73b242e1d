// `npm run bench`: runs every bench/*.bench.ts in its own process and prints each figure beside
// its baseline, measured in the same run, as a ratio. Writes bench/results.json.
import { spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = dirname(fileURLToPath(import.meta.url));
const only = process.argv[2];
const files = readdirSync(dir).filter((f) => f.endsWith('.bench.ts') && (!only || f.includes(only))).sort();
const results = [];
let failed = false;
for (const file of files) {
  console.log(`running ${file}…`);
  const run = spawnSync(join(dir, '..', 'node_modules', '.bin', 'tsx'), [join(dir, file)], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'inherit'] });
  for (const line of run.stdout.split('\n')) {
    if (line.startsWith('BENCH-RESULT ')) results.push({ file, ...JSON.parse(line.slice(13)) });
    else if (line.trim()) console.log(`  ${line}`);
  }
  if (run.status !== 0) {
    console.error(`${file} failed with exit code ${run.status}`);
    failed = true;
  }
}

const fmt = (n) => (Math.abs(n) >= 1000 ? Math.round(n).toLocaleString('en-US') : n.toPrecision(3));
const rows = results.map((r) => {
  const ratio = r.figure / r.baseline;
  const target = r.target ? [r.target.maxRatio !== undefined ? `≤ ${r.target.maxRatio}x` : '', r.target.minRatio !== undefined ? `≥ ${r.target.minRatio}x` : ''].filter(Boolean).join(' ') : '';
  const met = !r.target || ((r.target.maxRatio === undefined || ratio <= r.target.maxRatio) && (r.target.minRatio === undefined || ratio >= r.target.minRatio));
  return { ...r, ratio, targetText: target, met };
});
const table = [['benchmark', 'figure', 'baseline', 'ratio', 'target'], ...rows.map((r) => [r.name, `${fmt(r.figure)} ${r.unit}`, `${fmt(r.baseline)} ${r.unit} (${r.baselineName})`, `${r.ratio.toFixed(2)}x ${r.better === 'higher' ? '(higher is better)' : '(lower is better)'}`, r.targetText ? `${r.targetText} ${r.met ? 'met' : 'MISSED'}` : ''])];
const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
console.log('');
for (const [i, row] of table.entries()) {
  console.log(row.map((cell, j) => cell.padEnd(widths[j])).join('  '));
  if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
}
writeFileSync(join(dir, 'results.json'), JSON.stringify({ date: new Date().toISOString(), results: rows }, null, 2));
console.log(`\nwrote bench/results.json`);
process.exit(failed ? 1 : 0);
