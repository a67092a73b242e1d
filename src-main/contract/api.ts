// The one contract between renderer and backend. Adding a capability is adding an entry here
// and a handler in the backend; both transports carry it unchanged.
import { z } from 'zod';
import { procedure, stream } from './define';
import type { AppInfo, ClusterConnection, ContextsSnapshot, KindInfo, MetricFamily, ObjectDetail, ResourceWindowFrame, ActionPermission, ActionResult, ClusterOverview } from './types';

const noInput = z.object({}).strict().optional().default({});
const contextName = z.string().min(1).max(253);

export const api = {
  'app.info': procedure<AppInfo>()(noInput),
  'contexts.list': procedure<ContextsSnapshot>()(noInput),
  /** The contexts now, then again whenever a kubeconfig file changes. */
  'contexts.watch': stream<ContextsSnapshot>('drop-oldest')(noInput),
  /** A context's connection state: connecting, connected (server version), or what failed and why. */
  'cluster.connection': stream<ClusterConnection>('drop-oldest')(z.object({ context: contextName }).strict()),
  /** The resource kinds Orrery can list, with their columns. */
  'resources.kinds': procedure<KindInfo[]>()(z.object({ context: contextName.optional() }).strict().optional().default({})),
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
  /** Orrery's own metrics (process and protocol counters), as the Diagnostics page shows them. */
  'diagnostics.metrics': procedure<MetricFamily[]>()(noInput),
} as const;

export type Api = typeof api;
