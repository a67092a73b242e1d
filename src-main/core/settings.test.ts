import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { Settings } from './settings';

describe('Settings', () => {
  it('remembers values across instances in the data directory', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'orrery-settings-')), 'nested');
    const a = new Settings(dir);
    await a.set('prometheus:ctx', { kind: 'candidate', id: 'service:monitoring/prometheus:http/' });
    await a.set('other', 1);
    await a.set('other', undefined);
    const b = new Settings(dir);
    expect(b.get('prometheus:ctx')).toEqual({ kind: 'candidate', id: 'service:monitoring/prometheus:http/' });
    expect(b.get('other')).toBeUndefined();
  });

  it('keeps an unreadable file aside and starts empty', () => {
    const dir = mkdtempSync(join(tmpdir(), 'orrery-settings-'));
    writeFileSync(join(dir, 'settings.json'), '{oops');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const s = new Settings(dir);
    expect(s.get('x')).toBeUndefined();
    expect(readdirSync(dir).some((f) => f.startsWith('settings.json.unreadable-'))).toBe(true);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/not valid JSON/));
    warn.mockRestore();
  });

  it('works in memory without a directory', async () => {
    const s = new Settings();
    await s.set('k', 'v');
    expect(s.get('k')).toBe('v');
    expect(s.file).toBeUndefined();
  });
});
