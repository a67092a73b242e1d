// The workloads and Services of the current context that the command palette offers logs for;
// their lists are watched only while the palette is open.
import { useEffect, useMemo, useState } from 'react';
import { client } from '../../api/client';
import { applyFrame, type WindowView } from '../../api/useResourceWindow';
import { logTargetKinds, type LogTarget, type TargetKind } from './log-commands';

const empty: WindowView = { total: 0, offset: 0, rows: [], loaded: false };

/** The workloads and Services of a context, live while `enabled`. */
export function useLogTargets(context: string | undefined, enabled: boolean): LogTarget[] {
  const [state, setState] = useState<{ key: string; views: Partial<Record<TargetKind, WindowView>> }>({ key: '', views: {} });
  const key = enabled && context ? context : '';
  useEffect(() => {
    if (!key) return;
    const cancels = logTargetKinds.map((kind) =>
      client.subscribe('resources.window', { viewId: `palette-${kind}-${crypto.randomUUID()}`, context: key, kind, limit: 1000 }, {
        onData: (frames) => setState((s) => ({ key, views: { ...(s.key === key ? s.views : {}), [kind]: frames.reduce(applyFrame, (s.key === key ? s.views[kind] : undefined) ?? empty) } })),
        // A kind the user may not list simply has no entries.
        onError: () => undefined,
      }),
    );
    return () => cancels.forEach((c) => c());
  }, [key]);
  const current = state.key === key ? state.views : undefined;
  return useMemo(
    () => (key && current ? logTargetKinds.flatMap((kind) => (current[kind]?.rows ?? []).filter((r) => r.namespace).map((r) => ({ kind, namespace: r.namespace!, name: r.name }))) : []),
    [key, current],
  );
}

