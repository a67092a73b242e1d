// The main window: an isolated, sandboxed renderer that can only show Orrery's own pages.
import type { BrowserWindow, BrowserWindowConstructorOptions, WebContents } from 'electron';
import { appOrigin } from './app-protocol';
import type { ElectronApi } from './electron-api';
import type { WindowState } from './window-state';
import { defaultSize } from './window-state';

export function windowOptions(preload: string, state: WindowState): BrowserWindowConstructorOptions {
  return {
    ...defaultSize,
    ...state.bounds,
    minWidth: 800,
    minHeight: 500,
    show: false,
    title: 'Orrery',
    backgroundColor: '#0f141b',
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  };
}

export function isAppUrl(url: string): boolean {
  try {
    // Not `.origin`: Node's URL gives every non-special scheme such as app: the opaque origin
    // 'null', so comparing origins would reject all of Orrery's own pages.
    const { protocol, host, username, password } = new URL(url);
    return `${protocol}//${host}` === appOrigin && username === '' && password === '';
  } catch {
    return false;
  }
}

/** Links to the web open in the user's browser; everything else that would leave the app is refused. */
function openExternally(shell: ElectronApi['shell'], url: string) {
  try {
    const { protocol } = new URL(url);
    if (protocol === 'https:' || protocol === 'http:') void shell.openExternal(url);
  } catch {
    // not a URL: nothing to open
  }
}

export function guardNavigation(contents: WebContents, shell: ElectronApi['shell']) {
  contents.on('will-navigate', (event, url) => {
    if (isAppUrl(url)) return;
    event.preventDefault();
    openExternally(shell, url);
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    openExternally(shell, url);
    return { action: 'deny' };
  });
}

export function createMainWindow(electron: ElectronApi, preload: string, state: WindowState): BrowserWindow {
  const window = new electron.BrowserWindow(windowOptions(preload, state));
  guardNavigation(window.webContents, electron.shell);
  if (state.maximized) window.maximize();
  window.once('ready-to-show', () => window.show());
  return window;
}
