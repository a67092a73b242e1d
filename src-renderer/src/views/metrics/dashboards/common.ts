// Selectors shared by the built-in dashboards, as the kubernetes-mixin writes them: cAdvisor
// reports a series per container plus pod-level ones (container="") and the pause container
// (container="POD"), which would count usage twice.
export const containers = 'container!="", container!="POD"';

/** Pods of a workload by name: Deployment pods are name-<replicaset hash>-<suffix>, StatefulSet
 *  pods name-<ordinal>, DaemonSet pods name-<suffix>. Works with cAdvisor alone, for pods that
 *  are gone too (kube-state-metrics' owner series are not needed). */
export const workloadPods = '$workload-([a-z0-9]+-)?[a-z0-9]+';

/** Puts a node label on node-exporter's series, whose instance is the exporter pod's address:
 *  joined through the exporter pod's kube_pod_info, as the kubernetes-mixin's recording rules do
 *  (node_namespace_pod:kube_pod_info:), written out so it works without those rules. */
export const onNode = '* on (namespace, pod) group_left(node) topk by (namespace, pod) (1, max by (namespace, pod, node) (kube_pod_info{node=~"$node"}))';
