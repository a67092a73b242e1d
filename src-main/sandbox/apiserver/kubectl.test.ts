// Drives the real kubectl against the sandbox API server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startFakeRuntime, startHarness, seedShop, WEB_POD, type FakeRuntime, type Harness } from './testkit';
import { ContainerLogBuffer } from './logs';
import { writeFileSync } from 'node:fs';

let h: Harness;
let rt: FakeRuntime;
const VIEWER = 'orrery-sandbox-viewer';

beforeAll(async () => {
  rt = await startFakeRuntime();
  h = await startHarness({ logs: rt.logs, proxy: rt.proxy, metrics: rt.metrics });
  seedShop(h.server.store);
  const buf = new ContainerLogBuffer();
  for (let i = 1; i <= 5; i++) buf.append(`{"level":"info","message":"request ${i}"}`);
  rt.logs.buffers.set(`shop/${WEB_POD}/web`, buf);
});

afterAll(async () => {
  await h?.server.stop();
  await rt?.close();
});

async function ok(args: string[], context?: string): Promise<string> {
  const r = await h.kubectl(args, context ? { context } : {});
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

describe('kubectl against the sandbox', () => {
  it('get pods -A and -o wide show kube-apiserver columns', async () => {
    const all = await ok(['get', 'pods', '-A']);
    expect(all).toMatch(/^NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\n/);
    expect(all).toMatch(new RegExp(`shop\\s+${WEB_POD}\\s+1/1\\s+Running\\s+0\\s+\\d+s`));
    const wide = await ok(['get', 'pods', '-n', 'shop', '-o', 'wide']);
    expect(wide).toMatch(/NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES/);
    expect(wide).toMatch(/10\.244\.0\.5\s+sandbox-node-1\s+<none>\s+<none>/);
    const deps = await ok(['get', 'deploy', '-n', 'shop']);
    expect(deps).toMatch(/NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\nweb\s+1\/1\s+1\s+1\s+/);
    const svc = await ok(['get', 'svc', '-n', 'shop']);
    expect(svc).toMatch(/web\s+ClusterIP\s+10\.\d+\.\d+\.\d+\s+<none>\s+80\/TCP/);
    const json = JSON.parse(await ok(['get', 'pod', WEB_POD, '-n', 'shop', '-o', 'json']));
    expect(json.spec.restartPolicy).toBe('Always');
  });

  it('api-resources lists the served kinds', async () => {
    const out = await ok(['api-resources']);
    expect(out).toMatch(/deployments\s+deploy\s+apps\/v1\s+true\s+Deployment/);
    expect(out).toMatch(/pods\s+po\s+v1\s+true\s+Pod/);
    expect(out).toMatch(/pods\s+metrics\.k8s\.io\/v1beta1\s+true\s+PodMetrics/);
    expect(out).toMatch(/horizontalpodautoscalers\s+hpa\s+autoscaling\/v2\s+true\s+HorizontalPodAutoscaler/);
  });

  it('describe pod shows the pod, its container and events', async () => {
    const out = await ok(['describe', 'pod', WEB_POD, '-n', 'shop']);
    expect(out).toMatch(new RegExp(`Name:\\s+${WEB_POD}`));
    expect(out).toMatch(/Namespace:\s+shop/);
    expect(out).toMatch(/Node:\s+sandbox-node-1\/127\.0\.0\.1/);
    expect(out).toMatch(/Status:\s+Running/);
    expect(out).toMatch(/Controlled By:\s+ReplicaSet\/web-7d4b9c8f6/);
    expect(out).toMatch(/Image:\s+orrery\/service:web/);
    expect(out).toMatch(/Normal\s+Started\s+\S+\s+kubelet\s+Started container web/);
  });

  it('describe deployment and node work', async () => {
    const d = await ok(['describe', 'deployment', 'web', '-n', 'shop']);
    expect(d).toMatch(/StrategyType:\s+RollingUpdate/);
    expect(d).toMatch(/NewReplicaSet:\s+web-7d4b9c8f6/);
    const n = await ok(['describe', 'node', 'sandbox-node-1']);
    expect(n).toMatch(/Non-terminated Pods:\s+\(1 in total\)/);
  });

  it('get pods -w prints a line for a change', async () => {
    const child = h.spawnKubectl(['get', 'pods', '-n', 'shop', '-w']);
    let out = '';
    const seen = (re: RegExp) =>
      new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`timed out waiting for ${re}; got:\n${out}`)), 15_000);
        const check = () => {
          if (re.test(out)) {
            clearTimeout(t);
            resolve();
          }
        };
        child.stdout!.on('data', (d) => {
          out += d;
          check();
        });
        check();
      });
    try {
      await seen(new RegExp(WEB_POD));
      h.server.store.create('pods', { metadata: { name: 'watch-me', namespace: 'shop' }, spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] } });
      await seen(/watch-me\s+0\/1\s+Pending\s+0/);
    } finally {
      child.kill();
    }
    h.server.store.delete('pods', 'shop', 'watch-me');
  });

  it('logs: tail, timestamps and follow until the container stops', async () => {
    const tail = await ok(['logs', WEB_POD, '-n', 'shop', '--tail=2']);
    expect(tail).toBe('{"level":"info","message":"request 4"}\n{"level":"info","message":"request 5"}\n');
    const ts = await ok(['logs', WEB_POD, '-n', 'shop', '--tail=1', '--timestamps']);
    expect(ts).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z \{"level":"info","message":"request 5"\}\n$/);
    const buf = new ContainerLogBuffer();
    buf.append('first');
    rt.logs.buffers.set(`shop/${WEB_POD}/web`, buf);
    const child = h.spawnKubectl(['logs', '-f', WEB_POD, '-n', 'shop']);
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    const exited = new Promise<number>((r) => child.on('exit', (c) => r(c ?? -1)));
    await new Promise((r) => setTimeout(r, 800));
    buf.append('second');
    await new Promise((r) => setTimeout(r, 200));
    buf.stop();
    expect(await exited).toBe(0);
    expect(out).toBe('first\nsecond\n');
  });

  it('top pods and get --raw metrics.k8s.io', async () => {
    const raw = JSON.parse(await ok(['get', '--raw', '/apis/metrics.k8s.io/v1beta1/pods']));
    expect(raw.kind).toBe('PodMetricsList');
    expect(raw.items[0].metadata.name).toBe(WEB_POD);
    expect(raw.items[0].containers[0].usage).toEqual({ cpu: '12500000n', memory: '49152Ki' });
    const top = await ok(['top', 'pods', '-n', 'shop']);
    expect(top).toMatch(new RegExp(`${WEB_POD}\\s+13m\\s+48Mi`));
    const nodes = await ok(['top', 'nodes']);
    expect(nodes).toMatch(/sandbox-node-1\s+750m\s+\d+%\s+3072Mi/);
  });

  it('proxies to pods and services', async () => {
    const viaPod = await ok(['get', '--raw', `/api/v1/namespaces/shop/pods/${WEB_POD}:8080/proxy/metrics?x=1`]);
    expect(viaPod).toBe('hello from upstream GET /metrics?x=1\n');
    const viaSvc = await ok(['get', '--raw', '/api/v1/namespaces/shop/services/http:web:http/proxy/api/v1/query']);
    expect(viaSvc).toBe('hello from upstream GET /api/v1/query\n');
  });

  it('rollout status, then scale deployment changes spec.replicas', async () => {
    const rollout = await ok(['rollout', 'status', 'deployment/web', '-n', 'shop', '--timeout=10s']);
    expect(rollout).toContain('deployment "web" successfully rolled out');
    const out = await ok(['scale', 'deployment', 'web', '-n', 'shop', '--replicas=3']);
    expect(out.trim()).toBe('deployment.apps/web scaled');
    expect(h.server.store.get('deployments', 'shop', 'web')!.spec.replicas).toBe(3);
  });

  it('auth can-i answers for the viewer from RBAC', async () => {
    const can = (args: string[]) => h.kubectl(['auth', 'can-i', ...args], { context: VIEWER });
    expect((await can(['delete', 'pods', '-n', 'shop'])).stdout.trim()).toBe('no');
    expect((await can(['get', 'secrets', '-n', 'shop'])).stdout.trim()).toBe('no');
    expect((await can(['list', 'pods', '-n', 'shop'])).stdout.trim()).toBe('yes');
    expect((await can(['get', 'pods', '--subresource=log', '-n', 'shop'])).stdout.trim()).toBe('yes');
    expect((await can(['update', 'deployments', '--subresource=scale', '-n', 'shop'])).stdout.trim()).toBe('no');
    expect((await h.kubectl(['auth', 'can-i', 'delete', 'pods'])).stdout.trim()).toBe('yes');
    const list = await ok(['auth', 'can-i', '--list', '-n', 'shop'], VIEWER);
    expect(list).toMatch(/pods\s+\[\]\s+\[\]\s+\[get list watch\]/);
  });

  it('denies the viewer with kube-apiserver 403 messages', async () => {
    const del = await h.kubectl(['delete', 'pod', WEB_POD, '-n', 'shop'], { context: VIEWER });
    expect(del.code).not.toBe(0);
    expect(del.stderr.trim()).toBe(
      `Error from server (Forbidden): pods "${WEB_POD}" is forbidden: User "viewer" cannot delete resource "pods" in API group "" in the namespace "shop"`,
    );
    const sec = await h.kubectl(['get', 'secrets', '-n', 'shop'], { context: VIEWER });
    expect(sec.stderr.trim()).toBe('Error from server (Forbidden): secrets is forbidden: User "viewer" cannot list resource "secrets" in API group "" in the namespace "shop"');
    const node = await h.kubectl(['delete', 'node', 'sandbox-node-1'], { context: VIEWER });
    expect(node.stderr.trim()).toBe('Error from server (Forbidden): nodes "sandbox-node-1" is forbidden: User "viewer" cannot delete resource "nodes" in API group "" at the cluster scope');
    const scale = await h.kubectl(['scale', 'deployment', 'web', '-n', 'shop', '--replicas=5'], { context: VIEWER });
    expect(scale.stderr).toContain('User "viewer" cannot patch resource "deployments/scale" in API group "apps" in the namespace "shop"');
    expect(await ok(['get', 'pods', '-n', 'shop'], VIEWER)).toContain(WEB_POD);
  });

  it('server-side dry run changes nothing', async () => {
    const manifest = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dry', namespace: 'shop' } });
    const created = await h.kubectl(['create', '-f', '-', '--dry-run=server'], { input: manifest });
    expect(created.stdout.trim()).toBe('configmap/dry created (server dry run)');
    expect(h.server.store.get('configmaps', 'shop', 'dry')).toBeUndefined();
    const before = h.server.store.get('deployments', 'shop', 'web')!.spec.replicas;
    await ok(['scale', 'deployment', 'web', '-n', 'shop', '--replicas=7', '--dry-run=server']);
    expect(h.server.store.get('deployments', 'shop', 'web')!.spec.replicas).toBe(before);
    expect((await ok(['delete', 'pod', WEB_POD, '-n', 'shop', '--dry-run=server'])).trim()).toBe(`pod "${WEB_POD}" deleted (server dry run)`);
    expect(h.server.store.get('pods', 'shop', WEB_POD)).toBeDefined();
  });

  it('delete pod removes it', async () => {
    h.server.store.create('pods', { metadata: { name: 'doomed', namespace: 'shop' }, spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] } });
    const out = await ok(['delete', 'pod', 'doomed', '-n', 'shop']);
    expect(out.trim()).toBe('pod "doomed" deleted');
    expect(h.server.store.get('pods', 'shop', 'doomed')).toBeUndefined();
  });

  it('create, label, annotate and edit-style patches go through', async () => {
    const manifest = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'from-kubectl', namespace: 'shop' }, data: { a: '1' } });
    const created = await h.kubectl(['create', '-f', '-'], { input: manifest });
    expect(created.stderr).toBe('');
    expect(created.stdout.trim()).toBe('configmap/from-kubectl created');
    await ok(['label', 'configmap', 'from-kubectl', '-n', 'shop', 'team=checkout']);
    await ok(['annotate', 'configmap', 'from-kubectl', '-n', 'shop', 'note=hi']);
    const cm = h.server.store.get('configmaps', 'shop', 'from-kubectl')!;
    expect(cm.metadata.labels).toEqual({ team: 'checkout' });
    expect(cm.metadata.annotations).toEqual({ note: 'hi' });
    await ok(['set', 'image', 'deployment/web', '-n', 'shop', 'web=orrery/service:v2']);
    const dep = h.server.store.get('deployments', 'shop', 'web')!;
    expect(dep.spec.template.spec.containers[0].image).toBe('orrery/service:v2');
    expect(dep.spec.template.spec.containers[0].env).toEqual([{ name: 'MODE', value: 'prod' }]);
    await ok(['rollout', 'restart', 'deployment/web', '-n', 'shop']);
    expect(h.server.store.get('deployments', 'shop', 'web')!.spec.template.metadata.annotations['kubectl.kubernetes.io/restartedAt']).toBeDefined();
  });

  it('apply creates then updates; edit goes through an editor', async () => {
    const manifest = (v: string) =>
      JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'applied', namespace: 'shop', labels: { v } }, data: { v } });
    const first = await h.kubectl(['apply', '-f', '-'], { input: manifest('1') });
    expect(first.stderr).toBe('');
    expect(first.stdout.trim()).toBe('configmap/applied created');
    const second = await h.kubectl(['apply', '-f', '-'], { input: manifest('2') });
    expect(second.stderr).toBe('');
    expect(second.stdout.trim()).toBe('configmap/applied configured');
    expect(h.server.store.get('configmaps', 'shop', 'applied')!.data).toEqual({ v: '2' });
    const editor = `${h.dir}/editor.sh`;
    writeFileSync(editor, '#!/bin/sh\nsed -i "s/LOG_LEVEL: info/LOG_LEVEL: debug/" "$1"\n', { mode: 0o755 });
    const edit = await h.kubectl(['edit', 'configmap', 'web-config', '-n', 'shop'], { env: { KUBE_EDITOR: editor } });
    expect(edit.stderr).toBe('');
    expect(edit.stdout.trim()).toBe('configmap/web-config edited');
    expect(h.server.store.get('configmaps', 'shop', 'web-config')!.data).toEqual({ LOG_LEVEL: 'debug' });
  });

  it('apply --server-side creates and merges (without field ownership)', async () => {
    const cm = (data: Record<string, string>) => JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ssa', namespace: 'shop' }, data });
    const first = await h.kubectl(['apply', '--server-side', '-f', '-'], { input: cm({ a: '1' }) });
    expect(first.stderr).toBe('');
    expect(first.stdout.trim()).toBe('configmap/ssa serverside-applied');
    const second = await h.kubectl(['apply', '--server-side', '-f', '-'], { input: cm({ a: '2', b: '3' }) });
    expect(second.stderr).toBe('');
    expect(h.server.store.get('configmaps', 'shop', 'ssa')!.data).toEqual({ a: '2', b: '3' });
  });

  it('logs --since, --limit-bytes and --previous behave like the kubelet', async () => {
    const buf = new ContainerLogBuffer();
    const old = new Date(Date.now() - 3600_000).toISOString().replace('Z', '000000Z'); // RFC3339Nano
    buf.append('an hour ago', old);
    buf.append('just now');
    rt.logs.buffers.set(`shop/${WEB_POD}/web`, buf);
    expect(await ok(['logs', WEB_POD, '-n', 'shop', '--since=10m'])).toBe('just now\n');
    expect(await ok(['logs', WEB_POD, '-n', 'shop', '--limit-bytes=5'])).toBe('an ho');
    const prev = await h.kubectl(['logs', WEB_POD, '-n', 'shop', '--previous']);
    expect(prev.stderr.trim()).toBe(`Error from server (BadRequest): previous terminated container "web" in pod "${WEB_POD}" not found`);
  });

  it('impersonation: admin may act as the viewer', async () => {
    expect((await h.kubectl(['auth', 'can-i', 'delete', 'pods', '-n', 'shop', '--as=viewer'])).stdout.trim()).toBe('no');
    const denied = await h.kubectl(['auth', 'can-i', 'list', 'pods', '--as=admin'], { context: VIEWER });
    expect(denied.stderr).toContain('User "viewer" cannot impersonate resource "users" in API group "" at the cluster scope');
  });

  it('get events and get all', async () => {
    expect(await ok(['get', 'events', '-n', 'shop'])).toMatch(/LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE\n.*Normal\s+Started\s+pod\/web-7d4b9c8f6-x2k9q\s+Started container web/);
    const all = await ok(['get', 'all', '-n', 'shop']);
    expect(all).toContain(`pod/${WEB_POD}`);
    expect(all).toContain('service/web');
    expect(all).toContain('deployment.apps/web');
    expect(all).toContain('replicaset.apps/web-7d4b9c8f6');
  });

  it('delete deployment cascades to its replicaset and pods', async () => {
    const out = await ok(['delete', 'deployment', 'web', '-n', 'shop']);
    expect(out.trim()).toBe('deployment.apps "web" deleted');
    await new Promise((r) => setTimeout(r, 50));
    expect(h.server.store.get('replicasets', 'shop', 'web-7d4b9c8f6')).toBeUndefined();
    expect(h.server.store.get('pods', 'shop', WEB_POD)).toBeUndefined();
  });

  it('imperative commands whose typed clients send protobuf bodies', async () => {
    const run = async (args: string[], expected: string) => {
      const r = await h.kubectl(args);
      expect(r.stderr).toBe('');
      expect(r.stdout.trim()).toBe(expected);
    };
    await run(['create', 'namespace', 'proto'], 'namespace/proto created');
    await run(['create', 'configmap', 'c1', '--from-literal=a=b', '-n', 'proto'], 'configmap/c1 created');
    await run(['create', 'secret', 'generic', 's1', '--from-literal=pw=hunter2', '-n', 'proto'], 'secret/s1 created');
    await run(['create', 'deployment', 'api', '--image=orrery/service:api', '--replicas=0', '--port=8080', '-n', 'proto'], 'deployment.apps/api created');
    await run(['expose', 'deployment', 'api', '--port=80', '--target-port=8080', '-n', 'proto'], 'service/api exposed');
    await run(['create', 'job', 'once', '--image=busybox:1.36', '-n', 'proto'], 'job.batch/once created');
    await run(['autoscale', 'deployment', 'api', '--min=1', '--max=4', '--cpu-percent=60', '-n', 'proto'], 'horizontalpodautoscaler.autoscaling/api autoscaled');
    expect(await ok(['get', 'hpa', '-n', 'proto'])).toMatch(/api\s+Deployment\/api\s+cpu: <unknown>\/60%\s+1\s+4\s+0/);
    const store = h.server.store;
    expect(store.get('configmaps', 'proto', 'c1')!.data).toEqual({ a: 'b' });
    expect(Buffer.from(store.get('secrets', 'proto', 's1')!.data.pw, 'base64').toString()).toBe('hunter2');
    const dep = store.get('deployments', 'proto', 'api')!;
    expect(dep.spec.replicas).toBe(0);
    expect(dep.spec.strategy.type).toBe('RollingUpdate');
    expect(dep.spec.template.spec.containers[0]).toMatchObject({ name: 'service', image: 'orrery/service:api', ports: [{ containerPort: 8080, protocol: 'TCP' }] });
    expect(store.get('services', 'proto', 'api')!.spec.ports).toEqual([{ port: 80, protocol: 'TCP', targetPort: 8080 }]);
    expect(store.get('jobs', 'proto', 'once')!.spec.template.spec.restartPolicy).toBe('Never');
    expect(store.get('horizontalpodautoscalers', 'proto', 'api')!.spec.metrics).toEqual([
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } },
    ]);
  });

  it('debug adds an ephemeral container through pods/ephemeralcontainers, which refuses changes and removals', async () => {
    h.server.store.create('pods', { metadata: { name: 'debuggee', namespace: 'shop' }, spec: { nodeName: 'sandbox-node-1', containers: [{ name: 'app', image: 'orrery/service:1.0' }] } });
    await ok(['debug', 'debuggee', '-n', 'shop', '--image=orrery/service:1.0', '--container=debugger', '--env=ORRERY_TASK=debug']);
    const pod = h.server.store.get('pods', 'shop', 'debuggee')!;
    expect(pod.spec.ephemeralContainers).toEqual([expect.objectContaining({ name: 'debugger', image: 'orrery/service:1.0', env: [{ name: 'ORRERY_TASK', value: 'debug' }], terminationMessagePolicy: 'File' })]);
    expect(pod.spec.containers.map((c: { name: string }) => c.name)).toEqual(['app']);
    // A second debug container is added next to the first.
    await ok(['debug', 'debuggee', '-n', 'shop', '--image=orrery/service:1.0', '--container=second']);
    expect(h.server.store.get('pods', 'shop', 'debuggee')!.spec.ephemeralContainers.map((c: { name: string }) => c.name)).toEqual(['debugger', 'second']);
    const dup = await h.kubectl(['debug', 'debuggee', '-n', 'shop', '--image=orrery/service:1.0', '--container=app']);
    expect(dup.code).not.toBe(0);
    expect(dup.stderr).toContain('spec.ephemeralContainers[2].name: Duplicate value: "app"');
    // Through the API: a removal, a change and a port are refused with kube-apiserver's messages.
    const path = '/api/v1/namespaces/shop/pods/debuggee/ephemeralcontainers';
    const removed = await api(h.server, 'PATCH', path, { body: { spec: { ephemeralContainers: [] } }, contentType: 'application/merge-patch+json' });
    expect(removed.status).toBe(422);
    expect(removed.json.message).toContain('existing ephemeral containers "debugger" may not be removed');
    const current = (await api(h.server, 'GET', path)).json;
    expect(current.kind).toBe('Pod');
    current.spec.ephemeralContainers[0].image = 'orrery/service:2.0';
    current.spec.ephemeralContainers.push({ name: 'porty', image: 'orrery/service:1.0', ports: [{ containerPort: 80 }] });
    const changed = await api(h.server, 'PUT', path, { body: current });
    expect(changed.status).toBe(422);
    expect(changed.json.message).toContain('existing ephemeral containers "debugger" may not be changed');
    expect(changed.json.message).toContain('spec.ephemeralContainers[2].ports: Forbidden: cannot be set for an Ephemeral Container');
    // The viewer may read pods but not add debug containers.
    const denied = await h.kubectl(['debug', 'debuggee', '-n', 'shop', '--image=orrery/service:1.0'], { context: VIEWER });
    expect(denied.stderr).toMatch(/forbidden: User "viewer" cannot patch resource "pods\/ephemeralcontainers"/);
  });
});
