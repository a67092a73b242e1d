// main.ts wiring against the double: the scheme is registered before 'ready', a second instance
// quits without opening anything.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createElectronDouble, type ElectronDouble } from './testing/electron-double';

let current: ElectronDouble | undefined;

async function runMain(options: Parameters<typeof createElectronDouble>[0]) {
  // 'ready' by hand: importing main.ts takes longer than the double's automatic next-tick ready,
  // while in Electron the main script always runs before 'ready'.
  const double = createElectronDouble({ ...options, ready: 'manual' });
  current = double;
  const showErrorBox = vi.fn();
  vi.resetModules();
  vi.doMock('electron', () => ({ ...double, dialog: { showErrorBox } }));
  // Without a kubeconfig main.ts would start the sandbox cluster; that is tested elsewhere.
  const argv = process.argv;
  process.argv = [...argv, '--no-sandbox'];
  try {
    await import('./main');
  } finally {
    process.argv = argv;
  }
  double.app.emitReady();
  return { double, showErrorBox };
}

afterEach(() => {
  for (const window of [...(current?.windows ?? [])]) window.destroy();
  vi.doUnmock('electron');
});

describe('main', () => {
  it('registers app: before ready, then opens the window', async () => {
    const { double, showErrorBox } = await runMain({});
    expect(double.protocol.privilegedSchemes.map((s) => s.scheme)).toEqual(['app']);
    await vi.waitFor(() => expect(double.windows[0]?.webContents.history).toEqual(['app://orrery/index.html']));
    expect(double.app.hasSingleInstanceLock()).toBe(true);
    expect(showErrorBox).not.toHaveBeenCalled();
  });

  it('quits at once when another instance holds the lock', async () => {
    const { double } = await runMain({ anotherInstanceRunning: true });
    expect(double.app.quitCount).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(double.windows).toEqual([]);
    expect(double.protocol.privilegedSchemes).toEqual([]);
  });
});
