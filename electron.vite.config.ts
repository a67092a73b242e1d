import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

// One build produces every runnable piece: the Electron main process, the browser-mode server
// host, the sandbox cluster, the preload bridge and the renderer. Scripts run from out/.
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          electron: resolve('src-main/hosts/electron/main.ts'),
          server: resolve('src-main/hosts/server/cli.ts'),
          // The sandbox cluster is being built (issue 3); its entry joins once it exists.
          ...(existsSync('src-main/sandbox/cli.ts') ? { sandbox: resolve('src-main/sandbox/cli.ts') } : {}),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { preload: resolve('src-main/hosts/electron/preload.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'src-renderer',
    build: {
      outDir: 'out/renderer',
      rollupOptions: { input: resolve('src-renderer/index.html') },
    },
    plugins: [react()],
  },
});
