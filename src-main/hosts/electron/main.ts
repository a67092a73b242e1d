// Electron entry point. The real `electron` module is handed to the host; tests hand it a double.
import * as electron from 'electron';
import { fileURLToPath } from 'node:url';
import { registerAppScheme } from './app-protocol';
import { runElectronHost } from './host';

const kubeconfigFlag = process.argv.find((a) => a.startsWith('--kubeconfig='));

if (!electron.app.requestSingleInstanceLock()) {
  electron.app.quit();
} else {
  registerAppScheme(electron.protocol);
  runElectronHost(electron, {
    outDir: fileURLToPath(new URL('..', import.meta.url)),
    kubeconfig: kubeconfigFlag?.slice('--kubeconfig='.length),
    sandbox: process.argv.includes('--sandbox') ? 'force' : process.argv.includes('--no-sandbox') ? 'never' : 'auto',
  }).catch((err: unknown) => {
    electron.dialog.showErrorBox('Orrery could not start', err instanceof Error ? (err.stack ?? err.message) : String(err));
    electron.app.exit(1);
  });
}
