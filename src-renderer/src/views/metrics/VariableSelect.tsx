// One dashboard variable as a select, its options filled from the cluster (namespaces and
// object names from the watch cache) or from Prometheus label values. An unset variable takes
// the first option, so a dashboard opened bare shows data at once.
import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useLatest } from '../../api/hooks';
import { useResourceWindow } from '../../api/useResourceWindow';
import { interpolate } from './dashboards/interpolate';
import { ALL, type DashboardVariable, type VariableValues } from './dashboards/types';
import type { PromApi } from './promql/prom-api';

function useOptions(variable: DashboardVariable, context: string, values: VariableValues, api: PromApi | undefined): { options: string[]; loading: boolean; error?: string } {
  const src = variable.source;
  const namespaces = useLatest('cluster.namespaces', { context }, undefined, src.kind !== 'namespaces');
  const ns = values.namespace && values.namespace !== ALL ? values.namespace : undefined;
  const objects = useResourceWindow(src.kind === 'objects' && (!src.namespaced || ns) ? { context, kind: src.resource, ...(src.namespaced && ns ? { namespaces: [ns] } : {}), sort: 'name', descending: false } : undefined, 500);
  const match = src.kind === 'labelValues' ? interpolate(src.match, values, { stepS: 60 }) : '';
  const labelValues = useQuery({
    queryKey: ['label-values', context, src.kind === 'labelValues' ? src.label : '', match],
    enabled: src.kind === 'labelValues' && !!api,
    queryFn: ({ signal }) => api!.labelValues({ label: (src as { label: string }).label, match: [match], start: Date.now() - 3600_000, end: Date.now() }, signal),
  });
  switch (src.kind) {
    case 'namespaces':
      return { options: namespaces.value ?? [], loading: !namespaces.value, error: namespaces.error?.message };
    case 'objects':
      return { options: objects.view.rows.map((r) => r.name), loading: !objects.view.loaded, error: objects.view.error?.message };
    case 'labelValues':
      return { options: labelValues.data ?? [], loading: labelValues.isLoading, error: labelValues.error?.message };
  }
}

export function VariableSelect({ variable, context, values, api, onChange }: { variable: DashboardVariable; context: string; values: VariableValues; api: PromApi | undefined; onChange(value: string | undefined): void }) {
  const { options, loading, error } = useOptions(variable, context, values, api);
  const value = values[variable.name];
  const first = variable.includeAll ? ALL : options[0];
  useEffect(() => {
    // Pick the first option when unset, or when the current one is gone (another namespace).
    if (loading || !first) return;
    if (value === undefined || (value !== ALL && !options.includes(value))) onChange(first);
  }, [loading, first, value, options, onChange]);
  return (
    <label className="field variable" data-testid={`var-${variable.name}`}>
      {variable.label}
      <select aria-label={variable.label} value={value ?? ''} onChange={(e) => onChange(e.target.value)} disabled={loading && options.length === 0}>
        {loading && options.length === 0 && <option value="">loading…</option>}
        {!loading && options.length === 0 && <option value="">none</option>}
        {variable.includeAll && <option value={ALL}>All</option>}
        {value && value !== ALL && !options.includes(value) && <option value={value}>{value}</option>}
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
      {error && <span className="cell-error">{error}</span>}
    </label>
  );
}
