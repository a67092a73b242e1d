import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, useSyncExternalStore } from 'react';
import type { Api } from '../../../src-main/contract/api';
import type { ClientError, ConnectionState } from '../../../src-main/contract/client';
import type { InputOf, ItemOf, OutputOf, ProcedureNames, StreamNames } from '../../../src-main/contract/define';
import { client } from './client';

/** A procedure call cached by react-query under [name, input]. */
export function useCall<K extends ProcedureNames<Api>>(name: K, input?: InputOf<Api[K]>, opts: { refetchInterval?: number } = {}) {
  return useQuery<OutputOf<Api[K]>, ClientError>({
    queryKey: [name, input ?? {}],
    queryFn: () => client.call(name, input),
    ...opts,
  });
}

/** Keeps the latest item of a stream; also writes it into the react-query cache of `mirrors`. */
export function useLatest<K extends StreamNames<Api>>(name: K, input?: InputOf<Api[K]>, mirrors?: ProcedureNames<Api>, disabled = false) {
  const [state, setState] = useState<{ value?: ItemOf<Api[K]>; error?: ClientError }>({});
  const queryClient = useQueryClient();
  const key = JSON.stringify(input ?? {});
  useEffect(() => {
    if (disabled) return;
    return client.subscribe(name, JSON.parse(key) as InputOf<Api[K]>, {
      onData(items) {
        const value = items.at(-1);
        if (value === undefined) return;
        setState({ value });
        if (mirrors) queryClient.setQueryData([mirrors, {}], value);
      },
      onError: (error) => setState((s) => ({ ...s, error })),
    });
  }, [name, key, mirrors, queryClient, disabled]);
  return state;
}

export function useConnectionState(): { state: ConnectionState; detail?: string } {
  const state = useSyncExternalStore(
    (cb) => client.onState(cb),
    () => client.state,
  );
  return { state, detail: client.stateDetail };
}
