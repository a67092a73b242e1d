// Queries the user ran, most recent first, kept in this browser/app profile (localStorage).
// Bounded, deduplicated (running a query again moves it to the top).

const KEY = 'orrery.metrics.history';
export const HISTORY_LIMIT = 50;

type KeyValueStore = Pick<Storage, 'getItem' | 'setItem'>;

export function readHistory(store: KeyValueStore = localStorage): string[] {
  try {
    const parsed: unknown = JSON.parse(store.getItem(KEY) ?? '[]');
    return Array.isArray(parsed) ? parsed.filter((q): q is string => typeof q === 'string') : [];
  } catch {
    return []; // a corrupt entry must not break the explorer
  }
}

export function rememberQuery(query: string, store: KeyValueStore = localStorage): string[] {
  const q = query.trim();
  if (!q) return readHistory(store);
  const next = [q, ...readHistory(store).filter((h) => h !== q)].slice(0, HISTORY_LIMIT);
  try {
    store.setItem(KEY, JSON.stringify(next));
  } catch {
    // storage full or disabled: history is a convenience
  }
  return next;
}
