// The wire protocol: a handful of JSON-serialisable messages, identical over WebSocket and
// Electron IPC. Client messages are validated with zod at the boundary; server messages are
// produced by our own code and only type-checked.
import { z } from 'zod';
import type { WireError } from './errors';

export const clientMessageSchema = z.discriminatedUnion('t', [
  /** Request/response procedure call. */
  z.object({ t: z.literal('call'), id: z.number().int().nonnegative(), proc: z.string().max(200), input: z.unknown() }),
  /** Open a stream (subscription). */
  z.object({ t: z.literal('sub'), id: z.number().int().nonnegative(), stream: z.string().max(200), input: z.unknown() }),
  /** The client is done with a stream, or no longer waits for a call's result (its handler's
   *  signal aborts). */
  z.object({ t: z.literal('cancel'), id: z.number().int().nonnegative() }),
  /** The client has processed the data frame `seq` of a stream: frees one slot of the window. */
  z.object({ t: z.literal('ack'), id: z.number().int().nonnegative(), seq: z.number().int().nonnegative() }),
]);

export type ClientMessage = z.infer<typeof clientMessageSchema>;

export type ServerMessage =
  | { t: 'result'; id: number; ok: true; value: unknown }
  /** A result already serialized by the handler (RawJson): the client parses `json`. The WebSocket
   *  transport sends it as a plain `value` (see encodeServerMessage). */
  | { t: 'result'; id: number; ok: true; value?: undefined; json: string }
  | { t: 'result'; id: number; ok: false; error: WireError }
  | { t: 'start'; id: number }
  /** A batch of stream items. `dropped` counts items discarded by an overflow since the last frame. */
  | { t: 'data'; id: number; seq: number; items: unknown[]; dropped?: number }
  | { t: 'error'; id: number; error: WireError }
  | { t: 'end'; id: number }
  /** A message the server could not parse or route; no id could be trusted. */
  | { t: 'protocol-error'; error: WireError };

/** One server message as JSON text. A pre-serialized result is spliced in as its `value`
 *  rather than escaped as a string, so a large result costs one parse on the client. */
export function encodeServerMessage(message: ServerMessage): string {
  if (message.t === 'result' && message.ok && 'json' in message) return `{"t":"result","id":${message.id},"ok":true,"value":${message.json}}`;
  return JSON.stringify(message);
}

/** A bidirectional message channel. WebSocket and Electron IPC each implement one. */
export interface Transport<In, Out> {
  send(message: Out): void;
  onMessage(listener: (message: In) => void): void;
  onClose(listener: () => void): void;
}
