import { describe, expect, it } from 'vitest';
import { fuzzyFilter, fuzzyMatch } from './fuzzy';

describe('fuzzyMatch', () => {
  it('needs every character in order', () => {
    expect(fuzzyMatch('abc', 'a big cat')).not.toBeNull();
    expect(fuzzyMatch('cba', 'a big cat')).toBeNull();
  });

  it('ignores case and reports positions', () => {
    const m = fuzzyMatch('NT', 'New Tab');
    expect(m?.positions).toEqual([0, 4]);
  });

  it('ranks word starts and substrings first', () => {
    const ranked = fuzzyFilter('selt', ['set timezone', 'Select top 1000', 'deselect'], (s) => s).map((r) => r.item);
    expect(ranked[0]).toBe('Select top 1000');
    const sub = fuzzyFilter('order', ['public.orders', 'public.border_points', 'public.o_r_d_e_r'], (s) => s).map((r) => r.item);
    expect(sub[0]).toBe('public.orders');
  });

  it('matches everything with an empty query, in the given order', () => {
    expect(fuzzyFilter('', ['b', 'a'], (s) => s).map((r) => r.item)).toEqual(['b', 'a']);
  });
});
