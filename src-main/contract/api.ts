// The one contract between renderer and backend. Adding a capability is adding an entry here
// and a handler in the backend; both transports carry it unchanged.
import { z } from 'zod';
import { procedure, stream } from './define';
import type { AppInfo, ClusterConnection, ContextsSnapshot, MetricFamily } from './types';

const noInput = z.object({}).strict().optional().default({});
const contextName = z.string().min(1).max(253);

export const api = {
  'app.info': procedure<AppInfo>()(noInput),
  'contexts.list': procedure<ContextsSnapshot>()(noInput),
  /** The contexts now, then again whenever a kubeconfig file changes. */
  'contexts.watch': stream<ContextsSnapshot>('drop-oldest')(noInput),
  /** A context's connection state: connecting, connected (server version), or what failed and why. */
  'cluster.connection': stream<ClusterConnection>('drop-oldest')(z.object({ context: contextName }).strict()),
  /** Orrery's own metrics (process and protocol counters), as the Diagnostics page shows them. */
  'diagnostics.metrics': procedure<MetricFamily[]>()(noInput),
} as const;

export type Api = typeof api;
