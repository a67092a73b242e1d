import { existsSync } from 'node:fs';
import { chromium, defineConfig } from '@playwright/test';

// Playwright's own Chromium when installed, else CHROMIUM_PATH, else the system's Chromium.
function chromiumPath(): string | undefined {
  try {
    const own = chromium.executablePath();
    if (own && existsSync(own)) return undefined; // Playwright finds its own browser
  } catch {
    // no Playwright browser installed
  }
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((p): p is string => !!p);
  const found = candidates.find((p) => existsSync(p));
  if (!found) {
    throw new Error(
      `No Chromium for the e2e tests: Playwright's browser is not installed, CHROMIUM_PATH is ${process.env.CHROMIUM_PATH ? `"${process.env.CHROMIUM_PATH}" (missing)` : 'unset'}, and /usr/bin/chromium does not exist. Install one (e.g. apt-get install chromium) or set CHROMIUM_PATH.`,
    );
  }
  return found;
}

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    headless: true,
    viewport: { width: 1280, height: 800 },
    launchOptions: {
      executablePath: chromiumPath(),
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'],
    },
    trace: 'off',
    screenshot: 'only-on-failure',
  },
});
