// The built-in dashboards. Adding one is adding a file and a line here.
import { clusterDashboard } from './cluster';
import { namespaceDashboard } from './namespace';
import { nodeDashboard } from './node';
import { podDashboard } from './pod';
import { serviceRedDashboard } from './service-red';
import type { Dashboard } from './types';
import { workloadDashboard } from './workload';

export const dashboards: Dashboard[] = [clusterDashboard, nodeDashboard, namespaceDashboard, workloadDashboard, podDashboard, serviceRedDashboard];

export function findDashboard(id: string | null | undefined): Dashboard | undefined {
  return dashboards.find((d) => d.id === id);
}
