// The Electron host against the in-memory double of `electron` (the binary cannot be downloaded
// here). Each test starts the host the way main.ts does and then plays renderer and user.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ipcChannel } from '../../contract/bridge';
import type { ServerMessage } from '../../contract/messages';
import type { MetricFamily } from '../../contract/types';
import { contentSecurityPolicy } from '../csp';
import { registerAppScheme } from './app-protocol';
import { runElectronHost } from './host';
import { createElectronDouble, display, type BrowserWindowDouble, type ElectronDouble, type WebContentsDouble } from './testing/electron-double';

let outDir: string;
let kubeconfig: string;
const started: ElectronDouble[] = [];

beforeAll(() => {
  outDir = mkdtempSync(join(tmpdir(), 'orrery-host-out-'));
  mkdirSync(join(outDir, 'renderer', 'assets'), { recursive: true });
  mkdirSync(join(outDir, 'renderer-private'), { recursive: true });
  writeFileSync(join(outDir, 'renderer', 'index.html'), '<!doctype html><title>Orrery</title><script type="module" src="./assets/app.js"></script>');
  writeFileSync(join(outDir, 'renderer', 'assets', 'app.js'), 'console.log("orrery")');
  writeFileSync(join(outDir, 'secret.txt'), 'outside the renderer folder');
  writeFileSync(join(outDir, 'renderer-private', 'key.txt'), 'a sibling folder sharing the prefix');
  kubeconfig = join(outDir, 'kubeconfig');
  writeKubeconfig('shop');
});

afterAll(() => rmSync(outDir, { recursive: true, force: true }));

afterEach(() => {
  // Close what each test opened so watchers and backends stop.
  for (const electron of started.splice(0)) {
    for (const window of [...electron.windows]) window.destroy();
    rmSync(electron.userData, { recursive: true, force: true });
  }
});

function writeKubeconfig(namespace: string) {
  writeFileSync(
    kubeconfig,
    `apiVersion: v1
kind: Config
current-context: prod
clusters:
- name: prod
  cluster: { server: https://prod.k8s.example:6443 }
users:
- name: alice
  user: { token: abc }
contexts:
- name: prod
  context: { cluster: prod, user: alice, namespace: ${namespace} }
`,
  );
}

/** Start the host as main.ts does: scheme registered before ready, then runElectronHost. */
async function startHost(options: Parameters<typeof createElectronDouble>[0] = {}) {
  const electron = createElectronDouble(options);
  started.push(electron);
  const api = electron.asElectronApi();
  expect(electron.app.requestSingleInstanceLock()).toBe(true);
  registerAppScheme(api.protocol);
  await runElectronHost(api, { outDir, kubeconfig });
  const window = electron.windows[0] as BrowserWindowDouble;
  return { electron, window, contents: window.webContents };
}

/** Messages the host sent to a webContents on the contract channel. */
function received(contents: WebContentsDouble): ServerMessage[] {
  return contents.sent.filter((m) => m.channel === ipcChannel).map((m) => m.args[0] as ServerMessage);
}

async function call(contents: WebContentsDouble, id: number, proc: string, input: unknown = {}) {
  contents.sendFromRenderer(ipcChannel, [{ t: 'call', id, proc, input }]);
  return vi.waitFor(() => {
    const result = received(contents).find((m) => m.t === 'result' && m.id === id);
    if (!result) throw new Error(`no result for call ${id}`);
    return result;
  });
}

async function gauge(contents: WebContentsDouble, id: number, name: string, labels: Record<string, string> = {}) {
  const result = await call(contents, id, 'diagnostics.metrics');
  if (result.t !== 'result' || !result.ok) throw new Error('metrics call failed');
  const family = (result.value as MetricFamily[]).find((f) => f.name === name);
  const sample = family?.samples.find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  return sample?.value ?? 0;
}

/** Give the host a moment to answer something it should not answer. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

describe('window', () => {
  it('is isolated, sandboxed and has no Node, no webview', async () => {
    const { window } = await startHost();
    const prefs = window.options.webPreferences ?? {};
    expect(prefs.contextIsolation).toBe(true);
    expect(prefs.sandbox).toBe(true);
    expect(prefs.nodeIntegration).toBe(false);
    expect(prefs.nodeIntegrationInSubFrames).toBe(false);
    expect(prefs.nodeIntegrationInWorker).toBe(false);
    expect(prefs.webviewTag).toBe(false);
    expect(prefs.webSecurity).not.toBe(false);
    expect(prefs.allowRunningInsecureContent).not.toBe(true);
    expect(prefs.preload).toBe(join(outDir, 'preload', 'preload.cjs'));
    expect(prefs.preload).toMatch(/[/\\]preload[/\\]preload\.cjs$/);
  });

  it('loads app://orrery/index.html and shows once ready', async () => {
    const { window, contents } = await startHost();
    expect(contents.history).toEqual(['app://orrery/index.html']);
    expect(contents.getURL()).toBe('app://orrery/index.html');
    expect(window.options.show).toBe(false);
    expect(window.isVisible()).toBe(true);
  });

  it('registers app: as a standard, secure scheme before ready', async () => {
    const { electron } = await startHost();
    expect(electron.protocol.privilegedSchemes).toEqual([{ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) }]);
    expect(electron.protocol.isProtocolHandled('app')).toBe(true);
  });

  it('quits when the window closes', async () => {
    const { electron, window } = await startHost();
    window.close();
    expect(electron.app.quitCount).toBe(1);
  });
});

describe('app:// protocol', () => {
  it('serves renderer files with the strict CSP', async () => {
    const { electron } = await startHost();
    const index = await electron.protocol.request('app://orrery/index.html');
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await index.text()).toContain('<title>Orrery</title>');
    const csp = index.headers.get('content-security-policy');
    expect(csp).toBe(contentSecurityPolicy);
    const directives = new Map((csp ?? '').split(';').map((d) => { const [name = '', ...values] = d.trim().split(/\s+/); return [name, values]; }));
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).not.toMatch(/(^|\s)\*(\s|;|$)/);
    expect(index.headers.get('x-content-type-options')).toBe('nosniff');

    const script = await electron.protocol.request('app://orrery/assets/app.js');
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(script.headers.get('content-security-policy')).toBe(contentSecurityPolicy);
    expect((await electron.protocol.request('app://orrery/')).status).toBe(200); // the root is index.html
  });

  it('answers missing files with 404, still with the CSP', async () => {
    const { electron } = await startHost();
    const missing = await electron.protocol.request('app://orrery/nope.js');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-security-policy')).toBe(contentSecurityPolicy);
    expect((await electron.protocol.request('app://orrery/assets/')).status).toBe(404); // a folder is not a file
  });

  it.each([
    'app://orrery/../../etc/passwd',
    'app://orrery/../secret.txt',
    'app://orrery/%2e%2e/secret.txt',
    'app://orrery/%2E%2E/%2E%2E/etc/passwd',
    'app://orrery/..%2fsecret.txt',
    'app://orrery/assets/..%2f..%2fsecret.txt',
    'app://orrery/%2e%2e%2fsecret.txt',
    'app://orrery/..%5csecret.txt',
    'app://orrery\\..\\secret.txt',
    'app://orrery/..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd',
    'app://orrery/%252e%252e/secret.txt',
    'app://orrery/..%2frenderer-private%2fkey.txt',
    'app://orrery/%2fetc%2fpasswd',
    'app://orrery/%00../secret.txt',
  ])('never serves a file outside out/renderer: %s', async (url) => {
    const { electron } = await startHost();
    const response = await electron.protocol.request(url);
    expect(response.status).not.toBe(200);
    const body = await response.text();
    expect(body).not.toContain('outside the renderer folder');
    expect(body).not.toContain('sharing the prefix');
    expect(body).not.toMatch(/root:/);
    expect(response.headers.get('content-security-policy')).toBe(contentSecurityPolicy);
  });

  it('answers a malformed percent-encoding with 400 instead of failing', async () => {
    const { electron } = await startHost();
    const response = await electron.protocol.request('app://orrery/%E0%A4%A.js');
    expect(response.status).toBe(400);
    expect(response.headers.get('content-security-policy')).toBe(contentSecurityPolicy);
  });

  it.each(['app://evil/index.html', 'app://orrery.evil/index.html', 'app://127.0.0.1/index.html', 'app://orrery:8080/index.html'])(
    'refuses other hosts: %s',
    async (url) => {
      const { electron } = await startHost();
      const response = await electron.protocol.request(url);
      expect(response.status).toBe(404);
      expect(await response.text()).not.toContain('<title>Orrery</title>');
    },
  );
});

describe('navigation', () => {
  it('opens external web links in the browser, never in the window', async () => {
    const { electron, contents } = await startHost();
    const outcome = await contents.navigate('https://kubernetes.io/docs/');
    expect(outcome.committed).toBe(false);
    expect(contents.getURL()).toBe('app://orrery/index.html');
    expect(electron.shell.opened).toEqual([{ url: 'https://kubernetes.io/docs/' }]);
  });

  it.each(['file:///etc/passwd', 'javascript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'app://evil/index.html', 'chrome://gpu', 'about:blank'])(
    'refuses %s and opens nothing',
    async (url) => {
      const { electron, contents } = await startHost();
      const outcome = await contents.navigate(url);
      expect(outcome.committed).toBe(false);
      expect(contents.getURL()).toBe('app://orrery/index.html');
      expect(electron.shell.opened).toEqual([]);
    },
  );

  it('allows navigation within app://orrery, including in-page', async () => {
    const { electron, contents } = await startHost();
    expect(await contents.navigate('app://orrery/index.html')).toEqual({ committed: true, url: 'app://orrery/index.html' });
    expect(await contents.navigate('app://orrery/index.html#/contexts', { isSameDocument: true })).toEqual({ committed: true, url: 'app://orrery/index.html#/contexts' });
    expect(contents.getURL()).toBe('app://orrery/index.html#/contexts');
    expect(electron.shell.opened).toEqual([]);
  });

  it('refuses a redirect that leaves app://orrery', async () => {
    const { contents } = await startHost();
    const outcome = await contents.navigate('app://orrery/index.html', { redirects: ['https://evil.example/'] });
    expect(outcome.committed).toBe(false);
    expect(contents.getURL()).toBe('app://orrery/index.html');
  });

  it('denies window.open, opening web links in the browser', async () => {
    const { electron, contents } = await startHost();
    expect(contents.openWindow('https://github.com/')).toEqual({ action: 'deny' });
    expect(contents.openWindow('app://orrery/index.html')).toEqual({ action: 'deny' });
    expect(contents.openWindow('file:///etc/passwd')).toEqual({ action: 'deny' });
    expect(contents.openWindow('javascript:alert(1)', { disposition: 'foreground-tab' })).toEqual({ action: 'deny' });
    expect(electron.shell.opened).toEqual([{ url: 'https://github.com/' }]);
    expect(electron.windows).toHaveLength(1);
  });

  it('prevents <webview>', async () => {
    const { contents } = await startHost();
    expect(contents.attachWebview('https://evil.example/')).toBe(true);
  });
});

describe('permissions', () => {
  it('denies every permission request and check', async () => {
    const { electron, contents } = await startHost();
    const session = electron.session.defaultSession;
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fullscreen'] as const) {
      expect(await session.requestPermission(contents, permission)).toBe(false);
      expect(session.checkPermission(contents, permission)).toBe(false);
    }
    expect(session.checkPermission(null, 'hid', 'https://evil.example')).toBe(false);
  });
});

describe('IPC', () => {
  it('answers a contract call from the window main frame at app://orrery', async () => {
    const { contents } = await startHost();
    const result = await call(contents, 1, 'app.info');
    expect(result).toMatchObject({ t: 'result', id: 1, ok: true, value: { name: 'Orrery', host: 'electron', version: '0.1.0' } });
  });

  it('answers a bad input with a typed error', async () => {
    const { contents } = await startHost();
    expect(await call(contents, 1, 'app.info', { unexpected: true })).toMatchObject({ t: 'result', id: 1, ok: false, error: { code: 'BAD_INPUT' } });
    contents.sendFromRenderer(ipcChannel, [{ t: 'call', id: -1 }]);
    await vi.waitFor(() => expect(received(contents).some((m) => m.t === 'protocol-error')).toBe(true));
  });

  it('ignores another webContents, even showing app://orrery', async () => {
    const { electron, contents } = await startHost();
    const stranger = new electron.BrowserWindow({ show: false });
    await stranger.loadURL('app://orrery/index.html');
    stranger.webContents.sendFromRenderer(ipcChannel, [{ t: 'call', id: 1, proc: 'app.info', input: {} }]);
    await settle();
    expect(received(stranger.webContents)).toEqual([]);
    expect(received(contents)).toEqual([]);
  });

  it('ignores sub-frames of the trusted window, whatever their origin', async () => {
    const { contents } = await startHost();
    for (const url of ['app://orrery/index.html', 'https://evil.example/']) {
      const frame = contents.addSubFrame(url);
      contents.sendFromRenderer(ipcChannel, [{ t: 'call', id: 1, proc: 'app.info', input: {} }], frame);
    }
    await settle();
    expect(received(contents)).toEqual([]);
    expect(contents.mainFrame.sent).toEqual([]);
  });

  it('ignores the trusted window once it shows another origin', async () => {
    const { contents } = await startHost();
    const oldFrame = contents.mainFrame;
    await contents.loadURL('https://evil.example/'); // loadURL is browser-initiated: no will-navigate
    expect(contents.mainFrame).not.toBe(oldFrame);
    contents.sendFromRenderer(ipcChannel, [{ t: 'call', id: 1, proc: 'app.info', input: {} }]);
    // A late message from the frame that was at app://orrery has senderFrame null.
    contents.sendFromRenderer(ipcChannel, [{ t: 'call', id: 2, proc: 'app.info', input: {} }], oldFrame);
    await settle();
    expect(received(contents)).toEqual([]);
  });

  it('sends nothing to a destroyed window', async () => {
    const { contents } = await startHost();
    contents.sendFromRenderer(ipcChannel, [{ t: 'sub', id: 1, stream: 'contexts.watch', input: {} }]);
    await vi.waitFor(() => expect(received(contents).some((m) => m.t === 'data')).toBe(true));
    contents.destroy();
    await settle(); // would throw "Object has been destroyed" from a timer if the host kept sending
  });
});

describe('connection lifetime', () => {
  async function openWatch(contents: WebContentsDouble, id: number) {
    contents.sendFromRenderer(ipcChannel, [{ t: 'sub', id, stream: 'contexts.watch', input: {} }]);
    await vi.waitFor(() => expect(received(contents).some((m) => m.t === 'data' && m.id === id)).toBe(true));
  }

  it('a new document cancels the streams the old one had open', async () => {
    const { contents } = await startHost();
    await openWatch(contents, 7);
    expect(await gauge(contents, 8, 'orrery_open_streams', { stream: 'contexts.watch' })).toBe(1);

    expect((await contents.navigate('app://orrery/index.html')).committed).toBe(true); // location.reload() or a link
    const before = received(contents).length;
    writeKubeconfig('changed'); // the old stream would report this if it were still open
    await new Promise((resolve) => setTimeout(resolve, 1500)); // stat polling is 1 s + 100 ms debounce
    const late = received(contents).slice(before);
    expect(late.filter((m) => 'id' in m && m.id === 7)).toEqual([]);

    expect(await gauge(contents, 1, 'orrery_open_streams', { stream: 'contexts.watch' })).toBe(0);
    expect(await gauge(contents, 2, 'orrery_clients')).toBe(1);
    writeKubeconfig('shop');
  });

  it('keeps the connection when a navigation is refused (an external link click)', async () => {
    const { electron, contents } = await startHost();
    await openWatch(contents, 7);
    // Electron fires did-start-navigation before will-navigate, which the host then prevents:
    // the page never unloads, so its streams must live on.
    expect((await contents.navigate('https://kubernetes.io/')).committed).toBe(false);
    expect(electron.shell.opened).toHaveLength(1);
    expect(await gauge(contents, 8, 'orrery_open_streams', { stream: 'contexts.watch' })).toBe(1);
    expect(await gauge(contents, 9, 'orrery_clients')).toBe(1);
  });

  it('keeps the connection across in-page navigations', async () => {
    const { contents } = await startHost();
    await openWatch(contents, 7);
    await contents.navigate('app://orrery/index.html#/diagnostics', { isSameDocument: true });
    expect(await gauge(contents, 8, 'orrery_open_streams', { stream: 'contexts.watch' })).toBe(1);
  });

  it('does not carry streams opened while a navigation is pending into the next document', async () => {
    const { contents } = await startHost();
    const navigation = contents.navigate('app://orrery/index.html');
    // The old page is still alive until the new one commits, and may still open a stream.
    contents.sendFromRenderer(ipcChannel, [{ t: 'sub', id: 3, stream: 'contexts.watch', input: {} }]);
    expect((await navigation).committed).toBe(true);
    expect(await gauge(contents, 1, 'orrery_open_streams', { stream: 'contexts.watch' })).toBe(0);
    expect(await gauge(contents, 2, 'orrery_clients')).toBe(1);
  });

  it('a failed load (error page) also ends the old document and its streams', async () => {
    const { contents } = await startHost();
    await openWatch(contents, 7);
    await expect(contents.loadURL('orrery-unknown://x')).rejects.toThrow(/ERR_UNKNOWN_URL_SCHEME/);
    const before = received(contents).length;
    writeKubeconfig('changed');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(received(contents).slice(before)).toEqual([]);
    writeKubeconfig('shop');
  });

  it('closes the connection when the renderer crashes or the window goes', async () => {
    const { contents } = await startHost();
    await openWatch(contents, 7);
    contents.crash();
    expect(await gauge(contents, 8, 'orrery_open_streams', { stream: 'contexts.watch' })).toBe(0);
  });
});

describe('window state', () => {
  it('saves bounds on close and restores them on the next start', async () => {
    const first = await startHost();
    expect(first.window.getNormalBounds()).toMatchObject({ width: 1360, height: 880 }); // defaults, centred
    first.window.setBounds({ x: 120, y: 80, width: 1200, height: 760 });
    first.window.maximize();
    first.window.close();
    const saved = JSON.parse(readFileSync(join(first.electron.userData, 'window-state.json'), 'utf8')) as unknown;
    expect(saved).toEqual({ bounds: { x: 120, y: 80, width: 1200, height: 760 }, maximized: true });

    const second = await startHost({ userData: first.electron.userData });
    expect(second.window.options).toMatchObject({ x: 120, y: 80, width: 1200, height: 760 });
    expect(second.window.getNormalBounds()).toEqual({ x: 120, y: 80, width: 1200, height: 760 });
    expect(second.window.isMaximized()).toBe(true);
  });

  it('ignores saved bounds that are off every display', async () => {
    const userData = mkdtempSync(join(tmpdir(), 'orrery-state-'));
    writeFileSync(join(userData, 'window-state.json'), JSON.stringify({ bounds: { x: 2200, y: 100, width: 1000, height: 700 } }));
    const { window } = await startHost({ userData });
    expect(window.options.x).toBeUndefined();
    expect(window.options).toMatchObject({ width: 1360, height: 880 });
    const bounds = window.getNormalBounds();
    expect(bounds.x).toBeGreaterThanOrEqual(0);
    expect(bounds.x + bounds.width).toBeLessThanOrEqual(1920);
  });

  it('restores onto a second display while it is attached', async () => {
    const userData = mkdtempSync(join(tmpdir(), 'orrery-state-'));
    writeFileSync(join(userData, 'window-state.json'), JSON.stringify({ bounds: { x: 2200, y: 100, width: 1000, height: 700 } }));
    const displays = [display(1, { x: 0, y: 0, width: 1920, height: 1080 }), display(2, { x: 1920, y: 0, width: 2560, height: 1440 })];
    const { window } = await startHost({ userData, displays });
    expect(window.getNormalBounds()).toEqual({ x: 2200, y: 100, width: 1000, height: 700 });
  });
});
