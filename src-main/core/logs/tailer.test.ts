// The logs backend end to end: the contract client and server over an in-memory transport, the
// backend on the sandbox API server (through a proxy that can cut connections), the fake
// runtime's container logs as the kubelet.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, type Api } from '../../contract/api';
import { ContractClient, type ClientError } from '../../contract/client';
import { LogLineDecoder, toLogLine } from '../../contract/log-lines';
import { memoryTransportPair } from '../../contract/memory-transport';
import { serveConnection } from '../../contract/server';
import type { LogFrame, LogLine, LogStreamStatus } from '../../contract/types';
import { writeKubeconfig } from '../../sandbox/apiserver';
import { ContainerLogBuffer } from '../../sandbox/apiserver/logs';
import { api as sandboxApi, seedShop, startFakeRuntime, startHarness, type FakeRuntime, type Harness } from '../../sandbox/apiserver/testkit';
import { createBackend, type Backend } from '../backend';
import { FlakyProxy } from '../kube/cache/testing';
import { compareTs } from './time';
import { createTelemetry } from '../telemetry/telemetry';

let h: Harness;
let rt: FakeRuntime;
let proxy: FlakyProxy;
let backend: Backend;
let client: ContractClient<Api>;
const previousLogs = new Map<string, ContainerLogBuffer>();
const CTX = 'orrery-sandbox';

beforeAll(async () => {
  rt = await startFakeRuntime();
  // The fake runtime has no previous instances; this provider keeps them for logs.previous.
  const logs = { containerLog: (ns: string, pod: string, c: string, prev: boolean) => (prev ? previousLogs : rt.logs.buffers).get(`${ns}/${pod}/${c}`) };
  h = await startHarness({ logs, users: [{ name: 'admin', groups: ['system:masters'] }, { name: 'viewer' }, { name: 'nolog' }] });
  seedShop(h.server.store);
  // nolog may read pods but not pods/log: replace its bootstrap `view` binding.
  h.server.store.delete('clusterrolebindings', undefined, 'nolog-view');
  h.server.store.create('clusterroles', { metadata: { name: 'pods-only' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }] });
  h.server.store.create('clusterrolebindings', {
    metadata: { name: 'nolog-pods-only' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'pods-only' },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'nolog' }],
  });
  proxy = new FlakyProxy({ host: '127.0.0.1', port: h.server.port });
  await proxy.open();
  const kubeconfig = join(h.dir, 'kubeconfig-proxy');
  writeKubeconfig(kubeconfig, { ...h.server, url: proxy.url });
  backend = createBackend({ host: 'server', version: 'test', kubeconfigPaths: [kubeconfig], telemetry: createTelemetry() });
  const pair = memoryTransportPair();
  serveConnection(pair.server, api, backend.handlers);
  client = new ContractClient<Api>(async () => pair.client);
});

afterAll(async () => {
  client.dispose();
  backend.dispose();
  await proxy.shut();
  await h.server.stop();
  await rt.close();
});

function running(containers: string[], restartCount = 0) {
  const now = new Date().toISOString();
  return containers.map((name) => ({ name, image: 'img', ready: true, restartCount, state: { running: { startedAt: now } } }));
}

function createPod(name: string, labels: Record<string, string>, containers = ['app'], opts: { init?: string[] } = {}) {
  for (const c of [...containers, ...(opts.init ?? [])]) rt.logs.buffers.set(`shop/${name}/${c}`, new ContainerLogBuffer(100_000));
  h.server.store.create('pods', {
    metadata: { name, namespace: 'shop', labels },
    spec: { nodeName: 'sandbox-node-1', containers: containers.map((c) => ({ name: c, image: 'img' })), ...(opts.init ? { initContainers: opts.init.map((c) => ({ name: c, image: 'img' })) } : {}) },
    status: {
      phase: 'Running',
      containerStatuses: running(containers),
      ...(opts.init ? { initContainerStatuses: opts.init.map((name) => ({ name, image: 'img', ready: true, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } })) } : {}),
    },
  } as never);
}

const buffer = (pod: string, c = 'app') => rt.logs.buffers.get(`shop/${pod}/${c}`)!;

let views = 0;
function tail(input: Record<string, unknown>) {
  const viewId = `view-test-${++views}`;
  const lines: LogLine[] = [];
  const decoder = new LogLineDecoder();
  const frames: LogFrame[] = [];
  let streams: LogStreamStatus[] = [];
  let limited = false;
  let error: ClientError | undefined;
  const cancel = client.subscribe('logs.tail', { viewId, context: CTX, ...input } as never, {
    onData: (items) => {
      for (const f of items) {
        frames.push(f);
        if (f.type === 'lines') for (const l of decoder.decode(f.batch)) lines.push(toLogLine(l));
        else if (f.type === 'reset') lines.length = 0;
        else if (f.type === 'streams') {
          streams = f.streams;
          limited = f.limited;
        }
      }
    },
    onError: (e) => (error = e),
  });
  return {
    viewId,
    lines,
    frames,
    get streams() {
      return streams;
    },
    get limited() {
      return limited;
    },
    get error() {
      return error;
    },
    texts: (pod?: string) => lines.filter((l) => !pod || l.pod === pod).map((l) => l.msg),
    stream: (key: string) => streams.find((s) => s.key === key),
    cancel,
  };
}

const poll = (fn: () => unknown, timeout = 10_000) => expect.poll(fn, { timeout, interval: 25 });

describe('logs.tail', () => {
  it('follows a label selector across pods that appear later, and stops a deleted pod', async () => {
    createPod('api-1', { app: 'api' });
    buffer('api-1').append('a1 one');
    buffer('api-1').append('a1 two');
    const t = tail({ source: { labelSelector: 'app=api', namespaces: ['shop'] } });
    await poll(() => t.texts()).toEqual(['a1 one', 'a1 two']);
    createPod('api-2', { app: 'api' });
    buffer('api-2').append('{"level":"error","msg":"a2 boom","trace_id":"t9"}');
    buffer('api-1').append('a1 three');
    await poll(() => t.texts('api-2')).toEqual(['a2 boom']);
    await poll(() => t.texts('api-1')).toEqual(['a1 one', 'a1 two', 'a1 three']);
    expect(t.lines.find((l) => l.pod === 'api-2')).toMatchObject({ format: 'json', level: 'error', traceId: 't9', namespace: 'shop', container: 'app' });
    const seqs = t.lines.map((l) => l.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    await poll(() => t.stream('shop/api-2/app')?.state).toBe('streaming');

    h.server.store.delete('pods', 'shop', 'api-2');
    await poll(() => t.stream('shop/api-2/app')).toMatchObject({ state: 'ended', reason: 'pod deleted' });
    buffer('api-2').append('after delete');
    buffer('api-1').append('a1 four');
    await poll(() => t.texts('api-1').length).toBe(4);
    expect(t.texts('api-2')).toEqual(['a2 boom']);
    t.cancel();
  });

  it('tails a workload through its selector (deployment and service)', async () => {
    rt.logs.buffers.set('shop/web-7d4b9c8f6-x2k9q/web', new ContainerLogBuffer());
    buffer('web-7d4b9c8f6-x2k9q', 'web').append('web hello');
    const d = tail({ source: { workload: { kind: 'deployments', namespace: 'shop', name: 'web' } } });
    const s = tail({ source: { workload: { kind: 'services', namespace: 'shop', name: 'web' } } });
    await poll(() => d.texts()).toEqual(['web hello']);
    await poll(() => s.texts()).toEqual(['web hello']);
    d.cancel();
    s.cancel();
  }, 20_000);

  it('follows a Service whose selector changes, and a Deployment re-created with another selector', async () => {
    createPod('blue-1', { app: 'blue' });
    createPod('green-1', { app: 'green' });
    buffer('blue-1').append('blue says hi');
    buffer('green-1').append('green says hi');
    h.server.store.create('services', { metadata: { name: 'switch', namespace: 'shop' }, spec: { selector: { app: 'blue' }, ports: [{ port: 80 }] } } as never);
    const t = tail({ source: { workload: { kind: 'services', namespace: 'shop', name: 'switch' } } });
    await poll(() => t.texts()).toEqual(['blue says hi']);
    h.server.store.patch('services', 'shop', 'switch', (d) => void (d.spec.selector = { app: 'green' }));
    await poll(() => t.texts('green-1')).toEqual(['green says hi']);
    await poll(() => t.stream('shop/blue-1/app')).toMatchObject({ state: 'ended', reason: 'pod no longer matches the source' });
    buffer('blue-1').append('blue again');
    buffer('green-1').append('green again');
    await poll(() => t.texts('green-1')).toEqual(['green says hi', 'green again']);
    expect(t.texts('blue-1')).toEqual(['blue says hi']);
    // Back to blue: tailed again from where it stopped, nothing doubled.
    h.server.store.patch('services', 'shop', 'switch', (d) => void (d.spec.selector = { app: 'blue' }));
    await poll(() => t.texts('blue-1')).toEqual(['blue says hi', 'blue again']);
    await poll(() => t.stream('shop/green-1/app')?.state).toBe('ended');
    // No selector: a Service that selects no pods.
    h.server.store.patch('services', 'shop', 'switch', (d) => void delete d.spec.selector);
    await poll(() => t.streams.filter((st) => st.state !== 'ended').length).toBe(0);
    t.cancel();

    // A Deployment's selector is immutable: it changes by deleting and re-creating it.
    const deployment = (app: string) =>
      ({ metadata: { name: 'colors', namespace: 'shop' }, spec: { replicas: 1, selector: { matchLabels: { app } }, template: { metadata: { labels: { app } }, spec: { containers: [{ name: 'app', image: 'img' }] } } } }) as never;
    h.server.store.create('deployments', deployment('blue'));
    const d = tail({ source: { workload: { kind: 'deployments', namespace: 'shop', name: 'colors' } } });
    await poll(() => d.texts()).toEqual(['blue says hi', 'blue again']);
    h.server.store.delete('deployments', 'shop', 'colors');
    h.server.store.create('deployments', deployment('green'));
    await poll(() => d.texts('green-1')).toEqual(['green says hi', 'green again']);
    await poll(() => d.stream('shop/blue-1/app')).toMatchObject({ state: 'ended', reason: 'pod no longer matches the source' });
    d.cancel();
  }, 30_000);

  it('tails sources in several contexts in one view, each line and stream labelled with its context', async () => {
    const VIEWER = `${CTX}-viewer`;
    createPod('duo-1', { app: 'duo' });
    buffer('duo-1').append('duo hello');
    const t = tail({ source: { labelSelector: 'app=duo', namespaces: ['shop'] }, sources: [{ context: VIEWER, source: { pods: [{ namespace: 'shop', name: 'duo-1' }] } }] });
    await poll(() => t.lines.map((l) => `${l.context} ${l.msg}`).sort()).toEqual([`${CTX} duo hello`, `${VIEWER} duo hello`]);
    await poll(() => t.streams.map((st) => [st.key, st.context]).sort()).toEqual([
      [`${VIEWER}/shop/duo-1/app`, VIEWER],
      [`${CTX}/shop/duo-1/app`, CTX],
    ]);
    buffer('duo-1').append('duo again');
    await poll(() => t.lines.filter((l) => l.msg === 'duo again').map((l) => l.context).sort()).toEqual([CTX, VIEWER]);
    const text: string[] = [];
    await new Promise<void>((resolve, reject) =>
      client.subscribe('logs.export', { viewId: t.viewId, format: 'text' }, { onData: (items) => text.push(...items.map((c) => c.data)), onEnd: resolve, onError: reject }),
    );
    expect(text.join('').trim().split('\n').map((l) => l.split(' ').slice(1).join(' ')).sort()).toEqual([
      `${CTX} shop/duo-1 app duo again`,
      `${CTX} shop/duo-1 app duo hello`,
      `${VIEWER} shop/duo-1 app duo again`,
      `${VIEWER} shop/duo-1 app duo hello`,
    ]);
    t.cancel();

    // Several sources in one context: a pod matched twice is tailed once, and not labelled.
    const one = tail({ source: { labelSelector: 'app=duo' }, sources: [{ context: CTX, source: { pods: [{ namespace: 'shop', name: 'duo-1' }] } }, { context: CTX, source: { namespace: 'shop' } }] });
    await poll(() => one.texts('duo-1')).toEqual(['duo hello', 'duo again']);
    await poll(() => one.streams.filter((st) => st.pod === 'duo-1').map((st) => st.key)).toEqual(['shop/duo-1/app']);
    expect(one.lines.some((l) => 'context' in l)).toBe(false);
    one.cancel();

    // A source that fails in one context fails the view, naming that context.
    const bad = tail({ source: { namespace: 'shop' }, sources: [{ context: VIEWER, source: { workload: { kind: 'deployments', namespace: 'shop', name: 'nope' } } }] });
    await poll(() => bad.error).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining(`Context "${VIEWER}":`) });
  });

  it('resumes cut connections without losing or doubling a line', async () => {
    createPod('flaky', { app: 'flaky' });
    const t = tail({ source: { pods: [{ namespace: 'shop', name: 'flaky' }] } });
    await poll(() => t.stream('shop/flaky/app')?.state).toBe('streaming');
    const total = 3000;
    for (let i = 0; i < total; i++) {
      buffer('flaky').append(`line ${i}`);
      if (i % 500 === 250) {
        await new Promise((r) => setTimeout(r, 30));
        proxy.dropAll();
      }
      if (i % 50 === 0) await new Promise((r) => setImmediate(r));
    }
    await poll(() => t.lines.length, 20_000).toBeGreaterThanOrEqual(total);
    await new Promise((r) => setTimeout(r, 500));
    expect(t.texts()).toEqual(Array.from({ length: total }, (_, i) => `line ${i}`));
    expect(t.frames.some((f) => f.type === 'streams' && f.streams.some((s) => s.state === 'reconnecting'))).toBe(true);
    t.cancel();
  }, 40_000);

  it('re-tails a restarted container and marks a terminated one ended', async () => {
    createPod('crashy', { app: 'crashy' });
    buffer('crashy').append('first life 1');
    buffer('crashy').append('first life 2');
    const t = tail({ source: { pods: [{ namespace: 'shop', name: 'crashy' }] } });
    await poll(() => t.texts()).toEqual(['first life 1', 'first life 2']);
    // The container dies and the kubelet starts a new instance with a fresh log.
    buffer('crashy').stop();
    previousLogs.set('shop/crashy/app', buffer('crashy'));
    const next = new ContainerLogBuffer();
    rt.logs.buffers.set('shop/crashy/app', next);
    next.append('second life 1');
    h.server.store.patch('pods', 'shop', 'crashy', (d) => void (d.status.containerStatuses = running(['app'], 1)), { status: true });
    await poll(() => t.texts()).toEqual(['first life 1', 'first life 2', 'second life 1']);
    await poll(() => t.stream('shop/crashy/app')).toMatchObject({ state: 'streaming', restartCount: 1 });
    next.append('second life 2');
    // Now it completes.
    next.stop();
    h.server.store.patch('pods', 'shop', 'crashy', (d) => {
      d.status.containerStatuses = [{ name: 'app', image: 'img', ready: false, restartCount: 1, state: { terminated: { exitCode: 0, reason: 'Completed' } } }];
    }, { status: true });
    await poll(() => t.stream('shop/crashy/app')).toMatchObject({ state: 'ended', exitCode: 0, reason: expect.stringContaining('Completed') });
    expect(t.texts()).toEqual(['first life 1', 'first life 2', 'second life 1', 'second life 2']);
    const previous = await client.call('logs.previous', { context: CTX, namespace: 'shop', pod: 'crashy', container: 'app' });
    expect(previous.map((l) => [l.msg, l.container])).toEqual([['first life 1', 'app'], ['first life 2', 'app']]);
    t.cancel();
  });

  it('keeps every line when a container restarts while its stream is cut', async () => {
    createPod('phoenix', { app: 'phoenix' });
    buffer('phoenix').append('a1');
    buffer('phoenix').append('a2');
    const t = tail({ source: { pods: [{ namespace: 'shop', name: 'phoenix' }] } });
    await poll(() => t.texts()).toEqual(['a1', 'a2']);
    await proxy.shut();
    const old = buffer('phoenix');
    old.append('a3 written while cut');
    old.stop();
    previousLogs.set('shop/phoenix/app', old);
    const next = new ContainerLogBuffer();
    rt.logs.buffers.set('shop/phoenix/app', next);
    next.append('b1');
    h.server.store.patch('pods', 'shop', 'phoenix', (d) => void (d.status.containerStatuses = running(['app'], 1)), { status: true });
    await new Promise((r) => setTimeout(r, 300));
    await proxy.open();
    await poll(() => t.stream('shop/phoenix/app')).toMatchObject({ state: 'streaming', restartCount: 1 });
    next.append('b2');
    // The reconnect may land on the new instance before the cache shows the restart; the old
    // instance's last line is then recovered from its previous log, after the new first lines.
    const all = ['a1', 'a2', 'a3 written while cut', 'b1', 'b2'];
    await poll(() => [...t.texts()].sort()).toEqual(all);
    await new Promise((r) => setTimeout(r, 300));
    expect([...t.texts()].sort()).toEqual(all);
    expect(t.texts().filter((x) => x.startsWith('b'))).toEqual(['b1', 'b2']);
    t.cancel();
  }, 30_000);

  it('applies since and tail like stern', async () => {
    createPod('old', { app: 'old' });
    buffer('old').append('ancient', '2020-01-01T00:00:00.000000000Z');
    for (let i = 0; i < 5; i++) buffer('old').append(`recent ${i}`);
    // since/tail apply to containers already running when the view opens: let the cache see it.
    await new Promise((r) => setTimeout(r, 300));
    const since = tail({ source: { pods: [{ namespace: 'shop', name: 'old' }] }, since: '1h' });
    const last2 = tail({ source: { pods: [{ namespace: 'shop', name: 'old' }] }, tail: 2 });
    const all = tail({ source: { pods: [{ namespace: 'shop', name: 'old' }] }, since: '2019-06-01T00:00:00Z' });
    await poll(() => since.texts()).toEqual(['recent 0', 'recent 1', 'recent 2', 'recent 3', 'recent 4']);
    await poll(() => last2.texts()).toEqual(['recent 3', 'recent 4']);
    await poll(() => all.texts().length).toBe(6);
    // Lines written after the start always arrive, whatever tail says.
    buffer('old').append('new one');
    await poll(() => last2.texts()).toEqual(['recent 3', 'recent 4', 'new one']);
    for (const t of [since, last2, all]) t.cancel();
  });

  it('shows a 403 on pods/log as an error state naming pods/log', async () => {
    createPod('secret-app', { app: 'secret' });
    buffer('secret-app').append('you should not see this');
    const viewId = 'view-nolog-1';
    let streams: LogStreamStatus[] = [];
    const cancel = client.subscribe('logs.tail', { viewId, context: `${CTX}-nolog`, source: { pods: [{ namespace: 'shop', name: 'secret-app' }] } }, {
      onData: (items) => {
        for (const f of items) if (f.type === 'streams') streams = f.streams;
      },
    });
    await poll(() => streams[0]).toMatchObject({ state: 'error', reason: expect.stringMatching(/403 Forbidden.*pods\/log/) });
    cancel();
  });

  it('marks a stream quiet after quietAfterS without lines, and streaming again on the next line', async () => {
    createPod('sleepy', { app: 'sleepy' });
    buffer('sleepy').append('hello');
    const t = tail({ source: { pods: [{ namespace: 'shop', name: 'sleepy' }] }, quietAfterS: 1 });
    await poll(() => t.stream('shop/sleepy/app')).toMatchObject({ state: 'quiet', quietForS: expect.any(Number) });
    buffer('sleepy').append('awake');
    await poll(() => t.stream('shop/sleepy/app')?.state).toBe('streaming');
    t.cancel();
  });

  it('delivers every line of 50 pods in per-pod order under load', async () => {
    const pods = 50;
    const perPod = 4000;
    for (let p = 0; p < pods; p++) {
      createPod(`load-${p}`, { app: 'load' });
      for (let i = 0; i < perPod; i++) buffer(`load-${p}`).append(`{"level":"info","msg":"p${p} n${i}","i":${i}}`);
    }
    await new Promise((r) => setTimeout(r, 300));
    const t0 = Date.now();
    const t = tail({ source: { labelSelector: 'app=load', namespaces: ['shop'] } });
    await poll(() => t.lines.length, 30_000).toBe(pods * perPod);
    const ms = Date.now() - t0;
    console.log(`logs.tail: ${pods * perPod} lines from ${pods} pods in ${ms} ms (${Math.round((pods * perPod) / (ms / 1000))} lines/s)`);
    const next = new Map<string, number>();
    for (const l of t.lines) {
      const want = next.get(l.pod) ?? 0;
      expect(l.msg).toBe(`${l.pod.replace('load-', 'p')} n${want}`);
      next.set(l.pod, want + 1);
    }
    t.cancel();
    for (let p = 0; p < pods; p++) h.server.store.delete('pods', 'shop', `load-${p}`);
  }, 60_000);

  it('enforces the max concurrent stream limit and says so', async () => {
    for (const n of ['lim-1', 'lim-2', 'lim-3']) createPod(n, { app: 'lim' });
    const t = tail({ source: { labelSelector: 'app=lim' }, maxStreams: 2 });
    await poll(() => t.streams.length).toBe(3);
    await poll(() => t.streams.filter((s) => s.state === 'waiting').length).toBe(1);
    expect(t.limited).toBe(true);
    // One pod goes away: the waiting stream gets its slot.
    h.server.store.delete('pods', 'shop', 'lim-1');
    await poll(() => t.streams.filter((s) => s.state === 'streaming').length).toBe(2);
    await poll(() => t.limited).toBe(false);
    t.cancel();
  });

  it('tails init containers when asked, and filters containers by regex', async () => {
    createPod('multi', { app: 'multi' }, ['main', 'sidecar'], { init: ['setup'] });
    buffer('multi', 'setup').append('init ran');
    buffer('multi', 'main').append('main ran');
    buffer('multi', 'sidecar').append('sidecar ran');
    const withInit = tail({ source: { pods: [{ namespace: 'shop', name: 'multi' }] }, includeInit: true, containerExclude: '^side' });
    await poll(() => withInit.texts().sort()).toEqual(['init ran', 'main ran']);
    const onlySide = tail({ source: { pods: [{ namespace: 'shop', name: 'multi' }] }, containerInclude: 'car$' });
    await poll(() => onlySide.texts()).toEqual(['sidecar ran']);
    withInit.cancel();
    onlySide.cancel();
  });

  it('tails ephemeral containers when asked, including one `kubectl debug` adds while the view is open', async () => {
    createPod('dbg-1', { app: 'dbg' });
    buffer('dbg-1').append('app line');
    const withDebug = tail({ source: { pods: [{ namespace: 'shop', name: 'dbg-1' }] }, includeEphemeral: true });
    const without = tail({ source: { pods: [{ namespace: 'shop', name: 'dbg-1' }] } });
    await poll(() => withDebug.texts()).toEqual(['app line']);
    // What kubectl debug sends, then the kubelet starting the container.
    const added = await sandboxApi(h.server, 'PATCH', '/api/v1/namespaces/shop/pods/dbg-1/ephemeralcontainers', {
      body: { spec: { ephemeralContainers: [{ name: 'debugger', image: 'busybox:1.36', command: ['sh'] }] } },
      contentType: 'application/strategic-merge-patch+json',
    });
    expect(added.status).toBe(200);
    rt.logs.buffers.set('shop/dbg-1/debugger', new ContainerLogBuffer());
    buffer('dbg-1', 'debugger').append('debug shell started');
    h.server.store.patch('pods', 'shop', 'dbg-1', (d) => void (d.status.ephemeralContainerStatuses = running(['debugger'])), { status: true });
    await poll(() => withDebug.texts()).toEqual(['app line', 'debug shell started']);
    await poll(() => withDebug.stream('shop/dbg-1/debugger')).toMatchObject({ ephemeral: true, state: 'streaming' });
    // It exits (ephemeral containers never restart): its stream ends with the reason.
    buffer('dbg-1', 'debugger').append('bye');
    buffer('dbg-1', 'debugger').stop();
    h.server.store.patch('pods', 'shop', 'dbg-1', (d) => {
      d.status.ephemeralContainerStatuses = [{ name: 'debugger', image: 'busybox:1.36', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }];
    }, { status: true });
    await poll(() => withDebug.stream('shop/dbg-1/debugger')).toMatchObject({ state: 'ended', exitCode: 0 });
    expect(withDebug.texts('dbg-1')).toEqual(['app line', 'debug shell started', 'bye']);
    buffer('dbg-1').append('app again');
    await poll(() => without.texts()).toEqual(['app line', 'app again']);
    expect(without.streams.map((st) => st.container)).toEqual(['app']);
    withDebug.cancel();
    without.cancel();
  });

  it('rejects an invalid regex with BAD_INPUT', async () => {
    const t = tail({ source: { namespace: 'shop' }, containerInclude: '(' });
    await poll(() => t.error?.code).toBe('BAD_INPUT');
    expect(t.error?.message).toMatch(/containerInclude.*Unterminated group/);
    const ok = tail({ source: { pods: [{ namespace: 'shop', name: 'old' }] } });
    await poll(() => ok.lines.length).toBeGreaterThan(0);
    await expect(client.call('logs.filter', { viewId: ok.viewId, include: 'a**' })).rejects.toMatchObject({ code: 'BAD_INPUT', details: { field: 'include', position: 2 } });
    ok.cancel();
  });
});

describe('buffer, filter, export, full lines', () => {
  it('evicts the oldest lines with a count, re-filters at once, exports what matches including evicted-from-screen lines', async () => {
    createPod('chatty', { app: 'chatty' });
    const t = tail({ source: { pods: [{ namespace: 'shop', name: 'chatty' }] }, bufferLines: 100 });
    await poll(() => t.stream('shop/chatty/app')?.state).toBe('streaming');
    for (let i = 0; i < 250; i++) buffer('chatty').append(i % 2 ? `INFO odd ${i}` : `ERROR even ${i}`);
    await poll(() => t.lines.length).toBe(250);
    await poll(() => t.frames.filter((f) => f.type === 'dropped').at(-1)).toMatchObject({ total: 150 });
    const dropped = t.frames.reduce((n, f) => n + (f.type === 'dropped' ? f.count : 0), 0);
    expect(dropped).toBe(150);

    const result = await client.call('logs.filter', { viewId: t.viewId, levels: ['error'] });
    expect(result).toEqual({ matched: 50, buffered: 100 });
    await poll(() => t.lines.length).toBe(50);
    expect(t.lines.every((l) => l.level === 'error')).toBe(true);
    buffer('chatty').append('ERROR live after filter');
    buffer('chatty').append('INFO filtered out');
    await poll(() => t.texts().at(-1)).toBe('ERROR live after filter');
    expect(t.lines).toHaveLength(51);

    const chunks: string[] = [];
    await new Promise<void>((resolve, reject) =>
      client.subscribe('logs.export', { viewId: t.viewId, format: 'jsonl' }, { onData: (items) => chunks.push(...items.map((c) => c.data)), onEnd: resolve, onError: reject }),
    );
    const exported = chunks.join('').trim().split('\n').map((l) => JSON.parse(l) as { msg: string; level: string; pod: string });
    // The two live lines evicted the two oldest (ERROR even 150, INFO odd 151): the export is
    // what the buffer holds and matches, on screen or not.
    expect(exported).toHaveLength(50);
    expect(exported[0]).toMatchObject({ msg: 'ERROR even 152', level: 'error', pod: 'chatty' });
    expect(exported.at(-1)).toMatchObject({ msg: 'ERROR live after filter' });
    const text: string[] = [];
    await new Promise<void>((resolve, reject) =>
      client.subscribe('logs.export', { viewId: t.viewId, format: 'text' }, { onData: (items) => text.push(...items.map((c) => c.data)), onEnd: resolve, onError: reject }),
    );
    expect(text.join('').split('\n')[0]).toMatch(/^\d{4}-\d\d-\d\dT\S+Z shop\/chatty app ERROR even 152$/);

    await client.call('logs.filter', { viewId: t.viewId });
    await poll(() => t.lines.length).toBe(100);
    t.cancel();
  });

  it('cuts lines over 64 KiB for display and returns the full text on demand', async () => {
    createPod('huge', { app: 'huge' });
    const big = 'x'.repeat(200_000);
    buffer('huge').append(`{"msg":"${big}"}`);
    buffer('huge').append('after');
    const t = tail({ source: { pods: [{ namespace: 'shop', name: 'huge' }] } });
    await poll(() => t.lines.length).toBe(2);
    const cut = t.lines[0]!;
    expect(cut.truncated).toBe(true);
    expect(cut.msg.length).toBeLessThanOrEqual(64 * 1024);
    expect(cut.bytes).toBe(big.length + 10);
    const full = await client.call('logs.fullLine', { viewId: t.viewId, seq: cut.seq });
    expect(full.text).toBe(`{"msg":"${big}"}`);
    await expect(client.call('logs.fullLine', { viewId: t.viewId, seq: 999_999 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    t.cancel();
  });
});

describe('bad inputs', () => {
  it('takes binary and non-UTF-8 bytes: U+FFFD in place of invalid sequences, every line kept, the next line intact', async () => {
    createPod('binary', { app: 'binary' });
    const t = tail({ source: { pods: [{ namespace: 'shop', name: 'binary' }] } });
    await poll(() => t.stream('shop/binary/app')?.state).toBe('streaming');
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 256);
    // Random bytes (no newline: the kubelet would split there too), then known bad sequences:
    // a lone continuation byte, an overlong encoding, a truncated 3-byte character, NUL and ESC.
    const noise = Uint8Array.from({ length: 4096 }, () => rnd()).filter((b) => b !== 0x0a && b !== 0x0d);
    buffer('binary').appendBytes(noise);
    buffer('binary').appendBytes(Uint8Array.from([0x41, 0x80, 0x42, 0xc0, 0xaf, 0x43, 0xe2, 0x82, 0x44, 0x00, 0x1b, 0x5b, 0x33, 0x31, 0x6d, 0x45]));
    buffer('binary').append('after the binary');
    await poll(() => t.lines.length).toBe(3);
    expect(t.lines[0]!.msg).toContain('\ufffd');
    expect(t.lines[0]!.bytes).toBe(Buffer.from(new TextDecoder().decode(noise)).length);
    expect(t.lines[1]!.msg).toBe('A\ufffdB\ufffd\ufffdC\ufffdD\u0000\u001b[31mE');
    expect(t.lines[2]!.msg).toBe('after the binary');
    expect(t.stream('shop/binary/app')?.state).toBe('streaming');
    // The export stays valid JSON lines.
    const chunks: string[] = [];
    await new Promise<void>((resolve, reject) =>
      client.subscribe('logs.export', { viewId: t.viewId, format: 'jsonl' }, { onData: (items) => chunks.push(...items.map((c) => c.data)), onEnd: resolve, onError: reject }),
    );
    expect(chunks.join('').trim().split('\n').map((l) => (JSON.parse(l) as { line: string }).line)).toEqual(t.lines.map((l) => l.msg));
    t.cancel();
  });

  it('takes a 10 MB single line: cut for display, whole on demand, the stream goes on', async () => {
    createPod('tenmeg', { app: 'tenmeg' });
    const big = `{"level":"warn","msg":"${'y'.repeat(10 * 1024 * 1024 - 30)}"}`;
    buffer('tenmeg').append(big);
    buffer('tenmeg').append('after the big one');
    const t = tail({ source: { pods: [{ namespace: 'shop', name: 'tenmeg' }] } });
    await poll(() => t.lines.length, 20_000).toBe(2);
    const cut = t.lines[0]!;
    expect(cut).toMatchObject({ truncated: true, bytes: big.length });
    expect(cut.msg.length).toBeLessThanOrEqual(64 * 1024);
    expect(t.lines[1]!.msg).toBe('after the big one');
    const full = await client.call('logs.fullLine', { viewId: t.viewId, seq: cut.seq });
    expect(full.text.length).toBe(big.length);
    expect(full.text === big).toBe(true);
    t.cancel();
  }, 30_000);

  it('a pod deleted mid-stream ends its stream cleanly; the lines that arrived are an in-order prefix and the view goes on', async () => {
    createPod('doomed-1', { app: 'doomed' });
    createPod('bystander', { app: 'doomed' });
    for (let i = 0; i < 100_000; i++) buffer('doomed-1').append(`d ${i}`);
    const t = tail({ source: { labelSelector: 'app=doomed', namespaces: ['shop'] } });
    await poll(() => t.texts('doomed-1').length).toBeGreaterThan(0);
    h.server.store.delete('pods', 'shop', 'doomed-1');
    await poll(() => t.stream('shop/doomed-1/app')).toMatchObject({ state: 'ended', reason: 'pod deleted' });
    const got = t.texts('doomed-1');
    expect(got).toEqual(Array.from({ length: got.length }, (_, i) => `d ${i}`));
    expect(got.length).toBeLessThan(100_000); // cut in the middle of its backlog
    buffer('bystander').append('still here');
    await poll(() => t.texts('bystander')).toEqual(['still here']);
    expect(t.error).toBeUndefined();
    t.cancel();
  });

  it('403 on pods/log in one context of a view: those streams show the error, the other context streams', async () => {
    createPod('split', { app: 'split' });
    buffer('split').append('visible to admin');
    const t = tail({ source: { pods: [{ namespace: 'shop', name: 'split' }] }, sources: [{ context: `${CTX}-nolog`, source: { pods: [{ namespace: 'shop', name: 'split' }] } }] });
    await poll(() => t.lines.map((l) => `${l.context} ${l.msg}`)).toEqual([`${CTX} visible to admin`]);
    await poll(() => t.stream(`${CTX}-nolog/shop/split/app`)).toMatchObject({ state: 'error', reason: expect.stringMatching(/403 Forbidden.*pods\/log/) });
    expect(t.stream(`${CTX}/shop/split/app`)?.state).toBe('streaming');
    t.cancel();
  });

  it('an invalid pod-name regex in a source is BAD_INPUT naming the field', async () => {
    const t = tail({ source: { podRegex: 'cart-[' } });
    await poll(() => t.error).toMatchObject({ code: 'BAD_INPUT', message: expect.stringContaining('source.podRegex') });
  });
});

describe('logs.previous', () => {
  it('answers with the API server error when there is no previous instance', async () => {
    await expect(client.call('logs.previous', { context: CTX, namespace: 'shop', pod: 'api-1', container: 'app' })).rejects.toMatchObject({ code: 'BAD_INPUT', message: expect.stringContaining('previous terminated container') });
    // The sandbox API itself is reachable for previous=true (sanity of the request shape).
    const res = await sandboxApi(h.server, 'GET', '/api/v1/namespaces/shop/pods/api-1/log?previous=true&container=app');
    expect(res.status).toBe(400);
  });
});

// Last: its connection drops can leave the shared pod watch in back-off for a while.
describe('faults', () => {
  it('delivers exactly the lines written, in per-pod order, while streams are cut and containers restart at random', async () => {
    let seed = 42;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const names = ['chaos-0', 'chaos-1', 'chaos-2', 'chaos-3'];
    for (const n of names) createPod(n, { app: 'chaos' });
    const restarts = new Map(names.map((n) => [n, 0]));
    const t = tail({ source: { labelSelector: 'app=chaos', namespaces: ['shop'] } });
    await poll(() => t.streams.filter((s) => s.state === 'streaming').length).toBe(names.length);
    const written: string[] = [];
    /** Per pod, its lines in the order written, with the container instance each went to. */
    const byPod = new Map<string, Array<{ text: string; instance: number }>>(names.map((n) => [n, []]));
    for (let i = 0; i < 4000; i++) {
      const pod = names[Math.floor(rnd() * names.length)]!;
      const line = `${pod} #${i}`;
      buffer(pod).append(line);
      written.push(line);
      byPod.get(pod)!.push({ text: line, instance: restarts.get(pod)! });
      const r = rnd();
      if (r < 0.004) proxy.dropOne(rnd);
      else if (r > 0.998) {
        // Restart: the old instance's log becomes "previous", a new one starts empty.
        const n = restarts.get(pod)! + 1;
        restarts.set(pod, n);
        const old = buffer(pod);
        old.stop();
        previousLogs.set(`shop/${pod}/app`, old);
        rt.logs.buffers.set(`shop/${pod}/app`, new ContainerLogBuffer(100_000));
        h.server.store.patch('pods', 'shop', pod, (d) => void (d.status.containerStatuses = running(['app'], n)), { status: true });
        // The kubelet keeps one previous instance and backs off restarts (10 s and more): a
        // container does not restart twice before its new instance is seen.
        await poll(() => { const st = t.stream(`shop/${pod}/app`); return st?.restartCount === n && (st.state === 'streaming' || st.state === 'quiet'); }, 45_000).toBe(true);
      }
      if (i % 20 === 0) await new Promise((r) => setTimeout(r, 2));
    }
    const missing = () => {
      const got = new Set(t.texts());
      return written.filter((w) => !got.has(w));
    };
    await poll(() => t.lines.length, 30_000)
      .toBeGreaterThanOrEqual(written.length)
      .catch((err: Error) => {
        throw new Error(`${err.message}; missing ${missing().length}: ${missing().slice(0, 10).join(', ')}; streams ${JSON.stringify(t.streams)}`);
      });
    await new Promise((r) => setTimeout(r, 1000));
    expect([...t.texts()].sort()).toEqual([...written].sort());
    // Per-pod order as the viewer shows it: lines by kubelet timestamp, then delivery order.
    const shown = [...t.lines].sort((a, b) => compareTs(a.ts, b.ts) || a.seq - b.seq);
    for (const pod of names) expect(shown.filter((l) => l.pod === pod).map((l) => l.msg)).toEqual(byPod.get(pod)!.map((w) => w.text));
    // And in delivery order within each container instance (a previous instance's last lines,
    // recovered after a cut that spanned a restart, may arrive after the next instance's first).
    for (const pod of names) {
      const instanceOf = new Map(byPod.get(pod)!.map((w) => [w.text, w.instance]));
      for (let k = 0; k <= restarts.get(pod)!; k++) {
        const delivered = t.lines.filter((l) => l.pod === pod && instanceOf.get(l.msg) === k).map((l) => l.msg);
        expect(delivered).toEqual(byPod.get(pod)!.filter((w) => w.instance === k).map((w) => w.text));
      }
    }
    console.log(`chaos: ${written.length} lines, restarts ${[...restarts.values()].join('/')}, reconnects seen: ${t.frames.filter((f) => f.type === 'streams' && f.streams.some((s) => s.state === 'reconnecting')).length}`);
    t.cancel();
  }, 180_000);
});
