// Helpers to declare procedures and streams: a zod schema for the input (validated on arrival)
// and a phantom type for what comes back.
import type { z } from 'zod';

export interface ProcedureDef<I extends z.ZodType, O> {
  kind: 'procedure';
  input: I;
  /** Phantom: never read at run time, carries the output type. */
  output?: O;
}

export type OverflowPolicy =
  /** Keep the newest items and report how many were dropped (live views: latest state wins). */
  | 'drop-oldest'
  /** Fail the stream with SLOW_CONSUMER (when losing an item would be a lie). */
  | 'fail';

/** How a stream's flow control counts: by default one unit per item. A stream whose items are
 *  batches (e.g. of log lines) weighs them by their size, so frames, the high-water mark and the
 *  hard bound stay meaningful, and may set its own limits in those units. */
export interface StreamFlow<T> {
  // Method syntax keeps StreamDef<I, T> assignable to StreamDef<I, unknown> (bivariant).
  weight?(item: T): number;
  /**
   * True for an item that is a full snapshot of state whose order against the other items does
   * not matter (e.g. the log streams' states): it goes out at the front of the next frame instead
   * of behind everything queued, and replaces a snapshot still waiting.
   */
  snapshot?(item: T): boolean;
  maxItemsPerFrame?: number;
  highWater?: number;
  maxBuffered?: number;
}

export interface StreamDef<I extends z.ZodType, T> {
  kind: 'stream';
  input: I;
  overflow: OverflowPolicy;
  flow?: StreamFlow<T>;
  item?: T;
}

export function procedure<O>() {
  return <I extends z.ZodType>(input: I): ProcedureDef<I, O> => ({ kind: 'procedure', input });
}

export function stream<T>(overflow: OverflowPolicy = 'fail', flow?: StreamFlow<T>) {
  return <I extends z.ZodType>(input: I): StreamDef<I, T> => ({ kind: 'stream', input, overflow, ...(flow ? { flow } : {}) });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a registry of heterogeneous defs
export type AnyDef = ProcedureDef<z.ZodType, any> | StreamDef<z.ZodType, any>;
export type ApiDefinition = Record<string, AnyDef>;

export type ProcedureNames<A extends ApiDefinition> = {
  [K in keyof A]: A[K] extends ProcedureDef<z.ZodType, unknown> ? K : never;
}[keyof A] &
  string;
export type StreamNames<A extends ApiDefinition> = {
  [K in keyof A]: A[K] extends StreamDef<z.ZodType, unknown> ? K : never;
}[keyof A] &
  string;

export type InputOf<D> = D extends { input: infer I extends z.ZodType } ? z.input<I> : never;
export type ParsedInputOf<D> = D extends { input: infer I extends z.ZodType } ? z.output<I> : never;
export type OutputOf<D> = D extends ProcedureDef<z.ZodType, infer O> ? O : never;
export type ItemOf<D> = D extends StreamDef<z.ZodType, infer T> ? T : never;
