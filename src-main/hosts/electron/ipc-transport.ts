// The contract over Electron IPC. Messages are accepted only from our own window's main frame
// showing our own origin; each document gets a fresh connection, so a reload cancels the
// streams the previous page had open.
import type { IpcMainEvent, WebContents } from 'electron';
import { api } from '../../contract/api';
import { ipcChannel } from '../../contract/bridge';
import type { ServerMessage, Transport } from '../../contract/messages';
import { serveConnection } from '../../contract/server';
import type { Backend } from '../../core/backend';
import type { Telemetry } from '../../core/telemetry/telemetry';
import type { ElectronApi } from './electron-api';
import { isAppUrl } from './window';

export function isTrustedSender(event: IpcMainEvent, trusted: ReadonlySet<number>): boolean {
  const frame = event.senderFrame;
  if (!frame || !trusted.has(event.sender.id)) return false;
  if (frame !== event.sender.mainFrame) return false; // no sub-frames, ever
  return isAppUrl(frame.url);
}

interface Connection {
  deliver(message: unknown): void;
  close(): void;
}

export function wireContractOverIpc(ipcMain: ElectronApi['ipcMain'], backend: Backend, telemetry: Telemetry) {
  const trusted = new Set<number>();
  const connections = new Map<number, Connection>();

  const open = (contents: WebContents): Connection => {
    const listeners: Array<(m: unknown) => void> = [];
    const closeListeners: Array<() => void> = [];
    const transport: Transport<unknown, ServerMessage> = {
      send: (message) => {
        if (!contents.isDestroyed()) contents.send(ipcChannel, message);
      },
      onMessage: (l) => void listeners.push(l),
      onClose: (l) => void closeListeners.push(l),
    };
    serveConnection(transport, api, backend.handlers, { observer: telemetry.observer });
    telemetry.clients.inc();
    return {
      deliver: (m) => listeners.forEach((l) => l(m)),
      close: () => {
        telemetry.clients.dec();
        closeListeners.forEach((l) => l());
      },
    };
  };

  const drop = (id: number) => {
    connections.get(id)?.close();
    connections.delete(id);
  };

  ipcMain.on(ipcChannel, (event: IpcMainEvent, message: unknown) => {
    if (!isTrustedSender(event, trusted)) return; // silently: an untrusted page learns nothing
    let connection = connections.get(event.sender.id);
    if (!connection) {
      connection = open(event.sender);
      connections.set(event.sender.id, connection);
    }
    connection.deliver(message);
  });

  return {
    /** Trust a window's web contents; its connection ends with each navigation and on destroy. */
    attach(contents: WebContents) {
      const id = contents.id;
      trusted.add(id);
      // A connection belongs to one document, so it ends when the main frame commits a new one
      // (did-navigate, or did-fail-provisional-load for an error page; neither fires for in-page
      // navigations). Not on did-start-navigation: that fires before will-navigate can refuse
      // the navigation (an external link), and the page still running would lose its streams;
      // and a stream it opened before the commit would leak into the next document.
      contents.on('did-navigate', () => drop(id));
      contents.on('did-fail-provisional-load', (_event, _code, _description, _url, isMainFrame) => {
        if (isMainFrame) drop(id);
      });
      contents.on('render-process-gone', () => drop(id));
      contents.once('destroyed', () => {
        drop(id);
        trusted.delete(id);
      });
    },
  };
}
