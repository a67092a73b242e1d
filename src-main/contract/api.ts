// The one contract between renderer and backend. Adding a capability is adding an entry here
// and a handler in the backend; both transports carry it unchanged.
import { z } from 'zod';
import { procedure, stream } from './define';
import { TOPOLOGY_KINDS, type TopologyFrame } from './topology-types';
import { TRAFFIC_SOURCES, TRAFFIC_WINDOWS, type ServiceGraph, type ServiceGraphHistory } from './servicegraph-types';
import type { AppInfo, ClusterConnection, ContextsSnapshot, KindInfo, MetricFamily, ObjectDetail, ResourceWindowFrame, ActionPermission, ActionResult, ClusterOverview, LogFrame, LogFilterResult, LogLine, LogExportChunk } from './types';
import { metricsApi } from './metrics-api';

const noInput = z.object({}).strict().optional().default({});
const contextName = z.string().min(1).max(253);
const viewId = z.string().min(8).max(64);
const namespaceName = z.string().min(1).max(63);
const podRef = z.object({ namespace: namespaceName, name: z.string().min(1).max(253) }).strict();
/** A JavaScript regular expression source (no slashes, no flags); compiled by the backend, which
 *  answers BAD_INPUT with the engine's message and the position when it does not compile. */
const regex = z.string().min(1).max(1000);

/** What to tail: exactly one of these shapes. */
export const logSourceSchema = z.union([
  z
    .object({
      workload: z
        .object({ kind: z.enum(['deployments', 'statefulsets', 'daemonsets', 'jobs', 'replicasets', 'services']), namespace: namespaceName, name: z.string().min(1).max(253) })
        .strict(),
    })
    .strict(),
  z.object({ labelSelector: z.string().min(1).max(1000), namespaces: z.array(namespaceName).max(100).optional() }).strict(),
  z.object({ namespace: namespaceName }).strict(),
  z.object({ podRegex: regex, namespaces: z.array(namespaceName).max(100).optional() }).strict(),
  z.object({ pods: z.array(podRef).min(1).max(1000) }).strict(),
]);

export const logFilterSchema = z
  .object({
    include: regex.optional(),
    exclude: regex.optional(),
    /** 'unknown' matches lines without a level. */
    levels: z.array(z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'unknown'])).max(7).optional(),
    /** "namespace/pod" (in every context of the view), or "context/namespace/pod". */
    pods: z.array(z.string().min(1).max(576)).max(1000).optional(),
    containers: z.array(z.string().min(1).max(253)).max(1000).optional(),
    /** Case-insensitive substring of the message (or whole line). */
    text: z.string().max(1000).optional(),
  })
  .strict();

const thresholdPct = z.number().min(0).max(100);
const serviceGraphInput = z
  .object({
    context: contextName,
    /** Edges touching these namespaces; absent or empty: all. */
    namespaces: z.array(namespaceName).max(100).optional(),
    mode: z.enum(['workloads', 'services']).default('workloads'),
    window: z.enum(TRAFFIC_WINDOWS).default('5m'),
    /** Unix seconds (default: now). */
    time: z.number().min(0).max(1e11).optional(),
    source: z.enum(TRAFFIC_SOURCES).optional(),
    /** p95 per edge in the graph (its histogram query costs more than all the rest: the view
     *  asks servicegraph.latency for it separately, less often). */
    latency: z.boolean().default(true),
    /** Error-rate thresholds in percent (default Kiali's: 0/10 for 5xx, 10/20 for 4xx). */
    thresholds: z.object({ degraded5xx: thresholdPct, failing5xx: thresholdPct, degraded4xx: thresholdPct, failing4xx: thresholdPct }).strict().optional(),
  })
  .strict();

export const api = {
  'app.info': procedure<AppInfo>()(noInput),
  'contexts.list': procedure<ContextsSnapshot>()(noInput),
  /** The contexts now, then again whenever a kubeconfig file changes. */
  'contexts.watch': stream<ContextsSnapshot>('drop-oldest')(noInput),
  /** A context's connection state: connecting, connected (server version), or what failed and why. */
  'cluster.connection': stream<ClusterConnection>('drop-oldest')(z.object({ context: contextName }).strict()),
  /** The resource kinds Orrery can list, with their columns. */
  'resources.kinds': procedure<KindInfo[]>()(z.object({ context: contextName.optional() }).strict().optional().default({})),
  /** The context's kinds now, then again whenever its CRDs change (a CRD added at runtime appears). */
  'resources.kindsWatch': stream<KindInfo[]>('drop-oldest')(z.object({ context: contextName }).strict()),
  /** A live, sorted, filtered window of one kind's rows: a snapshot, then deltas. */
  'resources.window': stream<ResourceWindowFrame>('fail')(
    z
      .object({
        /** Chosen by the client; names this view for resources.scroll. */
        viewId: z.string().min(8).max(64),
        context: contextName,
        kind: z.string().min(1).max(253),
        namespaces: z.array(z.string().max(63)).max(100).optional(),
        name: z.string().max(253).optional(),
        labelSelector: z.string().max(1000).optional(),
        sort: z.string().max(100).default('name'),
        descending: z.boolean().default(false),
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(1000).default(200),
      })
      .strict(),
  ),
  /** Moves an open window (scrolling); the new rows arrive on its stream. */
  'resources.scroll': procedure<{ ok: true }>()(
    z.object({ viewId: z.string().min(8).max(64), offset: z.number().int().min(0), limit: z.number().int().min(1).max(1000) }).strict(),
  ),
  /** One object, live: summary, conditions, containers, owners, owned objects, events. */
  'resources.detail': stream<ObjectDetail>('drop-oldest')(
    z
      .object({
        context: contextName,
        kind: z.string().min(1).max(253),
        namespace: z.string().max(63).optional(),
        name: z.string().min(1).max(253),
        /** Show Secret values; only on the user's explicit request. */
        reveal: z.boolean().default(false),
      })
      .strict(),
  ),
  /** Which actions the user may take on an object (each checked with SelfSubjectAccessReview). */
  'resources.permissions': procedure<ActionPermission[]>()(
    z.object({ context: contextName, kind: z.string().min(1).max(253), namespace: z.string().max(63).optional(), name: z.string().min(1).max(253) }).strict(),
  ),
  /** Scale, restart a rollout, delete, cordon/uncordon, or replace with edited YAML. */
  'resources.action': procedure<ActionResult>()(
    z
      .object({
        context: contextName,
        kind: z.string().min(1).max(253),
        namespace: z.string().max(63).optional(),
        name: z.string().min(1).max(253),
        action: z.enum(['scale', 'restart', 'delete', 'cordon', 'uncordon', 'edit']),
        replicas: z.number().int().min(0).max(100_000).optional(),
        /** For edit: the whole object as YAML. */
        yaml: z.string().max(2_000_000).optional(),
      })
      .strict(),
  ),
  /** The cluster at a glance: nodes, workloads and pods by health, restarts, warnings, usage. */
  'cluster.overview': stream<ClusterOverview>('drop-oldest')(z.object({ context: contextName, namespace: z.string().max(63).optional() }).strict()),
  /** Namespace names of a context, live (for the namespace filter). */
  'cluster.namespaces': stream<string[]>('drop-oldest')(z.object({ context: contextName }).strict()),
  /** Aggregated, live logs of many pods (one follow stream per container). Lines, stream states,
   *  ring-buffer evictions and filter resets arrive as frames; see LogFrame. */
  // Flow control counts log lines, not frames of lines: at most 2,000 lines a frame, producers
  // slowed past 6,000 unsent lines (~20 ms of a firehose, so lines die young in the JS heap),
  // and a hard bound far beyond what back-pressure allows. The streams' states overtake queued
  // lines (a stream that opened is shown open at once).
  'logs.tail': stream<LogFrame>('fail', {
    weight: (f) => (f.type === 'lines' ? f.batch.seq.length : 1),
    snapshot: (f) => f.type === 'streams',
    maxItemsPerFrame: 2000,
    highWater: 6_000,
    maxBuffered: 2_000_000,
  })(
    z
      .object({
        /** Chosen by the client; names this view for logs.filter, logs.fullLine and logs.export. */
        viewId,
        context: contextName,
        source: logSourceSchema,
        /** More sources in the same view, each in its own context: one view over several contexts
         *  and namespaces. A pod matched by several sources is tailed once. In a view spanning
         *  more than one context, lines and streams carry their context. */
        sources: z.array(z.object({ context: contextName, source: logSourceSchema }).strict()).max(50).optional(),
        containerInclude: regex.optional(),
        containerExclude: regex.optional(),
        includeInit: z.boolean().default(false),
        /** Also tail ephemeral containers (spec.ephemeralContainers, as `kubectl debug` adds). */
        includeEphemeral: z.boolean().default(false),
        /** Like stern --since: a duration ("5m", "1h30m", "90s") or an RFC3339 time. Default 48h. */
        since: z
          .string()
          .max(64)
          .regex(/^(\d+(\.\d+)?(ms|s|m|h))+$|^\d{4}-\d{2}-\d{2}T/, 'expected a duration like 5m or an RFC3339 time')
          .optional(),
        /** Like stern --tail: lines per container already running at start; absent = all. */
        tail: z.number().int().min(0).max(1_000_000).optional(),
        /** Ring buffer size of the view; the oldest lines are evicted beyond it. */
        bufferLines: z.number().int().min(100).max(5_000_000).default(1_000_000),
        /** Max concurrent follow streams; further containers wait (state 'waiting'). */
        maxStreams: z.number().int().min(1).max(1000).default(200),
        /** A stream with no line for this long is shown as quiet. */
        quietAfterS: z.number().int().min(1).max(3600).default(15),
        /** Initial filter (same as a logs.filter call right after opening). */
        filter: logFilterSchema.optional(),
      })
      .strict(),
  ),
  /** Re-filters a view's buffer at once: its tail stream gets a 'reset' then the matching lines. */
  'logs.filter': procedure<LogFilterResult>()(z.object({ viewId }).merge(logFilterSchema).strict()),
  /** The previous (terminated) instance's last 500 lines of a container (previous=true). */
  'logs.previous': procedure<LogLine[]>()(
    z.object({ context: contextName, namespace: namespaceName, pod: z.string().min(1).max(253), container: z.string().min(1).max(253) }).strict(),
  ),
  /** A cut (truncated) line's full text; NOT_FOUND once evicted from the buffer. */
  'logs.fullLine': procedure<{ text: string }>()(z.object({ viewId, seq: z.number().int().min(0) }).strict()),
  /** Every buffered line matching the view's current filter (on screen or not), in pieces:
   *  'text' is "TIMESTAMP NAMESPACE/POD CONTAINER LINE" per line, 'jsonl' one JSON object per line
   *  (LogLine without seq, with full text in `line`). Ends when all is sent. */
  'logs.export': stream<LogExportChunk>('fail')(z.object({ viewId, format: z.enum(['text', 'jsonl']) }).strict()),
  /** The object graph of namespaces (or of one object's neighbourhood) from the watch cache:
   *  a snapshot, then deltas against the previous version (see TopologyFrame). Live. */
  'topology.graph': stream<TopologyFrame>('fail')(
    z
      .object({
        context: contextName,
        /** Namespaces in scope; absent or empty: all (or the focused object's). */
        namespaces: z.array(namespaceName).max(100).optional(),
        /** Kinds shown (default: all but Node). */
        kinds: z.array(z.enum(TOPOLOGY_KINDS)).max(TOPOLOGY_KINDS.length).optional(),
        /** Only nodes of these health levels, with their neighbours as context. */
        health: z.array(z.enum(['ok', 'degraded', 'failing', 'unknown'])).min(1).max(4).optional(),
        /** Ids of workloads (or pod groups) whose ReplicaSets and Pods are shown. */
        expand: z.array(z.string().min(1).max(600)).max(1000).optional(),
        /** Every pod shown on its own (no grouping). */
        expandAll: z.boolean().default(false),
        /** The neighbourhood of one object, `depth` hops in either direction. */
        focus: z
          .object({ kind: z.enum(TOPOLOGY_KINDS), namespace: namespaceName.optional(), name: z.string().min(1).max(253), depth: z.number().int().min(1).max(10).default(2) })
          .strict()
          .optional(),
        /** The graph is cut at this many nodes (workloads and Services kept first). */
        maxNodes: z.number().int().min(10).max(20_000).default(5000),
      })
      .strict(),
  ),
  /** Who talks to whom, from request metrics in the context's Prometheus (Istio, Linkerd or
   *  span-derived, detected unless `source` is given): workloads or services with request rate,
   *  5xx and 4xx rates, p95 latency and health by the thresholds, for the window ending at `time`. */
  'servicegraph.graph': procedure<ServiceGraph>()(serviceGraphInput),
  /** p95 latency (ms) of successful requests per edge id, for the window ending at `time`. */
  'servicegraph.latency': procedure<{ p95: Record<string, number>; queryMs: number }>()(serviceGraphInput),
  /** The same rates at every `step` over the last `rangeS` seconds, for the replay slider. */
  'servicegraph.history': procedure<ServiceGraphHistory>()(
    serviceGraphInput.extend({ rangeS: z.number().int().min(60).max(86_400).default(3600), step: z.number().int().min(5).max(3600).default(30) }).strict(),
  ),
  /** Orrery's own metrics (process and protocol counters), as the Diagnostics page shows them. */
  'diagnostics.metrics': procedure<MetricFamily[]>()(noInput),
  /** Resource usage history and Prometheus (metrics-api.ts). */
  ...metricsApi,
} as const;

export type Api = typeof api;
