// The double is only useful if it behaves like Electron; these pin the behaviour host tests rely on.
import { describe, expect, it } from 'vitest';
import { createElectronDouble } from './electron-double';

const ready = async () => {
  const electron = createElectronDouble();
  await electron.app.whenReady();
  return electron;
};

describe('electron double', () => {
  it('fires navigation events in the documented order, with Event objects first', async () => {
    const electron = await ready();
    const window = new electron.BrowserWindow({ show: false });
    const seen: string[] = [];
    for (const name of ['did-start-navigation', 'will-frame-navigate', 'will-navigate', 'will-redirect', 'did-redirect-navigation', 'did-frame-navigate', 'did-navigate', 'dom-ready', 'did-finish-load']) {
      window.webContents.on(name, (event: { preventDefault?: unknown; url?: string; isMainFrame?: boolean }) => {
        expect(typeof event.preventDefault).toBe('function');
        seen.push(name);
      });
    }
    window.webContents.on('did-start-navigation', (event: { url: string; isMainFrame: boolean; isSameDocument: boolean }, url: string) => {
      expect(event).toMatchObject({ url: 'https://a.example/', isMainFrame: true, isSameDocument: false });
      expect(url).toBe('https://a.example/'); // the deprecated positional argument
    });
    await window.webContents.navigate('https://a.example/', { redirects: ['https://b.example/'] });
    expect(seen).toEqual(['did-start-navigation', 'will-frame-navigate', 'will-navigate', 'will-redirect', 'did-redirect-navigation', 'did-frame-navigate', 'did-navigate', 'dom-ready', 'did-finish-load']);
    expect(window.webContents.getURL()).toBe('https://b.example/');
  });

  it('stops a navigation at preventDefault and commits nothing', async () => {
    const electron = await ready();
    const window = new electron.BrowserWindow();
    const seen: string[] = [];
    window.webContents.on('will-navigate', (event: { preventDefault(): void }) => event.preventDefault());
    for (const name of ['did-navigate', 'did-fail-provisional-load', 'did-fail-load']) window.webContents.on(name, () => seen.push(name));
    expect(await window.webContents.navigate('https://a.example/')).toMatchObject({ committed: false });
    expect(seen).toEqual([]);
    expect(window.webContents.getURL()).toBe('about:blank');
  });

  it('guards what Electron guards before ready', () => {
    const electron = createElectronDouble({ ready: 'manual' });
    expect(() => electron.session.defaultSession).toThrow(/ready/);
    expect(() => new electron.BrowserWindow()).toThrow(/ready/);
    expect(() => electron.protocol.handle('app', () => new Response())).toThrow(/ready/);
    electron.protocol.registerSchemesAsPrivileged([{ scheme: 'app', privileges: { standard: true } }]);
    electron.app.emitReady();
    expect(() => electron.protocol.registerSchemesAsPrivileged([{ scheme: 'x' }])).toThrow(/before app is ready/);
  });

  it('builds IpcMainEvents like Electron: sender, senderFrame (null once gone), cloned args', async () => {
    const electron = await ready();
    const window = new electron.BrowserWindow();
    await window.loadURL('https://a.example/');
    const events: Array<{ sender: unknown; senderFrame: unknown; frameId: number; args: unknown[] }> = [];
    electron.ipcMain.on('ch', (event: { sender: unknown; senderFrame: unknown; frameId: number }, ...args: unknown[]) =>
      events.push({ sender: event.sender, senderFrame: event.senderFrame, frameId: event.frameId, args }),
    );
    const payload = { a: [1, 2] };
    const oldFrame = window.webContents.mainFrame;
    window.webContents.sendFromRenderer('ch', [payload]);
    expect(events[0]).toMatchObject({ sender: window.webContents, senderFrame: oldFrame, frameId: oldFrame.routingId, args: [payload] });
    expect(events[0]?.args[0]).not.toBe(payload);
    expect(() => window.webContents.sendFromRenderer('ch', [() => 1])).toThrow(/could not be cloned/);

    await window.loadURL('https://b.example/'); // another site: a new frame object
    expect(window.webContents.mainFrame).not.toBe(oldFrame);
    window.webContents.sendFromRenderer('ch', [1], oldFrame);
    expect(events.at(-1)?.senderFrame).toBeNull();
  });

  it('closes like Electron: cancellable close, then window-all-closed or quit', async () => {
    const electron = await ready();
    const window = new electron.BrowserWindow();
    const keep = (event: { preventDefault(): void }) => event.preventDefault();
    window.on('close', keep);
    window.close();
    expect(window.isDestroyed()).toBe(false);
    window.off('close', keep);
    window.close();
    expect(window.isDestroyed()).toBe(true);
    expect(window.webContents.isDestroyed()).toBe(true);
    expect(() => window.webContents.send('x')).toThrow(/destroyed/);
    expect(electron.app.quitCount).toBe(1); // no window-all-closed listener: Electron quits
  });
});
