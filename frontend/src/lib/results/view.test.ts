import { describe, expect, it } from 'vitest';
import { emptyView, isPlain, sameSpec, sortOf, specOf, toggleSort, type SortKey } from './view';

const asc = (column: number): SortKey => ({ column, desc: false });
const desc = (column: number): SortKey => ({ column, desc: true });

describe('toggleSort', () => {
  it('a click cycles one column: ascending, descending, the server order', () => {
    let s = toggleSort([], 2, false);
    expect(s).toEqual([asc(2)]);
    s = toggleSort(s, 2, false);
    expect(s).toEqual([desc(2)]);
    expect(toggleSort(s, 2, false)).toEqual([]);
  });

  it('a click on another column sorts by it alone', () => {
    expect(toggleSort([desc(1), asc(3)], 0, false)).toEqual([asc(0)]);
    // One of several keys: a click makes it the only one, ascending.
    expect(toggleSort([desc(1), desc(3)], 3, false)).toEqual([asc(3)]);
  });

  it('Shift+click adds a column last, then reverses it in place, then removes it', () => {
    let s = toggleSort([asc(1)], 4, true);
    expect(s).toEqual([asc(1), asc(4)]);
    s = toggleSort(s, 1, true);
    expect(s).toEqual([desc(1), asc(4)]);
    s = toggleSort(s, 1, true);
    expect(s).toEqual([asc(4)]);
    expect(toggleSort([], 0, true)).toEqual([asc(0)]);
  });

  it('does not change the sort it is given', () => {
    const s = [asc(1)];
    toggleSort(s, 1, true);
    toggleSort(s, 2, true);
    expect(s).toEqual([asc(1)]);
  });
});

describe('sortOf', () => {
  it('gives the direction and the rank among the keys', () => {
    const s = [desc(3), asc(0)];
    expect(sortOf(s, 3)).toEqual({ desc: true, rank: 1 });
    expect(sortOf(s, 0)).toEqual({ desc: false, rank: 2 });
    expect(sortOf(s, 1)).toBeNull();
  });
});

describe('specOf', () => {
  it('leaves out filters still waiting for a value, and the columns (all are exported)', () => {
    const spec = specOf({
      sort: [desc(1)],
      quick: 'ab',
      filters: [
        { column: 0, op: 'gt', value: '' },
        { column: 0, op: 'gt', value: '10' },
        { column: 2, op: 'isNull', value: 'ignored' },
      ],
    });
    expect(spec).toEqual({ sort: [desc(1)], quick: 'ab', filters: [{ column: 0, op: 'gt', value: '10' }, { column: 2, op: 'isNull', value: '' }] });
    expect('columns' in spec).toBe(false);
  });

  it('plain views ask for nothing; a filter being typed asks for nothing new', () => {
    expect(isPlain(emptyView)).toBe(true);
    expect(isPlain({ sort: [], quick: '', filters: [{ column: 1, op: 'equals', value: '' }] })).toBe(true);
    expect(isPlain({ sort: [], quick: '', filters: [{ column: 1, op: 'notNull', value: '' }] })).toBe(false);
    expect(isPlain({ sort: [asc(0)], quick: '', filters: [] })).toBe(false);
    expect(isPlain({ sort: [], quick: 'x', filters: [] })).toBe(false);
    expect(sameSpec({ ...emptyView, quick: 'x' }, { sort: [], quick: 'x', filters: [{ column: 0, op: 'lt', value: '' }] })).toBe(true);
    expect(sameSpec({ ...emptyView, sort: [asc(0)] }, { ...emptyView, sort: [desc(0)] })).toBe(false);
  });
});
