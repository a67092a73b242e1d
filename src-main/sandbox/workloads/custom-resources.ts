// Custom resources the constellation comes with, the way a cluster running cert-manager has
// them: the Certificate and ClusterIssuer CRDs (printer columns as cert-manager ships them) and
// a few objects with Ready conditions, one of them failing.
import type { KObject } from '../apiserver/store';

const PRESERVE = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
const READY = '.status.conditions[?(@.type=="Ready")]';
const AGE_DESCRIPTION =
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.';

function crd(plural: string, kind: string, scope: 'Namespaced' | 'Cluster', shortNames: string[], columns: object[]): KObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.cert-manager.io`, labels: { app: 'cert-manager', 'app.kubernetes.io/name': 'cert-manager' } },
    spec: {
      group: 'cert-manager.io',
      names: { plural, singular: kind.toLowerCase(), kind, listKind: `${kind}List`, shortNames, categories: ['cert-manager'] },
      scope,
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          subresources: { status: {} },
          schema: { openAPIV3Schema: { type: 'object', properties: { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' }, spec: PRESERVE, status: PRESERVE } } },
          additionalPrinterColumns: columns,
        },
      ],
    },
  };
}

export const CERTIFICATES = 'certificates.cert-manager.io';
export const CLUSTER_ISSUERS = 'clusterissuers.cert-manager.io';

export function constellationCrds(): KObject[] {
  return [
    crd('certificates', 'Certificate', 'Namespaced', ['cert', 'certs'], [
      { jsonPath: `${READY}.status`, name: 'Ready', type: 'string' },
      { jsonPath: '.spec.secretName', name: 'Secret', type: 'string' },
      { jsonPath: '.spec.issuerRef.name', name: 'Issuer', type: 'string', priority: 1 },
      { jsonPath: `${READY}.message`, name: 'Status', type: 'string', priority: 1 },
      { jsonPath: '.metadata.creationTimestamp', name: 'Age', type: 'date', description: AGE_DESCRIPTION },
    ]),
    crd('clusterissuers', 'ClusterIssuer', 'Cluster', ['ciss'], [
      { jsonPath: `${READY}.status`, name: 'Ready', type: 'string' },
      { jsonPath: `${READY}.message`, name: 'Status', type: 'string', priority: 1 },
      { jsonPath: '.metadata.creationTimestamp', name: 'Age', type: 'date', description: AGE_DESCRIPTION },
    ]),
  ];
}

function ready(status: 'True' | 'False', reason: string, message: string, at: string) {
  return { conditions: [{ type: 'Ready', status, reason, message, lastTransitionTime: at, observedGeneration: 1 }] };
}

/** The objects, as cert-manager would have left them (status included: created in-process). */
export function constellationCustomResources(now = new Date()): Array<{ resource: string; object: KObject }> {
  const at = new Date(now.getTime() - 3600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const certificate = (namespace: string, name: string, dnsName: string, status: object): { resource: string; object: KObject } => ({
    resource: CERTIFICATES,
    object: {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name, namespace },
      spec: { secretName: `${name}-tls`, dnsNames: [dnsName], issuerRef: { name: 'letsencrypt', kind: 'ClusterIssuer', group: 'cert-manager.io' }, privateKey: { algorithm: 'ECDSA', size: 256 } },
      status,
    },
  });
  return [
    {
      resource: CLUSTER_ISSUERS,
      object: {
        apiVersion: 'cert-manager.io/v1',
        kind: 'ClusterIssuer',
        metadata: { name: 'letsencrypt' },
        spec: { acme: { server: 'https://acme-v02.api.letsencrypt.org/directory', privateKeySecretRef: { name: 'letsencrypt-account' }, solvers: [{ http01: { ingress: { ingressClassName: 'nginx' } } }] } },
        status: { ...ready('True', 'ACMEAccountRegistered', 'The ACME account was registered with the ACME server', at), acme: { uri: 'https://acme-v02.api.letsencrypt.org/acme/acct/1234567' } },
      },
    },
    certificate('edge', 'gateway', 'shop.orrery.test', { ...ready('True', 'Ready', 'Certificate is up to date and has not expired', at), notAfter: new Date(now.getTime() + 60 * 86400_000).toISOString().replace(/\.\d{3}Z$/, 'Z'), revision: 3 }),
    certificate('edge', 'frontend', 'www.orrery.test', ready('False', 'Failed', 'The certificate request has failed to complete and will be retried: challenge for www.orrery.test failed: connection refused', at)),
    certificate('shop', 'catalog-internal', 'catalog.shop.svc', { ...ready('True', 'Ready', 'Certificate is up to date and has not expired', at), revision: 1 }),
  ];
}
