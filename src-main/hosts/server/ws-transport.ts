// The contract over a WebSocket: one frame per protocol message, JSON text, or binary for a data
// frame with log lines (the layout: contract/ws-frames.ts).
import type { WebSocket } from 'ws';
import { encodeServerMessage, type ServerMessage, type Transport } from '../../contract/messages';
import { isLinesItem, TEXT_LENGTH } from '../../contract/ws-frames';

/** The frame for a message: a string (text frame) or bytes (binary frame). */
export function encodeWsMessage(message: ServerMessage): string | Uint8Array {
  if (message.t !== 'data' || !message.items.some(isLinesItem)) return encodeServerMessage(message);
  const texts: string[] = [];
  const items = message.items.map((item) => {
    if (!isLinesItem(item)) return item;
    texts.push(item.batch.text);
    return { ...item, batch: { ...item.batch, text: '' }, [TEXT_LENGTH]: item.batch.text.length };
  });
  const head = JSON.stringify({ ...message, items });
  const headBytes = Buffer.byteLength(head);
  let textBytes = 0;
  for (const t of texts) textBytes += Buffer.byteLength(t);
  const frame = Buffer.allocUnsafe(4 + headBytes + textBytes);
  frame.writeUInt32LE(headBytes, 0);
  let at = 4 + frame.write(head, 4, 'utf8');
  // Each text straight into the frame: joining them first would copy every line once more.
  for (const t of texts) at += frame.write(t, at, 'utf8');
  return frame;
}

export function webSocketTransport(socket: WebSocket): Transport<unknown, ServerMessage> {
  return {
    send(message) {
      if (socket.readyState === socket.OPEN) socket.send(encodeWsMessage(message));
    },
    onMessage(listener) {
      socket.on('message', (data, isBinary) => {
        if (isBinary) return listener(undefined); // answered as a protocol error
        let parsed: unknown;
        try {
          parsed = JSON.parse(data.toString());
        } catch {
          parsed = undefined;
        }
        listener(parsed);
      });
    },
    onClose(listener) {
      socket.on('close', listener);
    },
  };
}
