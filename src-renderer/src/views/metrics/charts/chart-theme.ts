// Charts draw on canvas, where CSS variables do not reach: read the app's theme colors from the
// root element and follow its data-theme attribute, which the theme switcher sets.
import { useSyncExternalStore } from 'react';
import type { ChartTheme } from './chart-options';

function read(): ChartTheme {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  const mode = document.documentElement.dataset.theme === 'dark' ? 'dark' : 'light';
  return { mode, text: v('--text', '#1b2330'), muted: v('--muted', '#667085'), border: v('--border', '#d8dde5'), panel: v('--panel', '#ffffff') };
}

let cached: ChartTheme | undefined;
let cachedFor: string | undefined;

/** The theme's chart colors now. */
export function currentChartTheme(): ChartTheme {
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

export function useChartTheme(): ChartTheme {
  return useSyncExternalStore(subscribe, currentChartTheme);
}
