// Remembers the main window's size and position between launches, and refuses to restore a
// window onto a display that is no longer attached.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Bounds {
  x: number;
  y: number;
  width: number;
  height: number;
}
export interface WindowState {
  bounds?: Bounds;
  maximized?: boolean;
}

const fileName = 'window-state.json';
export const defaultSize = { width: 1360, height: 880 };

export function loadWindowState(dir: string, displays: Array<{ workArea: Bounds }>): WindowState {
  try {
    const raw = JSON.parse(readFileSync(join(dir, fileName), 'utf8')) as WindowState;
    const b = raw.bounds;
    const valid = b && [b.x, b.y, b.width, b.height].every(Number.isFinite) && b.width >= 400 && b.height >= 300;
    if (!valid) return {};
    // At least a 100x50 corner of the title bar must land on some display.
    const visible = displays.some(({ workArea: a }) => b.x + b.width - 100 >= a.x && b.x + 100 <= a.x + a.width && b.y >= a.y && b.y + 50 <= a.y + a.height);
    return visible ? { bounds: b, maximized: raw.maximized === true } : { maximized: raw.maximized === true };
  } catch {
    return {};
  }
}

export function saveWindowState(dir: string, state: WindowState) {
  try {
    writeFileSync(join(dir, fileName), JSON.stringify(state));
  } catch {
    // Losing the window position is not worth interrupting the user for.
  }
}
