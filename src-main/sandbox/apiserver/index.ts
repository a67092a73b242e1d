// Public surface of the sandbox API server, for the controllers, the CLI and tests.
export { startApiServer, KUBE_VERSION, type ApiServer, type ApiServerOptions, type UserSpec } from './server';
export {
  Store,
  Entry,
  clone,
  deepFreeze,
  isoSeconds,
  type KObject,
  type ObjectMeta,
  type OwnerReference,
  type StoreOptions,
  type StoreResource,
  type ListOptions,
  type ListResult,
  type WatchOptions,
  type WatchEvent,
  type WatchEventType,
  type DeleteOptions,
} from './store';
export { ApiError, type Status, type StatusCause } from './errors';
export { RESOURCES, storeResources, findResource, apiVersionOf, type ResourceInfo } from './resources';
export { parseLabelSelector, parseFieldSelector, labelSelectorFromObject, labelSelectorToString, type LabelSelectorObject } from './selectors';
export { defaultPodSpec } from './defaults';
export { ContainerLogBuffer, nanoTimestamp, type ContainerLog, type LogLine, type LogProvider } from './logs';
export type { ProxyProvider, MetricsProvider, ContainerUsage } from './providers';
export { Authorizer, type UserInfo, type Attributes, type PolicyRule } from './rbac';
export { AuditLog, defaultAuditPolicy, type AuditPolicy, type AuditLevel } from './audit';
export { writeKubeconfig, kubeconfigYaml, CLUSTER_NAME } from './kubeconfig';
