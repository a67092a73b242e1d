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
import { asContractError, followSelector, resolveSource, unionMatcher, type JsonClient, type LogSource, type PodMatcher } from './source';
import type { LogClient } from './stream';
import { Tailer, type TailScope } from './tailer';
import { LogView } from './view';
import { sinceQuery } from './time';

export type TailInput = z.output<(typeof api)['logs.tail']['input']>;

/** What the logs backend needs from the cluster layer (ClusterCaches provides it). */
export interface LogCluster {
  acquire(context: string, kind: Pick<KindInfo, 'group' | 'version' | 'resource'>): Promise<CacheHandle>;
  client(context: string): Promise<LogClient & JsonClient>;
}

/** A context's part of a view, plus following its sources' selectors. */
interface ViewScope extends TailScope {
  follow(onChange: () => void): void;
  release(): void;
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
    const scopes = await this.scopes(input, sink.signal);
    if (sink.signal.aborted) {
      for (const s of scopes) s.release();
      return;
    }
    const view = new LogView(sink, input.bufferLines, input.filter);
    const tailer = new Tailer(scopes, view, {
      includeInit: input.includeInit,
      includeEphemeral: input.includeEphemeral,
      ...(containerInclude ? { containerInclude } : {}),
      ...(containerExclude ? { containerExclude } : {}),
      ...(input.since ? { since: input.since } : {}),
      ...(input.tail !== undefined ? { tail: input.tail } : {}),
      maxStreams: input.maxStreams,
      quietAfterS: input.quietAfterS,
    });
    // Workloads' and Services' selectors are followed: a change moves the pod set.
    for (const scope of scopes) scope.follow(() => tailer.rescan(scope.context));
    const open: OpenView = { view, tailer };
    this.views.set(input.viewId, open);
    sink.signal.addEventListener('abort', () => {
      tailer.stop();
      for (const scope of scopes) scope.release();
      view.dispose();
      if (this.views.get(input.viewId) === open) this.views.delete(input.viewId);
    });
    await tailer.start(sink.signal).catch((err: unknown) => {
      if (!sink.signal.aborted) throw asContractError(err);
    });
  }

  /**
   * The view's sources grouped by context, each group's pods cache acquired and its sources
   * resolved. Errors name the context when the view spans several.
   */
  private async scopes(input: TailInput, signal: AbortSignal): Promise<ViewScope[]> {
    const byContext = new Map<string, LogSource[]>();
    for (const { context, source } of [{ context: input.context, source: input.source }, ...(input.sources ?? [])]) {
      byContext.set(context, [...(byContext.get(context) ?? []), source]);
    }
    const several = byContext.size > 1;
    const made: ViewScope[] = [];
    try {
      for (const [context, sources] of byContext) {
        const where = (err: unknown) => {
          const e = asContractError(err);
          return several ? new ContractError(e.code, `Context "${context}": ${e.message}`, e.details) : e;
        };
        const client = () => this.client(context);
        const matchers = await Promise.all(sources.map((s) => resolveSource(s, client))).catch((err: unknown) => {
          throw where(err);
        });
        const handle = await this.cluster.acquire(context, { group: '', version: 'v1', resource: 'pods' }).catch((err: unknown) => {
          throw where(err);
        });
        made.push(this.scope(context, handle, matchers, client, signal));
      }
    } catch (err) {
      for (const s of made) s.release();
      throw err;
    }
    return made;
  }

  private scope(context: string, handle: CacheHandle, matchers: PodMatcher[], client: () => Promise<LogClient>, signal: AbortSignal): ViewScope {
    const stops: Array<() => void> = [];
    let released = false;
    return {
      context,
      handle,
      matcher: unionMatcher(matchers),
      client,
      follow: (onChange) => {
        for (const selector of matchers.flatMap((m) => (m.selector ? [m.selector] : []))) {
          // Without list/watch on the workload's kind the selector read at start stays.
          void this.cluster.acquire(context, selector.resource).then(
            (h) => {
              if (released || signal.aborted) return h.release();
              const off = followSelector(h, selector, onChange);
              stops.push(() => {
                off();
                h.release();
              });
            },
            () => undefined,
          );
        }
      },
      release: () => {
        if (released) return;
        released = true;
        for (const stop of stops.splice(0)) stop();
        handle.release(); // idempotent: the tailer gives it back too
      },
    };
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
