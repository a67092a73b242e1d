// The parts of the `electron` module the host uses. The host receives them as a parameter, so
// tests can hand it a faithful double and assert what it does with windows, sessions and IPC.
import type * as Electron from 'electron';

export type ElectronApi = Pick<typeof Electron, 'app' | 'BrowserWindow' | 'ipcMain' | 'protocol' | 'session' | 'shell' | 'screen'>;
