// The Electron host: one backend, one window, the contract over IPC. Kept thin: everything
// interesting lives in the backend core, shared with the browser-mode server.
import { join } from 'node:path';
import type { BrowserWindow } from 'electron';
import { createBackend } from '../../core/backend';
import { syncPathFromLoginShell } from '../../core/kube/login-shell-path';
import { createTelemetry } from '../../core/telemetry/telemetry';
import { chooseKubeconfig, type SandboxMode } from '../kubeconfig-choice';
import { appOrigin, serveRenderer } from './app-protocol';
import type { ElectronApi } from './electron-api';
import { wireContractOverIpc } from './ipc-transport';
import { createMainWindow } from './window';
import { loadWindowState, saveWindowState } from './window-state';

export interface ElectronHostOptions {
  /** Folder holding out/{main,preload,renderer}. */
  outDir: string;
  kubeconfig?: string;
  /** 'auto' (default): the sandbox cluster when no kubeconfig exists. */
  sandbox?: SandboxMode;
}

export async function runElectronHost(electron: ElectronApi, options: ElectronHostOptions): Promise<BrowserWindow> {
  const { app, session } = electron;
  await app.whenReady();

  // Deny every permission (camera, notifications, geolocation...): Orrery needs none.
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);

  serveRenderer(electron.protocol, join(options.outDir, 'renderer'));

  // Launched from a desktop launcher, PATH lacks the shell's entries that exec plugins live in.
  void syncPathFromLoginShell();
  const choice = await chooseKubeconfig({ explicit: options.kubeconfig, sandbox: options.sandbox ?? 'auto', log: (line) => console.log(line) });
  const telemetry = createTelemetry();
  const backend = createBackend({ host: 'electron', version: app.getVersion(), kubeconfigPaths: choice.paths, telemetry, dataDir: app.getPath('userData') });
  const ipc = wireContractOverIpc(electron.ipcMain, backend, telemetry);

  const stateDir = app.getPath('userData');
  const window = createMainWindow(electron, join(options.outDir, 'preload', 'preload.cjs'), loadWindowState(stateDir, electron.screen.getAllDisplays()));
  ipc.attach(window.webContents);
  window.on('close', () => saveWindowState(stateDir, { bounds: window.getNormalBounds(), maximized: window.isMaximized() }));
  app.on('window-all-closed', () => {
    backend.dispose();
    if (choice.sandbox) void choice.sandbox.stop().finally(() => app.quit());
    else app.quit();
  });
  await window.loadURL(`${appOrigin}/index.html`);
  return window;
}
