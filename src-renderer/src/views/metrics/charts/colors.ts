// One color per series, chosen from its labels: the same series keeps its color across
// refreshes, range changes and other series coming or going (echarts' default assigns by order).

/** 20 colors that stay apart (d3's category10 and a second, deeper ten); the dark variants are
 *  lighter versions at the same indexes, so a series keeps its hue when the theme changes. */
export const palettes = {
  light: ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf', '#393b79', '#e6550d', '#637939', '#843c39', '#7b4173', '#3182bd', '#c49c94', '#31a354', '#ad494a', '#de9ed6'],
  dark: ['#5fa2dd', '#ffa04d', '#5cc85c', '#ef5b5b', '#b395d8', '#c09a8f', '#f19cd6', '#b0b0b0', '#dcdc4a', '#4fd8e6', '#8c91e0', '#ff8a4d', '#a5c26b', '#d98b88', '#c98ac2', '#74b1e8', '#e0c4bd', '#6fd08a', '#e08d8e', '#f0c6ec'],
} as const;

/** The series' identity: its labels in name order, as PromQL prints them. */
export function seriesKey(labels: Record<string, string>): string {
  const names = Object.keys(labels).sort();
  return `{${names.map((n) => `${n}="${labels[n]}"`).join(', ')}}`;
}

/** FNV-1a, 32 bit: cheap, and different keys spread over the palette. */
export function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function seriesColor(key: string, theme: 'light' | 'dark'): string {
  const palette = palettes[theme];
  return palette[hash(key) % palette.length]!;
}

/**
 * Colors for a chart's series: each its hashed color, except that when two series of the same
 * chart land on one color and a free one exists, the later key (in key order) takes the next
 * free color. The same set of series always gets the same colors.
 */
export function assignColors(keys: string[], theme: 'light' | 'dark'): Map<string, string> {
  const palette = palettes[theme];
  const out = new Map<string, string>();
  if (keys.length > palette.length) {
    for (const k of keys) out.set(k, seriesColor(k, theme));
    return out;
  }
  const taken = new Set<number>();
  for (const k of [...keys].sort()) {
    let i = hash(k) % palette.length;
    while (taken.has(i)) i = (i + 1) % palette.length;
    taken.add(i);
    out.set(k, palette[i]!);
  }
  return out;
}

/** Fixed colors of reference lines, the same in every chart. */
export const referenceColors = {
  light: { request: '#d97706', limit: '#dc2626', capacity: '#6b7280' },
  dark: { request: '#fbbf24', limit: '#f87171', capacity: '#9ca3af' },
} as const;
