// The only bridge between the sandboxed renderer and the main process: the contract's message
// channel, nothing else (no ipcRenderer, no Node, no other channels).
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { ipcChannel, type OrreryBridge } from '../../contract/bridge';
import type { ServerMessage } from '../../contract/messages';

const bridge: OrreryBridge = {
  send: (message) => ipcRenderer.send(ipcChannel, message),
  onMessage(listener) {
    const handler = (_event: IpcRendererEvent, message: ServerMessage) => listener(message);
    ipcRenderer.on(ipcChannel, handler);
    return () => void ipcRenderer.removeListener(ipcChannel, handler);
  },
};

contextBridge.exposeInMainWorld('orrery', bridge);
