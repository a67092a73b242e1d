// What the Electron preload exposes to the renderer (window.orrery). Only the contract's
// message channel crosses: no Node, no ipcRenderer, no arbitrary channels.
import type { ClientMessage, ServerMessage } from './messages';

export interface OrreryBridge {
  send(message: ClientMessage): void;
  /** Returns a function that removes the listener. */
  onMessage(listener: (message: ServerMessage) => void): () => void;
}

export const ipcChannel = 'orrery:contract';
