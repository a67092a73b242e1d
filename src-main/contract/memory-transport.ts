// An in-process transport pair: both ends of a connection in one process, with messages
// passed through structuredClone so tests see what a real transport would deliver.
import type { ClientMessage, ServerMessage, Transport } from './messages';

export function memoryTransportPair(): {
  client: Transport<ServerMessage, ClientMessage>;
  server: Transport<unknown, ServerMessage>;
  close(): void;
} {
  const toServer = new Set<(m: unknown) => void>();
  const toClient = new Set<(m: ServerMessage) => void>();
  const closeListeners = new Set<() => void>();
  let closed = false;
  const deliver = <T>(listeners: Set<(m: T) => void>, message: T) => {
    if (closed) return;
    const copy = structuredClone(message);
    queueMicrotask(() => {
      if (!closed) for (const l of listeners) l(copy);
    });
  };
  return {
    client: {
      send: (m) => deliver(toServer, m as unknown),
      onMessage: (l) => void toClient.add(l),
      onClose: (l) => void closeListeners.add(l),
    },
    server: {
      send: (m) => deliver(toClient, m),
      onMessage: (l) => void toServer.add(l),
      onClose: (l) => void closeListeners.add(l),
    },
    close() {
      if (closed) return;
      closed = true;
      for (const l of closeListeners) l();
    },
  };
}
