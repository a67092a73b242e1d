// Resource usage history at 100,000 pods (sandbox scale mode, its own process): the backend, in
// this process, polls metrics.k8s.io for every pod and node, keeps the history and the sums per
// namespace, workload and cluster. Reported: the history's memory against its budget, the heap
// from the first polls to many polls later (bounded: it must not grow with time), and the CPU
// one poll costs the backend (list + JSON.parse + ingest), beside the time the API server takes
// to answer the list (what any client pays for the same list).
// The poller is told the resolution is 3 s (the sandbox reports a 15 s window) to get many rounds;
// at this scale its own rule (a poll takes at most a tenth of the interval) spaces them anyway.
import { mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { UsageFrame, UsageHistory, UsageTarget } from '../src-main/contract/metrics-types';
import type { StreamSink } from '../src-main/contract/server';
import { createBackend } from '../src-main/core/backend';
import { KubeconfigSource } from '../src-main/core/kube/kubeconfig-source';
import { ConnectionManager } from '../src-main/core/kube/connections';
import { listUsage } from '../src-main/core/metrics/resource/metrics-api';
import { createTelemetry } from '../src-main/core/telemetry/telemetry';
import { stopAll } from './processes';
import { report } from './report';
import { startSandboxProcess } from './stack';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const PODS = Number(process.env.PODS ?? 100_000);
const ROUNDS = Number(process.env.ROUNDS ?? 8);
const BUDGET = 64 * 2 ** 20;
const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');
const heapMb = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 1e6;
};

async function main() {
  const kubeconfig = join(mkdtempSync(join(tmpdir(), 'orrery-bench-usage-')), 'kubeconfig');
  const cluster = await startSandboxProcess(kubeconfig, ['--scale-pods', String(PODS)], 600_000);
  console.log(`sandbox with ${PODS} pods ready in ${cluster.readyS.toFixed(0)} s`);
  const backend = createBackend({ host: 'server', version: 'bench', kubeconfigPaths: [kubeconfig], telemetry: createTelemetry(), metrics: { resource: { allPodsUpTo: Infinity, store: { budgetBytes: BUDGET }, poller: { maxResolutionS: 3 } } } });
  const context = 'orrery-sandbox';
  const abort = new AbortController();
  const sink: StreamSink<UsageFrame> = { push: () => true, drained: async () => undefined, end: () => undefined, error: (e) => console.error(e), signal: abort.signal };
  await backend.handlers['metrics.usage']({ context, target: { kind: 'cluster' } }, sink, { signal: abort.signal });
  const history = async (target: UsageTarget = { kind: 'node', name: 'orrery-scale-node-1' }): Promise<UsageHistory> =>
    ((await backend.handlers['metrics.usageHistory']({ context, targets: [target] }, { signal: abort.signal })) as UsageHistory[])[0]!;
  const waitRounds = async (n: number) => {
    let seen = (await history()).status.lastSampleAt ?? 0;
    let rounds = 0;
    let lastLog = performance.now();
    while (rounds < n) {
      await new Promise((r) => setTimeout(r, 1000));
      const st = (await history()).status;
      const at = st.lastSampleAt ?? 0;
      if (at > seen) {
        rounds++;
        seen = at;
      }
      if (performance.now() - lastLog > 15_000) {
        lastLog = performance.now();
        console.log(`  ${rounds}/${n} rounds; status ${st.state}${st.message ? ` (${st.message})` : ''}, poll every ${st.pollS} s`);
      }
    }
  };
  try {
    const t0 = performance.now();
    for (;;) {
      const h = await history();
      if ((h.status.series ?? 0) >= PODS) break;
      if (h.status.state !== 'ok' && h.status.state !== 'starting') throw new Error(`usage polling: ${h.status.state}: ${h.status.message}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    console.log(`first round with ${PODS} pods after ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    // Requests/limits and workloads come from the pods' watch cache: wait until it holds them all.
    while (((await history({ kind: 'cluster' })).spec.pods ?? 0) < PODS) await new Promise((r) => setTimeout(r, 1000));
    console.log(`pods cached after ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    await waitRounds(2);
    const heap1 = heapMb();
    const cpu0 = process.cpuUsage();
    const wall0 = performance.now();
    await waitRounds(ROUNDS);
    const cpu = process.cpuUsage(cpu0);
    const wall = performance.now() - wall0;
    const heap2 = heapMb();
    const h = await history({ kind: 'cluster' });
    const st = h.status;
    console.log(
      `status: ${st.series} series, history ${((st.historyBytes ?? 0) / 2 ** 20).toFixed(1)} MiB (budget ${BUDGET / 2 ** 20} MiB), slot ${st.slotS} s, retention >= ${st.retentionS} s, poll every ${st.pollS} s, ${h.points.t.length} cluster points`,
    );
    const cpuPerRound = (cpu.user + cpu.system) / 1000 / ROUNDS;
    console.log(`heap (incl. the 100k-pod watch cache) ${heap1.toFixed(0)} MB after 2 rounds -> ${heap2.toFixed(0)} MB after ${ROUNDS + 2}; backend CPU ${cpuPerRound.toFixed(0)} ms per round (one round every ${(wall / ROUNDS / 1000).toFixed(1)} s); load ${load()}`);

    // The same two lists, timed alone: what the API server and the wire cost any client.
    const conns = new ConnectionManager(new KubeconfigSource([kubeconfig]));
    const kube = await conns.client(context);
    const listMs: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      await Promise.all([listUsage(kube, 'pods'), listUsage(kube, 'nodes')]);
      listMs.push(performance.now() - t);
    }
    conns.dispose();
    const listMedian = [...listMs].sort((a, b) => a - b)[1]!;
    console.log(`listing pods.metrics.k8s.io + nodes.metrics.k8s.io alone (with JSON.parse): ${listMs.map((x) => x.toFixed(0)).join('/')} ms`);
    abort.abort();
    backend.dispose();
    report([
      { name: `usage history memory at ${PODS / 1000}k pods (${st.series} series, retention >= ${st.retentionS} s, slot ${st.slotS} s)`, unit: 'MiB', figure: (st.historyBytes ?? 0) / 2 ** 20, baseline: BUDGET / 2 ** 20, baselineName: 'budget', better: 'lower', target: { maxRatio: 1 } },
      { name: `backend heap after ${ROUNDS + 2} polls of ${PODS / 1000}k pods (load ${load()})`, unit: 'MB', figure: heap2, baseline: heap1, baselineName: 'after 2 polls', better: 'lower', target: { maxRatio: 1.1 } },
      { name: `backend CPU per poll of ${PODS / 1000}k pods (list, parse, ingest, sums)`, unit: 'ms', figure: cpuPerRound, baseline: listMedian, baselineName: 'wall time of the two lists alone', better: 'lower' },
    ]);
  } finally {
    abort.abort();
    await stopAll();
    void cluster;
  }
}

void main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
