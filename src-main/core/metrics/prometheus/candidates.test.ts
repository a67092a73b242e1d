import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../kube/cache/types';
import { findCandidates, pickPort } from './candidates';
import { locationId } from './endpoint';

const svc = (namespace: string, name: string, labels: Record<string, string>, ports: Array<{ name?: string; port: number }>, extra: Record<string, unknown> = {}): KubeObject => ({
  metadata: { namespace, name, labels },
  spec: { selector: labels, ports, ...extra },
});
const pod = (namespace: string, name: string, labels: Record<string, string>, ports: Array<{ name?: string; containerPort: number }>): KubeObject => ({
  metadata: { namespace, name, labels },
  spec: { containers: [{ name: 'c', ports }] },
  status: { phase: 'Running' },
});

const ids = (services: KubeObject[], pods: KubeObject[] = []) => findCandidates(services, pods).map((c) => locationId(c.location));

describe('candidates', () => {
  it('kube-prometheus-stack: the Prometheus services, not alertmanager, grafana or exporters', () => {
    const found = findCandidates([
      svc('monitoring', 'kube-prometheus-stack-prometheus', { app: 'kube-prometheus-stack-prometheus', release: 'kps', 'self-monitor': 'true' }, [{ name: 'http-web', port: 9090 }, { name: 'reloader-web', port: 8080 }]),
      svc('monitoring', 'prometheus-operated', { 'operated-prometheus': 'true' }, [{ name: 'web', port: 9090 }, { name: 'grpc', port: 10901 }]),
      svc('monitoring', 'alertmanager-operated', { 'operated-alertmanager': 'true' }, [{ name: 'web', port: 9093 }]),
      svc('monitoring', 'kube-prometheus-stack-grafana', { 'app.kubernetes.io/name': 'grafana' }, [{ name: 'http-web', port: 80 }]),
      svc('monitoring', 'kube-prometheus-stack-prometheus-node-exporter', { 'app.kubernetes.io/name': 'prometheus-node-exporter' }, [{ name: 'http-metrics', port: 9100 }]),
      svc('monitoring', 'kube-prometheus-stack-kube-state-metrics', { 'app.kubernetes.io/name': 'kube-state-metrics' }, [{ name: 'http', port: 8080 }]),
    ], []);
    expect(found.map((c) => locationId(c.location))).toEqual(['service:monitoring/kube-prometheus-stack-prometheus:http-web/', 'service:monitoring/prometheus-operated:web/']);
    expect(found[1]!.foundBy).toEqual(['label operated-prometheus=true (prometheus-operator, kube-prometheus-stack)', 'well-known name prometheus-operated (prometheus-operator)']);
    expect(found[1]!.preference).toBe(0);
  });

  it('the prometheus Helm chart (new and old labels): the server, not its alertmanager or pushgateway', () => {
    expect(
      ids([
        svc('prom', 'prometheus-server', { 'app.kubernetes.io/name': 'prometheus', 'app.kubernetes.io/component': 'server' }, [{ name: 'http', port: 80 }]),
        svc('prom', 'prometheus-alertmanager', { 'app.kubernetes.io/name': 'alertmanager' }, [{ name: 'http', port: 9093 }]),
        svc('old', 'prometheus-server', { app: 'prometheus', component: 'server' }, [{ name: 'http', port: 80 }]),
        svc('old', 'prometheus-pushgateway', { app: 'prometheus', component: 'pushgateway' }, [{ name: 'http', port: 9091 }]),
        svc('old', 'prometheus-alertmanager', { app: 'prometheus', component: 'alertmanager' }, [{ name: 'http', port: 80 }]),
      ]),
    ).toEqual(['service:prom/prometheus-server:http/', 'service:old/prometheus-server:http/']);
  });

  it('VictoriaMetrics: vmselect with its /select/0/prometheus prefix, vmsingle at the root, not vminsert', () => {
    const found = findCandidates([
      svc('vm', 'vmselect-main', { 'app.kubernetes.io/name': 'vmselect' }, [{ name: 'http', port: 8481 }]),
      svc('vm', 'vmsingle-main', { 'app.kubernetes.io/name': 'vmsingle' }, [{ name: 'http', port: 8429 }]),
      svc('vm', 'vminsert-main', { 'app.kubernetes.io/name': 'vminsert' }, [{ name: 'http', port: 8480 }]),
      svc('vmc', 'vmc-victoria-metrics-cluster-vmselect', { app: 'vmselect', 'app.kubernetes.io/name': 'victoria-metrics-cluster' }, [{ name: 'http', port: 8481 }]),
    ], []);
    expect(found.map((c) => [locationId(c.location), c.flavor, c.tier])).toEqual([
      ['service:vm/vmselect-main:http/select/0/prometheus', 'victoriametrics', 'query-layer'],
      ['service:vm/vmsingle-main:http/', 'victoriametrics', 'query-layer'],
      ['service:vmc/vmc-victoria-metrics-cluster-vmselect:http/select/0/prometheus', 'victoriametrics', 'query-layer'],
    ]);
  });

  it('Thanos query on its HTTP port; a gRPC-only Service is no candidate', () => {
    expect(
      ids([
        svc('thanos', 'thanos-query', { 'app.kubernetes.io/name': 'thanos-query' }, [{ name: 'grpc', port: 10901 }, { name: 'http', port: 9090 }]),
        svc('thanos', 'thanos-query-grpc', { 'app.kubernetes.io/name': 'thanos-query' }, [{ name: 'grpc', port: 10901 }]),
        svc('bitnami', 'thanos-query', { 'app.kubernetes.io/name': 'thanos', 'app.kubernetes.io/component': 'query' }, [{ name: 'http', port: 9090 }]),
        svc('openshift-monitoring', 'thanos-querier', {}, [{ name: 'web', port: 9091 }, { name: 'tenancy', port: 9092 }]),
      ]),
    ).toEqual(['service:thanos/thanos-query:http/', 'service:bitnami/thanos-query:http/', 'service:openshift-monitoring/thanos-querier:web/']);
  });

  it('well-known names, and never ExternalName Services', () => {
    expect(
      ids([
        svc('lens-metrics', 'prometheus', {}, [{ port: 80 }]),
        svc('default', 'prometheus', {}, [{ port: 80 }]), // a name alone, elsewhere, is not enough
        svc('openshift-monitoring', 'prometheus-k8s', {}, [{ name: 'web', port: 9091 }]),
        svc('x', 'prometheus-operated', {}, [], { type: 'ExternalName', externalName: 'prom.example.com' }),
      ]),
    ).toEqual(['service:lens-metrics/prometheus:80/', 'service:openshift-monitoring/prometheus-k8s:web/']);
  });

  it('Prometheus pods without a Service are reached through pods/proxy; pods behind a candidate Service are not repeated', () => {
    const found = ids(
      [svc('monitoring', 'prometheus', { 'app.kubernetes.io/name': 'prometheus' }, [{ name: 'http', port: 9090 }])],
      [pod('monitoring', 'prometheus-0', { 'app.kubernetes.io/name': 'prometheus' }, [{ name: 'web', containerPort: 9090 }]), pod('team-a', 'prometheus-7f9c', { app: 'prometheus' }, [{ name: 'web', containerPort: 9090 }])],
    );
    expect(found).toEqual(['service:monitoring/prometheus:http/', 'pod:team-a/prometheus-7f9c:web/']);
  });

  it('picks the query port by name, then number, never gRPC or reloader ports', () => {
    expect(pickPort([{ name: 'grpc', port: 10901 }, { name: 'reloader-web', port: 8080 }, { name: 'http-web', port: 9090 }])).toEqual({ port: 'http-web', https: false });
    expect(pickPort([{ port: 8080 }, { port: 9090 }])).toEqual({ port: '9090', https: false });
    expect(pickPort([{ name: 'https', port: 443 }])).toEqual({ port: 'https', https: true });
    expect(pickPort([{ name: 'grpc', port: 10901 }])).toBeUndefined();
  });
});
