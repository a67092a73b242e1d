// The "cluster" of bench/prometheus.bench.ts, in its own process (a real cluster's API server is
// elsewhere too): the sandbox API server with Service monitoring/prometheus and its Endpoints,
// whose services/proxy reaches the Prometheus on PROM_PORT. Writes KUBECONFIG, then says ready.
import { startApiServer, writeKubeconfig } from '../src-main/sandbox/apiserver';

const promPort = Number(process.env.PROM_PORT);
const kubeconfig = process.env.KUBECONFIG_OUT!;
const labels = { 'app.kubernetes.io/name': 'prometheus', 'app.kubernetes.io/component': 'server' };

const server = await startApiServer({ proxy: { podAddress: (pod) => (pod.metadata.name === 'prometheus-server-0' ? { host: '127.0.0.1', port: promPort } : undefined) } });
const store = server.store;
store.create('namespaces', { metadata: { name: 'monitoring' } });
const pod = store.create('pods', {
  metadata: { name: 'prometheus-server-0', namespace: 'monitoring', labels },
  spec: { nodeName: 'node-1', containers: [{ name: 'prometheus', image: 'prom/prometheus', ports: [{ name: 'http', containerPort: 9090 }] }] },
  status: { phase: 'Running', podIP: '10.244.0.9' },
} as never);
store.create('services', { metadata: { name: 'prometheus', namespace: 'monitoring', labels }, spec: { selector: labels, ports: [{ name: 'http', port: 9090, targetPort: 9090 }] } } as never);
store.create('endpoints', {
  metadata: { name: 'prometheus', namespace: 'monitoring' },
  subsets: [{ addresses: [{ ip: '10.244.0.9', targetRef: { kind: 'Pod', namespace: 'monitoring', name: 'prometheus-server-0', uid: pod.metadata.uid } }], ports: [{ name: 'http', port: 9090 }] }],
} as never);
writeKubeconfig(kubeconfig, server);
console.log('cluster ready');
process.once('SIGTERM', () => void server.stop().then(() => process.exit(0)));
