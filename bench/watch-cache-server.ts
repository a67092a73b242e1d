// The sandbox API server for bench/watch-cache.bench.ts, in its own process so its CPU does not
// count as Orrery's: 100,000 realistic pods (with managedFields, as a real API server returns
// them), then churn on request.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApiServer, writeKubeconfig, type KObject } from '../src-main/sandbox/apiserver';

const N = Number(process.env.PODS ?? 100_000);
const NAMESPACES = ['shop', 'payments', 'search', 'ads', 'infra', 'batch', 'ml', 'web'];
const t = '2026-01-01T00:00:00Z';

function pod(i: number) {
  const app = `svc-${i % 200}`;
  const hash = (0x7d4b9c8f + (i % 200)).toString(16);
  const name = `${app}-${hash}-${i.toString(36).padStart(5, "0")}`;
  return {
    metadata: {
      name,
      namespace: NAMESPACES[i % NAMESPACES.length],
      labels: { app, 'pod-template-hash': hash, 'app.kubernetes.io/part-of': 'constellation' },
      annotations: { 'kubectl.kubernetes.io/restartedAt': t },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${app}-${hash}`, uid: `6f1b2c3d-0000-4000-8000-${String(i % 200).padStart(12, '0')}`, controller: true, blockOwnerDeletion: true }],
      managedFields: [
        { manager: 'kube-controller-manager', operation: 'Update', apiVersion: 'v1', time: t, fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': { 'f:generateName': {}, 'f:labels': { '.': {}, 'f:app': {}, 'f:pod-template-hash': {} }, 'f:ownerReferences': { '.': {}, 'k:{"uid":"6f1b2c3d"}': {} } }, 'f:spec': { 'f:containers': { 'k:{"name":"main"}': { '.': {}, 'f:image': {}, 'f:imagePullPolicy': {}, 'f:name': {}, 'f:ports': {}, 'f:resources': {} } }, 'f:dnsPolicy': {}, 'f:restartPolicy': {}, 'f:schedulerName': {}, 'f:terminationGracePeriodSeconds': {} } } },
        { manager: 'kubelet', operation: 'Update', apiVersion: 'v1', time: t, fieldsType: 'FieldsV1', subresource: 'status', fieldsV1: { 'f:status': { 'f:conditions': { 'k:{"type":"Ready"}': { '.': {}, 'f:lastProbeTime': {}, 'f:lastTransitionTime': {}, 'f:status': {}, 'f:type': {} } }, 'f:containerStatuses': {}, 'f:hostIP': {}, 'f:phase': {}, 'f:podIP': {}, 'f:podIPs': { '.': {}, 'k:{"ip":"10.244.0.5"}': { '.': {}, 'f:ip': {} } }, 'f:startTime': {} } } },
      ],
    },
    spec: {
      nodeName: `node-${i % 500}`,
      serviceAccountName: 'default',
      containers: [
        {
          name: 'main',
          image: `registry.example.com/constellation/${app}:1.4.${i % 7}`,
          ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
          env: [{ name: 'SERVICE', value: app }, { name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: 'http://otel-collector.infra:4318' }],
          resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
          readinessProbe: { httpGet: { path: '/ready', port: 8080, scheme: 'HTTP' }, periodSeconds: 5, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 },
          volumeMounts: [{ name: 'kube-api-access-x7k2p', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true }],
        },
      ],
      volumes: [{ name: 'kube-api-access-x7k2p', projected: { defaultMode: 420, sources: [{ serviceAccountToken: { expirationSeconds: 3607, path: 'token' } }, { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } }] } }],
      tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }, { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }],
    },
    status: {
      phase: 'Running',
      hostIP: `10.0.${(i >> 8) & 255}.${i % 250}`,
      podIP: `10.244.${(i >> 8) & 255}.${i & 255}`,
      podIPs: [{ ip: `10.244.${(i >> 8) & 255}.${i & 255}` }],
      startTime: t,
      qosClass: 'Burstable',
      conditions: ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({ type, status: 'True', lastProbeTime: null, lastTransitionTime: t })),
      containerStatuses: [{ name: 'main', image: `registry.example.com/constellation/${app}:1.4.${i % 7}`, imageID: `registry.example.com/constellation/${app}@sha256:4f2a9c0d1e8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1`, containerID: `containerd://${(i * 7919).toString(16).padStart(16, '0')}`, ready: true, started: true, restartCount: 0, state: { running: { startedAt: t } } }],
    },
  };
}

const server = await startApiServer({ port: 0, storeOptions: { historySize: 50_000 } });
const dir = mkdtempSync(join(tmpdir(), 'orrery-bench-'));
const kubeconfig = join(dir, 'kubeconfig');
writeKubeconfig(kubeconfig, server);
const s = server.store;
for (const ns of NAMESPACES) s.create('namespaces', { metadata: { name: ns } });
const names: Array<[string, string]> = [];
for (let i = 0; i < N; i++) {
  const o = s.create('pods', pod(i)) as KObject;
  names.push([o.metadata.namespace!, o.metadata.name!]);
}

let seq = 0;
process.on('message', (m: { churn?: { perSecond: number; seconds: number } }) => {
  if (!m.churn) return;
  const { perSecond, seconds } = m.churn;
  const started = Date.now();
  let sent = 0;
  // Every 10 ms, catch up to perSecond * elapsed: an even 1,000 events/s.
  const timer = setInterval(() => {
    const due = Math.min(perSecond * seconds, Math.floor(((Date.now() - started) / 1000) * perSecond));
    for (; sent < due; sent++) {
      const [ns, name] = names[(seq++ * 7919) % names.length]!;
      s.patch('pods', ns, name, (d: KObject) => void (d.status.containerStatuses[0].restartCount += 1), { status: true });
    }
    if (Date.now() - started >= seconds * 1000) {
      clearInterval(timer);
      process.send?.({ churned: sent });
    }
  }, 10);
});
process.send?.({ ready: true, url: server.url, kubeconfig, caPem: server.caPem, token: server.users.find((u) => u.name === 'admin')!.token });
