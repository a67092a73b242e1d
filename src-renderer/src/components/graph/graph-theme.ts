// Health colors and panel colors for canvas drawing, read from the app's CSS variables (the one
// color language of the explorer) and re-read when the theme switches.
import { useSyncExternalStore } from 'react';
import type { HealthLevel } from '../../../../src-main/contract/types';

export interface GraphTheme {
  health: Record<HealthLevel, string>;
  none: string;
  text: string;
  muted: string;
  panel: string;
  border: string;
  accent: string;
}

function read(): GraphTheme {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return {
    health: { ok: v('--ok', '#15803d'), degraded: v('--degraded', '#b45309'), failing: v('--failing', '#b91c1c'), unknown: v('--unknown', '#6b7280') },
    none: v('--panel-2', '#eef1f5'),
    text: v('--text', '#1b2330'),
    muted: v('--muted', '#667085'),
    panel: v('--panel', '#ffffff'),
    border: v('--border', '#d8dde5'),
    accent: v('--accent', '#2563eb'),
  };
}

let cached: GraphTheme | undefined;
let cachedFor: string | undefined;

function snapshot(): GraphTheme {
  const key = document.documentElement.dataset.theme ?? '';
  if (!cached || cachedFor !== key) {
    cached = read();
    cachedFor = key;
  }
  return cached;
}

function subscribe(cb: () => void): () => void {
  const observer = new MutationObserver(cb);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
  return () => observer.disconnect();
}

export function useGraphTheme(): GraphTheme {
  return useSyncExternalStore(subscribe, snapshot);
}
