// The preload runs in the sandboxed renderer; it must hand the page the contract channel and
// nothing else. `electron` is mocked here only (the renderer-side modules are not in the double).
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ipcChannel, type OrreryBridge } from '../../contract/bridge';

const exposed = new Map<string, unknown>();
const listeners = new Map<string, Set<(...args: unknown[]) => void>>();
const sent: Array<{ channel: string; args: unknown[] }> = [];

vi.mock('electron', () => ({
  contextBridge: {
    exposeInMainWorld: (key: string, api: unknown) => {
      // Electron refuses to expose the same key twice.
      if (exposed.has(key)) throw new Error(`Cannot bind an API on top of an existing property on the window object`);
      exposed.set(key, api);
    },
  },
  ipcRenderer: {
    send: (channel: string, ...args: unknown[]) => void sent.push({ channel, args }),
    on(channel: string, listener: (...args: unknown[]) => void) {
      if (!listeners.has(channel)) listeners.set(channel, new Set());
      listeners.get(channel)?.add(listener);
      return this;
    },
    removeListener(channel: string, listener: (...args: unknown[]) => void) {
      listeners.get(channel)?.delete(listener);
      return this;
    },
  },
}));

/** What the main process sending on `channel` looks like from the renderer side. */
function fromMain(channel: string, message: unknown) {
  for (const listener of listeners.get(channel) ?? []) listener({ sender: 'ipcRenderer' }, message);
}

describe('preload', () => {
  beforeEach(async () => {
    exposed.clear();
    listeners.clear();
    sent.length = 0;
    vi.resetModules();
    await import('./preload');
  });

  it('exposes exactly one key, orrery, with send and onMessage', () => {
    expect([...exposed.keys()]).toEqual(['orrery']);
    const bridge = exposed.get('orrery') as Record<string, unknown>;
    expect(Object.keys(bridge).sort()).toEqual(['onMessage', 'send']);
    expect(typeof bridge.send).toBe('function');
    expect(typeof bridge.onMessage).toBe('function');
  });

  it('sends only on the contract channel', () => {
    const bridge = exposed.get('orrery') as OrreryBridge;
    bridge.send({ t: 'call', id: 1, proc: 'app.info', input: {} });
    expect(sent).toEqual([{ channel: ipcChannel, args: [{ t: 'call', id: 1, proc: 'app.info', input: {} }] }]);
  });

  it('delivers messages without the IPC event, and unsubscribes', () => {
    const bridge = exposed.get('orrery') as OrreryBridge;
    const got: unknown[] = [];
    const off = bridge.onMessage((m) => got.push(m));
    fromMain(ipcChannel, { t: 'end', id: 1 });
    fromMain('some-other-channel', { t: 'end', id: 2 });
    expect(got).toEqual([{ t: 'end', id: 1 }]); // the event (and its sender) never reach the page
    off();
    fromMain(ipcChannel, { t: 'end', id: 3 });
    expect(got).toHaveLength(1);
    expect(listeners.get(ipcChannel)?.size).toBe(0);
  });
});
