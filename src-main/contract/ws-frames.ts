// Server messages on a WebSocket. Most go as one JSON text frame. A data frame carrying log lines
// goes as one binary frame instead, with the lines' texts as raw UTF-8 after the JSON of the
// rest: JSON would escape every quote of a JSON log line on the way out and unescape it on the
// way in, and JSON.stringify of the texts was the backend's largest cost after parsing.
// (Electron IPC needs none of this: structured clone copies strings as they are.)
//
// Binary layout: the head's length in bytes (u32, little endian), the head (UTF-8 JSON of the
// message, each lines batch's `text` left empty and its length in UTF-16 units in the item's
// TEXT_LENGTH key), then every such batch's text, in order, as UTF-8. The server host encodes
// (hosts/server/ws-transport.ts, with Node's Buffer); clients decode here.
import type { LogLineBatch } from './log-lines';
import type { ServerMessage } from './messages';

export const TEXT_LENGTH = '$textLength';

export interface LinesItem {
  type: 'lines';
  batch: LogLineBatch;
}

export const isLinesItem = (item: unknown): item is LinesItem => {
  const i = item as Partial<LinesItem> | null;
  return typeof i === 'object' && i !== null && i.type === 'lines' && typeof i.batch?.text === 'string';
};

// A text may start with U+FEFF (a BOM some apps write): it is text, not a marker to drop.
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

/** A received frame back into its message; throws on a malformed one. */
export function decodeWsMessage(data: string | ArrayBuffer | Uint8Array): ServerMessage {
  if (typeof data === 'string') return JSON.parse(data) as ServerMessage;
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  if (bytes.length < 4) throw new Error(`binary frame of ${bytes.length} bytes: too short for its head`);
  const headBytes = new DataView(bytes.buffer, bytes.byteOffset, bytes.length).getUint32(0, true);
  if (4 + headBytes > bytes.length) throw new Error(`binary frame of ${bytes.length} bytes announces a head of ${headBytes}`);
  const message = JSON.parse(utf8.decode(bytes.subarray(4, 4 + headBytes))) as ServerMessage;
  if (message.t !== 'data') throw new Error(`binary frame holds a '${message.t}' message`);
  const text = utf8.decode(bytes.subarray(4 + headBytes));
  let at = 0;
  for (const item of message.items as Array<Record<string, unknown>>) {
    const length = item[TEXT_LENGTH];
    if (length === undefined) continue;
    if (typeof length !== 'number' || !Number.isInteger(length) || length < 0) throw new Error(`binary frame gives a batch a text length of ${String(length)}`);
    if (at + length > text.length) throw new Error(`binary frame's texts end at ${text.length}, a batch needs up to ${at + length}`);
    (item as unknown as LinesItem).batch.text = text.slice(at, at + length);
    delete item[TEXT_LENGTH];
    at += length;
  }
  if (at !== text.length) throw new Error(`binary frame carries ${text.length - at} characters of text no batch claims`);
  return message;
}
