// `npm run dist` cannot run here (no Electron download), so check its configuration instead.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));

describe('electron-builder configuration', () => {
  it('packages the built app for Linux, macOS and Windows with an icon', () => {
    expect(pkg.build.linux.target).toEqual(['AppImage', 'deb']);
    expect(pkg.build.mac.target).toEqual(['dmg']);
    expect(pkg.build.win.target).toEqual(['nsis']);
    expect(existsSync(pkg.build.icon)).toBe(true);
    expect(pkg.build.files).toContain('out/**/*');
    expect(pkg.main).toBe('out/main/electron.js');
  });
  it('ships the Kubernetes client and prom-client as runtime dependencies, Electron as a dev dependency', () => {
    expect(Object.keys(pkg.dependencies)).toEqual(expect.arrayContaining(['@kubernetes/client-node', 'prom-client', 'ws', 'zod']));
    expect(pkg.devDependencies.electron).toBeDefined();
    expect(pkg.dependencies.electron).toBeUndefined();
  });
});
