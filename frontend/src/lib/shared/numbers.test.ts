import { describe, expect, it } from 'vitest';
import { countOf, formatCount } from './numbers';

describe('formatCount', () => {
  it('groups thousands', () => {
    expect(formatCount(1_000_000)).toMatch(/^1\D000\D000$/);
    expect(formatCount(999)).toBe('999');
  });

  it('names one and many', () => {
    expect(countOf(1, 'row')).toBe('1 row');
    expect(countOf(0, 'row')).toBe('0 rows');
    expect(countOf(1600, 'column')).toMatch(/^1\D600 columns$/);
    expect(countOf(2, 'match', 'matches')).toBe('2 matches');
  });
});
