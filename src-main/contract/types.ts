// Data shapes that cross the boundary. Plain JSON: no classes, no Dates.
import type { LogLineBatch } from './log-lines';

export type HostKind = 'electron' | 'server';

export interface AppInfo {
  name: string;
  version: string;
  host: HostKind;
  platform: string;
  nodeVersion: string;
  startedAt: string;
}

export interface KubeconfigFileStatus {
  path: string;
  /** false when the file does not exist (not an error: KUBECONFIG may name optional files). */
  exists: boolean;
  /** A problem that made the file (or part of it) unusable, naming what and where. */
  error?: string;
}

export interface ContextSummary {
  name: string;
  cluster: string;
  /** The cluster's API server URL, when the cluster entry exists. */
  server?: string;
  user: string;
  /** The context's namespace, or "default" as kubectl assumes. */
  namespace: string;
  /** The file that defined this context (first one wins, as kubectl merges). */
  file: string;
  /** Why this context cannot be used as it stands (e.g. it names a cluster no file defines). */
  error?: string;
}

export interface ContextsSnapshot {
  files: KubeconfigFileStatus[];
  contexts: ContextSummary[];
  currentContext?: string;
  /** Set when no kubeconfig file exists at all: the message says where Orrery looked. */
  missing?: string;
}

export interface MetricSample {
  labels: Record<string, string | number>;
  value: number;
}

export interface MetricFamily {
  name: string;
  help: string;
  type: string;
  samples: MetricSample[];
}

/** A kubeconfig context's connection, explained. */
export interface ClusterConnection {
  context: string;
  server?: string;
  state: 'connecting' | 'connected' | 'unreachable' | 'tls' | 'unauthorized' | 'forbidden' | 'config-error' | 'error';
  /** What failed, why, and what to do (for every state but connecting/connected). */
  message?: string;
  /** Server version when connected. */
  version?: string;
  checkedAt: string;
  /** When the next attempt happens, for failed states. */
  retryInMs?: number;
}

export type HealthLevel = 'ok' | 'degraded' | 'failing' | 'unknown';

/** The one health language of Orrery, with the reason shown on hover. */
export interface Health {
  level: HealthLevel;
  reason: string;
}

export interface ColumnDef {
  id: string;
  title: string;
  /** 'age' cells hold an ISO timestamp the renderer shows as a live age; 'num' sort numerically. */
  type: 'text' | 'num' | 'age';
  /** Narrow columns shown only on wide screens (kubectl's -o wide). */
  wide?: boolean;
}

export interface KindInfo {
  /** Stable id used in URLs: the plural for core and well-known kinds, else plural.group. */
  id: string;
  group: string;
  version: string;
  resource: string;
  kind: string;
  namespaced: boolean;
  columns: ColumnDef[];
  /** Navigation group (Workloads, Network, Config, Storage, Access, Cluster, Custom). */
  category: string;
}

export interface ResourceRow {
  /** uid, stable across updates. */
  key: string;
  name: string;
  namespace?: string;
  health?: Health;
  /** One value per column of the kind, in order. */
  cells: Array<string | number | null>;
}

/** How a watched resource is doing: listing (with progress), live, or failing and why. */
export interface SyncState {
  phase: 'listing' | 'synced' | 'watching' | 'backoff' | 'forbidden' | 'stopped' | 'error';
  synced: boolean;
  /** Objects listed so far (listing) or in the cache. */
  count?: number;
  message?: string;
  retryInMs?: number;
  /** For forbidden: the permission that is missing. */
  verb?: string;
  resource?: string;
  namespace?: string;
}

export type ResourceWindowFrame =
  | { type: 'snapshot'; total: number; offset: number; rows: ResourceRow[] }
  /** Indexes are positions within the window (0 = the row at `offset`). Apply: drop `removed`,
   *  insert `inserted` in ascending index order, then replace `changed`. */
  | { type: 'delta'; total: number; offset: number; removed: string[]; inserted: Array<{ index: number; row: ResourceRow }>; changed: Array<{ index: number; row: ResourceRow }> }
  | { type: 'state'; state: SyncState };

/** A reference to another object, with its health when Orrery knows its kind. */
export interface ObjectRef {
  kind: string;
  /** Kind id for navigation (pods, deployments...), when Orrery lists that kind. */
  kindId?: string;
  name: string;
  namespace?: string;
  uid?: string;
  health?: Health;
}

export interface EventSummary {
  type: string;
  reason: string;
  message: string;
  count: number;
  lastSeen: string | null;
  source?: string;
}

export interface ContainerDetail {
  name: string;
  init: boolean;
  image: string;
  ready: boolean;
  restartCount: number;
  state: string;
  /** Why the current state is what it is (e.g. CrashLoopBackOff: back-off restarting...). */
  stateDetail?: string;
  lastTermination?: { reason: string; exitCode?: number; finishedAt?: string; message?: string };
  probes: Array<{ kind: 'liveness' | 'readiness' | 'startup'; summary: string; lastResult?: string }>;
  requests?: Record<string, string>;
  limits?: Record<string, string>;
}

export interface ObjectDetail {
  kind: KindInfo;
  /** The object as served, with Secret values masked unless revealed. */
  object: unknown;
  health?: Health;
  conditions: Array<{ type: string; status: string; reason?: string; message?: string; lastTransitionTime?: string }>;
  containers: ContainerDetail[];
  owners: ObjectRef[];
  owned: ObjectRef[];
  events: EventSummary[];
  /** Secret values are masked; true once the user revealed them. */
  revealed: boolean;
  /** The object no longer exists (deleted while open). */
  gone?: boolean;
}

export type ActionName = 'scale' | 'restart' | 'delete' | 'cordon' | 'uncordon' | 'edit';

/** Whether the user may do an action, and if not, why (from SelfSubjectAccessReview). */
export interface ActionPermission {
  action: ActionName;
  allowed: boolean;
  /** The verb and resource checked, e.g. "patch deployments/scale". */
  checked: string;
  reason?: string;
}

export interface ActionResult {
  ok: true;
  message: string;
}

export interface HealthCounts {
  ok: number;
  degraded: number;
  failing: number;
  unknown: number;
}

export interface ClusterOverview {
  nodes: { total: number; ready: number };
  namespaces: number;
  /** Per workload kind (Deployments, StatefulSets, DaemonSets, Jobs), counted by health. */
  workloads: Array<{ kind: string; kindId: string; counts: HealthCounts }>;
  pods: HealthCounts & { total: number };
  /** Pods that are not ready (up to 50), worst first. */
  notReady: ObjectRef[];
  /** Containers whose last restart was within the hour. */
  recentRestarts: Array<ObjectRef & { container: string; restarts: number; reason: string; at: string }>;
  /** Latest Warning events (up to 20). */
  warnings: Array<EventSummary & { object: string }>;
  /** metrics.k8s.io usage against allocatable; absent when metrics-server is missing. */
  usage?: { cpuCores: number; cpuAllocatable: number; memoryBytes: number; memoryAllocatable: number; at: string };
  usageError?: string;
  /** Kinds still loading, so the page can say the counts are partial. */
  loading: string[];
}

// ---- Aggregated logs (issue 5) ----

export type LogFormat = 'json' | 'logfmt' | 'klog' | 'plain';
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/** One log line of one container, parsed. */
export interface LogLine {
  /** Per view, strictly increasing in delivery order (gaps mean evicted or filtered out). */
  seq: number;
  /** The kubelet's timestamp, RFC3339Nano as served (e.g. 2024-01-02T15:04:05.123456789Z). */
  ts: string;
  /** The line's context, only in a view spanning more than one context. */
  context?: string;
  namespace: string;
  pod: string;
  container: string;
  level?: LogLevel;
  /** The message: a JSON/logfmt line's msg/message value, else the line itself (cut at 64 KiB). */
  msg: string;
  /** The other keys of a JSON or logfmt line (level, msg, time, trace and span ids removed). */
  fields?: Record<string, unknown>;
  traceId?: string;
  spanId?: string;
  format: LogFormat;
  /** The line was longer than 64 KiB and is cut for display; logs.fullLine returns all of it. */
  truncated?: true;
  /** Size of the whole line in bytes (without the kubelet timestamp). */
  bytes: number;
}

export type LogStreamState = 'waiting' | 'starting' | 'streaming' | 'quiet' | 'reconnecting' | 'ended' | 'error';

/** One container's follow stream, as the viewer shows it (a lost stream is never "quiet"). */
export interface LogStreamStatus {
  /** namespace/pod/container; context/namespace/pod/container in a view spanning contexts. */
  key: string;
  /** Only in a view spanning more than one context. */
  context?: string;
  namespace: string;
  pod: string;
  container: string;
  init?: true;
  /** An ephemeral (debug) container. */
  ephemeral?: true;
  /** waiting: not opened because the max concurrent stream limit is reached. */
  state: LogStreamState;
  /** For quiet: seconds since the last line. */
  quietForS?: number;
  /** For reconnecting: attempt number (1 = first retry). */
  attempt?: number;
  /** reconnecting/error/ended: why, e.g. "connection reset", "pods \"x\" is forbidden: ... pods/log",
   *  "Completed (exit code 0)", "pod deleted". */
  reason?: string;
  /** For ended: the terminated container's exit code, when known. */
  exitCode?: number;
  /** The container's restart count as last seen (a restart re-tails the new instance). */
  restartCount: number;
  /** Lines delivered by this stream so far. */
  lines: number;
}

export type LogFrame =
  /** Lines in columns (see log-lines.ts: LogLineDecoder turns them into TailLines). */
  | { type: 'lines'; batch: LogLineBatch }
  /** Every stream of the view (a full snapshot, replacing the previous one), sent whenever one
   *  changes state. limited: the max concurrent stream limit is reached and some are 'waiting'. */
  | { type: 'streams'; streams: LogStreamStatus[]; limited: boolean; maxStreams: number }
  /** Lines evicted from the backend's ring buffer since the last 'dropped' frame; total: overall. */
  | { type: 'dropped'; count: number; total: number }
  /** The filter changed: clear the view; the re-filtered buffer follows as 'lines' frames. */
  | { type: 'reset' };

export interface LogFilterResult {
  /** Lines of the buffer that match the new filter (they follow on the tail stream). */
  matched: number;
  buffered: number;
}

/** A piece of an export; concatenate the pieces in order. */
export interface LogExportChunk {
  data: string;
  /** Lines in this piece. */
  lines: number;
}
