// A live log view: opens logs.tail, keeps the lines (bounded, see LineStore), the streams' states
// and the eviction count. Incoming lines are applied in an animation frame at most every 50 ms:
// a flood of lines is never a storm of renders, and 20 updates a second are more than anyone
// reads while following thousands of lines a second.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { Api } from '../../../src-main/contract/api';
import type { ClientError } from '../../../src-main/contract/client';
import type { InputOf } from '../../../src-main/contract/define';
import { LogLineDecoder } from '../../../src-main/contract/log-lines';
import type { LogFrame, LogStreamStatus } from '../../../src-main/contract/types';
import { client } from './client';
import { LineStore } from './line-store';

export type TailRequest = Omit<InputOf<Api['logs.tail']>, 'viewId'>;

export interface TailState {
  /** The lines in time order, updated in place: `length`, `trimmed` and `version` are its state
   *  when this object was made. */
  lines: LineStore;
  length: number;
  /** Lines the renderer let go to stay bounded (the backend's buffer still has them for export). */
  trimmed: number;
  streams: LogStreamStatus[];
  limited: boolean;
  maxStreams: number;
  /** Lines evicted from the backend's ring buffer. */
  dropped: number;
  error?: ClientError;
  /** Bumped on every change, for memo keys. */
  version: number;
  /** Times the subscription was reopened after a lost connection (each time a new backend view,
   *  made from the request as first sent: filters changed since must be applied again). */
  restarts: number;
}

/** Shown before a view's first lines: never added to. */
const NO_LINES = new LineStore(new LogLineDecoder(), 0);
const empty = (lines = NO_LINES): TailState => ({ lines, length: 0, trimmed: 0, streams: [], limited: false, maxStreams: 0, dropped: 0, version: 0, restarts: 0 });


export function useLogTail(request: TailRequest | undefined, maxLines = 200_000) {
  const key = JSON.stringify(request ?? null);
  const [state, setState] = useState<{ key: string; tail: TailState }>({ key, tail: empty() });
  // One view id per query: the backend names the view's buffer by it (logs.filter, export...).
  const viewId = useMemo(() => (key === 'null' ? '' : `logs-${crypto.randomUUID()}`), [key]);
  const pending = useRef<LogFrame[]>([]);
  const frame = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  useEffect(() => {
    if (!viewId) return;
    const id = viewId;
    let lines = new LineStore(new LogLineDecoder(), maxLines);
    let current = empty(lines);
    let updatedAt = 0;
    const flush = () => {
      frame.current = 0;
      updatedAt = performance.now();
      const frames = pending.current;
      pending.current = [];
      let { streams, limited, maxStreams, dropped } = current;
      for (const f of frames) {
        if (f.type === 'reset') lines.clear();
        else if (f.type === 'lines') lines.add(f.batch);
        else if (f.type === 'streams') ({ streams, limited, maxStreams } = f);
        else if (f.type === 'dropped') dropped = f.total;
      }
      lines.commit();
      lines.trim();
      current = { ...current, lines, length: lines.length, trimmed: lines.trimmed, streams, limited, maxStreams, dropped, version: current.version + 1 };
      setState({ key, tail: current });
    };
    const cancel = client.subscribe('logs.tail', { viewId: id, ...(JSON.parse(key) as TailRequest) }, {
      onData(frames) {
        pending.current.push(...frames);
        if (frame.current || timer.current) return;
        const wait = updatedAt + lines.commitGapMs - performance.now();
        if (wait <= 0) frame.current = requestAnimationFrame(flush);
        else
          timer.current = setTimeout(() => {
            timer.current = undefined;
            frame.current = requestAnimationFrame(flush);
          }, wait);
      },
      onError(error) {
        current = { ...current, error, version: current.version + 1 };
        setState({ key, tail: current });
      },
      onRestart() {
        // A new subscription: a new view on the backend, whose streams are announced again.
        lines = new LineStore(new LogLineDecoder(), maxLines);
        pending.current = [];
        current = { ...empty(lines), version: current.version + 1, restarts: current.restarts + 1 };
        setState({ key, tail: current });
      },
    });
    return () => {
      cancel();
      cancelAnimationFrame(frame.current);
      clearTimeout(timer.current);
      timer.current = undefined;
      frame.current = 0;
      pending.current = [];
    };
  }, [key, viewId, maxLines]);

  return { tail: state.key === key ? state.tail : empty(), viewId };
}
