// Command palette entries that open the logs of a workload or a Service (through its selector) of
// the current context: "Logs: deployment/checkout in shop" (the targets: useLogTargets).
import type { Command } from '../../components/CommandPalette';
import { logsHref } from './source';

/** The kinds logs.tail takes as a workload source (replica sets are left to their deployments). */
export const logTargetKinds = ['deployments', 'statefulsets', 'daemonsets', 'jobs', 'services'] as const;
export type TargetKind = (typeof logTargetKinds)[number];

export interface LogTarget {
  kind: TargetKind;
  namespace: string;
  name: string;
}

const singular: Record<TargetKind, string> = { deployments: 'deployment', statefulsets: 'statefulset', daemonsets: 'daemonset', jobs: 'job', services: 'service' };

export function logCommands(targets: LogTarget[], params: URLSearchParams): Command[] {
  return targets.map((t) => ({
    id: `logs:${t.kind}/${t.namespace}/${t.name}`,
    group: 'Logs',
    title: `${singular[t.kind]}/${t.name} in ${t.namespace}`,
    keywords: `tail ${t.kind}`,
    run: () => {
      location.hash = logsHref(params, t);
    },
  }));
}
