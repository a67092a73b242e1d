// One contract client for the whole renderer: over the Electron preload bridge when present,
// else over a WebSocket to the server host that served this page (its cookie authenticates us).
import type { Api } from '../../../src-main/contract/api';
import type { OrreryBridge } from '../../../src-main/contract/bridge';
import { ContractClient, type Connector } from '../../../src-main/contract/client';
import type { ClientMessage, ServerMessage, Transport } from '../../../src-main/contract/messages';
import { decodeWsMessage } from '../../../src-main/contract/ws-frames';

declare global {
  interface Window {
    orrery?: OrreryBridge;
  }
}

const bridgeConnector =
  (bridge: OrreryBridge): Connector =>
  async () => ({
    send: (m) => bridge.send(m),
    onMessage: (l) => void bridge.onMessage(l),
    onClose: () => {}, // the IPC channel lives as long as the window
  });

const webSocketConnector: Connector = () =>
  new Promise<Transport<ServerMessage, ClientMessage>>((resolve, reject) => {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const socket = new WebSocket(`${scheme}://${location.host}/ws`);
    socket.binaryType = 'arraybuffer'; // data frames with log lines (contract/ws-frames.ts)
    const closeListeners: Array<() => void> = [];
    const messageListeners: Array<(m: ServerMessage) => void> = [];
    socket.onopen = () =>
      resolve({
        send: (m) => socket.readyState === WebSocket.OPEN && socket.send(JSON.stringify(m)),
        onMessage: (l) => void messageListeners.push(l),
        onClose: (l) => void closeListeners.push(l),
      });
    socket.onmessage = (event) => {
      let message: ServerMessage;
      try {
        message = decodeWsMessage(event.data as string | ArrayBuffer);
      } catch (err) {
        // A frame we cannot read cannot be acked either: start over on a new connection (the
        // client reopens its streams) rather than leave a stream waiting for it.
        console.error('Orrery: unreadable frame from the backend', err);
        socket.close(4000, 'unreadable frame');
        return;
      }
      for (const l of messageListeners) l(message);
    };
    socket.onerror = () => reject(new Error('cannot reach the Orrery backend'));
    socket.onclose = () => closeListeners.forEach((l) => l());
  });

export const client = new ContractClient<Api>(window.orrery ? bridgeConnector(window.orrery) : webSocketConnector);
export const transportKind = window.orrery ? 'ipc' : 'websocket';
