// kube-state-metrics (v2.15) from the API server's live objects: the families dashboards and the
// kubernetes-mixin's rules and alerts use, for cronjobs, daemonsets, deployments,
// horizontalpodautoscalers (autoscaling/v2), jobs, namespaces, nodes, persistentvolumeclaims,
// pods, replicasets, services and statefulsets (resources in alphabetical order, as KSM writes
// them), with KSM's names, label sets, HELP texts (including the "[STABLE] " prefix of stable
// families) and value conventions ("<none>" owners and storage classes, one series per
// phase/condition status, Unix seconds, quantities in base units). Like KSM without
// --metric-labels-allowlist / --metric-annotations-allowlist, the *_labels and *_annotations
// families have a header and no series. Pods and nodes are those of the MonitoredScope.
// CronJobs, HPAs and PVCs are written by ksm/ (one module per kind); ksm/common.ts holds the
// writer and conventions all families share.
import type { KObject, Store } from '../apiserver/store';
import { CONDITION_STATUSES, list, nm, ns, owners, quantity, sanitize, sec, Writer, type Labels } from './ksm/common';
import { writeCronJobs } from './ksm/cronjobs';
import { writeHpas } from './ksm/hpas';
import { writePvcs } from './ksm/pvcs';

export const KSM_VERSION = '2.15.0';

export interface KsmSource {
  store: Store;
  /** Pods to describe (all, or those of the monitored nodes and unscheduled ones). */
  pods(): KObject[];
  /** Node names to describe. */
  covers(node: string): boolean;
}

/** An IntOrString (e.g. "25%") resolved against a total, as intstr.GetScaledValueFromIntOrPercent. */
function scaled(v: number | string | undefined, total: number, roundUp: boolean, dflt: string): number {
  const x = v ?? dflt;
  if (typeof x === 'number') return x;
  const m = /^(\d+)%$/.exec(x);
  if (!m) return Number(x) || 0;
  const f = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(f) : Math.floor(f);
}

export function kubeStateMetricsText(src: KsmSource): string {
  const w = new Writer();
  const { store } = src;

  // ---------------------------------------------------------------- cronjobs
  writeCronJobs(w, list(store, 'cronjobs'));

  // ---------------------------------------------------------------- daemonsets
  const daemonsets = list(store, 'daemonsets');
  const dsl = (d: KObject): Labels => [['namespace', ns(d)], ['daemonset', nm(d)]];
  const ds = (name: string, help: string, v: (d: KObject) => number | undefined) => w.family(name, 'gauge', help, true, daemonsets, (d) => { const x = v(d); return x === undefined ? [] : [[dsl(d), x]]; });
  ds('kube_daemonset_created', 'Unix creation timestamp', (d) => sec(d.metadata.creationTimestamp));
  ds('kube_daemonset_status_current_number_scheduled', 'The number of nodes running at least one daemon pod and are supposed to.', (d) => d.status?.currentNumberScheduled ?? 0);
  ds('kube_daemonset_status_desired_number_scheduled', 'The number of nodes that should be running the daemon pod.', (d) => d.status?.desiredNumberScheduled ?? 0);
  ds('kube_daemonset_status_number_available', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available', (d) => d.status?.numberAvailable ?? 0);
  ds('kube_daemonset_status_number_misscheduled', 'The number of nodes running a daemon pod but are not supposed to.', (d) => d.status?.numberMisscheduled ?? 0);
  ds('kube_daemonset_status_number_ready', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod runningand ready.', (d) => d.status?.numberReady ?? 0);
  ds('kube_daemonset_status_number_unavailable', 'The number of nodes that should be running the daemon pod and have none of the daemon pod running and available', (d) => d.status?.numberUnavailable ?? 0);
  ds('kube_daemonset_status_observed_generation', 'The most recent generation observed by the daemon set controller.', (d) => d.status?.observedGeneration ?? 0);
  ds('kube_daemonset_status_updated_number_scheduled', 'The total number of nodes that are running updated daemon pod', (d) => d.status?.updatedNumberScheduled ?? 0);
  ds('kube_daemonset_metadata_generation', 'Sequence number representing a specific generation of the desired state.', (d) => d.metadata.generation ?? 0);
  w.family('kube_daemonset_annotations', 'gauge', 'Kubernetes annotations converted to Prometheus labels.', false, [], () => []);
  w.family('kube_daemonset_labels', 'gauge', 'Kubernetes labels converted to Prometheus labels.', true, [], () => []);

  // ---------------------------------------------------------------- deployments
  const deployments = list(store, 'deployments');
  const dl = (d: KObject): Labels => [['namespace', ns(d)], ['deployment', nm(d)]];
  const dep = (name: string, help: string, v: (d: KObject) => number | undefined) => w.family(name, 'gauge', help, true, deployments, (d) => { const x = v(d); return x === undefined ? [] : [[dl(d), x]]; });
  dep('kube_deployment_created', 'Unix creation timestamp', (d) => sec(d.metadata.creationTimestamp));
  dep('kube_deployment_status_replicas', 'The number of replicas per deployment.', (d) => d.status?.replicas ?? 0);
  dep('kube_deployment_status_replicas_ready', 'The number of ready replicas per deployment.', (d) => d.status?.readyReplicas ?? 0);
  dep('kube_deployment_status_replicas_available', 'The number of available replicas per deployment.', (d) => d.status?.availableReplicas ?? 0);
  dep('kube_deployment_status_replicas_unavailable', 'The number of unavailable replicas per deployment.', (d) => d.status?.unavailableReplicas ?? 0);
  dep('kube_deployment_status_replicas_updated', 'The number of updated replicas per deployment.', (d) => d.status?.updatedReplicas ?? 0);
  dep('kube_deployment_status_observed_generation', 'The generation observed by the deployment controller.', (d) => d.status?.observedGeneration ?? 0);
  w.family('kube_deployment_status_condition', 'gauge', 'The current status conditions of a deployment.', true, deployments, (d) =>
    (d.status?.conditions ?? []).flatMap((c: any) => CONDITION_STATUSES.map(([s, S]): [Labels, number] => [[...dl(d), ['condition', c.type], ['status', s]], c.status === S ? 1 : 0])),
  );
  dep('kube_deployment_spec_replicas', 'Number of desired pods for a deployment.', (d) => d.spec?.replicas ?? 1);
  dep('kube_deployment_spec_paused', 'Whether the deployment is paused and will not be processed by the deployment controller.', (d) => (d.spec?.paused ? 1 : 0));
  const rolling = (d: KObject) => (d.spec?.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
  dep('kube_deployment_spec_strategy_rollingupdate_max_unavailable', 'Maximum number of unavailable replicas during a rolling update of a deployment.', (d) =>
    rolling(d) ? scaled(d.spec?.strategy?.rollingUpdate?.maxUnavailable, d.spec?.replicas ?? 1, false, '25%') : undefined,
  );
  dep('kube_deployment_spec_strategy_rollingupdate_max_surge', 'Maximum number of replicas that can be scheduled above the desired number of replicasduring a rolling update of a deployment.', (d) =>
    rolling(d) ? scaled(d.spec?.strategy?.rollingUpdate?.maxSurge, d.spec?.replicas ?? 1, true, '25%') : undefined,
  );
  dep('kube_deployment_metadata_generation', 'Sequence number representing a specific generation of the desired state.', (d) => d.metadata.generation ?? 0);
  w.family('kube_deployment_annotations', 'gauge', 'Kubernetes annotations converted to Prometheus labels.', false, [], () => []);
  w.family('kube_deployment_labels', 'gauge', 'Kubernetes labels converted to Prometheus labels.', true, [], () => []);

  // ---------------------------------------------------------------- horizontalpodautoscalers
  writeHpas(w, list(store, 'horizontalpodautoscalers'));

  // ---------------------------------------------------------------- jobs
  const jobs = list(store, 'jobs');
  const jl = (j: KObject): Labels => [['namespace', ns(j)], ['job_name', nm(j)]];
  const job = (name: string, help: string, v: (j: KObject) => number | undefined) => w.family(name, 'gauge', help, true, jobs, (j) => { const x = v(j); return x === undefined ? [] : [[jl(j), x]]; });
  job('kube_job_info', 'Information about job.', () => 1);
  job('kube_job_created', 'Unix creation timestamp', (j) => sec(j.metadata.creationTimestamp));
  job('kube_job_spec_parallelism', 'The maximum desired number of pods the job should run at any given time.', (j) => j.spec?.parallelism);
  job('kube_job_spec_completions', 'The desired number of successfully finished pods the job should be run with.', (j) => j.spec?.completions);
  job('kube_job_spec_active_deadline_seconds', 'The duration in seconds relative to the startTime that the job may be active before the system tries to terminate it.', (j) => j.spec?.activeDeadlineSeconds);
  job('kube_job_status_succeeded', 'The number of pods which reached Phase Succeeded.', (j) => j.status?.succeeded ?? 0);
  w.family('kube_job_status_failed', 'gauge', 'The number of pods which reached Phase Failed and the reason for failure.', true, jobs, (j) => {
    const failed = (j.status?.conditions ?? []).find((c: any) => c.type === 'Failed' && c.status === 'True');
    return [[failed?.reason ? [...jl(j), ['reason', failed.reason]] : jl(j), j.status?.failed ?? 0]];
  });
  job('kube_job_status_active', 'The number of actively running pods.', (j) => j.status?.active ?? 0);
  const jobCondition = (type: string) => (j: KObject): [Labels, number][] => {
    const c = (j.status?.conditions ?? []).find((x: any) => x.type === type);
    return c ? CONDITION_STATUSES.map(([s, S]) => [[...jl(j), ['condition', s]], c.status === S ? 1 : 0]) : [];
  };
  w.family('kube_job_complete', 'gauge', 'The job has completed its execution.', true, jobs, jobCondition('Complete'));
  w.family('kube_job_failed', 'gauge', 'The job has failed its execution.', true, jobs, jobCondition('Failed'));
  job('kube_job_status_start_time', 'StartTime represents time when the job was acknowledged by the Job Manager.', (j) => sec(j.status?.startTime));
  job('kube_job_status_completion_time', 'CompletionTime represents time when the job was completed.', (j) => sec(j.status?.completionTime));
  w.family('kube_job_owner', 'gauge', "Information about the Job's owner.", true, jobs, (j) => owners(j).map(([k, n, c]) => [[...jl(j), ['owner_kind', k], ['owner_name', n], ['owner_is_controller', c]], 1]));
  w.family('kube_job_annotations', 'gauge', 'Kubernetes annotations converted to Prometheus labels.', false, [], () => []);
  w.family('kube_job_labels', 'gauge', 'Kubernetes labels converted to Prometheus labels.', true, [], () => []);

  // ---------------------------------------------------------------- namespaces
  const namespaces = list(store, 'namespaces');
  w.family('kube_namespace_created', 'gauge', 'Unix creation timestamp', true, namespaces, (n) => [[[['namespace', nm(n)]], sec(n.metadata.creationTimestamp) ?? 0]]);
  w.family('kube_namespace_annotations', 'gauge', 'Kubernetes annotations converted to Prometheus labels.', false, [], () => []);
  w.family('kube_namespace_labels', 'gauge', 'Kubernetes labels converted to Prometheus labels.', true, [], () => []);
  w.family('kube_namespace_status_phase', 'gauge', 'kubernetes namespace status phase.', true, namespaces, (n) => {
    const phase = n.status?.phase ?? 'Active';
    return ['Active', 'Terminating'].map((p): [Labels, number] => [[['namespace', nm(n)], ['phase', p]], phase === p ? 1 : 0]);
  });

  // ---------------------------------------------------------------- nodes
  const nodes = list(store, 'nodes').filter((n) => src.covers(nm(n)));
  const nl = (n: KObject): Labels => [['node', nm(n)]];
  w.family('kube_node_annotations', 'gauge', 'Kubernetes annotations converted to Prometheus labels.', false, [], () => []);
  w.family('kube_node_created', 'gauge', 'Unix creation timestamp', true, nodes, (n) => [[nl(n), sec(n.metadata.creationTimestamp) ?? 0]]);
  w.family('kube_node_deletion_timestamp', 'gauge', 'Unix deletion timestamp', false, nodes, (n) => { const t = sec(n.metadata.deletionTimestamp); return t === undefined ? [] : [[nl(n), t]]; });
  w.family('kube_node_info', 'gauge', 'Information about a cluster node.', true, nodes, (n) => {
    const i = n.status?.nodeInfo ?? {};
    const ip = (n.status?.addresses ?? []).find((a: any) => a.type === 'InternalIP')?.address ?? '';
    return [[[...nl(n), ['kernel_version', i.kernelVersion ?? ''], ['os_image', i.osImage ?? ''], ['container_runtime_version', i.containerRuntimeVersion ?? ''], ['kubelet_version', i.kubeletVersion ?? ''], ['kubeproxy_version', i.kubeProxyVersion ?? ''], ['provider_id', n.spec?.providerID ?? ''], ['pod_cidr', n.spec?.podCIDR ?? ''], ['system_uuid', i.systemUUID ?? ''], ['internal_ip', ip]], 1]];
  });
  w.family('kube_node_labels', 'gauge', 'Kubernetes labels converted to Prometheus labels.', true, [], () => []);
  w.family('kube_node_role', 'gauge', 'The role of a cluster node.', false, nodes, (n) =>
    Object.keys(n.metadata.labels ?? {}).filter((k) => k.startsWith('node-role.kubernetes.io/')).map((k): [Labels, number] => [[...nl(n), ['role', k.slice('node-role.kubernetes.io/'.length)]], 1]),
  );
  w.family('kube_node_spec_taint', 'gauge', 'The taint of a cluster node.', true, nodes, (n) => (n.spec?.taints ?? []).map((t: any): [Labels, number] => [[...nl(n), ['key', t.key], ['value', t.value ?? ''], ['effect', t.effect]], 1]));
  w.family('kube_node_spec_unschedulable', 'gauge', 'Whether a node can schedule new pods.', true, nodes, (n) => [[nl(n), n.spec?.unschedulable ? 1 : 0]]);
  const resources = (field: 'allocatable' | 'capacity') => (n: KObject): [Labels, number][] =>
    Object.entries(n.status?.[field] ?? {}).map(([r, q]): [Labels, number] => {
      const { value, unit } = quantity(r, q as string);
      return [[...nl(n), ['resource', sanitize(r)], ['unit', unit]], value];
    });
  w.family('kube_node_status_allocatable', 'gauge', 'The allocatable for different resources of a node that are available for scheduling.', true, nodes, resources('allocatable'));
  w.family('kube_node_status_capacity', 'gauge', 'The capacity for different resources of a node.', true, nodes, resources('capacity'));
  w.family('kube_node_status_condition', 'gauge', 'The condition of a cluster node.', true, nodes, (n) =>
    (n.status?.conditions ?? []).flatMap((c: any) => CONDITION_STATUSES.map(([s, S]): [Labels, number] => [[...nl(n), ['condition', c.type], ['status', s]], c.status === S ? 1 : 0])),
  );
  w.family('kube_node_status_addresses', 'gauge', 'Node address information.', false, nodes, (n) => (n.status?.addresses ?? []).map((a: any): [Labels, number] => [[...nl(n), ['type', a.type], ['address', a.address]], 1]));

  // ---------------------------------------------------------------- persistentvolumeclaims
  writePvcs(w, list(store, 'persistentvolumeclaims'));

  // ---------------------------------------------------------------- pods
  writePods(w, src.pods());

  // ---------------------------------------------------------------- replicasets
  const replicasets = list(store, 'replicasets');
  const rl = (r: KObject): Labels => [['namespace', ns(r)], ['replicaset', nm(r)]];
  const rs = (name: string, help: string, v: (r: KObject) => number | undefined) => w.family(name, 'gauge', help, true, replicasets, (r) => { const x = v(r); return x === undefined ? [] : [[rl(r), x]]; });
  rs('kube_replicaset_created', 'Unix creation timestamp', (r) => sec(r.metadata.creationTimestamp));
  rs('kube_replicaset_status_replicas', 'The number of replicas per ReplicaSet.', (r) => r.status?.replicas ?? 0);
  rs('kube_replicaset_status_fully_labeled_replicas', 'The number of fully labeled replicas per ReplicaSet.', (r) => r.status?.fullyLabeledReplicas ?? 0);
  rs('kube_replicaset_status_ready_replicas', 'The number of ready replicas per ReplicaSet.', (r) => r.status?.readyReplicas ?? 0);
  rs('kube_replicaset_status_observed_generation', 'The generation observed by the ReplicaSet controller.', (r) => r.status?.observedGeneration ?? 0);
  rs('kube_replicaset_spec_replicas', 'Number of desired pods for a ReplicaSet.', (r) => r.spec?.replicas ?? 1);
  rs('kube_replicaset_metadata_generation', 'Sequence number representing a specific generation of the desired state.', (r) => r.metadata.generation ?? 0);
  w.family('kube_replicaset_owner', 'gauge', "Information about the ReplicaSet's owner.", true, replicasets, (r) => owners(r).map(([k, n, c]) => [[...rl(r), ['owner_kind', k], ['owner_name', n], ['owner_is_controller', c]], 1]));
  w.family('kube_replicaset_annotations', 'gauge', 'Kubernetes annotations converted to Prometheus labels.', false, [], () => []);
  w.family('kube_replicaset_labels', 'gauge', 'Kubernetes labels converted to Prometheus labels.', true, [], () => []);

  // ---------------------------------------------------------------- services
  const services = list(store, 'services');
  const sl = (s: KObject): Labels => [['namespace', ns(s)], ['service', nm(s)], ['uid', s.metadata.uid ?? '']];
  w.family('kube_service_info', 'gauge', 'Information about service.', true, services, (s) => [[[...sl(s), ['cluster_ip', s.spec?.clusterIP ?? ''], ['external_name', s.spec?.externalName ?? ''], ['load_balancer_ip', s.spec?.loadBalancerIP ?? ''], ['external_traffic_policy', s.spec?.externalTrafficPolicy ?? '']], 1]]);
  w.family('kube_service_created', 'gauge', 'Unix creation timestamp', true, services, (s) => [[sl(s), sec(s.metadata.creationTimestamp) ?? 0]]);
  w.family('kube_service_spec_type', 'gauge', 'Type about service.', true, services, (s) => [[[...sl(s), ['type', s.spec?.type ?? 'ClusterIP']], 1]]);
  w.family('kube_service_annotations', 'gauge', 'Kubernetes annotations converted to Prometheus labels.', false, [], () => []);
  w.family('kube_service_labels', 'gauge', 'Kubernetes labels converted to Prometheus labels.', true, [], () => []);

  // ---------------------------------------------------------------- statefulsets
  const statefulsets = list(store, 'statefulsets');
  const stl = (s: KObject): Labels => [['namespace', ns(s)], ['statefulset', nm(s)]];
  const sts = (name: string, help: string, v: (s: KObject) => number | undefined) => w.family(name, 'gauge', help, true, statefulsets, (s) => { const x = v(s); return x === undefined ? [] : [[stl(s), x]]; });
  sts('kube_statefulset_created', 'Unix creation timestamp', (s) => sec(s.metadata.creationTimestamp));
  sts('kube_statefulset_status_replicas', 'The number of replicas per StatefulSet.', (s) => s.status?.replicas ?? 0);
  sts('kube_statefulset_status_replicas_available', 'The number of available replicas per StatefulSet.', (s) => s.status?.availableReplicas ?? 0);
  sts('kube_statefulset_status_replicas_current', 'The number of current replicas per StatefulSet.', (s) => s.status?.currentReplicas ?? 0);
  sts('kube_statefulset_status_replicas_ready', 'The number of ready replicas per StatefulSet.', (s) => s.status?.readyReplicas ?? 0);
  sts('kube_statefulset_status_replicas_updated', 'The number of updated replicas per StatefulSet.', (s) => s.status?.updatedReplicas ?? 0);
  sts('kube_statefulset_status_observed_generation', 'The generation observed by the StatefulSet controller.', (s) => s.status?.observedGeneration ?? 0);
  sts('kube_statefulset_replicas', 'Number of desired pods for a StatefulSet.', (s) => s.spec?.replicas ?? 1);
  sts('kube_statefulset_metadata_generation', 'Sequence number representing a specific generation of the desired state for the StatefulSet.', (s) => s.metadata.generation ?? 0);
  w.family('kube_statefulset_status_current_revision', 'gauge', 'Indicates the version of the StatefulSet used to generate Pods in the sequence [0,currentReplicas).', true, statefulsets, (s) =>
    s.status?.currentRevision ? [[[...stl(s), ['revision', s.status.currentRevision]], 1]] : [],
  );
  w.family('kube_statefulset_status_update_revision', 'gauge', 'Indicates the version of the StatefulSet used to generate Pods in the sequence [replicas-updatedReplicas,replicas)', true, statefulsets, (s) =>
    s.status?.updateRevision ? [[[...stl(s), ['revision', s.status.updateRevision]], 1]] : [],
  );
  w.family('kube_statefulset_annotations', 'gauge', 'Kubernetes annotations converted to Prometheus labels.', false, [], () => []);
  w.family('kube_statefulset_labels', 'gauge', 'Kubernetes labels converted to Prometheus labels.', true, [], () => []);

  return w.e.text();
}

function writePods(w: Writer, pods: KObject[]): void {
  const pl = (p: KObject): Labels => [['namespace', ns(p)], ['pod', nm(p)], ['uid', p.metadata.uid ?? '']];
  const one = (name: string, help: string, stable: boolean, v: (p: KObject) => number | undefined) =>
    w.family(name, 'gauge', help, stable, pods, (p) => { const x = v(p); return x === undefined ? [] : [[pl(p), x]]; });
  const statuses = (p: KObject): any[] => p.status?.containerStatuses ?? [];
  const perStatus = (name: string, help: string, stable: boolean, type: 'gauge' | 'counter', v: (s: any) => number | undefined, extra?: (s: any) => [string, string] | undefined) =>
    w.family(name, type, help, stable, pods, (p) =>
      statuses(p).flatMap((s): [Labels, number][] => {
        const x = v(s);
        if (x === undefined) return [];
        const e = extra?.(s);
        return [[[...pl(p), ['container', s.name], ...(e ? [e] : [])], x]];
      }),
    );
  const resources = (kind: 'requests' | 'limits') => (p: KObject): [Labels, number][] =>
    (p.spec?.containers ?? []).flatMap((c: any) =>
      Object.entries(c.resources?.[kind] ?? {}).map(([r, q]): [Labels, number] => {
        const { value, unit } = quantity(r, q as string);
        return [[...pl(p), ['container', c.name], ['node', p.spec?.nodeName ?? ''], ['resource', sanitize(r)], ['unit', unit]], value];
      }),
    );

  one('kube_pod_completion_time', 'Completion time in unix timestamp for a pod.', true, (p) => {
    const ends = statuses(p).map((s) => sec(s.state?.terminated?.finishedAt)).filter((t): t is number => t !== undefined);
    return ends.length ? Math.max(...ends) : undefined;
  });
  w.family('kube_pod_container_info', 'gauge', 'Information about a container in a pod.', true, pods, (p) => {
    const specs = new Map<string, any>((p.spec?.containers ?? []).map((c: any) => [c.name, c]));
    return statuses(p).map((s): [Labels, number] => [[...pl(p), ['container', s.name], ['image_spec', specs.get(s.name)?.image ?? ''], ['image', s.image ?? ''], ['image_id', s.imageID ?? ''], ['container_id', s.containerID ?? '']], 1]);
  });
  w.family('kube_pod_container_resource_limits', 'gauge', 'The number of requested limit resource by a container. It is recommended to use the kube_pod_resource_limits metric exposed by kube-scheduler instead, as it is more precise.', false, pods, resources('limits'));
  w.family('kube_pod_container_resource_requests', 'gauge', 'The number of requested request resource by a container. It is recommended to use the kube_pod_resource_requests metric exposed by kube-scheduler instead, as it is more precise.', false, pods, resources('requests'));
  perStatus('kube_pod_container_state_started', 'Start time in unix timestamp for a pod container.', true, 'gauge', (s) => sec(s.state?.running?.startedAt ?? s.state?.terminated?.startedAt));
  perStatus('kube_pod_container_status_last_terminated_reason', 'Describes the last reason the container was in terminated state.', false, 'gauge', (s) => (s.lastState?.terminated ? 1 : undefined), (s) => ['reason', s.lastState?.terminated?.reason ?? '']);
  perStatus('kube_pod_container_status_last_terminated_exitcode', 'Describes the exit code for the last container in terminated state.', false, 'gauge', (s) => s.lastState?.terminated?.exitCode);
  perStatus('kube_pod_container_status_last_terminated_timestamp', 'Last terminated time for a pod container in unix timestamp.', false, 'gauge', (s) => sec(s.lastState?.terminated?.finishedAt));
  perStatus('kube_pod_container_status_ready', 'Describes whether the containers readiness check succeeded.', true, 'gauge', (s) => (s.ready ? 1 : 0));
  perStatus('kube_pod_container_status_restarts_total', 'The number of container restarts per container.', true, 'counter', (s) => s.restartCount ?? 0);
  perStatus('kube_pod_container_status_running', 'Describes whether the container is currently in running state.', true, 'gauge', (s) => (s.state?.running ? 1 : 0));
  perStatus('kube_pod_container_status_terminated', 'Describes whether the container is currently in terminated state.', true, 'gauge', (s) => (s.state?.terminated ? 1 : 0));
  perStatus('kube_pod_container_status_terminated_reason', 'Describes the reason the container is currently in terminated state.', false, 'gauge', (s) => (s.state?.terminated?.reason ? 1 : undefined), (s) => ['reason', s.state?.terminated?.reason ?? '']);
  perStatus('kube_pod_container_status_waiting', 'Describes whether the container is currently in waiting state.', true, 'gauge', (s) => (s.state?.waiting ? 1 : 0));
  perStatus('kube_pod_container_status_waiting_reason', 'Describes the reason the container is currently in waiting state.', true, 'gauge', (s) => (s.state?.waiting?.reason ? 1 : undefined), (s) => ['reason', s.state?.waiting?.reason ?? '']);
  one('kube_pod_created', 'Unix creation timestamp', true, (p) => sec(p.metadata.creationTimestamp));
  one('kube_pod_deletion_timestamp', 'Unix deletion timestamp', false, (p) => sec(p.metadata.deletionTimestamp));
  w.family('kube_pod_info', 'gauge', 'Information about pod.', true, pods, (p) => {
    const ctrl = (p.metadata.ownerReferences ?? []).find((r) => r.controller);
    return [[[...pl(p), ['host_ip', p.status?.hostIP ?? ''], ['pod_ip', p.status?.podIP ?? ''], ['node', p.spec?.nodeName ?? ''], ['created_by_kind', ctrl?.kind ?? '<none>'], ['created_by_name', ctrl?.name ?? '<none>'], ['priority_class', p.spec?.priorityClassName ?? ''], ['host_network', p.spec?.hostNetwork ? 'true' : 'false']], 1]];
  });
  w.family('kube_pod_annotations', 'gauge', 'Kubernetes annotations converted to Prometheus labels.', false, [], () => []);
  w.family('kube_pod_labels', 'gauge', 'Kubernetes labels converted to Prometheus labels.', true, [], () => []);
  w.family('kube_pod_owner', 'gauge', "Information about the Pod's owner.", true, pods, (p) => owners(p).map(([k, n, c]) => [[...pl(p), ['owner_kind', k], ['owner_name', n], ['owner_is_controller', c]], 1]));
  w.family('kube_pod_restart_policy', 'gauge', 'Describes the restart policy in use by this pod.', true, pods, (p) => [[[...pl(p), ['type', p.spec?.restartPolicy ?? 'Always']], 1]]);
  one('kube_pod_start_time', 'Start time in unix timestamp for a pod.', true, (p) => sec(p.status?.startTime));
  w.family('kube_pod_status_phase', 'gauge', 'The pods current phase.', true, pods, (p) =>
    ['Pending', 'Succeeded', 'Failed', 'Unknown', 'Running'].map((ph): [Labels, number] => [[...pl(p), ['phase', ph]], (p.status?.phase ?? 'Pending') === ph ? 1 : 0]),
  );
  const podCondition = (type: string) => (p: KObject): [Labels, number][] => {
    const c = (p.status?.conditions ?? []).find((x: any) => x.type === type);
    return c ? CONDITION_STATUSES.map(([s, S]) => [[...pl(p), ['condition', s]], c.status === S ? 1 : 0]) : [];
  };
  w.family('kube_pod_status_ready', 'gauge', 'Describes whether the pod is ready to serve requests.', true, pods, podCondition('Ready'));
  w.family('kube_pod_status_scheduled', 'gauge', 'Describes the status of the scheduling process for the pod.', true, pods, podCondition('PodScheduled'));
  one('kube_pod_status_scheduled_time', 'Unix timestamp when pod moved into scheduled status', true, (p) => {
    const c = (p.status?.conditions ?? []).find((x: any) => x.type === 'PodScheduled' && x.status === 'True');
    return sec(c?.lastTransitionTime);
  });
  one('kube_pod_status_unschedulable', 'Describes the unschedulable status for the pod.', true, (p) =>
    (p.status?.conditions ?? []).some((x: any) => x.type === 'PodScheduled' && x.status === 'False' && x.reason === 'Unschedulable') ? 1 : undefined,
  );
}
