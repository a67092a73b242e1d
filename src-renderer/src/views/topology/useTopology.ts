// The live topology graph of a stream: snapshot, then deltas applied in place. A delta that does
// not follow (a frame lost to a reconnect) reopens the stream.
import { useEffect, useState } from 'react';
import type { Api } from '../../../../src-main/contract/api';
import type { ClientError } from '../../../../src-main/contract/client';
import type { InputOf } from '../../../../src-main/contract/define';
import { applyTopologyFrame, emptyTopology, type TopologyState } from '../../../../src-main/contract/topology-apply';
import { client } from '../../api/client';

export function useTopology(input: InputOf<Api['topology.graph']> | undefined): { graph: TopologyState; error?: ClientError } {
  const [state, setState] = useState<{ graph: TopologyState; error?: ClientError; key?: string }>({ graph: emptyTopology() });
  const [reopen, setReopen] = useState(0);
  const key = input ? JSON.stringify(input) : undefined;
  useEffect(() => {
    if (!key) return;
    let graph = emptyTopology();
    return client.subscribe('topology.graph', JSON.parse(key) as InputOf<Api['topology.graph']>, {
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
  return { graph: state.graph, ...(state.error ? { error: state.error } : {}) };
}
