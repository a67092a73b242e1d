// Prometheus discovery and queries against a real Prometheus (the Debian binary), published in
// the sandbox API server as a Service with endpoints, reached through services/proxy; beside it
// the candidates that must be rejected, each for its own reason.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientError } from '../../../contract/client';
import type { PrometheusDiscovery, PrometheusErrorDetails, PromRange } from '../../../contract/metrics-types';
import type { Store } from '../../../sandbox/apiserver/store';
import { findPrometheusBinary, freePort, startPrometheus, type RunningPrometheus } from '../../../sandbox/workloads/prometheus';
import { until } from '../../../sandbox/test-helpers';
import { startBackendOnSandbox, type BackendOnSandbox } from '../../testing';

const bin = findPrometheusBinary();
if (!bin) console.warn('SKIP prometheus.test.ts: no prometheus binary');

const CTX = 'orrery-sandbox';

/** Stands in for vmselect: a real Prometheus serving its API only under vmselect's path prefix
 *  (startPrometheus checks readiness at /-/ready, so this one is started here). */
async function prefixedPrometheus(prefix: string): Promise<{ port: number; url: string; child: ChildProcess }> {
  const dir = mkdtempSync(join(tmpdir(), 'orrery-prom-prefix-'));
  const port = await freePort();
  writeFileSync(join(dir, 'prometheus.yml'), `global: {scrape_interval: 1s}\nscrape_configs:\n- job_name: prometheus\n  metrics_path: ${prefix}/metrics\n  static_configs: [{targets: ['127.0.0.1:${port}']}]\n`);
  const child = spawn(bin!, [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, `--web.route-prefix=${prefix}`, '--log.level=error'], { stdio: 'ignore' });
  process.once('exit', () => child.kill('SIGKILL'));
  const url = `http://127.0.0.1:${port}${prefix}`;
  await until('the prefixed Prometheus to be ready', async () => (await fetch(`${url}/-/ready`).catch(() => undefined))?.status === 200, 20_000);
  return { port, url, child };
}

/** A Pod + Service + Endpoints in the store, as a cluster would have them. */
function publish(store: Store, o: { namespace: string; name: string; pod: string; labels: Record<string, string>; port: number; portName?: string; endpoints?: boolean }) {
  if (!store.get('namespaces', undefined, o.namespace)) store.create('namespaces', { metadata: { name: o.namespace } });
  const pod = store.create('pods', {
    metadata: { name: o.pod, namespace: o.namespace, labels: o.labels },
    spec: { nodeName: 'sandbox-node-1', containers: [{ name: 'server', image: 'x', ports: [{ name: o.portName ?? 'http', containerPort: o.port }] }] },
    status: { phase: 'Running', podIP: '10.244.9.9' },
  } as never);
  store.create('services', { metadata: { name: o.name, namespace: o.namespace, labels: o.labels }, spec: { selector: o.labels, ports: [{ name: o.portName ?? 'http', port: o.port, targetPort: o.port }] } } as never);
  store.create('endpoints', {
    metadata: { name: o.name, namespace: o.namespace },
    subsets:
      o.endpoints === false
        ? []
        : [{ addresses: [{ ip: '10.244.9.9', targetRef: { kind: 'Pod', namespace: o.namespace, name: o.pod, uid: pod.metadata.uid } }], ports: [{ name: o.portName ?? 'http', port: o.port }] }],
  } as never);
}

describe.skipIf(!bin)('Prometheus through the API server', () => {
  let prom: RunningPrometheus;
  let vm: { port: number; url: string; child: ChildProcess };
  let plain: Server;
  let hang: Server;
  let env: BackendOnSandbox;
  const ports = new Map<string, number>();
  const dataDir = mkdtempSync(join(tmpdir(), 'orrery-data-'));

  beforeAll(async () => {
    const [p, v] = await Promise.all([startPrometheus({ log: () => {}, scrapeIntervalSeconds: 1 }), prefixedPrometheus('/select/0/prometheus')]);
    if (!p.available) throw new Error('prometheus did not start');
    prom = p;
    vm = v;
    plain = createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end('<html>Grafana</html>'));
    hang = createServer(() => undefined); // accepts, never answers
    await Promise.all([new Promise<void>((r) => plain.listen(0, '127.0.0.1', r)), new Promise<void>((r) => hang.listen(0, '127.0.0.1', r))]);
    ports.set('prometheus-server-0', prom.port);
    ports.set('vmselect-main-0', vm.port);
    ports.set('grafana-0', (plain.address() as { port: number }).port);
    ports.set('slow-0', (hang.address() as { port: number }).port);
    ports.set('dead-0', await freePort());
    env = await startBackendOnSandbox({
      server: {
        proxy: { podAddress: (pod) => (ports.has(pod.metadata.name!) ? { host: '127.0.0.1', port: ports.get(pod.metadata.name!)! } : undefined) },
        users: [{ name: 'admin', groups: ['system:masters'] }, { name: 'viewer' }, { name: 'noproxy' }],
      },
      backend: { dataDir, metrics: { prometheus: { verifyTimeoutMs: 2000 } } },
      seed: ({ server }) => {
        const store = server.store;
        publish(store, { namespace: 'monitoring', name: 'prometheus', pod: 'prometheus-server-0', labels: { 'app.kubernetes.io/name': 'prometheus', 'app.kubernetes.io/component': 'server' }, port: 9090 });
        publish(store, { namespace: 'vm', name: 'vmselect-main', pod: 'vmselect-main-0', labels: { 'app.kubernetes.io/name': 'vmselect' }, port: 8481 });
        publish(store, { namespace: 'monitoring', name: 'prometheus-operated', pod: 'prometheus-k8s-0', labels: { 'operated-prometheus': 'true' }, port: 9090, portName: 'web', endpoints: false });
        publish(store, { namespace: 'grafana', name: 'prometheus-k8s', pod: 'grafana-0', labels: { app: 'grafana' }, port: 3000 });
        publish(store, { namespace: 'slow', name: 'prometheus', pod: 'slow-0', labels: { app: 'prometheus' }, port: 9090 });
        publish(store, { namespace: 'lens-metrics', name: 'prometheus', pod: 'dead-0', labels: { app: 'lens' }, port: 9090 });
        // Alertmanager of the prometheus chart: not a candidate at all.
        publish(store, { namespace: 'monitoring', name: 'prometheus-alertmanager', pod: 'am-0', labels: { app: 'prometheus', component: 'alertmanager' }, port: 9093 });
        // "noproxy" may read everything but not use services/proxy.
        store.delete('clusterrolebindings', undefined, 'noproxy-cluster-reader');
      },
    });
    // Each Prometheus scrapes itself: wait until `up` exists in both.
    for (const url of [prom.url, vm.url]) {
      await until(`up in ${url}`, async () => ((await (await fetch(`${url}/api/v1/query?query=up`)).json()) as { data: { result: unknown[] } }).data.result.length === 1, 20_000);
    }
  }, 60_000);

  afterAll(async () => {
    await env?.stop();
    vm?.child.kill('SIGTERM');
    await prom?.stop();
    plain?.close();
    hang?.closeAllConnections();
    hang?.close();
  });

  const byId = (d: PrometheusDiscovery) => new Map(d.candidates.map((c) => [c.id, c]));

  it('finds each candidate, verifies it, and says why the others are rejected', async () => {
    const d = await env.client.call('prometheus.discover', { context: CTX });
    const c = byId(d);
    expect(c.get('service:monitoring/prometheus:http/')).toMatchObject({ status: 'ok', flavor: 'prometheus', targets: 1, version: expect.stringMatching(/^2\./), foundBy: expect.arrayContaining(['label app.kubernetes.io/name=prometheus (Helm prometheus chart, kube-prometheus)']) });
    expect(c.get('service:vm/vmselect-main:http/select/0/prometheus')).toMatchObject({ status: 'ok', flavor: 'victoriametrics', pathPrefix: '/select/0/prometheus' });
    expect(c.get('service:monitoring/prometheus-operated:web/')).toMatchObject({ status: 'rejected', rejection: 'no-endpoints', message: expect.stringMatching(/no ready endpoints/) });
    expect(c.get('service:grafana/prometheus-k8s:http/')).toMatchObject({ status: 'rejected', rejection: 'not-prometheus', foundBy: ['well-known name prometheus-k8s (kube-prometheus, OpenShift)'], message: expect.stringMatching(/HTML page/) });
    expect(c.get('service:slow/prometheus:http/')).toMatchObject({ status: 'rejected', rejection: 'timeout', message: 'no answer within 2 s' });
    expect(c.get('service:lens-metrics/prometheus:http/')).toMatchObject({ status: 'rejected', rejection: 'unreachable' });
    expect([...c.keys()].some((id) => id.includes('alertmanager'))).toBe(false);
    // Two answer: the query layer ranks first, and the user is asked to pick.
    expect(d.candidates[0]!.id).toBe('service:vm/vmselect-main:http/select/0/prometheus');
    expect(d).toMatchObject({ selection: 'ranked', ambiguous: true, selected: 'service:vm/vmselect-main:http/select/0/prometheus' });
    expect(d.explanation).toMatch(/2 answer; using service:vm\/vmselect-main/);
    // Rejected ones come last.
    expect(d.candidates.slice(2).every((x) => x.status === 'rejected')).toBe(true);
  });

  it('names the missing services/proxy permission', async () => {
    const d = await env.client.call('prometheus.discover', { context: `${CTX}-noproxy` });
    const c = byId(d).get('service:monitoring/prometheus:http/');
    expect(c).toMatchObject({ status: 'rejected', rejection: 'forbidden' });
    expect(c!.message).toMatch(/403 Forbidden: not allowed to get services\/proxy in namespace "monitoring" \(RBAC: ask for "get" on "services\/proxy"\)/);
    expect(d.selection).toBe('none');
    const err = (await env.client.call('prometheus.query', { context: `${CTX}-noproxy`, query: 'up' }).catch((e: unknown) => e)) as ClientError;
    expect(err.code).toBe('NOT_FOUND');
    expect((err.details as PrometheusErrorDetails).errorType).toBe('no_prometheus');
  });

  it('remembers the user\'s pick across restarts; checks a manual Service or URL before keeping it', async () => {
    const picked = await env.client.call('prometheus.select', { context: CTX, choice: { candidate: 'service:monitoring/prometheus:http/' } });
    expect(picked).toMatchObject({ selection: 'user', ambiguous: false, selected: 'service:monitoring/prometheus:http/' });
    expect(JSON.parse(readFileSync(join(dataDir, 'settings.json'), 'utf8'))).toEqual({ [`prometheus:${CTX}`]: { kind: 'candidate', id: 'service:monitoring/prometheus:http/' } });
    // A rejected candidate cannot be picked; the reason is given.
    const bad = (await env.client.call('prometheus.select', { context: CTX, choice: { candidate: 'service:slow/prometheus:http/' } }).catch((e: unknown) => e)) as ClientError;
    expect(bad.code).toBe('BAD_INPUT');
    expect(bad.message).toMatch(/does not answer: no answer within 2 s/);

    // A second backend on the same data directory starts with the choice.
    const again = await startBackendOnSandbox({ backend: { dataDir } });
    try {
      // (another API server, same context name: the remembered id is not there)
      const d = await again.client.call('prometheus.discover', { context: CTX });
      expect(d.explanation).toMatch(/Your choice service:monitoring\/prometheus:http\/ is no longer found/);
    } finally {
      await again.stop();
    }

    const manual = await env.client.call('prometheus.select', { context: CTX, choice: { service: 'vm/vmselect-main:8481/select/0/prometheus/' } });
    expect(manual).toMatchObject({ selection: 'manual', selected: 'service:vm/vmselect-main:8481/select/0/prometheus' });
    expect(manual.candidates[0]).toMatchObject({ id: 'service:vm/vmselect-main:8481/select/0/prometheus', status: 'ok', foundBy: ['manual override'] });
    const direct = await env.client.call('prometheus.select', { context: CTX, choice: { url: `${prom.url}/` } });
    expect(direct).toMatchObject({ selection: 'manual', selected: `url:${prom.url}` });
    await expect(env.client.call('prometheus.query', { context: CTX, query: 'vector(7)' })).resolves.toMatchObject({ resultType: 'vector', samples: [{ v: 7 }] });

    for (const [choice, message] of [
      [{ url: 'ftp://x:21' }, /only http and https/],
      [{ url: 'http://u:p@host:9090' }, /credentials in the URL are not supported/],
      [{ url: 'not a url' }, /is not a URL/],
      [{ service: 'monitoring' }, /expected namespace\/name\[:port\]/],
      [{ service: 'monitoring/Prom:9090' }, /"Prom" is not a valid Service name/],
      [{ service: 'monitoring/prometheus:99999' }, /not a port number/],
      [{ service: 'grafana/prometheus-k8s:3000' }, /does not answer as Prometheus: answered 200 with an HTML page/],
    ] as const) {
      const e = (await env.client.call('prometheus.select', { context: CTX, choice }).catch((x: unknown) => x)) as ClientError;
      expect(e.code, JSON.stringify(choice)).toBe('BAD_INPUT');
      expect(e.message).toMatch(message);
    }
    await env.client.call('prometheus.select', { context: CTX, choice: { candidate: 'service:monitoring/prometheus:http/' } });
  });

  it('answers query_range in columns, with the step chosen and aligned', async () => {
    const now = Math.floor(Date.now() / 1000);
    const r: PromRange = await env.client.call('prometheus.queryRange', { context: CTX, query: 'up', start: now - 60, end: now, maxPoints: 31 });
    expect(r.step).toBe(2); // 60 s / 30 intervals
    expect(r.start % 2).toBe(0);
    expect(r.series).toHaveLength(1);
    expect(r.series[0]!.metric).toMatchObject({ __name__: 'up', job: 'prometheus' });
    expect(r.series[0]!.v.every((v) => v === 1)).toBe(true);
    expect(r.series[0]!.t.every((t, i, ts) => i === 0 || t - ts[i - 1]! === 2)).toBe(true);
    // An explicit step that would exceed 11,000 points is raised (Prometheus would refuse it).
    const week = await env.client.call('prometheus.queryRange', { context: CTX, query: 'vector(1)', start: now - 7 * 86400, end: now, step: 1 });
    expect(week.step).toBe(60);
    expect(week.series[0]!.t.length).toBeLessThanOrEqual(11_000);
  });

  it('answers instant queries, series, labels, label values and metadata', async () => {
    const q = await env.client.call('prometheus.query', { context: CTX, query: 'up' });
    expect(q).toMatchObject({ resultType: 'vector', samples: [{ metric: { job: 'prometheus' }, v: 1 }] });
    expect(await env.client.call('prometheus.query', { context: CTX, query: 'scalar(vector(+Inf))' })).toMatchObject({ resultType: 'scalar', v: '+Inf' });
    const series = await env.client.call('prometheus.series', { context: CTX, match: ['up'] });
    expect(series).toEqual([expect.objectContaining({ __name__: 'up', job: 'prometheus' })]);
    expect(await env.client.call('prometheus.labels', { context: CTX })).toEqual(expect.arrayContaining(['__name__', 'job', 'instance']));
    const names = await env.client.call('prometheus.labelValues', { context: CTX, label: '__name__' });
    expect(names).toEqual(expect.arrayContaining(['up', 'prometheus_build_info']));
    expect(await env.client.call('prometheus.labelValues', { context: CTX, label: '__name__', limit: 3 })).toHaveLength(3);
    const meta = await env.client.call('prometheus.metadata', { context: CTX, metric: 'prometheus_http_requests_total' });
    expect(meta.prometheus_http_requests_total?.[0]).toMatchObject({ type: 'counter', help: expect.any(String) });
  });

  it('returns Prometheus errors typed, with the position of parse errors', async () => {
    const query = 'sum(rate(\n  prometheus_http_requests_total[5m]) by (code';
    const err = (await env.client.call('prometheus.queryRange', { context: CTX, query, start: 1000, end: 2000 }).catch((e: unknown) => e)) as ClientError;
    expect(err.code).toBe('BAD_INPUT');
    const d = err.details as PrometheusErrorDetails;
    expect(d).toMatchObject({ source: 'prometheus', errorType: 'bad_data', status: 400, candidate: 'service:monitoring/prometheus:http/' });
    expect(d.message).toMatch(/^2:\d+: parse error/);
    expect(d.position!.line).toBe(2);
    expect(query.slice(d.position!.offset)).toBe(query.slice(query.indexOf('\n') + d.position!.column));
    const exec = (await env.client.call('prometheus.query', { context: CTX, query: '{__name__=~"prometheus_http.*"} * on() group_left() {__name__=~"prometheus_http.*"}' }).catch((e: unknown) => e)) as ClientError;
    expect(exec.code).toBe('BAD_INPUT');
    expect(exec.details).toMatchObject({ errorType: 'execution', status: 422, message: expect.stringMatching(/many-to-many|multiple matches/) });
  });

  it('gives up on a query when the caller aborts, and times out a Prometheus that stops answering', async () => {
    process.kill(prom.pid, 'SIGSTOP'); // frozen: accepts connections, answers nothing
    try {
      const controller = new AbortController();
      const t0 = Date.now();
      const pending = env.client.call('prometheus.query', { context: CTX, query: 'up' }, { signal: controller.signal });
      setTimeout(() => controller.abort(), 200);
      const cancelled = (await pending.catch((e: unknown) => e)) as ClientError;
      expect(cancelled.code).toBe('CANCELLED');
      expect(Date.now() - t0).toBeLessThan(1500);
      const t1 = Date.now();
      const err = (await env.client.call('prometheus.query', { context: CTX, query: 'up', timeoutS: 1 }).catch((e: unknown) => e)) as ClientError;
      const waited = Date.now() - t1;
      expect(err.code).toBe('UNAVAILABLE');
      // Prometheus is told 1 s; we wait 2 s more for its answer to travel.
      expect(err.details).toMatchObject({ source: 'prometheus', errorType: 'timeout', message: 'no answer within 3 s' });
      expect(waited).toBeGreaterThanOrEqual(2900);
      expect(waited).toBeLessThan(8000);
    } finally {
      process.kill(prom.pid, 'SIGCONT');
    }
    await expect(env.client.call('prometheus.query', { context: CTX, query: 'vector(2)' })).resolves.toMatchObject({ samples: [{ v: 2 }] });
  });

  it('says Prometheus is unavailable when it goes away, and finds it again when it is back', async () => {
    const port = prom.port;
    await prom.stop();
    const err = (await env.client.call('prometheus.query', { context: CTX, query: 'up' }).catch((e: unknown) => e)) as ClientError;
    expect(err.code).toBe('UNAVAILABLE');
    expect(err.details).toMatchObject({ errorType: 'unavailable', message: expect.stringMatching(/could not reach service monitoring\/prometheus|error trying to reach service/) });
    const restarted = await startPrometheus({ log: () => {}, scrapeIntervalSeconds: 1, port });
    if (!restarted.available) throw new Error('prometheus did not restart');
    prom = restarted;
    await expect.poll(async () => (await env.client.call('prometheus.query', { context: CTX, query: 'vector(1)' }).catch(() => undefined))?.resultType, { timeout: 15_000 }).toBe('vector');
  });
});
