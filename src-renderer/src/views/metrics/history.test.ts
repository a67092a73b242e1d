import { describe, expect, it } from 'vitest';
import { HISTORY_LIMIT, readHistory, rememberQuery } from './history';

function memoryStore(initial: Record<string, string> = {}) {
  const data = new Map(Object.entries(initial));
  return { getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v) };
}

describe('query history', () => {
  it('keeps the most recent first, without duplicates, bounded', () => {
    const store = memoryStore();
    rememberQuery('up', store);
    rememberQuery('rate(x[5m])', store);
    expect(rememberQuery(' up ', store)).toEqual(['up', 'rate(x[5m])']);
    for (let i = 0; i < 100; i++) rememberQuery(`q${i}`, store);
    const h = readHistory(store);
    expect(h).toHaveLength(HISTORY_LIMIT);
    expect(h[0]).toBe('q99');
  });
  it('survives a corrupt entry and ignores empty queries', () => {
    const store = memoryStore({ 'orrery.metrics.history': '{not json' });
    expect(readHistory(store)).toEqual([]);
    expect(rememberQuery('   ', store)).toEqual([]);
  });
});
