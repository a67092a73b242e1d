// Dashboards are data: a typed definition per dashboard (one file each, listed in index.ts).
// Queries use $variables, filled from the cluster (watch cache) or from Prometheus label values,
// and $__rate_interval, chosen from the step as Grafana does.
import type { Reference } from '../charts/series';
import type { Unit } from '../charts/units';

export type VariableSource =
  /** Namespace names of the context (watch cache). */
  | { kind: 'namespaces' }
  /** Names of objects of a kind (watch cache), in the namespace variable's namespace when namespaced. */
  | { kind: 'objects'; resource: 'deployments' | 'statefulsets' | 'daemonsets' | 'pods' | 'nodes' | 'services'; namespaced: boolean }
  /** Values of a label on the series matching `match` (Prometheus; $variables allowed). */
  | { kind: 'labelValues'; label: string; match: string };

export interface DashboardVariable {
  name: string;
  label: string;
  source: VariableSource;
  /** Offer "All" (matches every value: the query's `=~"$name"` becomes `.+`). */
  includeAll?: boolean;
}

export interface PanelQuery {
  expr: string;
  /** Legend template, e.g. "{{pod}}"; a fixed text names a single-series query ("limit"). */
  legend?: string;
  /** Drawn as a bound to compare with (dashed, fixed color), not as usage. */
  reference?: Reference;
}

export interface Panel {
  id: string;
  title: string;
  unit: Unit;
  queries: PanelQuery[];
  stacked?: boolean;
  /** Columns of a 12-column grid (default 6: two panels a row). */
  span?: 4 | 6 | 12;
  description?: string;
}

export interface Dashboard {
  id: string;
  title: string;
  description: string;
  variables: DashboardVariable[];
  panels: Panel[];
  /** Which cluster events are drawn on the charts (rollouts, restarts). */
  annotations?: 'workload' | 'pod' | 'namespace';
}

/** Variables' current values; "__all" stands for All. */
export type VariableValues = Record<string, string>;
export const ALL = '__all';
