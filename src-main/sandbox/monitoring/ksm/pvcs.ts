// kube-state-metrics' PersistentVolumeClaim families (internal/store/persistentvolumeclaim.go,
// v2.15), in KSM's order and with its stability levels: storageclass from the beta annotation,
// then spec.storageClassName, else "<none>"; status_phase only once the claim has a phase (one
// series each for Lost, Bound and Pending); storage requests as whole bytes.
import type { KObject } from '../../apiserver/store';
import { conditionRows, nm, ns, quantityValue, sec, type Labels, type Writer } from './common';

const id = (p: KObject): Labels => [['namespace', ns(p)], ['persistentvolumeclaim', nm(p)]];
const BETA_CLASS = 'volume.beta.kubernetes.io/storage-class';

export const storageClass = (p: KObject): string => p.metadata.annotations?.[BETA_CLASS] ?? p.spec?.storageClassName ?? '<none>';

export function writePvcs(w: Writer, pvcs: readonly KObject[]): void {
  w.labels('persistentvolumeclaim');
  w.annotations('persistentvolumeclaim');
  w.family('kube_persistentvolumeclaim_info', 'gauge', 'Information about persistent volume claim.', true, pvcs, (p) => [
    [[...id(p), ['storageclass', storageClass(p)], ['volumename', p.spec?.volumeName ?? ''], ['volumemode', p.spec?.volumeMode ?? '']], 1],
  ]);
  w.family('kube_persistentvolumeclaim_status_phase', 'gauge', 'The phase the persistent volume claim is currently in.', true, pvcs, (p) => {
    const phase = p.status?.phase;
    return phase ? ['Lost', 'Bound', 'Pending'].map((ph): [Labels, number] => [[...id(p), ['phase', ph]], phase === ph ? 1 : 0]) : [];
  });
  w.gauge('kube_persistentvolumeclaim_resource_requests_storage_bytes', 'The capacity of storage requested by the persistent volume claim.', true, pvcs, id, (p) => quantityValue(p.spec?.resources?.requests?.storage));
  w.family('kube_persistentvolumeclaim_access_mode', 'gauge', 'The access mode(s) specified by the persistent volume claim.', true, pvcs, (p) =>
    (p.spec?.accessModes ?? []).map((m: string): [Labels, number] => [[...id(p), ['access_mode', m]], 1]),
  );
  w.family('kube_persistentvolumeclaim_status_condition', 'gauge', 'Information about status of different conditions of persistent volume claim.', false, pvcs, (p) => (p.status?.conditions ?? []).flatMap((c: any) => conditionRows(id(p), c)));
  w.gauge('kube_persistentvolumeclaim_created', 'Unix creation timestamp', false, pvcs, id, (p) => sec(p.metadata.creationTimestamp));
  w.gauge('kube_persistentvolumeclaim_deletion_timestamp', 'Unix deletion timestamp', false, pvcs, id, (p) => sec(p.metadata.deletionTimestamp));
}
