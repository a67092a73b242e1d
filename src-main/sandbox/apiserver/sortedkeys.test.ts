import { describe, expect, it } from 'vitest';
import { SortedKeys } from './sortedkeys';

describe('SortedKeys', () => {
  it('keeps keys ordered through random inserts and deletes across chunk splits', () => {
    const s = new SortedKeys();
    const ref = new Set<string>();
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 20_000; i++) {
      const k = `ns${Math.floor(rnd() * 5)}/pod-${Math.floor(rnd() * 8000)}`;
      if (rnd() < 0.3) {
        s.delete(k);
        ref.delete(k);
      } else {
        s.add(k);
        ref.add(k);
      }
    }
    const sorted = [...ref].sort();
    expect(s.size).toBe(sorted.length);
    expect([...s.range(undefined, undefined)]).toEqual(sorted);
    expect([...s.range('ns2/', 'ns20')]).toEqual(sorted.filter((k) => k.startsWith('ns2/')));
    const mid = sorted[Math.floor(sorted.length / 2)]!;
    expect(s.rank(mid)).toBe(Math.floor(sorted.length / 2));
    expect([...s.range(`${mid}\u0000`, undefined)]).toEqual(sorted.slice(Math.floor(sorted.length / 2) + 1));
  });
});
