// The exporters' answers, checked against what the real exporters print: family names, HELP and
// TYPE lines, label sets and values computed from the objects and usage they describe. The
// answers must also parse: promtool (Prometheus' own parser) checks them when installed.
import { execFileSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { Store } from '../apiserver/store';
import { storeResources } from '../apiserver/resources';
import { seedShop, WEB_POD } from '../apiserver/testkit';
import { nodeObject } from '../controllers/nodes';
import { parseExposition, type PromSample } from '../workloads/test-util';
import { findPrometheusBinary } from '../workloads/prometheus';
import { CadvisorExporter, PAUSE_IMAGE, sandboxId } from './cadvisor';
import { Exposition } from './exposition';
import { kubeStateMetricsText } from './kube-state-metrics';
import { NodeLedger } from './node-ledger';
import { nodeExporterText } from './node-exporter';
import { PodStats, qosClass, type PodSample } from './pod-stats';
import { MONITORED_LABEL, MonitoredScope } from './scope';

const promtool = (() => {
  const prom = findPrometheusBinary();
  const bin = prom ? prom.replace(/prometheus$/, 'promtool') : undefined;
  try {
    if (bin) execFileSync(bin, ['--version'], { stdio: 'ignore' });
    return bin;
  } catch {
    return undefined;
  }
})();

/** Prometheus' parser accepts the text (lint remarks about real exporters' names are fine). */
function expectParses(text: string): void {
  if (!promtool) return;
  let out: string;
  try {
    out = execFileSync(promtool, ['check', 'metrics'], { input: text, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (e) {
    out = `${(e as { stdout?: string }).stdout ?? ''}${(e as { stderr?: string }).stderr ?? ''}`;
  }
  expect(out).not.toMatch(/error while linting|parse|unexpected|invalid/i);
}

function help(text: string, name: string): string | undefined {
  return new RegExp(`^# HELP ${name} (.*)$`, 'm').exec(text)?.[1];
}
function type(text: string, name: string): string | undefined {
  return new RegExp(`^# TYPE ${name} (.*)$`, 'm').exec(text)?.[1];
}
function find(samples: PromSample[], name: string, labels: Record<string, string> = {}): PromSample[] {
  return samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}

test('exposition: label values and HELP are escaped as the Go client does', () => {
  const e = new Exposition().family('m', 'gauge', 'a \\ b\nc').sample('m', [['l', 'x"y\\z\nw']], 1.5);
  expect(e.text()).toBe('# HELP m a \\\\ b\\nc\n# TYPE m gauge\nm{l="x\\"y\\\\z\\nw"} 1.5\n');
  expect(new Exposition().sample('m', [], NaN).sample('m', [], Infinity).text()).toBe('m NaN\nm +Inf\n');
});

describe('kube-state-metrics', () => {
  const store = new Store(storeResources());
  seedShop(store);
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  store.create('nodes', nodeObject('orrery-node-1'));
  store.patch('nodes', undefined, 'sandbox-node-1', (d) => {
    d.metadata.labels = { ...d.metadata.labels, [MONITORED_LABEL]: 'true' };
  });
  store.patch('pods', 'shop', WEB_POD, (d) => {
    d.spec.containers[0].resources = { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '250m', memory: '128Mi' } };
  });
  store.patch('pods', 'shop', WEB_POD, (d) => {
    d.status.containerStatuses[0].restartCount = 3;
    d.status.containerStatuses[0].lastState = { terminated: { exitCode: 137, reason: 'OOMKilled', startedAt: now, finishedAt: now } };
  }, { status: true });
  store.create('pods', {
    metadata: { name: 'crash-1', namespace: 'shop' },
    spec: { nodeName: 'orrery-node-1', containers: [{ name: 'c', image: 'orrery/service:1.0' }] },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: now }], containerStatuses: [{ name: 'c', image: 'orrery/service:1.0', imageID: '', ready: false, restartCount: 5, state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s' } } }] },
  });
  const ds = store.create('daemonsets', { metadata: { name: 'agent', namespace: 'shop' }, spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'a', image: 'x' }] } } } });
  store.patch('daemonsets', 'shop', 'agent', (d) => {
    d.status = { desiredNumberScheduled: 2, currentNumberScheduled: 2, numberReady: 1, numberAvailable: 1, numberUnavailable: 1, numberMisscheduled: 0, updatedNumberScheduled: 2, observedGeneration: 1 };
  }, { status: true });
  store.create('pods', {
    metadata: { name: 'agent-x1', namespace: 'shop', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'agent', uid: ds.metadata.uid!, controller: true }] },
    spec: { nodeName: 'sandbox-node-1', containers: [{ name: 'a', image: 'x' }] },
    status: { phase: 'Pending' },
  });
  store.create('statefulsets', { metadata: { name: 'db', namespace: 'shop' }, spec: { replicas: 3, selector: { matchLabels: { a: 'db' } }, template: { metadata: { labels: { a: 'db' } }, spec: { containers: [{ name: 'db', image: 'x' }] } } } });
  // A pod on a synthetic node outside the monitored budget is not described.
  store.create('nodes', nodeObject('orrery-scale-node-1', { synthetic: true, monitored: false }));
  store.create('pods', { metadata: { name: 'load-1', namespace: 'shop' }, spec: { nodeName: 'orrery-scale-node-1', containers: [{ name: 'app', image: 'x' }] }, status: { phase: 'Running' } });
  const scope = new MonitoredScope(store);
  const text = kubeStateMetricsText({ store, pods: () => scope.pods(), covers: (n) => scope.covers(n) });
  const s = parseExposition(text);

  test('HELP, TYPE and the [STABLE] prefix are those of kube-state-metrics', () => {
    expect(help(text, 'kube_pod_info')).toBe('[STABLE] Information about pod.');
    expect(help(text, 'kube_pod_container_resource_requests')).toBe('The number of requested request resource by a container. It is recommended to use the kube_pod_resource_requests metric exposed by kube-scheduler instead, as it is more precise.');
    expect(help(text, 'kube_pod_status_phase')).toBe('[STABLE] The pods current phase.');
    expect(help(text, 'kube_node_status_allocatable')).toBe('[STABLE] The allocatable for different resources of a node that are available for scheduling.');
    expect(help(text, 'kube_deployment_status_replicas_available')).toBe('[STABLE] The number of available replicas per deployment.');
    expect(type(text, 'kube_pod_container_status_restarts_total')).toBe('counter');
    expect(type(text, 'kube_pod_info')).toBe('gauge');
    // *_labels without an allowlist: a header and no series.
    expect(help(text, 'kube_pod_labels')).toBe('[STABLE] Kubernetes labels converted to Prometheus labels.');
    expect(find(s, 'kube_pod_labels')).toEqual([]);
    expectParses(text);
  });

  test('pods: info, owner, phase, readiness, restarts, waiting reason, requests and limits', () => {
    const pod = store.get('pods', 'shop', WEB_POD)!;
    const info = find(s, 'kube_pod_info', { pod: WEB_POD });
    expect(info).toHaveLength(1);
    expect(info[0]!.labels).toEqual({ namespace: 'shop', pod: WEB_POD, uid: pod.metadata.uid, host_ip: '127.0.0.1', pod_ip: '10.244.0.5', node: 'sandbox-node-1', created_by_kind: 'ReplicaSet', created_by_name: 'web-7d4b9c8f6', priority_class: '', host_network: 'false' });
    expect(find(s, 'kube_pod_owner', { pod: WEB_POD })[0]!.labels).toMatchObject({ owner_kind: 'ReplicaSet', owner_name: 'web-7d4b9c8f6', owner_is_controller: 'true' });
    expect(find(s, 'kube_pod_owner', { pod: 'crash-1' })[0]!.labels).toMatchObject({ owner_kind: '<none>', owner_name: '<none>', owner_is_controller: '<none>' });
    const phases = find(s, 'kube_pod_status_phase', { pod: WEB_POD });
    expect(phases.map((p) => p.labels.phase).sort()).toEqual(['Failed', 'Pending', 'Running', 'Succeeded', 'Unknown']);
    expect(phases.filter((p) => p.value === 1).map((p) => p.labels.phase)).toEqual(['Running']);
    expect(find(s, 'kube_pod_status_phase', { pod: 'agent-x1', phase: 'Pending' })[0]!.value).toBe(1);
    expect(find(s, 'kube_pod_status_ready', { pod: 'crash-1', condition: 'false' })[0]!.value).toBe(1);
    expect(find(s, 'kube_pod_status_ready', { pod: 'crash-1', condition: 'true' })[0]!.value).toBe(0);
    expect(find(s, 'kube_pod_container_status_restarts_total', { pod: WEB_POD, container: 'web' })[0]!.value).toBe(3);
    expect(find(s, 'kube_pod_container_status_last_terminated_reason', { pod: WEB_POD })[0]!.labels.reason).toBe('OOMKilled');
    expect(find(s, 'kube_pod_container_status_waiting_reason')).toEqual([{ name: 'kube_pod_container_status_waiting_reason', labels: expect.objectContaining({ pod: 'crash-1', container: 'c', reason: 'CrashLoopBackOff' }), value: 1 }]);
    expect(find(s, 'kube_pod_container_resource_requests', { pod: WEB_POD, resource: 'cpu' })[0]).toMatchObject({ labels: { unit: 'core', node: 'sandbox-node-1', container: 'web' }, value: 0.05 });
    expect(find(s, 'kube_pod_container_resource_limits', { pod: WEB_POD, resource: 'memory' })[0]).toMatchObject({ labels: { unit: 'byte' }, value: 128 * 1024 * 1024 });
    expect(find(s, 'kube_pod_info', { pod: 'load-1' })).toEqual([]);
  });

  test('nodes, workloads and namespaces', () => {
    expect(find(s, 'kube_node_status_allocatable', { node: 'orrery-node-1', resource: 'cpu' })[0]).toMatchObject({ labels: { unit: 'core' }, value: 3.8 });
    expect(find(s, 'kube_node_status_allocatable', { node: 'orrery-node-1', resource: 'ephemeral_storage' })[0]!.labels.unit).toBe('byte');
    expect(find(s, 'kube_node_status_capacity', { node: 'orrery-node-1', resource: 'pods' })[0]).toMatchObject({ labels: { unit: 'integer' }, value: 110 });
    expect(find(s, 'kube_node_status_condition', { node: 'orrery-node-1' })).toHaveLength(12);
    expect(find(s, 'kube_node_status_condition', { node: 'orrery-node-1', condition: 'Ready', status: 'true' })[0]!.value).toBe(1);
    expect(find(s, 'kube_node_info', { node: 'orrery-node-1' })[0]!.labels).toMatchObject({ kubelet_version: 'v1.32.0', container_runtime_version: 'containerd://1.7.24', internal_ip: '127.0.0.1' });
    expect(find(s, 'kube_node_info', { node: 'orrery-scale-node-1' })).toEqual([]);
    expect(find(s, 'kube_deployment_spec_replicas', { deployment: 'web' })[0]!.value).toBe(1);
    expect(find(s, 'kube_deployment_status_replicas_available', { deployment: 'web' })[0]!.value).toBe(1);
    expect(find(s, 'kube_deployment_status_condition', { deployment: 'web', condition: 'Available', status: 'true' })[0]!.value).toBe(1);
    expect(find(s, 'kube_deployment_spec_strategy_rollingupdate_max_surge', { deployment: 'web' })[0]!.value).toBe(1);
    expect(find(s, 'kube_replicaset_owner', { replicaset: 'web-7d4b9c8f6' })[0]!.labels).toMatchObject({ owner_kind: 'Deployment', owner_name: 'web', owner_is_controller: 'true' });
    expect(find(s, 'kube_namespace_status_phase', { namespace: 'shop', phase: 'Active' })[0]!.value).toBe(1);
    expect(find(s, 'kube_daemonset_status_number_unavailable', { daemonset: 'agent' })[0]!.value).toBe(1);
    expect(find(s, 'kube_statefulset_replicas', { statefulset: 'db' })[0]!.value).toBe(3);
    expect(find(s, 'kube_service_info', { service: 'web' })).toHaveLength(1);
    expect(qosClass(store.get('pods', 'shop', WEB_POD)!)).toBe('Burstable');
  });
});

describe('kube-state-metrics: cronjobs, horizontalpodautoscalers, persistentvolumeclaims', () => {
  const store = new Store(storeResources());
  store.create('namespaces', { metadata: { name: 'shop' } });
  const job = { template: { spec: { containers: [{ name: 'c', image: 'x' }], restartPolicy: 'OnFailure' } } };
  const LAST = '2025-03-10T10:07:00Z';
  store.create('cronjobs', { metadata: { name: 'report', namespace: 'shop' }, spec: { schedule: '*/15 * * * *', concurrencyPolicy: 'Forbid', suspend: false, startingDeadlineSeconds: 200, successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1, jobTemplate: { spec: job } } });
  store.patch('cronjobs', 'shop', 'report', (d) => {
    d.status = { active: [{ kind: 'Job', namespace: 'shop', name: 'report-29029567' }], lastScheduleTime: LAST, lastSuccessfulTime: '2025-03-10T09:52:10Z' };
  }, { status: true });
  store.create('cronjobs', { metadata: { name: 'yearly', namespace: 'shop' }, spec: { schedule: '@yearly', timeZone: 'Etc/UTC', suspend: false, jobTemplate: { spec: job } } });
  store.create('cronjobs', { metadata: { name: 'paused', namespace: 'shop' }, spec: { schedule: '0 * * * *', suspend: true, jobTemplate: { spec: job } } });
  store.create('horizontalpodautoscalers', {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'web', namespace: 'shop' },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
      minReplicas: 2,
      maxReplicas: 5,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } },
        { type: 'Pods', pods: { metric: { name: 'packets-per-second' }, target: { type: 'AverageValue', averageValue: '1k' } } },
        { type: 'External', external: { metric: { name: 'queue_messages' }, target: { type: 'Value', value: '250m' } } },
      ],
    },
  });
  store.patch('horizontalpodautoscalers', 'shop', 'web', (d) => {
    d.status = {
      currentReplicas: 3,
      desiredReplicas: 4,
      currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 75, averageValue: '150m' } } }],
      conditions: [
        { type: 'AbleToScale', status: 'True', reason: 'ReadyForNewScale' },
        { type: 'ScalingLimited', status: 'False', reason: 'DesiredWithinRange' },
      ],
    };
  }, { status: true });
  store.create('persistentvolumeclaims', { metadata: { name: 'data-db-0', namespace: 'shop' }, spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'standard', volumeMode: 'Filesystem', volumeName: 'pvc-0b1c', resources: { requests: { storage: '10Gi' } } } });
  store.patch('persistentvolumeclaims', 'shop', 'data-db-0', (d) => {
    d.status = { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '10Gi' }, conditions: [{ type: 'Resizing', status: 'True' }] };
  }, { status: true });
  store.create('persistentvolumeclaims', { metadata: { name: 'scratch', namespace: 'shop', annotations: { 'volume.beta.kubernetes.io/storage-class': 'fast' } }, spec: { accessModes: ['ReadWriteOnce', 'ReadOnlyMany'], storageClassName: 'standard', resources: { requests: { storage: '500M' } } } });
  store.create('persistentvolumeclaims', { metadata: { name: 'classless', namespace: 'shop' }, spec: { accessModes: ['ReadWriteMany'], resources: { requests: { storage: '1.5Gi' } } } });
  store.patch('persistentvolumeclaims', 'shop', 'classless', (d) => {
    d.status = { phase: 'Pending' };
  }, { status: true });
  const text = kubeStateMetricsText({ store, pods: () => [], covers: () => true });
  const s = parseExposition(text);
  const one = (name: string, labels: Record<string, string>) => {
    const r = find(s, name, labels);
    expect(r, `${name} ${JSON.stringify(labels)}`).toHaveLength(1);
    return r[0]!;
  };

  test('HELP texts, stability prefixes and KSM order; the answer parses', () => {
    expect(help(text, 'kube_cronjob_next_schedule_time')).toBe("[STABLE] Next time the cronjob should be scheduled. The time after lastScheduleTime, or after the cron job's creation time if it's never been scheduled. Use this to determine if the job is delayed.");
    expect(help(text, 'kube_cronjob_status_last_successful_time')).toBe('LastSuccessfulTime keeps information of when was the last time the job was completed successfully.');
    expect(help(text, 'kube_cronjob_spec_successful_job_history_limit')).toBe('Successful job history limit tells the controller how many completed jobs should be preserved.');
    expect(help(text, 'kube_horizontalpodautoscaler_spec_max_replicas')).toBe('[STABLE] Upper limit for the number of pods that can be set by the autoscaler; cannot be smaller than MinReplicas.');
    expect(help(text, 'kube_horizontalpodautoscaler_info')).toBe('Information about this autoscaler.');
    expect(help(text, 'kube_horizontalpodautoscaler_status_target_metric')).toBe('The current metric status used by this autoscaler when calculating the desired replica count.');
    expect(help(text, 'kube_persistentvolumeclaim_info')).toBe('[STABLE] Information about persistent volume claim.');
    expect(help(text, 'kube_persistentvolumeclaim_status_condition')).toBe('Information about status of different conditions of persistent volume claim.');
    expect(help(text, 'kube_persistentvolumeclaim_created')).toBe('Unix creation timestamp');
    expect(type(text, 'kube_persistentvolumeclaim_resource_requests_storage_bytes')).toBe('gauge');
    for (const kind of ['cronjob', 'horizontalpodautoscaler', 'persistentvolumeclaim']) {
      expect(help(text, `kube_${kind}_labels`)).toBe('[STABLE] Kubernetes labels converted to Prometheus labels.');
      expect(help(text, `kube_${kind}_annotations`)).toBe('Kubernetes annotations converted to Prometheus labels.');
      expect(find(s, `kube_${kind}_labels`)).toEqual([]);
    }
    // Resources alphabetically, as KSM writes them.
    const at = (n: string) => text.indexOf(`# HELP ${n} `);
    expect(at('kube_cronjob_info')).toBeLessThan(at('kube_daemonset_created'));
    expect(at('kube_deployment_created')).toBeLessThan(at('kube_horizontalpodautoscaler_info'));
    expect(at('kube_horizontalpodautoscaler_info')).toBeLessThan(at('kube_job_info'));
    expect(at('kube_node_info')).toBeLessThan(at('kube_persistentvolumeclaim_info'));
    expect(at('kube_persistentvolumeclaim_info')).toBeLessThan(at('kube_pod_info'));
    expectParses(text);
  });

  test('cronjobs: info, status times, spec, next schedule time from the sandbox cron parser', () => {
    const report = store.get('cronjobs', 'shop', 'report')!;
    expect(one('kube_cronjob_info', { cronjob: 'report' }).labels).toEqual({ namespace: 'shop', cronjob: 'report', schedule: '*/15 * * * *', concurrency_policy: 'Forbid', timezone: 'local' });
    expect(one('kube_cronjob_info', { cronjob: 'yearly' }).labels.timezone).toBe('Etc/UTC');
    expect(one('kube_cronjob_created', { cronjob: 'report' }).value).toBe(Math.floor(Date.parse(report.metadata.creationTimestamp!) / 1000));
    expect(one('kube_cronjob_status_active', { cronjob: 'report' }).value).toBe(1);
    expect(one('kube_cronjob_status_active', { cronjob: 'paused' }).value).toBe(0);
    expect(one('kube_cronjob_status_last_schedule_time', { cronjob: 'report' }).value).toBe(Date.parse(LAST) / 1000);
    expect(one('kube_cronjob_status_last_successful_time', { cronjob: 'report' }).value).toBe(Date.parse('2025-03-10T09:52:10Z') / 1000);
    expect(find(s, 'kube_cronjob_status_last_schedule_time', { cronjob: 'yearly' })).toEqual([]);
    expect(one('kube_cronjob_spec_suspend', { cronjob: 'paused' }).value).toBe(1);
    expect(one('kube_cronjob_spec_starting_deadline_seconds', { cronjob: 'report' }).value).toBe(200);
    expect(find(s, 'kube_cronjob_spec_starting_deadline_seconds', { cronjob: 'yearly' })).toEqual([]);
    expect(one('kube_cronjob_spec_successful_job_history_limit', { cronjob: 'report' }).value).toBe(3);
    expect(one('kube_cronjob_spec_failed_job_history_limit', { cronjob: 'report' }).value).toBe(1);
    expect(one('kube_cronjob_metadata_resource_version', { cronjob: 'report' }).value).toBe(Number(report.metadata.resourceVersion));
    // After lastScheduleTime when set, else after creation; none while suspended.
    expect(one('kube_cronjob_next_schedule_time', { cronjob: 'report' }).value).toBe(Date.parse('2025-03-10T10:15:00Z') / 1000);
    const created = new Date(store.get('cronjobs', 'shop', 'yearly')!.metadata.creationTimestamp!);
    expect(one('kube_cronjob_next_schedule_time', { cronjob: 'yearly' }).value).toBe(Date.UTC(created.getUTCFullYear() + 1, 0, 1) / 1000);
    expect(find(s, 'kube_cronjob_next_schedule_time', { cronjob: 'paused' })).toEqual([]);
  });

  test('horizontalpodautoscalers: info, replicas, target and current metrics, conditions', () => {
    expect(one('kube_horizontalpodautoscaler_info', { horizontalpodautoscaler: 'web' }).labels).toEqual({ namespace: 'shop', horizontalpodautoscaler: 'web', scaletargetref_api_version: 'apps/v1', scaletargetref_kind: 'Deployment', scaletargetref_name: 'web' });
    expect(one('kube_horizontalpodautoscaler_spec_min_replicas', { horizontalpodautoscaler: 'web' }).value).toBe(2);
    expect(one('kube_horizontalpodautoscaler_spec_max_replicas', { horizontalpodautoscaler: 'web' }).value).toBe(5);
    expect(one('kube_horizontalpodautoscaler_status_current_replicas', { horizontalpodautoscaler: 'web' }).value).toBe(3);
    expect(one('kube_horizontalpodautoscaler_status_desired_replicas', { horizontalpodautoscaler: 'web' }).value).toBe(4);
    expect(one('kube_horizontalpodautoscaler_metadata_generation', { horizontalpodautoscaler: 'web' }).labels).toEqual({ namespace: 'shop', horizontalpodautoscaler: 'web' });
    const targets = find(s, 'kube_horizontalpodautoscaler_spec_target_metric').map((x) => [x.labels.metric_name, x.labels.metric_target_type, x.value]);
    expect(targets).toEqual([
      ['cpu', 'utilization', 60],
      ['packets-per-second', 'average', 1000],
      ['queue_messages', 'value', 0.25],
    ]);
    const current = find(s, 'kube_horizontalpodautoscaler_status_target_metric').map((x) => [x.labels.metric_name, x.labels.metric_target_type, x.value]);
    expect(current).toEqual([
      ['cpu', 'utilization', 75],
      ['cpu', 'average', 0.15],
    ]);
    const conds = find(s, 'kube_horizontalpodautoscaler_status_condition', { horizontalpodautoscaler: 'web' });
    expect(conds).toHaveLength(6);
    expect(conds.filter((c) => c.value === 1).map((c) => [c.labels.condition, c.labels.status])).toEqual([
      ['AbleToScale', 'true'],
      ['ScalingLimited', 'false'],
    ]);
  });

  test('persistentvolumeclaims: info (storage class, volume, mode), phase, requests, access modes, conditions', () => {
    expect(one('kube_persistentvolumeclaim_info', { persistentvolumeclaim: 'data-db-0' }).labels).toEqual({ namespace: 'shop', persistentvolumeclaim: 'data-db-0', storageclass: 'standard', volumename: 'pvc-0b1c', volumemode: 'Filesystem' });
    // The beta annotation wins over spec.storageClassName; no class at all is "<none>".
    expect(one('kube_persistentvolumeclaim_info', { persistentvolumeclaim: 'scratch' }).labels).toMatchObject({ storageclass: 'fast', volumename: '', volumemode: '' });
    expect(one('kube_persistentvolumeclaim_info', { persistentvolumeclaim: 'classless' }).labels.storageclass).toBe('<none>');
    const phases = find(s, 'kube_persistentvolumeclaim_status_phase', { persistentvolumeclaim: 'data-db-0' });
    expect(phases.map((p) => [p.labels.phase, p.value])).toEqual([
      ['Lost', 0],
      ['Bound', 1],
      ['Pending', 0],
    ]);
    expect(one('kube_persistentvolumeclaim_status_phase', { persistentvolumeclaim: 'classless', phase: 'Pending' }).value).toBe(1);
    // No phase yet (nothing bound it): no phase series, as KSM.
    expect(find(s, 'kube_persistentvolumeclaim_status_phase', { persistentvolumeclaim: 'scratch' })).toEqual([]);
    expect(one('kube_persistentvolumeclaim_resource_requests_storage_bytes', { persistentvolumeclaim: 'data-db-0' }).value).toBe(10 * 1024 ** 3);
    expect(one('kube_persistentvolumeclaim_resource_requests_storage_bytes', { persistentvolumeclaim: 'scratch' }).value).toBe(500e6);
    expect(one('kube_persistentvolumeclaim_resource_requests_storage_bytes', { persistentvolumeclaim: 'classless' }).value).toBe(1.5 * 1024 ** 3);
    expect(find(s, 'kube_persistentvolumeclaim_access_mode', { persistentvolumeclaim: 'scratch' }).map((x) => [x.labels.access_mode, x.value])).toEqual([
      ['ReadWriteOnce', 1],
      ['ReadOnlyMany', 1],
    ]);
    expect(one('kube_persistentvolumeclaim_status_condition', { persistentvolumeclaim: 'data-db-0', condition: 'Resizing', status: 'true' }).value).toBe(1);
    expect(find(s, 'kube_persistentvolumeclaim_status_condition', { persistentvolumeclaim: 'data-db-0' })).toHaveLength(3);
    expect(one('kube_persistentvolumeclaim_created', { persistentvolumeclaim: 'scratch' }).value).toBeGreaterThan(1.7e9);
    expect(find(s, 'kube_persistentvolumeclaim_deletion_timestamp')).toEqual([]);
  });
});

describe('cAdvisor', () => {
  const node = (() => {
    const n = nodeObject('orrery-node-1');
    n.metadata.creationTimestamp = new Date(Date.now() - 600_000).toISOString();
    return n;
  })();
  const totals = { cpuCores: 4, bootTimeSec: 1, uptimeSeconds: 100, busySeconds: 40, usageCores: 0.1, memoryTotalBytes: 8e9, memoryUsedBytes: 1e9, ephemeralStorageBytes: 6e10, rxBytes: 1e6, txBytes: 2e6, rxPackets: 1000, txPackets: 2000, load1: 0.2, load5: 0.2, load15: 0.2 };
  const pod = (cpu: number, id = 'a'.repeat(64)): PodSample => ({
    namespace: 'shop',
    name: 'cart-5d8f7c9b6-abcde',
    uid: '1234-5678',
    qos: 'Burstable',
    startedAtSec: Date.now() / 1000 - 60,
    containers: [{ name: 'cart', id, image: 'orrery/service:1.0', startedAtSec: Date.now() / 1000 - 60, counters: { cpuSeconds: cpu, rxBytes: 5000, txBytes: 9000, rxPackets: 10, txPackets: 12 }, workingSetBytes: 50e6, cpuLimitCores: 0.25, memoryLimitBytes: 128 * 1024 * 1024, cpuRequestCores: 0.05 }],
  });

  test('container, pause and pod cgroup series with cAdvisor labels', () => {
    const c = new CadvisorExporter();
    const text = c.text(node, [pod(2)], totals);
    expectParses(text);
    const s = parseExposition(text);
    expect(help(text, 'container_cpu_usage_seconds_total')).toBe('Cumulative cpu time consumed in seconds.');
    expect(help(text, 'container_memory_working_set_bytes')).toBe('Current working set in bytes.');
    const cpu = find(s, 'container_cpu_usage_seconds_total', { pod: 'cart-5d8f7c9b6-abcde' });
    const podPath = '/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1234_5678.slice';
    expect(cpu.find((x) => x.labels.container === 'cart')).toEqual({
      name: 'container_cpu_usage_seconds_total',
      labels: { container: 'cart', cpu: 'total', id: `${podPath}/cri-containerd-${'a'.repeat(64)}.scope`, image: 'orrery/service:1.0', name: 'a'.repeat(64), namespace: 'shop', pod: 'cart-5d8f7c9b6-abcde' },
      value: 2,
    });
    const podCg = cpu.find((x) => x.labels.id === podPath)!;
    expect(podCg.labels).toMatchObject({ container: '', image: '', name: '' });
    expect(podCg.value).toBeGreaterThanOrEqual(2);
    const pause = cpu.find((x) => x.labels.image === PAUSE_IMAGE)!;
    expect(pause.labels).toMatchObject({ container: '', name: sandboxId('1234-5678') });
    // The pod's network is its sandbox's: only the pause container (and the root) report it.
    const rx = find(s, 'container_network_receive_bytes_total', { pod: 'cart-5d8f7c9b6-abcde' });
    expect(rx).toHaveLength(1);
    expect(rx[0]).toMatchObject({ labels: { image: PAUSE_IMAGE, interface: 'eth0' }, value: 5000 });
    expect(find(s, 'container_memory_working_set_bytes', { container: 'cart' })[0]!.value).toBe(50e6);
    expect(find(s, 'container_memory_rss', { container: 'cart' })[0]!.value).toBeLessThan(50e6);
    expect(find(s, 'container_spec_memory_limit_bytes', { container: 'cart' })[0]!.value).toBe(128 * 1024 * 1024);
    expect(find(s, 'container_cpu_usage_seconds_total', { id: '/' })[0]!.value).toBe(40);
    expect(find(s, 'machine_cpu_cores')[0]!.value).toBe(4);
  });

  test('the pod cgroup keeps counting across a container restart; throttling follows usage near the limit', () => {
    const c = new CadvisorExporter();
    const podCpu = (t: string) => find(parseExposition(t), 'container_cpu_usage_seconds_total', { id: '/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1234_5678.slice' })[0]!.value;
    const first = podCpu(c.text(node, [pod(5, 'a'.repeat(64))], totals));
    // The container restarted: a new id whose counter starts again.
    const second = podCpu(c.text(node, [pod(0.5, 'b'.repeat(64))], totals));
    expect(second).toBeGreaterThanOrEqual(first + 0.5);

    let t = Date.now();
    const busy = new CadvisorExporter(() => t);
    const throttled = (text: string) => find(parseExposition(text), 'container_cpu_cfs_throttled_periods_total', { container: 'cart' })[0]!.value;
    const idle = { ...pod(0), startedAtSec: t / 1000 - 1 };
    idle.containers[0]!.startedAtSec = t / 1000 - 1;
    busy.text(node, [idle], totals);
    t += 10_000;
    // 2.4 CPU seconds in 10 s: 0.24 cores against a 0.25 core limit.
    const hot = { ...idle, containers: [{ ...idle.containers[0]!, counters: { ...idle.containers[0]!.counters, cpuSeconds: 2.4 } }] };
    const th = throttled(busy.text(node, [hot], totals));
    expect(th).toBeGreaterThan(50);
  });
});

describe('node-exporter and the node ledger', () => {
  test('counters only grow; memory and CPU are metrics.k8s.io\'s node usage', () => {
    let now = Date.now();
    let usage = { cpuNanoCores: 400_000_000, memoryBytes: 2 * 1024 ** 3 };
    const ledger = new NodeLedger({ podUsage: () => undefined, nodeUsage: () => usage }, () => now);
    const node = nodeObject('orrery-node-1');
    node.metadata.creationTimestamp = new Date(now - 60_000).toISOString();
    const a = parseExposition(nodeExporterText(node, ledger.sample(node, []), now / 1000));
    now += 10_000;
    usage = { cpuNanoCores: 1_000_000_000, memoryBytes: 3 * 1024 ** 3 };
    const text = nodeExporterText(node, ledger.sample(node, []), now / 1000);
    expectParses(text);
    const b = parseExposition(text);
    const busy = (s: PromSample[]) => s.filter((x) => x.name === 'node_cpu_seconds_total' && !['idle', 'iowait', 'steal'].includes(x.labels.mode!)).reduce((n, x) => n + x.value, 0);
    // 10 s at 1 core busy.
    expect(busy(b) - busy(a)).toBeCloseTo(10, 1);
    for (const x of b.filter((y) => y.name.endsWith('_total'))) {
      const before = a.find((y) => y.name === x.name && JSON.stringify(y.labels) === JSON.stringify(x.labels));
      expect(x.value).toBeGreaterThanOrEqual(before?.value ?? 0);
    }
    expect(new Set(find(b, 'node_cpu_seconds_total').map((x) => x.labels.cpu))).toEqual(new Set(['0', '1', '2', '3']));
    const total = find(b, 'node_memory_MemTotal_bytes')[0]!.value;
    expect(total).toBe(8148492 * 1024);
    expect(find(b, 'node_memory_MemAvailable_bytes')[0]!.value).toBe(total - 3 * 1024 ** 3);
    expect(help(text, 'node_cpu_seconds_total')).toBe('Seconds the CPUs spent in each mode.');
    expect(help(text, 'node_memory_MemAvailable_bytes')).toBe('Memory information field MemAvailable_bytes.');
    expect(find(b, 'node_filesystem_avail_bytes', { mountpoint: '/' })[0]!.labels).toMatchObject({ device: '/dev/vda1', fstype: 'ext4' });
    expect(find(b, 'node_uname_info')[0]!.labels.nodename).toBe('orrery-node-1');
  });

  test('PodStats integrates a constant usage over a container\'s life when nothing else measures it', () => {
    const now = Date.now();
    const started = new Date(now - 100_000).toISOString();
    const stats = new PodStats(
      { runningContainers: () => undefined } as any,
      { podUsage: () => [{ name: 'app', cpuNanoCores: 20_000_000, memoryBytes: 30e6 }], nodeUsage: () => undefined },
      { containers: () => undefined },
      () => now,
    );
    const sample = stats.sample({
      metadata: { name: 'load-1', namespace: 'scale-01', uid: 'u-1' },
      spec: { containers: [{ name: 'app', image: 'x', resources: { requests: { cpu: '10m' } } }] },
      status: { phase: 'Running', startTime: started, containerStatuses: [{ name: 'app', image: 'x', containerID: `containerd://${'c'.repeat(64)}`, state: { running: { startedAt: started } } }] },
    })!;
    expect(sample.qos).toBe('Burstable');
    expect(sample.containers[0]!.id).toBe('c'.repeat(64));
    expect(sample.containers[0]!.counters.cpuSeconds).toBeCloseTo(2, 1); // 20 millicores for 100 s
    expect(sample.containers[0]!.workingSetBytes).toBe(30e6);
  });
});
