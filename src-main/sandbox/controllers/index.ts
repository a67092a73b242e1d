// The sandbox's control plane: controllers, scheduler and kubelet simulation over the Store.
export { WorkQueue } from './queue';
export { EventRecorder } from './recorder';
export { NODE_NAMES, NodeHeartbeat, registerNodes, nodeObject, SYNTHETIC_TAINT } from './nodes';
export { Scheduler } from './scheduler';
export { ReplicaSetController } from './replicaset';
export { DeploymentController, templateHash } from './deployment';
export { JobController } from './job';
export { CronJobController } from './cronjob';
export { EndpointsController } from './endpoints';
export { Kubelet, EXTERNAL_ANNOTATION, SYNTHETIC_ANNOTATION, type KubeletOptions } from './kubelet';
export { PodNetwork } from './network';
export { NamespaceDefaults } from './namespaces';
export { makeProviders, type ExtraPods } from './providers';
