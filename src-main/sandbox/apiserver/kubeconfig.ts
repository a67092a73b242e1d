// A kubeconfig for the sandbox: cluster with the CA inlined, one user per token, contexts
// `orrery-sandbox` (admin) and `orrery-sandbox-viewer`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { stringify } from 'yaml';

export interface KubeconfigSource {
  url: string;
  caPem: string;
  users: { name: string; token: string }[];
}

export const CLUSTER_NAME = 'orrery-sandbox';

export function kubeconfigYaml(server: KubeconfigSource, namespace = 'default'): string {
  const ca = Buffer.from(server.caPem).toString('base64');
  const ctxName = (user: string) => (user === 'admin' ? CLUSTER_NAME : `${CLUSTER_NAME}-${user}`);
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    clusters: [{ name: CLUSTER_NAME, cluster: { server: server.url, 'certificate-authority-data': ca } }],
    users: server.users.map((u) => ({ name: `${CLUSTER_NAME}-${u.name}`, user: { token: u.token } })),
    contexts: server.users.map((u) => ({ name: ctxName(u.name), context: { cluster: CLUSTER_NAME, user: `${CLUSTER_NAME}-${u.name}`, namespace } })),
    'current-context': CLUSTER_NAME,
  };
  return stringify(doc);
}

/** Write the kubeconfig (mode 0600, it holds tokens). */
export function writeKubeconfig(path: string, server: KubeconfigSource, namespace?: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, kubeconfigYaml(server, namespace), { mode: 0o600 });
}
