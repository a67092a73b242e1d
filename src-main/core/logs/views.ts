// The logs backend: open views by id, and the procedures that act on them (filter, full line,
// export) plus logs.previous. Handlers in backend.ts delegate here.
import type { z } from 'zod';
import type { api } from '../../contract/api';
import { ContractError } from '../../contract/errors';
import type { StreamSink } from '../../contract/server';
import type { LogExportChunk, LogFilterResult, LogFrame, LogLine } from '../../contract/types';
import type { CacheHandle } from '../kube/cache/cache';
import type { KindInfo } from '../../contract/types';
import { exportLines } from './export';
import { compileFilter, compileRegex, type LogFilterSpec } from './filter';
import { previousLines } from './previous';
import { asContractError, resolveSource, type JsonClient } from './source';
import type { LogClient } from './stream';
import { Tailer } from './tailer';
import { LogView } from './view';
import { sinceQuery } from './time';

export type TailInput = z.output<(typeof api)['logs.tail']['input']>;

/** What the logs backend needs from the cluster layer (ClusterCaches provides it). */
export interface LogCluster {
  acquire(context: string, kind: Pick<KindInfo, 'group' | 'version' | 'resource'>): Promise<CacheHandle>;
  client(context: string): Promise<LogClient & JsonClient>;
}

interface OpenView {
  view: LogView;
  tailer: Tailer;
}

export class LogViews {
  private readonly views = new Map<string, OpenView>();

  constructor(private readonly cluster: LogCluster) {}

  private client(context: string) {
    return this.cluster.client(context).catch((err: Error) => {
      throw new ContractError('UNAVAILABLE', err.message);
    });
  }

  async tail(input: TailInput, sink: StreamSink<LogFrame>): Promise<void> {
    // Everything the user typed is checked before any request goes out.
    const containerInclude = input.containerInclude ? compileRegex('containerInclude', input.containerInclude) : undefined;
    const containerExclude = input.containerExclude ? compileRegex('containerExclude', input.containerExclude) : undefined;
    compileFilter(input.filter);
    if (input.since) {
      try {
        sinceQuery(input.since);
      } catch (err) {
        throw new ContractError('BAD_INPUT', (err as Error).message);
      }
    }
    const matcher = await resolveSource(input.source, () => this.client(input.context));
    const handle = await this.cluster.acquire(input.context, { group: '', version: 'v1', resource: 'pods' }).catch((err: unknown) => {
      throw asContractError(err);
    });
    if (sink.signal.aborted) {
      handle.release();
      return;
    }
    const view = new LogView(sink, input.bufferLines, input.filter);
    const tailer = new Tailer(handle, matcher, () => this.client(input.context), view, {
      includeInit: input.includeInit,
      ...(containerInclude ? { containerInclude } : {}),
      ...(containerExclude ? { containerExclude } : {}),
      ...(input.since ? { since: input.since } : {}),
      ...(input.tail !== undefined ? { tail: input.tail } : {}),
      maxStreams: input.maxStreams,
      quietAfterS: input.quietAfterS,
    });
    const open: OpenView = { view, tailer };
    this.views.set(input.viewId, open);
    sink.signal.addEventListener('abort', () => {
      tailer.stop();
      view.dispose();
      if (this.views.get(input.viewId) === open) this.views.delete(input.viewId);
    });
    await tailer.start(sink.signal).catch((err: unknown) => {
      if (!sink.signal.aborted) throw asContractError(err);
    });
  }

  private get(viewId: string): OpenView {
    const v = this.views.get(viewId);
    if (!v) throw new ContractError('NOT_FOUND', `No open log view "${viewId}"`);
    return v;
  }

  filter(input: { viewId: string } & LogFilterSpec): LogFilterResult {
    const { viewId, ...spec } = input;
    return this.get(viewId).view.setFilter(spec);
  }

  fullLine(viewId: string, seq: number): { text: string } {
    const text = this.get(viewId).view.fullText(seq);
    if (text === undefined) throw new ContractError('NOT_FOUND', `Line ${seq} is no longer in the buffer of view "${viewId}"`);
    return { text };
  }

  async export(viewId: string, format: 'text' | 'jsonl', sink: StreamSink<LogExportChunk>): Promise<void> {
    // A snapshot of references: lines evicted while exporting are still written.
    const rows = this.get(viewId).view.matching();
    await exportLines(rows, format, sink);
  }

  async previous(input: { context: string; namespace: string; pod: string; container: string }): Promise<LogLine[]> {
    return previousLines(await this.client(input.context), input);
  }

  /** Open views' stream states (diagnostics, tests). */
  tailerOf(viewId: string): Tailer | undefined {
    return this.views.get(viewId)?.tailer;
  }
}
