import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import ColumnsMenu from './ColumnsMenu.svelte';
import type { Column } from './grid.svelte';

const columns = Array.from({ length: 12 }, (_, i) => ({ name: i % 2 ? `price_${i}` : `name_${i}`, typeOid: 25, typeName: 'text' })) as Column[];

describe('ColumnsMenu', () => {
  it('finds columns of a wide result by name, toggles one, shows all', async () => {
    const onchange = vi.fn();
    render(ColumnsMenu, { columns, layout: [3, 0, 1], onchange, onclose: vi.fn() });
    expect(screen.getByTestId('columns-count')).toHaveTextContent('3 of 12 shown');
    // A long name cut in the list is named by its tooltip.
    expect(screen.getAllByTestId('columns-toggle')[0]!.closest('label')).toHaveAttribute('title', 'price_3 (text)');
    // Shown columns first in their order, hidden ones where they would come back.
    const listed = () => screen.getAllByTestId('columns-toggle').map((t) => Number(t.dataset.col));
    expect(listed()).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 0, 1, 2]);
    await fireEvent.input(screen.getByTestId('columns-search'), { target: { value: 'PRICE' } });
    expect(listed()).toEqual([3, 5, 7, 9, 11, 1]);
    await fireEvent.click(screen.getAllByTestId('columns-toggle').find((t) => t.dataset.col === '5')!);
    expect(onchange).toHaveBeenLastCalledWith([3, 5, 0, 1]);
    await fireEvent.click(screen.getByTestId('columns-show-all'));
    expect(onchange).toHaveBeenLastCalledWith([3, 4, 5, 6, 7, 8, 9, 10, 11, 0, 1, 2]);
    await fireEvent.click(screen.getByTestId('columns-reset'));
    expect(onchange).toHaveBeenLastCalledWith(null);
  });

  it('never hides the last column shown; a search that finds nothing says so', async () => {
    render(ColumnsMenu, { columns, layout: [4], onchange: vi.fn(), onclose: vi.fn() });
    expect(screen.getAllByTestId('columns-toggle').find((t) => t.dataset.col === '4')).toBeDisabled();
    await fireEvent.input(screen.getByTestId('columns-search'), { target: { value: 'zzz' } });
    expect(screen.getByText('No column matches.')).toBeInTheDocument();
  });
});
