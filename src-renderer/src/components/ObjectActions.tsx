// Actions on one object. Each is checked first (SelfSubjectAccessReview via the backend): allowed
// ones are buttons, denied ones are disabled with the reason. Destructive ones ask first.
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { stringify } from 'yaml';
import type { ActionName } from '../../../src-main/contract/types';
import type { ClientError } from '../../../src-main/contract/client';
import { client } from '../api/client';
import { useCall } from '../api/hooks';

const labels: Record<ActionName, string> = { scale: 'Scale', restart: 'Restart rollout', delete: 'Delete', cordon: 'Cordon', uncordon: 'Uncordon', edit: 'Edit YAML' };
const destructive = new Set<ActionName>(['delete', 'restart', 'cordon']);

interface Target {
  context: string;
  kind: string;
  namespace?: string;
  name: string;
}

export function ObjectActions({ target, object, replicas, unschedulable }: { target: Target; object: unknown; replicas?: number; unschedulable?: boolean }) {
  const perms = useCall('resources.permissions', target);
  const [open, setOpen] = useState<ActionName | undefined>();
  const [result, setResult] = useState<{ ok: boolean; message: string } | undefined>();
  const queryClient = useQueryClient();
  const done = (r: { ok: boolean; message: string }) => {
    setResult(r);
    if (r.ok) setOpen(undefined);
    void queryClient.invalidateQueries({ queryKey: ['resources.permissions'] });
  };
  if (perms.error) return <div className="notice error">Cannot check permissions: {perms.error.message}</div>;
  const visible = (perms.data ?? []).filter((p) => !(p.action === 'cordon' && unschedulable) && !(p.action === 'uncordon' && !unschedulable));
  return (
    <div className="actions" data-testid="actions">
      {visible.map((p) => (
        <button key={p.action} disabled={!p.allowed} title={p.allowed ? `${labels[p.action]} (needs ${p.checked})` : p.reason} className={destructive.has(p.action) ? 'danger' : undefined} onClick={() => setOpen(p.action)} data-action={p.action}>
          {labels[p.action]}
        </button>
      ))}
      {result && (
        <span className={result.ok ? 'action-ok' : 'cell-error'} role="status" data-testid="action-result">
          {result.message}
        </span>
      )}
      {open && <ActionDialog action={open} target={target} object={object} replicas={replicas} onClose={() => setOpen(undefined)} onDone={done} />}
    </div>
  );
}

function ActionDialog(props: { action: ActionName; target: Target; object: unknown; replicas?: number; onClose(): void; onDone(r: { ok: boolean; message: string }): void }) {
  const { action, target } = props;
  const [count, setCount] = useState(String(props.replicas ?? 1));
  const [yaml, setYaml] = useState(() => stringify(props.object));
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const input = { ...target, action, ...(action === 'scale' ? { replicas: Number(count) } : {}), ...(action === 'edit' ? { yaml } : {}) };
      const r = await client.call('resources.action', input);
      props.onDone({ ok: true, message: r.message });
    } catch (err) {
      const e = err as ClientError;
      const causes = (e.details as { causes?: Array<{ field?: string; message?: string }> } | undefined)?.causes;
      setError(causes?.length ? `${e.message}\n${causes.map((c) => `• ${c.field ?? ''}: ${c.message ?? ''}`).join('\n')}` : e.message);
    } finally {
      setBusy(false);
    }
  };
  const what = `${target.kind.replace(/s$/, '')} ${target.namespace ? `${target.namespace}/` : ''}${target.name}`;
  return (
    <div className="palette-backdrop" onMouseDown={props.onClose}>
      <div className={`dialog ${action === 'edit' ? 'wide' : ''}`} role="dialog" aria-label={labels[action]} onMouseDown={(e) => e.stopPropagation()}>
        <h2>
          {labels[action]}: {what}
        </h2>
        {action === 'scale' && (
          <label className="field">
            <span>Replicas</span>
            <input type="number" min={0} value={count} onChange={(e) => setCount(e.target.value)} aria-label="Replicas" autoFocus />
          </label>
        )}
        {action === 'edit' && <textarea className="yaml-editor" value={yaml} onChange={(e) => setYaml(e.target.value)} aria-label="YAML" spellCheck={false} />}
        {destructive.has(action) && <p>{action === 'delete' ? `Delete ${what}? This cannot be undone.` : action === 'restart' ? `Replace every pod of ${what}, one batch at a time?` : `Stop scheduling new pods on ${target.name}?`}</p>}
        {action === 'uncordon' && <p>Allow new pods on {target.name} again?</p>}
        {error && (
          <pre className="notice error" role="alert" data-testid="action-error">
            {error}
          </pre>
        )}
        <div className="dialog-buttons">
          <button onClick={props.onClose}>Cancel</button>
          <button className={destructive.has(action) ? 'danger primary' : 'primary'} disabled={busy} onClick={() => void run()} data-testid="confirm">
            {busy ? 'Working…' : labels[action]}
          </button>
        </div>
      </div>
    </div>
  );
}
