// The contract over a WebSocket: one frame per protocol message, JSON text, or binary for a data
// frame with log lines (the layout: contract/ws-frames.ts).
import type { WebSocket } from 'ws';
import { encodeServerMessage, type ServerMessage, type Transport } from '../../contract/messages';
import { isLinesItem, TEXT_LENGTH } from '../../contract/ws-frames';

/** The frame for a message: a string (text frame) or bytes (binary frame, from `alloc`). */
export function encodeWsMessage(message: ServerMessage, alloc: (bytes: number) => Buffer = Buffer.allocUnsafe): string | Uint8Array {
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
  const frame = alloc(4 + headBytes + textBytes);
  frame.writeUInt32LE(headBytes, 0);
  let at = 4 + frame.write(head, 4, 'utf8');
  // Each text straight into the frame: joining them first would copy every line once more.
  for (const t of texts) at += frame.write(t, at, 'utf8');
  return frame;
}

/**
 * Binary frames are written into buffers reused once the socket has taken them: a firehose of
 * log lines is ~50 MB/s of frames, which as fresh buffers were garbage outside the JS heap that
 * the collector frees late (the server's memory grew by tens of MB).
 */
export class FramePool {
  private readonly free: Buffer[] = [];

  constructor(
    private readonly kept = 8,
    private readonly largest = 4 << 20,
  ) {}

  /** A buffer of at least `bytes` (its own, unpooled, when that is larger than `largest`). */
  take(bytes: number): Buffer {
    if (bytes > this.largest) return Buffer.allocUnsafeSlow(bytes);
    let best = -1;
    for (let i = 0; i < this.free.length; i++) if (this.free[i]!.length >= bytes && (best < 0 || this.free[i]!.length < this.free[best]!.length)) best = i;
    if (best >= 0) return this.free.splice(best, 1)[0]!;
    return Buffer.allocUnsafeSlow(Math.max(64 << 10, 2 ** Math.ceil(Math.log2(bytes))));
  }

  /** The socket is done with it. */
  give(buffer: Buffer): void {
    if (buffer.length > this.largest) return;
    if (this.free.length >= this.kept) this.free.sort((a, b) => b.length - a.length).pop(); // keep the big ones
    this.free.push(buffer);
  }

  get size(): number {
    return this.free.length;
  }
}

export function webSocketTransport(socket: WebSocket, pool = new FramePool()): Transport<unknown, ServerMessage> {
  return {
    send(message) {
      if (socket.readyState !== socket.OPEN) return;
      let leased: Buffer | undefined;
      const frame = encodeWsMessage(message, (bytes) => (leased = pool.take(bytes)).subarray(0, bytes));
      // The callback runs once the frame is written out (or failed): only then is it reusable.
      if (leased) {
        const buffer = leased;
        socket.send(frame, () => pool.give(buffer));
      } else socket.send(frame);
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
