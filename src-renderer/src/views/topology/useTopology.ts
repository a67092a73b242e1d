// The live topology graph of a stream: snapshot, then deltas applied in place. A delta that does
// not follow (a frame lost to a reconnect) reopens the stream.
import { useEffect, useMemo, useState } from 'react';
import type { Api } from '../../../../src-main/contract/api';
import type { ClientError } from '../../../../src-main/contract/client';
import type { InputOf } from '../../../../src-main/contract/define';
import { applyTopologyFrame, emptyTopology, type TopologyState } from '../../../../src-main/contract/topology-apply';
import { client } from '../../api/client';

type TopologyInput = InputOf<Api['topology.graph']>;

/** The graph, and the input it answers (the previous input's graph stays until the new one's arrives). */
export function useTopology(input: TopologyInput | undefined): { graph: TopologyState; answers?: TopologyInput; error?: ClientError } {
  const [state, setState] = useState<{ graph: TopologyState; error?: ClientError; key?: string }>({ graph: emptyTopology() });
  const [reopen, setReopen] = useState(0);
  const key = input ? JSON.stringify(input) : undefined;
  useEffect(() => {
    if (!key) return;
    let graph = emptyTopology();
    return client.subscribe('topology.graph', JSON.parse(key) as TopologyInput, {
      onData(frames) {
        try {
          for (const f of frames) graph = applyTopologyFrame(graph, f);
        } catch {
          setReopen((n) => n + 1);
          return;
        }
        setState({ graph, key });
      },
      onRestart: () => {
        graph = emptyTopology();
      },
      onError: (error) => setState((s) => ({ ...s, error })),
    });
  }, [key, reopen]);
  // A new input shows nothing stale: the previous graph stays only until the new one arrives.
  const answers = useMemo(() => (state.key ? (JSON.parse(state.key) as TopologyInput) : undefined), [state.key]);
  return { graph: state.graph, ...(answers ? { answers } : {}), ...(state.error ? { error: state.error } : {}) };
}
