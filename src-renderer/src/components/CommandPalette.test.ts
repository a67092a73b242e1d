import { describe, expect, it } from 'vitest';
import { fuzzyScore } from './CommandPalette';

describe('fuzzyScore', () => {
  it('matches subsequences, case-insensitively, ignoring spaces in the query', () => {
    expect(fuzzyScore('diag', 'Go to: Diagnostics')).toBeDefined();
    expect(fuzzyScore('gtd', 'Go to: Diagnostics')).toBeDefined();
    expect(fuzzyScore('context stag', 'Context: staging')).toBeDefined();
    expect(fuzzyScore('xyz', 'Go to: Diagnostics')).toBeUndefined();
  });
  it('ranks contiguous, word-start matches above scattered ones', () => {
    expect(fuzzyScore('con', 'Go to: Contexts')!).toBeGreaterThan(fuzzyScore('con', 'Go to: Cached objects now')!);
  });
});
