// The kubelet's own /metrics, the few families dashboards and the mixin's kubelet alerts use to
// tell kubelets apart and count what they run.
import type { KObject } from '../apiserver/store';
import { Exposition } from './exposition';

export function kubeletMetricsText(node: string, pods: KObject[]): string {
  let running = 0;
  const containers = { running: 0, exited: 0, created: 0 };
  for (const p of pods) {
    if (p.status?.phase === 'Running') running++;
    for (const s of p.status?.containerStatuses ?? []) {
      if (s.state?.running) containers.running++;
      else if (s.state?.terminated) containers.exited++;
      else if (s.containerID) containers.created++;
    }
  }
  const e = new Exposition();
  e.family('kubelet_node_name', 'gauge', "[ALPHA] The node's name. The count is always 1.").sample('kubelet_node_name', [['node', node]], 1);
  e.family('kubelet_running_containers', 'gauge', '[ALPHA] Number of containers currently running');
  for (const [state, n] of Object.entries(containers)) e.sample('kubelet_running_containers', [['container_state', state]], n);
  e.family('kubelet_running_pods', 'gauge', '[ALPHA] Number of pods that have a running pod sandbox').sample('kubelet_running_pods', [], running);
  return e.text();
}
