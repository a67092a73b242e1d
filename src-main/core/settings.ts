// The backend's remembered choices (e.g. which Prometheus a context uses), as one small JSON file
// in the host's data directory (Electron's userData, the server host's --data-dir). Without a
// directory they live in memory only. Writes are atomic (rename) and serialized.
import { mkdirSync, readFileSync, renameSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export class Settings {
  private values: Record<string, unknown> = {};
  private writing: Promise<void> = Promise.resolve();
  readonly file: string | undefined;

  constructor(dataDir?: string) {
    let file = dataDir ? join(dataDir, 'settings.json') : undefined;
    if (dataDir) {
      try {
        mkdirSync(dataDir, { recursive: true });
      } catch (err) {
        console.warn(`orrery: cannot create ${dataDir} (${(err as Error).message}); choices are remembered until Orrery exits only`);
        file = undefined;
      }
    }
    this.file = file;
    if (!this.file) return;
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch {
      return; // none yet
    }
    try {
      const parsed = JSON.parse(text) as unknown;
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) this.values = parsed as Record<string, unknown>;
    } catch (err) {
      // Keep the unreadable file for inspection rather than overwrite it silently.
      const aside = `${this.file}.unreadable-${Date.now()}`;
      renameSync(this.file, aside);
      console.warn(`orrery: ${this.file} is not valid JSON (${(err as Error).message}); moved to ${aside}, starting with defaults`);
    }
  }

  get<T>(key: string): T | undefined {
    return this.values[key] as T | undefined;
  }

  /** Sets (or with undefined, removes) a value; resolves once it is on disk. */
  set(key: string, value: unknown): Promise<void> {
    if (value === undefined) delete this.values[key];
    else this.values[key] = value;
    if (!this.file) return Promise.resolve();
    const file = this.file;
    const text = `${JSON.stringify(this.values, null, 2)}\n`;
    const next = this.writing.then(async () => {
      const tmp = `${file}.${process.pid}.tmp`;
      await writeFile(tmp, text, { mode: 0o600 });
      await rename(tmp, file);
    });
    this.writing = next.catch(() => undefined);
    return next;
  }
}
