// serviceaccount-controller and root-ca-cert-publisher: every namespace gets a `default`
// ServiceAccount and the `kube-root-ca.crt` ConfigMap, as on a real cluster.
import type { Store } from '../apiserver/store';

export class NamespaceDefaults {
  private readonly unwatch: () => void;

  constructor(
    private readonly store: Store,
    private readonly caPem: () => string,
  ) {
    this.unwatch = store.watch('namespaces', {}, (ev) => {
      if (ev.type !== 'ADDED') return;
      const ns = ev.object.metadata.name!;
      setImmediate(() => this.ensure(ns));
    });
  }

  private ensure(ns: string): void {
    const nsObj = this.store.get('namespaces', undefined, ns);
    if (!nsObj || nsObj.metadata.deletionTimestamp) return;
    try {
      if (!this.store.get('serviceaccounts', ns, 'default')) this.store.create('serviceaccounts', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: ns } });
      if (!this.store.get('configmaps', ns, 'kube-root-ca.crt')) {
        this.store.create('configmaps', {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'kube-root-ca.crt', namespace: ns, annotations: { 'kubernetes.io/description': 'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.' } },
          data: { 'ca.crt': this.caPem() },
        });
      }
    } catch {
      /* namespace terminating */
    }
  }

  stop(): void {
    this.unwatch();
  }
}
