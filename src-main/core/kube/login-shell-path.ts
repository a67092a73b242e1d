// A desktop app started from a launcher (Dock, Start menu, .desktop file) gets a minimal PATH,
// so exec credential plugins (aws, gke-gcloud-auth-plugin, kubelogin) that work in a terminal
// are "not found". Like Freelens's shell-sync, ask the user's login shell for its PATH once and
// append the entries we lack.
import { execFile } from 'node:child_process';
import { delimiter } from 'node:path';

const marker = '__ORRERY_PATH__';

export function mergePaths(current: string, fromShell: string): string {
  const have = current.split(delimiter).filter(Boolean);
  const extra = fromShell.split(delimiter).filter((p) => p && !have.includes(p));
  return [...have, ...extra].join(delimiter);
}

export function loginShellPath(shell = process.env.SHELL, timeoutMs = 5000): Promise<string | undefined> {
  if (process.platform === 'win32' || !shell) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    execFile(shell, ['-ilc', `printf '%s%s%s' ${marker} "$PATH" ${marker}`], { timeout: timeoutMs, env: { ...process.env, DISABLE_AUTO_UPDATE: 'true' } }, (err, stdout) => {
      if (err) return resolve(undefined);
      const match = new RegExp(`${marker}(.*)${marker}`).exec(stdout);
      resolve(match?.[1] || undefined);
    });
  });
}

/** Appends the login shell's PATH entries to process.env.PATH. Safe to call more than once. */
export async function syncPathFromLoginShell(): Promise<void> {
  const fromShell = await loginShellPath();
  if (fromShell) process.env.PATH = mergePaths(process.env.PATH ?? '', fromShell);
}
