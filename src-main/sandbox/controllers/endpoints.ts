// endpoint-controller and endpointslice-controller: a Service's selector picks pods; ready pods
// become addresses, the rest notReadyAddresses. Ports are the pods' real loopback ports (every
// sandbox pod listens on 127.0.0.1 with its own port), so pods with different ports land in
// different subsets / slices, as Kubernetes does when a named targetPort differs between pods.
import type { KObject, Store } from '../apiserver/store';
import type { PodNetwork } from './network';
import { WorkQueue, nsKey, splitKey } from './queue';
import { mapSelectorMatches, podReady } from './util';

const SERVICE_NAME = 'kubernetes.io/service-name';
const MANAGED_BY = 'endpointslice.kubernetes.io/managed-by';
const SLICE_MANAGER = 'endpointslice-controller.k8s.io';

interface Addr {
  pod: KObject;
  ready: boolean;
  terminating: boolean;
  ports: { name?: string; port: number; protocol: string; appProtocol?: string }[];
}

export class EndpointsController {
  private readonly queue = new WorkQueue('endpoints', (k) => this.sync(k));
  private readonly unwatch: (() => void)[] = [];

  constructor(
    private readonly store: Store,
    private readonly network: PodNetwork,
  ) {
    this.unwatch.push(store.watch('services', {}, (ev) => this.queue.add(nsKey(ev.object.metadata.namespace, ev.object.metadata.name!))));
    this.unwatch.push(
      store.watch('pods', {}, (ev) => {
        for (const s of store.list('services', { namespace: ev.object.metadata.namespace }).items) {
          if (mapSelectorMatches(s.spec?.selector, ev.object.metadata.labels)) this.queue.add(nsKey(s.metadata.namespace, s.metadata.name!));
        }
      }),
    );
    // Ports appear when containers start (after the pod object changes): resync then too.
    this.unwatch.push(
      network.onChange(() => {
        for (const s of store.list('services').items) if (s.spec?.selector) this.queue.add(nsKey(s.metadata.namespace, s.metadata.name!));
      }),
    );
  }

  private addresses(svc: KObject): Addr[] {
    const out: Addr[] = [];
    for (const pod of this.store.list('pods', { namespace: svc.metadata.namespace }).items) {
      if (!mapSelectorMatches(svc.spec.selector, pod.metadata.labels)) continue;
      if (!pod.status?.podIP || pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') continue;
      const key = nsKey(pod.metadata.namespace, pod.metadata.name!);
      const ports = [];
      for (const sp of svc.spec.ports ?? []) {
        const target = sp.targetPort ?? sp.port;
        const real = this.network.resolve(key, String(target));
        // Synthetic pods have no process: their declared port is all there is.
        const port = real?.port ?? (typeof target === 'number' ? target : declaredPort(pod, String(target)));
        if (port === undefined) continue;
        ports.push({ ...(sp.name ? { name: sp.name } : {}), port, protocol: sp.protocol ?? 'TCP', ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}) });
      }
      if (!ports.length) continue;
      out.push({ pod, ready: podReady(pod) && !pod.metadata.deletionTimestamp, terminating: !!pod.metadata.deletionTimestamp, ports });
    }
    return out;
  }

  private sync(key: string): void {
    const [ns, name] = splitKey(key);
    const svc = this.store.get('services', ns, name);
    if (!svc) return this.deleteSlices(ns!, name);
    if (!svc.spec?.selector || Object.keys(svc.spec.selector).length === 0) return; // managed by hand
    const addrs = this.addresses(svc);
    const groups = new Map<string, Addr[]>();
    for (const a of addrs) {
      const sig = JSON.stringify(a.ports);
      const g = groups.get(sig);
      if (g) g.push(a);
      else groups.set(sig, [a]);
    }
    const ref = (a: Addr) => ({ kind: 'Pod', namespace: a.pod.metadata.namespace, name: a.pod.metadata.name, uid: a.pod.metadata.uid });
    const subsets = [...groups.values()].map((g) => {
      const s: any = {};
      const ready = g.filter((a) => a.ready && !a.terminating);
      const notReady = g.filter((a) => !a.ready && !a.terminating);
      if (ready.length) s.addresses = ready.map((a) => ({ ip: a.pod.status.podIP, nodeName: a.pod.spec.nodeName, targetRef: ref(a) }));
      if (notReady.length) s.notReadyAddresses = notReady.map((a) => ({ ip: a.pod.status.podIP, nodeName: a.pod.spec.nodeName, targetRef: ref(a) }));
      s.ports = g[0]!.ports;
      return s;
    }).filter((s) => s.addresses || s.notReadyAddresses);
    const labels = { ...(svc.metadata.labels ?? {}), 'endpoints.kubernetes.io/managed-by': 'endpoint-controller' };
    const existing = this.store.get('endpoints', ns, name);
    if (existing) {
      this.store.patch('endpoints', ns, name, (d) => {
        d.metadata.labels = labels;
        if (subsets.length) d.subsets = subsets;
        else delete d.subsets;
      });
    } else {
      this.store.create('endpoints', { apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace: ns, labels }, ...(subsets.length ? { subsets } : {}) });
    }
    this.syncSlices(svc, [...groups.values()]);
  }

  private syncSlices(svc: KObject, groups: Addr[][]): void {
    const ns = svc.metadata.namespace!;
    const name = svc.metadata.name!;
    const slices = this.store.list('endpointslices', { namespace: ns, labelSelector: `${SERVICE_NAME}=${name}` }).items;
    const want = groups.length ? groups : [[]];
    const labels = { ...(svc.metadata.labels ?? {}), [SERVICE_NAME]: name, [MANAGED_BY]: SLICE_MANAGER };
    const owner = [{ apiVersion: 'v1', kind: 'Service', name, uid: svc.metadata.uid!, controller: true, blockOwnerDeletion: true }];
    const body = (g: Addr[]) => ({
      addressType: 'IPv4',
      endpoints: g.map((a) => ({
        addresses: [a.pod.status.podIP],
        conditions: { ready: a.ready && !a.terminating, serving: podReady(a.pod), terminating: a.terminating },
        nodeName: a.pod.spec.nodeName,
        targetRef: { kind: 'Pod', namespace: a.pod.metadata.namespace, name: a.pod.metadata.name, uid: a.pod.metadata.uid },
        zone: this.store.get('nodes', undefined, a.pod.spec.nodeName)?.metadata.labels?.['topology.kubernetes.io/zone'],
      })).map((e) => (e.zone ? e : { ...e, zone: undefined })),
      ports: g[0]?.ports ?? null,
    });
    const used = new Set<string>();
    want.forEach((g, i) => {
      const sig = JSON.stringify(g[0]?.ports ?? null);
      const match = slices.find((s) => !used.has(s.metadata.name!) && JSON.stringify(s.ports ?? null) === sig) ?? slices.find((s) => !used.has(s.metadata.name!) && i >= 0);
      const b = body(g);
      const clean = JSON.parse(JSON.stringify(b));
      if (match) {
        used.add(match.metadata.name!);
        this.store.patch('endpointslices', ns, match.metadata.name!, (d) => ({ ...d, ...clean, metadata: { ...d.metadata, labels } }));
      } else {
        const s = this.store.create('endpointslices', { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { generateName: `${name}-`, namespace: ns, labels, ownerReferences: owner }, ...clean });
        used.add(s.metadata.name!);
      }
    });
    for (const s of slices) if (!used.has(s.metadata.name!)) this.safeDelete('endpointslices', ns, s.metadata.name!);
  }

  private deleteSlices(ns: string, name: string): void {
    for (const s of this.store.list('endpointslices', { namespace: ns, labelSelector: `${SERVICE_NAME}=${name}` }).items) this.safeDelete('endpointslices', ns, s.metadata.name!);
    if (this.store.get('endpoints', ns, name)?.metadata.labels?.['endpoints.kubernetes.io/managed-by']) this.safeDelete('endpoints', ns, name);
  }

  private safeDelete(resource: string, ns: string, name: string): void {
    try {
      this.store.delete(resource, ns, name);
    } catch {
      /* gone */
    }
  }

  stop(): void {
    this.unwatch.forEach((u) => u());
    this.queue.stop();
  }
}

function declaredPort(pod: KObject, name: string): number | undefined {
  for (const c of pod.spec?.containers ?? []) for (const p of c.ports ?? []) if (p.name === name) return p.containerPort;
  return undefined;
}
