// The contract over a WebSocket: one JSON text frame per protocol message.
import type { WebSocket } from 'ws';
import type { ServerMessage, Transport } from '../../contract/messages';

export function webSocketTransport(socket: WebSocket): Transport<unknown, ServerMessage> {
  return {
    send(message) {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
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
