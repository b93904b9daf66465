import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import type { resultset } from '../../../wailsjs/go/models';
import Grid from './Grid.svelte';

function source(rows: string[][]) {
  return {
    total: rows.length,
    done: true,
    generation: 0,
    columns: [
      { name: 'id', typeOid: 23, typeName: 'int4' },
      { name: 'name', typeOid: 25, typeName: 'text' },
    ],
    page: vi.fn(async (offset: number, limit: number) => ({ offset, rows: rows.slice(offset, offset + limit), total: rows.length, done: true }) as unknown as resultset.Page),
  };
}

describe('Grid sorting', () => {
  it('a header sort control reports the column and Shift; arrows show the sort', async () => {
    const onsort = vi.fn();
    const { rerender } = render(Grid, { source: source([['1', 'a']]), viewportHeight: 200, onsort });
    const controls = screen.getAllByTestId('grid-sort');
    expect(controls).toHaveLength(2);
    await fireEvent.mouseDown(controls[1]!);
    await fireEvent.mouseDown(controls[0]!, { shiftKey: true });
    expect(onsort.mock.calls).toEqual([
      [1, false],
      [0, true],
    ]);
    await rerender({ sort: [{ column: 1, desc: true }, { column: 0, desc: false }] });
    expect(controls[1]).toHaveAttribute('data-dir', 'desc');
    expect(controls[1]).toHaveTextContent('↓1');
    expect(controls[0]).toHaveAttribute('data-dir', 'asc');
    expect(controls[0]).toHaveTextContent('↑2');
  });

  it('no sort control without onsort', () => {
    render(Grid, { source: source([['1', 'a']]), viewportHeight: 200 });
    expect(screen.queryAllByTestId('grid-sort')).toHaveLength(0);
  });

  it('a new generation of the same source drops the rows it holds', async () => {
    let rows = [['1', 'a'], ['2', 'b']];
    const s = source(rows);
    s.page.mockImplementation(async (offset: number, limit: number) => ({ offset, rows: rows.slice(offset, offset + limit), total: rows.length, done: true }) as unknown as resultset.Page);
    const { rerender } = render(Grid, { source: s, viewportHeight: 200 });
    await waitFor(() => expect(screen.getAllByTestId('grid-cell')[0]).toHaveTextContent('1'));
    rows = [['2', 'b'], ['1', 'a']];
    s.generation = 1;
    await rerender({ source: s });
    await waitFor(() => expect(screen.getAllByTestId('grid-cell')[0]).toHaveTextContent('2'));
    expect(s.page).toHaveBeenCalledTimes(2);
  });
});
