// Aggregated logs (issue 5) end to end, against the sandbox in scale mode (its own process) and the
// server host (out/main/server.js, its own process):
// 1. 200 synthetic pods writing as fast as the sandbox can (--log-rate max), the same 10 s window
//    for each reader, one after the other against the same sandbox:
//    - the floor: a minimal Node client opening the 200 follow streams raw over HTTPS and
//      splitting lines;
//    - kubectl logs -f -l ... --prefix --max-log-requests 200 (lines/s from its stdout, and the
//      time until every one of the 200 streams produced a line);
//    - Orrery: a contract client (ContractClient over ws, acking frames) subscribed to logs.tail
//      with the same selector, keeping every line as the renderer does (its LineStore): lines/s
//      delivered, time until all 200 streams are 'streaming' (target 1 s), and loss: per pod the
//      sandbox's `seq` values must be contiguous (no gap, no duplicate) over the lines delivered.
// 2. The server's memory once the view's ring buffer holds 1,000,000 lines (VmRSS from /proc,
//    heap from /metrics) vs the same process before tailing (target < 400 MB).
// 3. The viewer in headless Chromium at ~20,000 lines/s (200 pods at 100 lines/s) with a text
//    filter: the longest main-thread task (PerformanceObserver 'longtask', target < 50 ms) while
//    following and while scrolling, and while scrolling the log list each frame's work time,
//    from its start to its paint (p95 vs one 60 Hz frame; rAF deltas, which cannot go below
//    16.7 ms, and long animation frames are printed too).
// Every child process (sandboxes, servers, kubectl, Chromium) is stopped on the way out, whatever
// happens. Needs a build (npm run bench builds when stale), kubectl on PATH (its figures are
// skipped otherwise) and Chromium (CHROMIUM_PATH or /usr/bin/chromium).
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { chromium, type Browser, type Page } from 'playwright-core';
import { api, type Api } from '../src-main/contract/api';
import { ContractClient } from '../src-main/contract/client';
import { LogLineDecoder } from '../src-main/contract/log-lines';
import { LineStore } from '../src-renderer/src/api/line-store';
import type { LogFrame, LogStreamStatus } from '../src-main/contract/types';
import { report, type BenchResult } from './report';
import { stop, stopAll, track } from './processes';
import { chromiumPath, startOrreryServer, startSandboxProcess, wsTransport, type Cluster } from './stack';

const PODS = 200;
const WINDOW_S = 10;
const KUBECTL_MAX_S = 45;
const BUFFER_LINES = 1_000_000;
const VIEWER_RATE = 100; // lines/s per pod: 200 pods -> 20,000 lines/s
const VIEWER_FILTER = 'items'; // matches the routes /api/items and /api/items/{id}: half the lines
const SCROLL_S = 10;
const NAMESPACE = 'scale-01'; // 200 synthetic pods all land in the first scale namespace
const SELECTOR = 'sandbox.orrery.dev/synthetic=true';
const CONTEXT = 'orrery-sandbox';
const log = (line: string) => console.log(line);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
void api;

let browser: Browser | undefined;



async function startSandbox(dir: string, rate: number | 'max'): Promise<Cluster> {
  const c = await startSandboxProcess(join(dir, `kubeconfig-${rate}`), ['--scale-pods', String(PODS), '--log-rate', String(rate)], 120_000);
  log(`sandbox (${PODS} pods at ${rate} lines/s each) ready in ${c.readyS.toFixed(1)} s`);
  return c;
}

const startOrrery = startOrreryServer;

// ---- helpers ----------------------------------------------------------------------------------

function getJson<T>(c: Cluster, agent: Agent, path: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, c.url), { agent, headers: { Authorization: `Bearer ${c.token}`, Accept: 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as T) : reject(new Error(`${path}: HTTP ${res.statusCode}`))));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

async function podNames(c: Cluster): Promise<string[]> {
  const agent = new Agent({ ca: c.ca });
  const list = await getJson<{ items: { metadata: { name: string } }[] }>(c, agent, `/api/v1/namespaces/${NAMESPACE}/pods?labelSelector=${encodeURIComponent(SELECTOR)}`);
  agent.destroy();
  return list.items.map((p) => p.metadata.name);
}

function vmRssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** The server's own /metrics (Prometheus text): JS heap used and memory outside it (Buffers), in MB. */
function heapMb(o: { origin: string; token: string }): Promise<{ heap: number; external: number } | undefined> {
  return new Promise((resolve) => {
    const req = httpRequest(new URL('/metrics', o.origin), { headers: { Authorization: `Bearer ${o.token}` } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => {
        const read = (name: string) => {
          const m = new RegExp(`^(?:orrery_)?${name}(?:\\{[^}]*\\})?\\s+([\\d.e+]+)`, 'm').exec(body);
          return m ? Number(m[1]) / 2 ** 20 : undefined;
        };
        const heap = read('nodejs_heap_size_used_bytes');
        const external = read('nodejs_external_memory_bytes');
        resolve(heap !== undefined && external !== undefined ? { heap, external } : undefined);
      });
      res.on('error', () => resolve(undefined));
    });
    req.on('error', () => resolve(undefined));
    req.end();
  });
}

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
};

// ---- the floor: 200 raw follow streams, lines split ---------------------------------------

async function floorRead(c: Cluster, pods: string[]): Promise<{ linesPerS: number; allMs: number | undefined; started: number; errors: string[] }> {
  const agent = new Agent({ ca: c.ca, keepAlive: true, maxSockets: Infinity });
  const reqs: ReturnType<typeof request>[] = [];
  let lines = 0;
  let started = 0;
  let allMs: number | undefined;
  const errors: string[] = [];
  const t0 = performance.now();
  let counting = true;
  for (const pod of pods) {
    let rest = '';
    let first = true;
    const req = request(new URL(`/api/v1/namespaces/${NAMESPACE}/pods/${pod}/log?follow=true&timestamps=true`, c.url), { agent, headers: { Authorization: `Bearer ${c.token}` } }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (!counting) return;
        const parts = (rest + chunk).split('\n');
        rest = parts.pop()!;
        lines += parts.length;
        if (first && parts.length) {
          first = false;
          if (++started === pods.length) allMs = performance.now() - t0;
        }
      });
      if (res.statusCode !== 200) errors.push(`${pod}: HTTP ${res.statusCode}`);
      res.on('error', (e) => counting && errors.push(`${pod}: ${e.message}`));
    });
    req.on('error', (e) => counting && errors.push(`${pod}: ${e.message}`));
    req.end();
    reqs.push(req);
  }
  await sleep(WINDOW_S * 1000);
  counting = false;
  const got = lines;
  for (const r of reqs) r.destroy();
  agent.destroy();
  return { linesPerS: got / WINDOW_S, allMs, started, errors };
}

// ---- kubectl ----------------------------------------------------------------------------------

function hasKubectl(): boolean {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function kubectlRead(c: Cluster): Promise<{ linesPerS: number; allMs: number | undefined; seen: number }> {
  const child = track(spawn('kubectl', ['--kubeconfig', c.kubeconfig, '--context', CONTEXT, 'logs', '-f', '-n', NAMESPACE, '-l', SELECTOR, '--prefix', '--max-log-requests', String(PODS)], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] }));
  const t0 = performance.now();
  let lines = 0;
  let allMs: number | undefined;
  let rest = '';
  let stderr = '';
  const seen = new Set<string>();
  child.stderr!.on('data', (d: Buffer) => stderr.length < 4000 && (stderr += d.toString()));
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (chunk: string) => {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop()!;
    lines += parts.length;
    if (seen.size < PODS)
      for (const l of parts) {
        if (l.charCodeAt(0) !== 91 /* [ */) continue;
        seen.add(l.slice(1, l.indexOf(']')));
        if (seen.size === PODS && allMs === undefined) allMs = performance.now() - t0;
      }
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  await Promise.race([sleep(WINDOW_S * 1000), exited]);
  const windowLines = lines;
  // Keep it running until every stream has produced a line (its client-side rate limit opens the
  // last ones late), up to KUBECTL_MAX_S.
  while (allMs === undefined && performance.now() - t0 < KUBECTL_MAX_S * 1000 && child.exitCode === null) await sleep(200);
  await stop(child, 2000);
  if (windowLines === 0) log(`kubectl printed no line; stderr: ${stderr.slice(0, 1000)}`);
  return { linesPerS: windowLines / WINDOW_S, allMs, seen: seen.size };
}

// ---- Orrery: a contract client over the server's WebSocket --------------------------------------

function connectClient(o: { origin: string; token: string }): ContractClient<Api> {
  const wsUrl = `${o.origin.replace(/^http/, 'ws')}/ws`;
  return new ContractClient<Api>(
    () => wsTransport(wsUrl, { Authorization: `Bearer ${o.token}` }),
    { minDelayMs: 100 },
  );
}

interface TailCounters {
  /** lines delivered so far */
  lines: number;
  /** ms from subscribe until every stream was 'streaming' */
  allStreamingMs?: number;
  streams: LogStreamStatus[];
  lost: number;
  duplicates: number;
  outOfOrder: number;
  noSeq: number;
  dropped: number;
  resets: number;
  error?: string;
  cancel(): void;
}

// The sandbox writes each line's seq first: {"seq":123,...}.
const SEQ_PREFIX = '{"seq":';

/** The seq of the line starting at `at` in a batch's joined text, or -1. Read in place: the
 *  check is the bench's own work, kept well below the renderer's (LineStore) beside it. */
function seqAt(text: string, at: number): number {
  if (!text.startsWith(SEQ_PREFIX, at)) return -1;
  let n = 0;
  let i = at + SEQ_PREFIX.length;
  for (let d = text.charCodeAt(i); d >= 48 && d <= 57; d = text.charCodeAt(++i)) n = n * 10 + (d - 48);
  return i > at + SEQ_PREFIX.length && text.charCodeAt(i) === 44 /* , */ ? n : -1;
}

function tailOrrery(client: ContractClient<Api>, t0: number): TailCounters {
  const last = new Map<number, number>();
  // What the renderer does with every line: into its LineStore, in time order, bounded (message
  // and fields are parsed only for lines shown, so the seq is read from the text here).
  const store = new LineStore(new LogLineDecoder(), 200_000);
  let committedAt = 0;
  const c: TailCounters = { lines: 0, streams: [], lost: 0, duplicates: 0, outOfOrder: 0, noSeq: 0, dropped: 0, resets: 0, cancel: () => {} };
  c.cancel = client.subscribe(
    'logs.tail',
    { viewId: `bench-logs-${Date.now()}`, context: CONTEXT, source: { labelSelector: SELECTOR, namespaces: [NAMESPACE] }, bufferLines: BUFFER_LINES, maxStreams: PODS, includeInit: false, quietAfterS: 15 },
    {
      onData(frames: LogFrame[]) {
        for (const f of frames) {
          if (f.type === 'lines') {
            const b = f.batch;
            store.add(b);
            c.lines += b.seq.length;
            for (let i = 0, at = 0; i < b.seq.length; i++, at = b.text.indexOf('\n', at) + 1) {
              const seq = seqAt(b.text, at);
              if (seq < 0) {
                c.noSeq++;
                continue;
              }
              // Per container stream (one per synthetic pod).
              const pod = b.src[i]!;
              const prev = last.get(pod);
              if (prev !== undefined) {
                if (seq === prev + 1) {
                  /* contiguous */
                } else if (seq > prev + 1) c.lost += seq - prev - 1;
                else if (seq === prev) c.duplicates++;
                else c.outOfOrder++;
              }
              if (prev === undefined || seq > prev) last.set(pod, seq);
            }
          } else if (f.type === 'streams') {
            c.streams = f.streams;
            if (c.allStreamingMs === undefined && f.streams.length >= PODS && f.streams.every((s) => s.state === 'streaming')) c.allStreamingMs = performance.now() - t0;
          } else if (f.type === 'dropped') c.dropped = f.total;
          else {
            c.resets++;
            store.clear();
          }
        }
        // Merged as the renderer does: at least 50 ms apart, more under a firehose (commitGapMs).
        const now = performance.now();
        if (now - committedAt >= store.commitGapMs) {
          committedAt = now;
          store.commit();
          store.trim();
        }
      },
      onError: (e) => (c.error = e.message),
    },
  );
  return c;
}

// ---- the viewer ---------------------------------------------------------------------------


// Strings, not functions: tsx would wrap named inner functions in a helper the page lacks.
const OBSERVE_LONG_TASKS = `
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longTasks.push({ at: e.startTime, ms: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  // Frames that took over 50 ms from start to paint, whatever the work (tasks, rendering).
  window.__longFrames = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longFrames.push({ at: e.startTime, ms: e.duration, blocking: e.blockingDuration });
  }).observe({ type: 'long-animation-frame', buffered: true });
`;

/**
 * Scrolls the log list up from the bottom (pausing follow) and back. Per frame: the rAF delta
 * (never below 16.7 ms at 60 Hz, so it cannot show how much of the budget was used) and the
 * frame's work time, from the frame's start (the rAF timestamp) until its rendering is done (a
 * message posted from rAF runs right after the frame's paint): tasks that delayed the frame,
 * rAF callbacks, style, layout and paint.
 */
function scrollFrames(page: Page, seconds: number, pxPerFrame: number): Promise<{ deltas: number[]; work: number[]; scrolled: number }> {
  return page.evaluate(`new Promise((resolve) => {
    const ms = ${seconds * 1000};
    const px = ${pxPerFrame};
    const el = document.querySelector('[data-testid="log-lines"]');
    const deltas = [];
    const work = [];
    const channel = new MessageChannel();
    let frameStart = 0;
    channel.port1.onmessage = () => work.push(performance.now() - frameStart);
    let last, start;
    let dir = -1;
    let scrolled = 0;
    // Relative steps, like a wheel (the list may shift what is under a fixed position as lines
    // are trimmed); positions are tracked here, not read back: reading would force a layout.
    const max = Math.max(0, el.scrollHeight - el.clientHeight - 200);
    let pos = max;
    // A user's first turn of the wheel upwards pauses following (synthetic: it does not scroll).
    el.dispatchEvent(new WheelEvent('wheel', { deltaY: -110, bubbles: true }));
    const frame = (ts) => {
      if (last !== undefined) deltas.push(ts - last);
      last = ts;
      if (start === undefined) start = ts;
      if (ts - start >= ms) return resolve({ deltas, work, scrolled });
      frameStart = ts;
      channel.port2.postMessage(0);
      if (dir > 0 && pos + px > max) dir = -1;
      else if (dir < 0 && pos - px < 0) dir = 1;
      pos += dir * px;
      el.scrollBy(0, dir * px);
      scrolled += px;
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  })`);
}

async function lineCount(page: Page): Promise<number> {
  const t = (await page.locator('[data-testid="line-count"]').textContent()) ?? '';
  return Number(t.replace(/[^\d]/g, '')) || 0;
}

// ---- the run ----------------------------------------------------------------------------------

const dir = mkdtempSync(join(tmpdir(), 'orrery-logs-bench-'));
const results: BenchResult[] = [];
const started = performance.now();
try {
  // Phase 1: 200 pods at --log-rate max.
  let cluster = await startSandbox(dir, 'max');
  const pods = await podNames(cluster);
  if (pods.length !== PODS) throw new Error(`expected ${PODS} synthetic pods in ${NAMESPACE}, found ${pods.length}`);

  const floor = await floorRead(cluster, pods);
  log(`floor (raw follow streams, lines split): ${fmt(floor.linesPerS)} lines/s over ${WINDOW_S} s; ${floor.allMs !== undefined ? `all ${PODS} streams produced a line after ${floor.allMs.toFixed(0)} ms` : `only ${floor.started} of ${PODS} streams produced a line within ${WINDOW_S} s`}${floor.errors.length ? `; ${floor.errors.length} errors, e.g. ${floor.errors[0]}` : ''}`);

  let kubectl: Awaited<ReturnType<typeof kubectlRead>> | undefined;
  if (hasKubectl()) {
    kubectl = await kubectlRead(cluster);
    log(`kubectl logs -f -l --prefix --max-log-requests ${PODS}: ${fmt(kubectl.linesPerS)} lines/s over ${WINDOW_S} s; ${kubectl.allMs !== undefined ? `all ${PODS} streams produced a line after ${(kubectl.allMs / 1000).toFixed(1)} s` : `only ${kubectl.seen} of ${PODS} streams produced a line within ${KUBECTL_MAX_S} s`}`);
  } else log('kubectl not on PATH: its figures are skipped');

  let orrery = await startOrrery(cluster);
  const client = connectClient(orrery);
  await client.call('diagnostics.metrics', undefined as never).catch(() => undefined); // connected
  await sleep(1000);
  const rssBefore = vmRssMb(orrery.child.pid!);
  const heapBefore = await heapMb(orrery);
  const t0 = performance.now();
  const tail = tailOrrery(client, t0);
  await sleep(WINDOW_S * 1000);
  const windowLines = tail.lines;
  const orreryRate = windowLines / WINDOW_S;
  const states = new Map<string, number>();
  for (const s of tail.streams) states.set(s.state, (states.get(s.state) ?? 0) + 1);
  log(
    `Orrery logs.tail: ${fmt(orreryRate)} lines/s delivered over ${WINDOW_S} s; all ${PODS} streams 'streaming' after ${tail.allStreamingMs?.toFixed(0) ?? `more than ${WINDOW_S * 1000}`} ms (at the end of the window: ${[...states].map(([k, v]) => `${v} ${k}`).join(', ')}); lost ${tail.lost}, duplicates ${tail.duplicates}, out of order ${tail.outOfOrder}, without seq ${tail.noSeq}${tail.error ? `; error: ${tail.error}` : ''}`,
  );
  if (tail.error) throw new Error(`logs.tail failed: ${tail.error}`);

  // Phase 2: memory once the view's buffer holds 1,000,000 lines (delivered lines are buffered
  // lines: no filter; evictions start right after).
  const fillDeadline = performance.now() + 90_000;
  while (tail.lines < BUFFER_LINES + 10_000 && performance.now() < fillDeadline) await sleep(200);
  if (tail.lines < BUFFER_LINES) throw new Error(`the view got only ${tail.lines} lines in 90 s`);
  const rssSamples: number[] = [];
  for (let i = 0; i < 10; i++) {
    rssSamples.push(vmRssMb(orrery.child.pid!));
    await sleep(300);
  }
  const rssFull = Math.max(...rssSamples);
  const heapFull = await heapMb(orrery);
  log(
    `server memory: VmRSS ${rssBefore.toFixed(0)} MB before tailing -> ${rssFull.toFixed(0)} MB (max over 3 s, ${Math.min(...rssSamples).toFixed(0)} min) with ${fmt(tail.lines)} lines delivered, ${fmt(tail.dropped)} evicted from the 1M buffer (per 'dropped' frames)${heapFull ? `; JS heap used ${heapBefore?.heap.toFixed(0) ?? '?'} -> ${heapFull.heap.toFixed(0)} MB, outside the heap ${heapBefore?.external.toFixed(0) ?? '?'} -> ${heapFull.external.toFixed(0)} MB` : ''}; lost ${tail.lost}, duplicates ${tail.duplicates}`,
  );
  // A sandbox line always starts with its seq: one without is a corrupted line.
  const lostTotal = tail.lost + tail.duplicates + tail.outOfOrder + tail.noSeq;
  tail.cancel();
  client.dispose();
  await stop(orrery.child);
  await stop(cluster.child);

  results.push(
    { name: `logs.tail, ${PODS} pods at --log-rate max: lines/s delivered to a contract client`, unit: 'lines/s', figure: orreryRate, baseline: floor.linesPerS, baselineName: 'raw follow streams, lines split', better: 'higher', target: { minRatio: 0.3 } },
    ...(kubectl ? [{ name: `logs.tail, ${PODS} pods at --log-rate max: lines/s vs kubectl`, unit: 'lines/s', figure: orreryRate, baseline: kubectl.linesPerS, baselineName: `kubectl logs -f -l --prefix --max-log-requests ${PODS}`, better: 'higher' as const, target: { minRatio: 1 } }] : []),
    { name: `logs.tail: all ${PODS} streams 'streaming' after subscribe`, unit: 'ms', figure: tail.allStreamingMs ?? WINDOW_S * 1000, baseline: 1000, baselineName: 'budget', better: 'lower', target: { maxRatio: 1 } },
    ...(kubectl
      ? [{ name: `kubectl: all ${PODS} streams produced a line (for comparison)`, unit: 'ms', figure: kubectl.allMs ?? KUBECTL_MAX_S * 1000, baseline: floor.allMs ?? WINDOW_S * 1000, baselineName: 'raw follow streams', better: 'lower' as const }]
      : []),
    { name: `logs.tail: lines lost, doubled, reordered or corrupted (per-pod seq, ${fmt(tail.lines)} lines)`, unit: 'lines', figure: lostTotal, baseline: 1, baselineName: 'budget: 0 (below 1)', better: 'lower', target: { maxRatio: 0 } },
    { name: `server VmRSS with the view's buffer holding ${fmt(BUFFER_LINES)} lines`, unit: 'MB', figure: rssFull, baseline: rssBefore, baselineName: 'same process before tailing', better: 'lower' },
    { name: `server VmRSS with ${fmt(BUFFER_LINES)} buffered lines vs budget`, unit: 'MB', figure: rssFull, baseline: 400, baselineName: 'budget', better: 'lower', target: { maxRatio: 1 } },
  );

  // Phase 3: the viewer at ~20,000 lines/s with a text filter.
  cluster = await startSandbox(dir, VIEWER_RATE);
  orrery = await startOrrery(cluster);
  browser = await chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.addInitScript(OBSERVE_LONG_TASKS);
  const hash = `#/logs?ctx=${CONTEXT}&lsel=${encodeURIComponent(SELECTOR)}&lns=${NAMESPACE}&q=${VIEWER_FILTER}`;
  await page.goto(`${orrery.url}${hash}`);
  await page.waitForSelector('[data-testid="log-lines"] .log-line', { timeout: 30_000 });
  await page.waitForFunction((n) => (document.querySelector('[data-testid="stream-summary"]')?.textContent ?? '').includes(`${n} streaming`), PODS, { timeout: 30_000 });
  await sleep(2000); // past the page's own start-up work
  await page.evaluate('window.__longTasks.length = 0; window.__longFrames.length = 0');
  const c0 = await lineCount(page);
  const f0 = performance.now();
  await sleep(WINDOW_S * 1000);
  const followRate = ((await lineCount(page)) - c0) / ((performance.now() - f0) / 1000);
  const followTasks = (await page.evaluate('window.__longTasks.splice(0)')) as { at: number; ms: number }[];
  const followFrames = (await page.evaluate('window.__longFrames.splice(0)')) as { at: number; ms: number; blocking: number }[];
  const { deltas, work, scrolled } = await scrollFrames(page, SCROLL_S, 5 * 22);
  const scrollTasks = (await page.evaluate('window.__longTasks.splice(0)')) as { at: number; ms: number }[];
  const scrollLongFrames = (await page.evaluate('window.__longFrames.splice(0)')) as { at: number; ms: number; blocking: number }[];
  const maxOf = (xs: { ms: number }[]) => Math.max(0, ...xs.map((x) => x.ms)).toFixed(0);
  const shown = await lineCount(page);
  const summary = await page.locator('[data-testid="stream-summary"]').textContent();
  const maxTask = Math.max(0, ...followTasks.map((t) => t.ms), ...scrollTasks.map((t) => t.ms));
  const p95 = percentile(work, 95);
  log(
    `viewer (${PODS} pods x ${VIEWER_RATE} lines/s, filter "${VIEWER_FILTER}"): ${fmt(followRate)} matching lines/s into the list while following; long tasks following ${followTasks.length} (max ${maxOf(followTasks)} ms), scrolling ${scrollTasks.length} (max ${maxOf(scrollTasks)} ms); long animation frames following ${followFrames.length} (max ${maxOf(followFrames)} ms), scrolling ${scrollLongFrames.length} (max ${maxOf(scrollLongFrames)} ms); scrolling ${SCROLL_S} s: ${deltas.length} frames, work per frame p50 ${percentile(work, 50).toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, max ${Math.max(...work).toFixed(1)} ms; rAF deltas p50 ${percentile(deltas, 50).toFixed(1)} ms, p95 ${percentile(deltas, 95).toFixed(1)} ms, max ${Math.max(...deltas).toFixed(1)} ms; ${fmt(scrolled / 22)} rows scrolled; ${fmt(shown)} lines in the list; streams: ${summary}`,
  );
  results.push(
    { name: `viewer at ${fmt(PODS * VIEWER_RATE)} lines/s with a text filter: longest main-thread task (following + scrolling)`, unit: 'ms', figure: maxTask, baseline: 50, baselineName: 'budget', better: 'lower', target: { maxRatio: 1 } },
    { name: `viewer at ${fmt(PODS * VIEWER_RATE)} lines/s: scrolling the log list, p95 work per frame, frame start to painted (${work.length} frames)`, unit: 'ms', figure: p95, baseline: 16.7, baselineName: 'one 60 Hz frame', better: 'lower', target: { maxRatio: 1 } },
  );
  await page.close();
  await browser.close();
  browser = undefined;
  await stop(orrery.child);
  await stop(cluster.child);
  log(`total ${((performance.now() - started) / 1000).toFixed(0)} s`);
  report(results);
} finally {
  await browser?.close().catch(() => {});
  await stopAll();
  rmSync(dir, { recursive: true, force: true });
}
