// Notices changes to a set of files, including ones that do not exist yet or are replaced
// atomically by editors and `kubectl config` (rename over the old file). Stat polling handles
// all of these uniformly, where fs.watch loses track of replaced inodes.
import { unwatchFile, watchFile, type Stats } from 'node:fs';

export function watchFiles(paths: string[], onChange: () => void, opts: { intervalMs?: number; debounceMs?: number } = {}): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const fire = () => {
    clearTimeout(timer);
    timer = setTimeout(onChange, opts.debounceMs ?? 100);
  };
  const listener = (curr: Stats, prev: Stats) => {
    if (curr.mtimeMs !== prev.mtimeMs || curr.size !== prev.size || curr.ino !== prev.ino) fire();
  };
  for (const path of paths) watchFile(path, { interval: opts.intervalMs ?? 1000, persistent: false }, listener);
  return () => {
    clearTimeout(timer);
    for (const path of paths) unwatchFile(path, listener);
  };
}
