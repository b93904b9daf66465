import { render, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import type { resultset } from '../../../wailsjs/go/models';
import Grid from './Grid.svelte';

describe('Grid and a sorted source', () => {
  it('a new generation of the same source drops the rows it holds and shows the new order', async () => {
    let rows = [
      ['1', 'a'],
      ['2', 'b'],
    ];
    const source = {
      total: 2,
      done: true,
      generation: 0,
      columns: [
        { name: 'id', typeOid: 23, typeName: 'integer', typeCategory: 'N' },
        { name: 'name', typeOid: 25, typeName: 'text', typeCategory: 'S' },
      ],
      page: vi.fn(async (offset: number, limit: number) => ({ offset, firstColumn: 0, rows: rows.slice(offset, offset + limit), total: rows.length, done: true }) as unknown as resultset.Page),
    };
    const { rerender } = render(Grid, { source, viewportHeight: 200, viewportWidth: 600 });
    await waitFor(() => expect(screen.getAllByTestId('grid-cell')[0]).toHaveTextContent('1'));
    const calls = source.page.mock.calls.length;

    rows = [
      ['2', 'b'],
      ['1', 'a'],
    ];
    source.generation = 1;
    await rerender({ source });
    await waitFor(() => expect(screen.getAllByTestId('grid-cell')[0]).toHaveTextContent('2'));
    expect(source.page.mock.calls.length).toBeGreaterThan(calls);
  });
});
