// The contract over a WebSocket: one JSON text frame per protocol message.
import type { WebSocket } from 'ws';
import { encodeServerMessage, type ServerMessage, type Transport } from '../../contract/messages';

export function webSocketTransport(socket: WebSocket): Transport<unknown, ServerMessage> {
  return {
    send(message) {
      if (socket.readyState === socket.OPEN) socket.send(encodeServerMessage(message));
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
