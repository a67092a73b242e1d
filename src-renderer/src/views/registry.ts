// Every view in the navigation and the command palette. A view appears here only once it works.
import type { ComponentType } from 'react';
import { ContextsView } from './ContextsView';
import { DiagnosticsView } from './DiagnosticsView';
import { LogsView } from './logs/LogsView';
import { DashboardView } from './metrics/DashboardView';
import { ExplorerView } from './metrics/ExplorerView';
import { PrometheusView } from './metrics/PrometheusView';
import { ObjectView } from './ObjectView';
import { OverviewView } from './OverviewView';
import { ResourcesView } from './ResourcesView';
import { TopologyView } from './topology/TopologyView';
import { ServiceGraphView } from './servicegraph/ServiceGraphView';

export interface ViewDef {
  id: string;
  title: string;
  /** Words the command palette also matches. */
  keywords: string;
  component: ComponentType;
  /** Listed in the navigation (resource lists are listed per kind instead). */
  nav: boolean;
}

export const views: ViewDef[] = [
  { id: 'overview', title: 'Overview', keywords: 'cluster health dashboard usage', component: OverviewView, nav: true },
  { id: 'contexts', title: 'Contexts', keywords: 'kubeconfig clusters connect', component: ContextsView, nav: true },
  { id: 'resources', title: 'Resources', keywords: 'list kinds', component: ResourcesView, nav: false },
  { id: 'object', title: 'Object', keywords: 'detail', component: ObjectView, nav: false },
  { id: 'logs', title: 'Logs', keywords: 'tail stern aggregated pods workload', component: LogsView, nav: true },
  { id: 'topology', title: 'Topology', keywords: 'graph map objects owners selectors mounts structure', component: TopologyView, nav: true },
  { id: 'servicegraph', title: 'Service graph', keywords: 'traffic mesh istio linkerd kiali calls red edges requests errors latency', component: ServiceGraphView, nav: true },
  { id: 'metrics', title: 'Metrics', keywords: 'prometheus promql explorer query graph', component: ExplorerView, nav: true },
  { id: 'dashboards', title: 'Dashboards', keywords: 'metrics cpu memory network restarts red cluster node namespace workload pod service', component: DashboardView, nav: true },
  { id: 'prometheus', title: 'Prometheus', keywords: 'metrics discovery candidates override', component: PrometheusView, nav: false },
  { id: 'diagnostics', title: 'Diagnostics', keywords: 'metrics orrery self health streams', component: DiagnosticsView, nav: true },
];
