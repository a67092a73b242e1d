// One color per series, chosen from its labels: the same series keeps its color across
// refreshes, range changes and other series coming or going (echarts' default assigns by order).

/** 20 hues that stay apart; light and dark variants share indexes so a series keeps its hue. */
export const palettes = {
  light: ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#65a30d', '#ea580c', '#4f46e5', '#0d9488', '#be123c', '#ca8a04', '#9333ea', '#0284c7', '#c026d3', '#059669', '#b45309', '#475569', '#e11d48'],
  dark: ['#60a5fa', '#f87171', '#4ade80', '#fbbf24', '#a78bfa', '#22d3ee', '#f472b6', '#a3e635', '#fb923c', '#818cf8', '#2dd4bf', '#fb7185', '#facc15', '#c084fc', '#38bdf8', '#e879f9', '#34d399', '#f59e0b', '#94a3b8', '#f43f5e'],
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
