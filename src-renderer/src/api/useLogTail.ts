// A live log view: opens logs.tail, keeps the lines (bounded), the streams' states and the
// eviction count. Incoming lines are applied at most once per animation frame, so a flood of
// lines never turns into a storm of React renders.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { Api } from '../../../src-main/contract/api';
import type { ClientError } from '../../../src-main/contract/client';
import type { InputOf } from '../../../src-main/contract/define';
import { LogLineDecoder, type TailLine } from '../../../src-main/contract/log-lines';
import type { LogFrame, LogStreamStatus } from '../../../src-main/contract/types';
import { client } from './client';
import { mergeByTime } from './log-order';

export type TailRequest = Omit<InputOf<Api['logs.tail']>, 'viewId'>;

export interface TailState {
  /**
   * The lines in time order. The same array is updated in place from frame to frame (copying up
   * to maxLines references 60 times a second fed the garbage collector, in large-object space,
   * which only full collections free): `version` says when it changed.
   */
  lines: TailLine[];
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
}

const empty = (): TailState => ({ lines: [], trimmed: 0, streams: [], limited: false, maxStreams: 0, dropped: 0, version: 0 });

export function useLogTail(request: TailRequest | undefined, maxLines = 200_000) {
  const key = JSON.stringify(request ?? null);
  const [state, setState] = useState<{ key: string; tail: TailState }>({ key, tail: empty() });
  // One view id per query: the backend names the view's buffer by it (logs.filter, export...).
  const viewId = useMemo(() => (key === 'null' ? '' : `logs-${crypto.randomUUID()}`), [key]);
  const pending = useRef<LogFrame[]>([]);
  const frame = useRef(0);

  useEffect(() => {
    if (!viewId) return;
    const id = viewId;
    let current = empty();
    let decoder = new LogLineDecoder();
    const flush = () => {
      frame.current = 0;
      const frames = pending.current;
      pending.current = [];
      let lines = current.lines;
      let trimmed = current.trimmed;
      let { streams, limited, maxStreams, dropped } = current;
      // The frame's lines are merged in once (one sort, one walk back to where the oldest lands),
      // not once per 'lines' item: items hold at most 256 lines and a frame can bring dozens.
      let batch: TailLine[] = [];
      for (const f of frames) {
        if (f.type === 'reset') {
          batch = [];
          lines = [];
          trimmed = 0;
        } else if (f.type === 'lines') decoder.decode(f.batch, batch);
        else if (f.type === 'streams') ({ streams, limited, maxStreams } = f);
        else if (f.type === 'dropped') dropped = f.total;
      }
      mergeByTime(lines, batch);
      if (lines.length > maxLines) {
        // Trimmed in steps of 5%, not a few lines per frame: each trim moves the whole array.
        const cut = lines.length - maxLines + Math.floor(maxLines / 20);
        trimmed += cut;
        lines.splice(0, cut);
      }
      current = { ...current, lines, trimmed, streams, limited, maxStreams, dropped, version: current.version + 1 };
      setState({ key, tail: current });
    };
    const cancel = client.subscribe('logs.tail', { viewId: id, ...(JSON.parse(key) as TailRequest) }, {
      onData(frames) {
        pending.current.push(...frames);
        frame.current ||= requestAnimationFrame(flush);
      },
      onError(error) {
        current = { ...current, error, version: current.version + 1 };
        setState({ key, tail: current });
      },
      onRestart() {
        // A new subscription: a new view on the backend, whose sources are announced again.
        decoder = new LogLineDecoder();
        pending.current = [{ type: 'reset' }];
      },
    });
    return () => {
      cancel();
      cancelAnimationFrame(frame.current);
      frame.current = 0;
      pending.current = [];
    };
  }, [key, viewId, maxLines]);

  return { tail: state.key === key ? state.tail : empty(), viewId };
}
