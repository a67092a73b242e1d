import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadWindowState, saveWindowState, type Bounds } from './window-state';

const laptop = { workArea: { x: 0, y: 0, width: 1920, height: 1040 } };
const rightMonitor = { workArea: { x: 1920, y: 0, width: 2560, height: 1400 } };

function dirWith(content: string | undefined) {
  const dir = mkdtempSync(join(tmpdir(), 'orrery-window-state-'));
  if (content !== undefined) writeFileSync(join(dir, 'window-state.json'), content);
  return dir;
}

const saved = (bounds: unknown, maximized?: unknown) => dirWith(JSON.stringify({ bounds, maximized }));
const good: Bounds = { x: 100, y: 50, width: 1200, height: 800 };

describe('loadWindowState', () => {
  it('restores what was saved', () => {
    const dir = dirWith(undefined);
    saveWindowState(dir, { bounds: good, maximized: true });
    expect(loadWindowState(dir, [laptop])).toEqual({ bounds: good, maximized: true });
  });

  it('starts fresh without a file', () => {
    expect(loadWindowState(dirWith(undefined), [laptop])).toEqual({});
  });

  it.each([
    ['corrupt JSON', '{"bounds": {"x": 1'],
    ['an empty file', ''],
    ['NaN (not JSON)', '{"bounds": {"x": NaN, "y": 0, "width": 800, "height": 600}}'],
    ['null', 'null'],
    ['a number', '42'],
    ['an array', '[1, 2, 3, 4]'],
  ])('ignores %s', (_name, content) => {
    expect(loadWindowState(dirWith(content), [laptop])).toEqual({});
  });

  it.each([
    ['NaN, saved by JSON.stringify as null', { ...good, x: Number.NaN }],
    ['Infinity', { ...good, width: Number.POSITIVE_INFINITY }],
    ['a string', { ...good, y: '50' }],
    ['a missing field', { x: 100, y: 50, width: 1200 }],
    ['too narrow', { ...good, width: 399 }],
    ['too short', { ...good, height: 299 }],
    ['negative size', { ...good, width: -1200 }],
    ['not an object', 'big'],
  ])('ignores bounds with %s', (_name, bounds) => {
    expect(loadWindowState(saved(bounds), [laptop]).bounds).toBeUndefined();
  });

  it('drops bounds on a display that was removed, keeping maximized', () => {
    const onMonitor = { x: 2200, y: 100, width: 1000, height: 700 };
    expect(loadWindowState(saved(onMonitor, true), [laptop, rightMonitor])).toEqual({ bounds: onMonitor, maximized: true });
    expect(loadWindowState(saved(onMonitor, true), [laptop])).toEqual({ maximized: true });
  });

  it.each([
    ['left of every display', { x: -1150, y: 100, width: 1200, height: 800 }],
    ['right of every display', { x: 1850, y: 100, width: 1200, height: 800 }],
    ['above (title bar hidden)', { x: 100, y: -10, width: 1200, height: 800 }],
    ['below', { x: 100, y: 1000, width: 1200, height: 800 }],
    ['with no display at all', { x: 100, y: 50, width: 1200, height: 800 }],
  ])('drops bounds %s', (name, bounds) => {
    const displays = name === 'with no display at all' ? [] : [laptop];
    expect(loadWindowState(saved(bounds), displays).bounds).toBeUndefined();
  });

  it('keeps a window whose title bar is partly on screen', () => {
    const partly = { x: -1000, y: 0, width: 1200, height: 800 }; // 200 px still visible on the left
    expect(loadWindowState(saved(partly), [laptop]).bounds).toEqual(partly);
  });

  it('treats anything but true as not maximized', () => {
    expect(loadWindowState(saved(good, 'yes'), [laptop])).toEqual({ bounds: good, maximized: false });
  });
});

describe('saveWindowState', () => {
  it('writes JSON to userData/window-state.json', () => {
    const dir = dirWith(undefined);
    saveWindowState(dir, { bounds: good, maximized: false });
    expect(JSON.parse(readFileSync(join(dir, 'window-state.json'), 'utf8'))).toEqual({ bounds: good, maximized: false });
  });

  it('does not throw when the folder is not writable', () => {
    expect(() => saveWindowState(join(tmpdir(), 'orrery-does-not-exist', 'deeper'), { bounds: good })).not.toThrow();
  });
});
