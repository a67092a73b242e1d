// Where a Prometheus might be, from the cluster's Services and Pods: the labels of the common
// installs, the well-known names, VictoriaMetrics (with its path prefixes) and Thanos query.
// Pure: the lists come in, candidates with the reasons they were picked come out.
import type { PrometheusFlavor } from '../../../contract/metrics-types';
import type { KubeObject } from '../../kube/cache/types';
import type { PromLocation } from './endpoint';

export interface CandidateSpec {
  location: PromLocation;
  flavor: PrometheusFlavor;
  foundBy: string[];
  /** Query layers (Thanos query, VictoriaMetrics) see more than one Prometheus: preferred. */
  tier: 'query-layer' | 'server' | 'pod';
  /** Lower is more typical of a cluster's main Prometheus (used to break ties). */
  preference: number;
}

interface Rule {
  why: string;
  flavor: PrometheusFlavor;
  tier: 'query-layer' | 'server';
  preference: number;
  pathPrefix?: string;
  match(labels: Record<string, string>, name: string, namespace: string): boolean;
}

type Labels = Record<string, string>;
const is = (labels: Labels, key: string, value: string) => labels[key] === value;
/** The Prometheus chart labels alertmanager, pushgateway... with app=prometheus too. */
const serverComponent = (labels: Labels) => {
  const c = labels['app.kubernetes.io/component'] ?? labels.component;
  return c === undefined || c === 'server' || c === 'prometheus';
};

const VMSELECT_PREFIX = '/select/0/prometheus';

export const rules: Rule[] = [
  { why: 'label app.kubernetes.io/name=thanos-query (Thanos query)', flavor: 'thanos', tier: 'query-layer', preference: 0, match: (l) => is(l, 'app.kubernetes.io/name', 'thanos-query') || (is(l, 'app.kubernetes.io/name', 'thanos') && is(l, 'app.kubernetes.io/component', 'query')) },
  { why: 'well-known name thanos-querier / thanos-query (Thanos query)', flavor: 'thanos', tier: 'query-layer', preference: 1, match: (_l, n) => /^thanos-quer(y|ier)$|-thanos-query$/.test(n) },
  { why: 'VictoriaMetrics vmselect (path /select/0/prometheus)', flavor: 'victoriametrics', tier: 'query-layer', preference: 0, pathPrefix: VMSELECT_PREFIX, match: (l, n) => is(l, 'app.kubernetes.io/name', 'vmselect') || is(l, 'app', 'vmselect') || /^vmselect-/.test(n) },
  { why: 'VictoriaMetrics single-node (vmsingle)', flavor: 'victoriametrics', tier: 'query-layer', preference: 0, match: (l, n) => is(l, 'app.kubernetes.io/name', 'vmsingle') || is(l, 'app.kubernetes.io/name', 'victoria-metrics-single') || /^vmsingle-/.test(n) },
  { why: 'label operated-prometheus=true (prometheus-operator, kube-prometheus-stack)', flavor: 'prometheus', tier: 'server', preference: 0, match: (l) => is(l, 'operated-prometheus', 'true') },
  { why: 'label app=kube-prometheus-stack-prometheus (kube-prometheus-stack)', flavor: 'prometheus', tier: 'server', preference: 1, match: (l) => is(l, 'app', 'kube-prometheus-stack-prometheus') },
  { why: 'well-known name prometheus-operated (prometheus-operator)', flavor: 'prometheus', tier: 'server', preference: 1, match: (_l, n) => n === 'prometheus-operated' },
  { why: 'well-known name prometheus-k8s (kube-prometheus, OpenShift)', flavor: 'prometheus', tier: 'server', preference: 1, match: (_l, n) => n === 'prometheus-k8s' },
  { why: 'label app.kubernetes.io/name=prometheus (Helm prometheus chart, kube-prometheus)', flavor: 'prometheus', tier: 'server', preference: 2, match: (l) => is(l, 'app.kubernetes.io/name', 'prometheus') && serverComponent(l) },
  { why: 'label app=prometheus', flavor: 'prometheus', tier: 'server', preference: 3, match: (l) => is(l, 'app', 'prometheus') && serverComponent(l) },
  { why: 'well-known name lens-metrics/prometheus (Lens metrics)', flavor: 'prometheus', tier: 'server', preference: 2, match: (_l, n, ns) => ns === 'lens-metrics' && n === 'prometheus' },
  { why: 'well-known name prometheus-server (Helm prometheus chart)', flavor: 'prometheus', tier: 'server', preference: 3, match: (_l, n) => n === 'prometheus-server' },
];

interface ServicePort {
  name?: string;
  port?: number;
  targetPort?: number | string;
}

const PREFERRED_PORT_NAMES = ['web', 'http', 'http-web', 'http-query', 'https', 'https-web'];
const PREFERRED_PORTS = [9090, 10902, 8481, 8428, 8429, 9091, 80, 443];
/** Ports that are never the query API (gRPC store API, config reloaders, exporters). */
const NOT_HTTP = /grpc|reloader|metrics|cluster|mesh|tcp/i;

/** The port to proxy to: a conventional name, else a conventional number, else the first
 *  plausible one. Returned as the proxy path wants it (name when named). */
export function pickPort(ports: ServicePort[]): { port: string; https: boolean } | undefined {
  const usable = ports.filter((p) => !NOT_HTTP.test(p.name ?? ''));
  const byName = PREFERRED_PORT_NAMES.map((n) => usable.find((p) => p.name === n)).find(Boolean);
  const byNumber = PREFERRED_PORTS.map((n) => usable.find((p) => p.port === n)).find(Boolean);
  const chosen = byName ?? byNumber ?? usable[0];
  if (!chosen) return undefined;
  const https = /^https/.test(chosen.name ?? '') || chosen.port === 443;
  return { port: chosen.name || String(chosen.port ?? ''), https };
}

function matchingRules(labels: Labels, name: string, namespace: string): Rule[] {
  return rules.filter((r) => r.match(labels, name, namespace));
}

function specFrom(via: 'service' | 'pod', namespace: string, name: string, ports: ServicePort[], matched: Rule[]): CandidateSpec | undefined {
  const port = pickPort(ports);
  // Only gRPC or exporter ports (e.g. a thanos-query-grpc Service): nothing to query there.
  if (ports.length > 0 && !port) return undefined;
  const best = matched.reduce((a, b) => (a.tier === b.tier ? (a.preference <= b.preference ? a : b) : a.tier === 'query-layer' ? a : b));
  return {
    location: {
      via,
      namespace,
      name,
      ...(port ? { port: port.port } : {}),
      ...(port?.https ? { scheme: 'https' as const } : {}),
      pathPrefix: matched.find((r) => r.pathPrefix)?.pathPrefix ?? '',
    },
    flavor: best.flavor,
    foundBy: matched.map((r) => r.why),
    tier: via === 'pod' ? 'pod' : best.tier,
    preference: best.preference,
  };
}

const selectorMatches = (selector: Labels | undefined, labels: Labels | undefined) =>
  !!selector && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels?.[k] === v);

/** Candidates from Services, and from Pods that no candidate Service selects (a Prometheus
 *  without a Service is reached through pods/proxy). */
export function findCandidates(services: KubeObject[], pods: KubeObject[]): CandidateSpec[] {
  const out: CandidateSpec[] = [];
  const allServices = services.map((s) => ({ ns: s.metadata.namespace ?? '', selector: (s.spec as { selector?: Labels } | undefined)?.selector }));
  for (const svc of services) {
    const { name = '', namespace = '', labels = {} } = svc.metadata;
    const spec = svc.spec as { ports?: ServicePort[]; type?: string } | undefined;
    if (spec?.type === 'ExternalName') continue;
    const matched = matchingRules(labels, name, namespace);
    if (!matched.length) continue;
    const c = specFrom('service', namespace, name, spec?.ports ?? [], matched);
    if (c) out.push(c);
  }
  for (const pod of pods) {
    const { name = '', namespace = '', labels = {} } = pod.metadata;
    if ((pod.status as { phase?: string } | undefined)?.phase !== 'Running') continue;
    const matched = matchingRules(labels, '', namespace).filter((r) => !r.why.startsWith('well-known name'));
    if (!matched.length) continue;
    if (allServices.some((s) => s.ns === namespace && selectorMatches(s.selector, labels))) continue;
    const containers = (pod.spec as { containers?: Array<{ ports?: Array<{ name?: string; containerPort?: number }> }> } | undefined)?.containers ?? [];
    const ports = containers.flatMap((c) => c.ports ?? []).map((p) => ({ name: p.name, port: p.containerPort }));
    const c = specFrom('pod', namespace, name, ports, matched);
    if (c) out.push(c);
  }
  return out;
}

/** Label selectors that find the candidate Pods (the API server evaluates them). */
export const podSelectors = ['app.kubernetes.io/name in (prometheus,thanos-query,vmsingle,vmselect,victoria-metrics-single)', 'app in (prometheus,vmselect)'];

/** Where to look when Services cannot be listed cluster-wide. */
export const wellKnownServices: Array<{ namespace: string; name: string }> = [
  { namespace: 'monitoring', name: 'prometheus-operated' },
  { namespace: 'monitoring', name: 'prometheus-k8s' },
  { namespace: 'monitoring', name: 'prometheus' },
  { namespace: 'monitoring', name: 'prometheus-server' },
  { namespace: 'prometheus', name: 'prometheus-server' },
  { namespace: 'prometheus', name: 'prometheus-operated' },
  { namespace: 'lens-metrics', name: 'prometheus' },
  { namespace: 'openshift-monitoring', name: 'thanos-querier' },
  { namespace: 'openshift-monitoring', name: 'prometheus-k8s' },
];
