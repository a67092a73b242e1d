import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loginShellPath, mergePaths } from './login-shell-path';

describe('login shell PATH', () => {
  it('appends only the entries missing from the current PATH, keeping order', () => {
    expect(mergePaths('/usr/bin:/bin', '/opt/homebrew/bin:/usr/bin:/home/u/.local/bin')).toBe('/usr/bin:/bin:/opt/homebrew/bin:/home/u/.local/bin');
  });

  it("reads PATH from a login shell, ignoring what the shell's rc files print", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'orrery-shell-'));
    const shell = join(dir, 'fake-shell');
    // A "shell" whose profile is chatty, as real ones are (motd, nvm banners...).
    writeFileSync(shell, `#!/bin/sh\necho "Welcome!"\nPATH=/opt/plugins/bin:$PATH\nexport PATH\nshift\nexec /bin/sh -c "$1"\n`);
    chmodSync(shell, 0o755);
    const path = await loginShellPath(shell);
    expect(path?.split(':')[0]).toBe('/opt/plugins/bin');
  });

  it('gives up quietly when the shell fails', async () => {
    expect(await loginShellPath('/nonexistent/shell')).toBeUndefined();
  });
});
