// An in-memory double of the parts of `electron` the host uses (ElectronApi), for tests on
// machines where the Electron binary cannot be downloaded. It mirrors Electron 45's signatures
// and event order (see node_modules/electron/electron.d.ts and the "Navigation Events" section of
// the webContents docs), so the host's real callbacks receive the arguments Electron would pass.
//
// It is a model, not Chromium. Where it knowingly differs from Electron, a comment marked
// "Differs:" says how. Tests drive it through helpers that stand in for the renderer or the user
// (navigate, sendFromRenderer, openWindow, attachWebview, requestPermission, close...).
import { EventEmitter } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as Electron from 'electron';
import type { ElectronApi } from '../electron-api';

/** Electron's Event: a plain object with preventDefault/defaultPrevented, params merged in. */
export function createEvent<P extends object = object>(params: P = {} as P): Electron.Event<P> {
  let prevented = false;
  const event = {
    ...params,
    preventDefault: () => {
      prevented = true;
    },
    get defaultPrevented() {
      return prevented;
    },
  };
  return event as Electron.Event<P>;
}

/** Electron serialises IPC arguments with the structured clone algorithm; so does the double. */
function cloneArgs(args: unknown[]): unknown[] {
  try {
    return structuredClone(args);
  } catch {
    throw new Error('An object could not be cloned.');
  }
}

// Chromium's net error codes used below.
const ERR_FAILED = -2;
const ERR_ABORTED = -3;
const ERR_UNKNOWN_URL_SCHEME = -302;
const netErrorNames: Record<number, string> = { [ERR_FAILED]: 'ERR_FAILED', [ERR_ABORTED]: 'ERR_ABORTED', [ERR_UNKNOWN_URL_SCHEME]: 'ERR_UNKNOWN_URL_SCHEME' };

export interface SentMessage {
  channel: string;
  args: unknown[];
}

interface DoubleState {
  ready: boolean;
  nextWebContentsId: number;
  nextRoutingId: number;
  windows: BrowserWindowDouble[];
  allWebContents: WebContentsDouble[];
  app: AppDouble;
  protocol: ProtocolDouble;
  ipcMain: IpcMainDouble;
  screen: ScreenDouble;
}

function assertReady(state: DoubleState, what: string) {
  if (!state.ready) throw new Error(`${what} cannot be used before the app is ready`);
}

// ---------------------------------------------------------------------------------------------
// WebFrameMain

export class WebFrameMainDouble {
  url: string;
  /** Set when the frame is gone (navigated away in a new process, removed, or its contents destroyed). */
  detached = false;
  readonly frames: WebFrameMainDouble[] = [];
  readonly sent: SentMessage[] = [];
  readonly processId: number;
  readonly routingId: number;
  readonly frameTreeNodeId: number;

  constructor(
    readonly webContents: WebContentsDouble,
    readonly parent: WebFrameMainDouble | null,
    url: string,
    ids: { processId: number; routingId: number },
    readonly name = '',
  ) {
    this.url = url;
    this.processId = ids.processId;
    this.routingId = ids.routingId;
    this.frameTreeNodeId = ids.routingId;
  }

  get top(): WebFrameMainDouble {
    return this.parent ? this.parent.top : this;
  }

  get origin(): string {
    return originOf(this.url);
  }

  isDestroyed(): boolean {
    return this.detached || this.webContents.isDestroyed();
  }

  send(channel: string, ...args: unknown[]): void {
    if (this.isDestroyed()) throw new Error('Render frame was disposed before WebFrameMain could be accessed');
    this.sent.push({ channel, args: cloneArgs(args) });
  }
}

/** The origin as Chromium reports it ('null' for opaque origins such as file: or about:). */
function originOf(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.protocol === 'file:' || parsed.protocol === 'about:' || parsed.protocol === 'data:' || parsed.protocol === 'javascript:') return 'null';
    // Node reports 'null' for non-special schemes; Chromium gives standard custom schemes a tuple origin.
    return parsed.origin === 'null' && parsed.host ? `${parsed.protocol}//${parsed.host}` : parsed.origin;
  } catch {
    return 'null';
  }
}

// ---------------------------------------------------------------------------------------------
// WebContents

export interface NavigateOptions {
  /** Link click, location assignment, form post: true. loadURL/reload: false (no will-navigate). */
  rendererInitiated?: boolean;
  /** The frame to navigate; the main frame by default. */
  frame?: WebFrameMainDouble;
  /** Fragment or history API navigation: only did-start-navigation and did-navigate-in-page fire. */
  isSameDocument?: boolean;
  /** Server redirects the navigation goes through before reaching `url`... */
  redirects?: string[];
}

export type NavigationOutcome = { committed: true; url: string } | { committed: false; errorCode: number; url: string };

export class WebContentsDouble extends EventEmitter {
  readonly id: number;
  mainFrame: WebFrameMainDouble;
  /** Every webContents.send, in order (arguments structured-cloned, as Electron does). */
  readonly sent: SentMessage[] = [];
  /** The handler given to setWindowOpenHandler, if any. */
  windowOpenHandler: ((details: Electron.HandlerDetails) => Electron.WindowOpenHandlerResponse) | undefined;
  /** Committed main-frame URLs, oldest first. */
  readonly history: string[] = [];
  private destroyed = false;
  private processId: number;
  private readyToShowPending = true;

  constructor(
    private readonly state: DoubleState,
    readonly hostWindow: BrowserWindowDouble | null,
  ) {
    super();
    this.id = state.nextWebContentsId++;
    this.processId = 100 + this.id;
    // A new webContents shows about:blank in its main frame before anything is loaded.
    this.mainFrame = new WebFrameMainDouble(this, null, 'about:blank', { processId: this.processId, routingId: state.nextRoutingId++ });
    state.allWebContents.push(this);
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  getURL(): string {
    return this.mainFrame.url;
  }

  send(channel: string, ...args: unknown[]): void {
    // Electron throws "Object has been destroyed" when a destroyed webContents is used.
    if (this.destroyed) throw new Error('Object has been destroyed');
    this.sent.push({ channel, args: cloneArgs(args) });
  }

  setWindowOpenHandler(handler: (details: Electron.HandlerDetails) => Electron.WindowOpenHandlerResponse): void {
    this.windowOpenHandler = handler;
  }

  loadURL(url: string): Promise<void> {
    if (this.destroyed) return Promise.reject(new Error('Object has been destroyed'));
    return this.navigate(url, { rendererInitiated: false }).then((outcome) => {
      if (!outcome.committed) {
        const name = netErrorNames[outcome.errorCode] ?? 'ERR_FAILED';
        // Electron's loadURL rejects with an Error carrying errno/code/url like this.
        throw Object.assign(new Error(`${name} (${outcome.errorCode}) loading '${url}'`), { errno: outcome.errorCode, code: name, url });
      }
    });
  }

  reload(): void {
    void this.navigate(this.mainFrame.url, { rendererInitiated: false });
  }

  /**
   * A navigation as Chromium runs it, with Electron's events in documented order:
   * did-start-navigation, will-frame-navigate, will-navigate (main frame, renderer-initiated
   * only), will-redirect / did-redirect-navigation per redirect, then on commit
   * did-frame-navigate, did-navigate (main frame), dom-ready, did-finish-load.
   * Any preventDefault() cancels the navigation: nothing after it fires and the frame keeps
   * its document. Same-document navigations fire did-start-navigation and did-navigate-in-page only.
   */
  async navigate(url: string, options: NavigateOptions = {}): Promise<NavigationOutcome> {
    const frame = options.frame ?? this.mainFrame;
    const isMainFrame = frame.parent === null;
    const rendererInitiated = options.rendererInitiated ?? true;
    const params = (target: string) => ({ url: target, isSameDocument: options.isSameDocument ?? false, isMainFrame, frame, initiator: rendererInitiated ? frame : null });
    const legacy = [frame.processId, frame.routingId];

    this.emit('did-start-navigation', createEvent(params(url)), url, options.isSameDocument ?? false, isMainFrame, ...legacy);
    await Promise.resolve(); // the rest happens later, as in Chromium

    if (options.isSameDocument) {
      frame.url = url;
      this.emit('did-navigate-in-page', createEvent(), url, isMainFrame, ...legacy);
      return { committed: true, url };
    }

    // Differs: Chromium emits will-frame-navigate/will-navigate only for renderer-initiated
    // navigations that reach the network stage; the double fires them for every renderer-initiated one.
    if (rendererInitiated) {
      const willFrame = createEvent(params(url));
      this.emit('will-frame-navigate', willFrame);
      if (willFrame.defaultPrevented) return { committed: false, errorCode: ERR_ABORTED, url };
      if (isMainFrame) {
        const will = createEvent(params(url));
        this.emit('will-navigate', will, url, false, isMainFrame, ...legacy);
        if (will.defaultPrevented) return { committed: false, errorCode: ERR_ABORTED, url };
      }
    }

    let target = url;
    for (const next of options.redirects ?? []) {
      const will = createEvent(params(next));
      this.emit('will-redirect', will, next, false, isMainFrame, ...legacy);
      if (will.defaultPrevented) return { committed: false, errorCode: ERR_ABORTED, url: next };
      this.emit('did-redirect-navigation', createEvent(params(next)), next, false, isMainFrame, ...legacy);
      target = next;
    }

    // Fetch the document. Only schemes handled through protocol.handle are really fetched.
    // Differs: the double has no network or file access; http(s), file, data and about URLs
    // commit with a made-up 200 response.
    let status = 200;
    let statusText = 'OK';
    const scheme = target.slice(0, Math.max(0, target.indexOf(':')));
    const handled = this.state.protocol.isProtocolHandled(scheme);
    if (!handled && !['http', 'https', 'file', 'about', 'data'].includes(scheme)) return this.fail(frame, target, ERR_UNKNOWN_URL_SCHEME);
    if (handled) {
      try {
        const response = await this.state.protocol.request(target);
        status = response.status;
        statusText = response.statusText;
      } catch {
        return this.fail(frame, target, ERR_FAILED); // Electron logs the handler's error and fails the load
      }
    }
    if (this.destroyed) return { committed: false, errorCode: ERR_ABORTED, url: target };

    const committedFrame = this.commit(frame, target);
    const committedLegacy = [committedFrame.processId, committedFrame.routingId];
    this.emit('did-frame-navigate', createEvent(), target, status, statusText, isMainFrame, ...committedLegacy);
    if (isMainFrame) {
      this.history.push(target);
      this.emit('did-navigate', createEvent(), target, status, statusText);
      this.emit('dom-ready', createEvent());
      this.emit('did-finish-load', createEvent());
      if (this.readyToShowPending && this.hostWindow) {
        this.readyToShowPending = false;
        this.hostWindow.emit('ready-to-show', createEvent());
      }
    } else {
      this.emit('did-frame-finish-load', createEvent(), false, ...committedLegacy);
    }
    return { committed: true, url: target };
  }

  /**
   * A cross-document commit. A main frame moving to another origin gets a new WebFrameMain (a
   * new RenderFrameHost); the old object is detached, so event.senderFrame for anything it still
   * sends is null. Same-origin navigations keep the frame object.
   * Differs: Chromium swaps the RenderFrameHost by site and process policy, not strictly by origin.
   */
  private commit(frame: WebFrameMainDouble, url: string): WebFrameMainDouble {
    for (const child of frame.frames) child.detached = true;
    frame.frames.length = 0;
    if (frame.parent === null && originOf(url) !== frame.origin && frame.url !== 'about:blank') {
      frame.detached = true;
      this.processId += 1000;
      this.mainFrame = new WebFrameMainDouble(this, null, url, { processId: this.processId, routingId: this.state.nextRoutingId++ });
      return this.mainFrame;
    }
    frame.url = url;
    return frame;
  }

  private fail(frame: WebFrameMainDouble, url: string, errorCode: number): NavigationOutcome {
    const isMainFrame = frame.parent === null;
    const description = netErrorNames[errorCode] ?? 'ERR_FAILED';
    // A failed load commits an error page: the old document is gone and the frame reports the
    // failed URL as its committed URL. Electron emits did-fail-provisional-load only for such a
    // committed error page; a navigation cancelled by preventDefault() commits nothing.
    // Differs: Chromium puts error pages in their own process; the double treats it as any commit.
    const committed = this.commit(frame, url);
    this.emit('did-fail-provisional-load', createEvent(), errorCode, description, url, isMainFrame, committed.processId, committed.routingId);
    if (errorCode !== ERR_ABORTED) this.emit('did-fail-load', createEvent(), errorCode, description, url, isMainFrame, committed.processId, committed.routingId);
    return { committed: false, errorCode, url };
  }

  /** An <iframe> in the current document. Its messages arrive with this webContents as sender. */
  addSubFrame(url: string, parent: WebFrameMainDouble = this.mainFrame, name = ''): WebFrameMainDouble {
    const frame = new WebFrameMainDouble(this, parent, url, { processId: parent.processId, routingId: this.state.nextRoutingId++ }, name);
    parent.frames.push(frame);
    return frame;
  }

  /** The renderer calls ipcRenderer.send(channel, ...args) in `frame` (the main frame by default). */
  sendFromRenderer(channel: string, args: unknown[], frame: WebFrameMainDouble = this.mainFrame): void {
    this.state.ipcMain.deliver(this, frame, channel, args);
  }

  /** The page calls window.open(url) or follows a target=_blank link. Returns the handler's answer. */
  openWindow(url: string, details: Partial<Omit<Electron.HandlerDetails, 'url'>> = {}): Electron.WindowOpenHandlerResponse {
    const full: Electron.HandlerDetails = {
      url,
      frameName: '',
      features: '',
      disposition: 'new-window',
      referrer: { url: '', policy: 'strict-origin-when-cross-origin' },
      ...details,
    };
    // Without a handler Electron allows the window.
    return this.windowOpenHandler ? this.windowOpenHandler(full) : { action: 'allow' };
  }

  /** The page adds a <webview>. Returns true when a listener called preventDefault(). */
  attachWebview(src: string): boolean {
    const event = createEvent();
    const webPreferences: Electron.WebPreferences = {};
    this.emit('will-attach-webview', event, webPreferences, { src });
    return event.defaultPrevented;
  }

  /** The renderer process dies. */
  crash(reason: Electron.RenderProcessGoneDetails['reason'] = 'crashed'): void {
    this.emit('render-process-gone', createEvent(), { reason, exitCode: reason === 'clean-exit' ? 0 : 1 });
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.mainFrame.detached = true;
    this.emit('destroyed', createEvent());
  }
}

// ---------------------------------------------------------------------------------------------
// BrowserWindow

export class BrowserWindowDouble extends EventEmitter {
  readonly webContents: WebContentsDouble;
  /** What the host passed to `new BrowserWindow(...)`, untouched. */
  readonly options: Electron.BrowserWindowConstructorOptions;
  readonly id: number;
  private normalBounds: Electron.Rectangle;
  private maximized = false;
  private visible: boolean;
  private destroyed = false;
  private closing = false;

  constructor(
    private readonly state: DoubleState,
    options: Electron.BrowserWindowConstructorOptions = {},
  ) {
    super();
    assertReady(state, 'BrowserWindow');
    this.options = options;
    this.webContents = new WebContentsDouble(state, this);
    this.id = this.webContents.id;
    const width = options.width ?? 800;
    const height = options.height ?? 600;
    // Like Electron, a window without x and y is centred on the primary display's work area.
    const area = state.screen.getPrimaryDisplay().workArea;
    this.normalBounds = {
      x: options.x ?? Math.round(area.x + (area.width - width) / 2),
      y: options.y ?? Math.round(area.y + (area.height - height) / 2),
      width,
      height,
    };
    this.visible = options.show ?? true;
    state.windows.push(this);
  }

  static getAllWindowsOf(state: DoubleState): BrowserWindowDouble[] {
    return [...state.windows];
  }

  getBounds(): Electron.Rectangle {
    return this.maximized ? { ...this.state.screen.getPrimaryDisplay().workArea } : { ...this.normalBounds };
  }

  /** The bounds the window has when not maximized, minimized or fullscreen. */
  getNormalBounds(): Electron.Rectangle {
    return { ...this.normalBounds };
  }

  setBounds(bounds: Partial<Electron.Rectangle>): void {
    // Differs: Electron applies setBounds to a maximized window by unmaximizing it on some platforms.
    this.normalBounds = { ...this.normalBounds, ...bounds };
    this.emit('resize', createEvent());
    this.emit('move', createEvent());
  }

  isMaximized(): boolean {
    return this.maximized;
  }

  maximize(): void {
    if (this.maximized) return;
    this.maximized = true;
    // Differs: Electron's maximize() also shows a hidden window on some platforms.
    this.emit('maximize', createEvent());
  }

  unmaximize(): void {
    if (!this.maximized) return;
    this.maximized = false;
    this.emit('unmaximize', createEvent());
  }

  show(): void {
    if (this.visible) return;
    this.visible = true;
    this.emit('show', createEvent());
  }

  isVisible(): boolean {
    return this.visible;
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  loadURL(url: string): Promise<void> {
    return this.webContents.loadURL(url);
  }

  /** The user (or code) closes the window: 'close' is cancellable; then 'closed' and teardown. */
  close(): void {
    if (this.destroyed || this.closing) return;
    const event = createEvent();
    this.emit('close', event);
    if (event.defaultPrevented) return;
    this.closing = true;
    this.teardown();
  }

  /** Force-close: no 'close' event (as in Electron). */
  destroy(): void {
    if (this.destroyed) return;
    this.teardown();
  }

  private teardown() {
    this.destroyed = true;
    this.webContents.destroy();
    this.emit('closed');
    this.state.windows.splice(this.state.windows.indexOf(this), 1);
    if (this.state.windows.length === 0) this.state.app.allWindowsClosed();
  }
}

// ---------------------------------------------------------------------------------------------
// app

export class AppDouble extends EventEmitter {
  quitCount = 0;
  exitCode: number | undefined;
  private readonly readyPromise: Promise<void>;
  private resolveReady!: () => void;
  private lockHeld = false;

  constructor(
    private readonly state: DoubleState,
    private readonly version: string,
    private readonly userData: string,
    private readonly anotherInstanceRunning: boolean,
  ) {
    super();
    this.readyPromise = new Promise((resolve) => (this.resolveReady = resolve));
  }

  /** Electron emits 'ready' once, after the main script's first synchronous run. */
  emitReady(): void {
    if (this.state.ready) return;
    this.state.ready = true;
    this.emit('ready', createEvent(), {});
    this.resolveReady();
  }

  isReady(): boolean {
    return this.state.ready;
  }

  whenReady(): Promise<void> {
    return this.readyPromise;
  }

  /** The app's own version (package.json), not Electron's. */
  getVersion(): string {
    return this.version;
  }

  getName(): string {
    return 'Orrery';
  }

  getPath(name: 'userData' | 'appData' | 'sessionData' | 'temp' | 'logs' | 'home'): string {
    switch (name) {
      case 'userData':
      case 'sessionData':
        return this.userData;
      case 'appData':
        return join(this.userData, '..');
      case 'logs':
        return join(this.userData, 'logs');
      case 'temp':
        return tmpdir();
      case 'home':
        return join(this.userData, 'home');
      default:
        // Electron throws for names it does not know.
        throw new Error(`Failed to get '${String(name)}' path`);
    }
  }

  requestSingleInstanceLock(): boolean {
    this.lockHeld = !this.anotherInstanceRunning;
    return this.lockHeld;
  }

  hasSingleInstanceLock(): boolean {
    return this.lockHeld;
  }

  /** Electron: before-quit (cancellable), close every window, then will-quit and quit. */
  quit(): void {
    this.quitCount++;
    const before = createEvent();
    this.emit('before-quit', before);
    if (before.defaultPrevented) return;
    for (const window of [...this.state.windows]) window.close();
    if (this.state.windows.length > 0) return; // a window refused to close
    const will = createEvent();
    this.emit('will-quit', will);
    if (will.defaultPrevented) return;
    this.emit('quit', createEvent(), 0);
  }

  exit(code = 0): void {
    this.exitCode = code;
  }

  /** Called by the last window's teardown. Without a listener Electron quits by itself. */
  allWindowsClosed(): void {
    if (this.listenerCount('window-all-closed') > 0) this.emit('window-all-closed');
    else this.quit();
  }
}

// ---------------------------------------------------------------------------------------------
// ipcMain

export class IpcMainDouble extends EventEmitter {
  /**
   * Deliver a message as Electron does: the arguments are structured-cloned and the listener gets
   * an IpcMainEvent whose `sender` is the webContents and `senderFrame` the sending frame
   * (null when that frame has since navigated away or been destroyed).
   */
  deliver(sender: WebContentsDouble, frame: WebFrameMainDouble, channel: string, args: unknown[]): void {
    if (sender.isDestroyed()) return; // a dead renderer sends nothing
    const cloned = cloneArgs(args);
    let returnValue: unknown;
    const base = createEvent({
      type: 'frame' as const,
      sender,
      frameId: frame.routingId,
      processId: frame.processId,
      ports: [] as unknown[],
      reply: (replyChannel: string, ...replyArgs: unknown[]) => frame.send(replyChannel, ...replyArgs),
    });
    Object.defineProperty(base, 'senderFrame', { enumerable: true, get: () => (frame.isDestroyed() ? null : frame) });
    Object.defineProperty(base, 'returnValue', {
      enumerable: true,
      get: () => returnValue,
      set: (v: unknown) => (returnValue = v),
    });
    // Differs: Electron also emits the message on webContents.ipc and frame.ipc first; the host uses neither.
    this.emit(channel, base, ...cloned);
  }
}

// ---------------------------------------------------------------------------------------------
// protocol

type ProtocolHandler = (request: Request) => Response | Promise<Response>;

export class ProtocolDouble {
  readonly privilegedSchemes: Electron.CustomScheme[] = [];
  readonly handlers = new Map<string, ProtocolHandler>();

  constructor(private readonly state: DoubleState) {}

  registerSchemesAsPrivileged(customSchemes: Electron.CustomScheme[]): void {
    // Electron refuses this after 'ready'.
    if (this.state.ready) throw new Error('protocol.registerSchemesAsPrivileged should be called before app is ready');
    this.privilegedSchemes.push(...customSchemes);
  }

  handle(scheme: string, handler: ProtocolHandler): void {
    assertReady(this.state, 'protocol');
    if (this.handlers.has(scheme)) throw new Error(`Failed to register protocol: ${scheme}`);
    this.handlers.set(scheme, handler);
  }

  unhandle(scheme: string): void {
    this.handlers.delete(scheme);
  }

  isProtocolHandled(scheme: string): boolean {
    return this.handlers.has(scheme);
  }

  /**
   * What the renderer gets for a request to `url`, through the registered handler. The URL is
   * first canonicalised the way Chromium does for a scheme registered `standard` (host lower-cased,
   * backslashes as slashes, dot segments and %2e%2e removed); then a Request is built as Electron
   * builds one. A handler that throws rejects here; in Electron the load fails with ERR_FAILED.
   */
  async request(url: string, init?: RequestInit): Promise<Response> {
    const scheme = url.slice(0, Math.max(0, url.indexOf(':')));
    const handler = this.handlers.get(scheme);
    if (!handler) throw new Error(`net::ERR_UNKNOWN_URL_SCHEME: ${url}`);
    const standard = this.privilegedSchemes.some((s) => s.scheme === scheme && s.privileges?.standard);
    // Differs: canonicalisation borrows WHATWG's rules for http: URLs; Chromium's for standard
    // custom schemes are close (same path and host rules) but drop no default port.
    const canonical = standard ? scheme + new URL('http' + url.slice(scheme.length)).href.slice('http'.length) : url;
    return handler(new Request(canonical, init));
  }
}

// ---------------------------------------------------------------------------------------------
// session

type PermissionRequestHandler = Parameters<Electron.Session['setPermissionRequestHandler']>[0];
type PermissionCheckHandler = Parameters<Electron.Session['setPermissionCheckHandler']>[0];
type Permission = Parameters<NonNullable<PermissionRequestHandler>>[1];

export class SessionDouble {
  permissionRequestHandler: PermissionRequestHandler = null;
  permissionCheckHandler: PermissionCheckHandler = null;

  setPermissionRequestHandler(handler: PermissionRequestHandler): void {
    this.permissionRequestHandler = handler;
  }

  setPermissionCheckHandler(handler: PermissionCheckHandler): void {
    this.permissionCheckHandler = handler;
  }

  /** A page asks for a permission. Without a handler Electron grants it. */
  requestPermission(contents: WebContentsDouble, permission: Permission, requestingUrl = contents.getURL()): Promise<boolean> {
    const handler = this.permissionRequestHandler;
    if (!handler) return Promise.resolve(true);
    return new Promise((resolve) => {
      const details = { requestingUrl, isMainFrame: true } as Electron.PermissionRequest;
      handler(contents as unknown as Electron.WebContents, permission, resolve, details);
    });
  }

  /** A page checks a permission. Without a handler Electron answers true. */
  checkPermission(contents: WebContentsDouble | null, permission: Permission, requestingOrigin = contents ? originOf(contents.getURL()) : ''): boolean {
    const handler = this.permissionCheckHandler;
    if (!handler) return true;
    const details = { requestingUrl: contents?.getURL(), isMainFrame: true, embeddingOrigin: requestingOrigin } as Electron.PermissionCheckHandlerHandlerDetails;
    return handler(contents as unknown as Electron.WebContents | null, permission, requestingOrigin, details);
  }
}

// ---------------------------------------------------------------------------------------------
// shell, screen

export class ShellDouble {
  readonly opened: Array<{ url: string; options?: Electron.OpenExternalOptions }> = [];

  openExternal(url: string, options?: Electron.OpenExternalOptions): Promise<void> {
    this.opened.push(options ? { url, options } : { url });
    return Promise.resolve();
  }
}

export function display(id: number, bounds: Electron.Rectangle, workArea: Electron.Rectangle = bounds): Electron.Display {
  return {
    id,
    label: `Display ${id}`,
    bounds,
    workArea,
    size: { width: bounds.width, height: bounds.height },
    workAreaSize: { width: workArea.width, height: workArea.height },
    scaleFactor: 1,
    rotation: 0,
    internal: false,
    monochrome: false,
    accelerometerSupport: 'unknown',
    touchSupport: 'unknown',
    colorSpace: '{primaries:BT709, transfer:SRGB, matrix:RGB, range:FULL}',
    colorDepth: 24,
    depthPerComponent: 8,
    displayFrequency: 60,
    detected: true,
    nativeOrigin: { x: bounds.x, y: bounds.y },
    maximumCursorSize: { width: 64, height: 64 },
  };
}

export class ScreenDouble extends EventEmitter {
  constructor(
    private readonly state: DoubleState,
    public displays: Electron.Display[],
  ) {
    super();
  }

  getAllDisplays(): Electron.Display[] {
    assertReady(this.state, 'screen');
    return this.displays.map((d) => ({ ...d }));
  }

  getPrimaryDisplay(): Electron.Display {
    assertReady(this.state, 'screen');
    const first = this.displays[0];
    if (!first) throw new Error('no display');
    return { ...first };
  }
}

// ---------------------------------------------------------------------------------------------
// The module

export interface ElectronDoubleOptions {
  /** Reuse a userData folder, e.g. to start the app a second time. A fresh temp dir by default. */
  userData?: string;
  version?: string;
  displays?: Electron.Display[];
  /** Another instance holds the single-instance lock. */
  anotherInstanceRunning?: boolean;
  /** 'auto' (default): 'ready' fires on the next macrotask, as after Electron's first script run. */
  ready?: 'auto' | 'manual';
}

export interface ElectronDouble {
  app: AppDouble;
  BrowserWindow: new (options?: Electron.BrowserWindowConstructorOptions) => BrowserWindowDouble;
  ipcMain: IpcMainDouble;
  protocol: ProtocolDouble;
  readonly session: { readonly defaultSession: SessionDouble };
  shell: ShellDouble;
  screen: ScreenDouble;
  /** Open windows, oldest first. */
  readonly windows: readonly BrowserWindowDouble[];
  readonly userData: string;
  /** The double typed as the real module subset the host accepts. */
  asElectronApi(): ElectronApi;
}

export const defaultDisplay = display(1, { x: 0, y: 0, width: 1920, height: 1080 }, { x: 0, y: 0, width: 1920, height: 1040 });

export function createElectronDouble(options: ElectronDoubleOptions = {}): ElectronDouble {
  const userData = options.userData ?? mkdtempSync(join(tmpdir(), 'orrery-electron-double-'));
  const state = { ready: false, nextWebContentsId: 1, nextRoutingId: 1, windows: [], allWebContents: [] } as unknown as DoubleState;
  state.app = new AppDouble(state, options.version ?? '0.1.0', userData, options.anotherInstanceRunning ?? false);
  state.protocol = new ProtocolDouble(state);
  state.ipcMain = new IpcMainDouble();
  state.screen = new ScreenDouble(state, options.displays ?? [defaultDisplay]);
  const defaultSession = new SessionDouble();
  const shell = new ShellDouble();

  const BrowserWindow = class extends BrowserWindowDouble {
    constructor(windowOptions?: Electron.BrowserWindowConstructorOptions) {
      super(state, windowOptions);
    }
    static getAllWindows() {
      return BrowserWindowDouble.getAllWindowsOf(state);
    }
  };

  if ((options.ready ?? 'auto') === 'auto') setImmediate(() => state.app.emitReady());

  const double: ElectronDouble = {
    app: state.app,
    BrowserWindow,
    ipcMain: state.ipcMain,
    protocol: state.protocol,
    session: {
      get defaultSession() {
        // Electron: "Session can only be received when app is ready".
        assertReady(state, 'session');
        return defaultSession;
      },
    },
    shell,
    screen: state.screen,
    get windows() {
      return state.windows;
    },
    userData,
    // Differs: the double implements only what the host uses, so it is not structurally the full
    // Electron module; this cast is the one place that papers over it.
    asElectronApi: () => double as unknown as ElectronApi,
  };
  return double;
}
