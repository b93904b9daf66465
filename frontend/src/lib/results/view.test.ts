import { describe, expect, it } from 'vitest';
import type { SortKey } from './grid.svelte';
import { emptyView, isPlain, sameSpec, specOf } from './view';

const asc = (col: number): SortKey => ({ col, dir: 'asc' });
const desc = (col: number): SortKey => ({ col, dir: 'desc' });

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
    expect(spec).toEqual({ sort: [{ column: 1, desc: true }], quick: 'ab', filters: [{ column: 0, op: 'gt', value: '10' }, { column: 2, op: 'isNull', value: '' }] });
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
