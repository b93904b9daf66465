import { render, screen, fireEvent, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import type { resultset } from '../../../wailsjs/go/models';
import Grid from './Grid.svelte';
import type { RowSource } from './grid.svelte';

const XSS_IMG = '<img src=x onerror="window.__xss=1">';
const XSS_SCRIPT = '<script>window.__xss=2</script>';

function million(): RowSource & { page: ReturnType<typeof vi.fn> } {
  return {
    total: 1_000_000,
    done: true,
    columns: [
      { name: 'id', typeOid: 23, typeName: 'int4' },
      { name: 'note', typeOid: 25, typeName: 'text' },
      { name: 'doc', typeOid: 3802, typeName: 'jsonb' },
    ],
    page: vi.fn(async (offset: number, limit: number) => {
      const rows: (string | null)[][] = [];
      for (let i = offset; i < Math.min(1_000_000, offset + limit); i++) {
        const note = i === 0 ? XSS_IMG : i === 1 ? XSS_SCRIPT : i === 2 ? 'a\nb' : i % 3 === 0 ? null : `n${i}`;
        rows.push([String(i), note, '{"a":1,"b":[2]}']);
      }
      return { offset, rows, total: 1_000_000, done: true } as unknown as resultset.Page;
    }),
  };
}

const w = window as unknown as { __xss?: number };

describe('Grid', () => {
  it('renders a window of a 1,000,000-row source, text only', async () => {
    const source = million();
    render(Grid, { source, viewportHeight: 480 });
    const grid = screen.getByTestId('grid');
    expect(grid).toHaveAttribute('role', 'grid');
    expect(grid).toHaveAttribute('aria-rowcount', '1000001');
    expect(grid).toHaveAttribute('aria-colcount', '4');
    expect(screen.getByTestId('grid-header')).toHaveTextContent('id');
    expect(screen.getByTestId('grid-header')).toHaveTextContent('jsonb');

    await waitFor(() => expect(screen.getAllByTestId('grid-cell')[0]).toHaveTextContent('0'));
    const rows = screen.getAllByTestId('grid-row');
    expect(rows.length).toBeLessThan(100);
    expect(rows.length).toBeGreaterThanOrEqual(20);
    expect(rows[0]).toHaveAttribute('data-row', '0');
    expect(source.page).toHaveBeenCalledTimes(1);

    const cell = (row: number, col: number) =>
      within(grid.querySelector(`[data-row="${row}"]`) as HTMLElement)
        .getAllByTestId('grid-cell')
        .find((c) => c.dataset.col === String(col))!;

    expect(cell(0, 1).textContent?.trim()).toBe(XSS_IMG);
    expect(cell(1, 1).textContent?.trim()).toBe(XSS_SCRIPT);
    expect(grid.querySelector('img')).toBeNull();
    expect(document.querySelector('script')).toBeNull();
    expect(w.__xss).toBeUndefined();

    expect(cell(2, 1).textContent?.trim()).toBe('a↵b');
    const nul = cell(3, 1);
    expect(nul).toHaveClass('null');
    expect(nul).toHaveAttribute('data-null');
    expect(nul.textContent?.trim()).toBe('NULL');
    expect(cell(4, 1)).not.toHaveClass('null');
  });

  it('scrolls to the last row and selects with the keyboard', async () => {
    const source = million();
    let grid!: Grid;
    const onselect = vi.fn();
    const r = render(Grid, { source, viewportHeight: 480, onselect });
    grid = r.component as unknown as Grid;
    grid.scrollToRow(999_999);
    await waitFor(() => expect(screen.getByText('999999', { selector: '[data-testid=grid-cell]' })).toBeInTheDocument());
    const rows = screen.getAllByTestId('grid-row');
    expect(rows.length).toBeLessThan(100);
    expect(rows.at(-1)).toHaveAttribute('data-row', '999999');

    const el = screen.getByTestId('grid');
    const last = el.querySelector('[data-row="999999"] [data-col="0"]')!;
    await fireEvent.mouseDown(last, { button: 0 });
    expect(last).toHaveClass('active');
    await fireEvent.keyDown(el, { key: 'ArrowUp', shiftKey: true });
    expect(el.querySelector('[data-row="999998"] [data-col="0"]')).toHaveClass('sel');
    expect(onselect).toHaveBeenLastCalledWith({
      range: { r0: 999_998, r1: 999_999, c0: 0, c1: 0 },
      active: { row: 999_998, col: 0 },
    });
  });

  it('copies the selection as TSV, CSV and JSON', async () => {
    const writeText = vi.fn().mockResolvedValue(undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    render(Grid, { source: million(), viewportHeight: 480 });
    const el = screen.getByTestId('grid');
    await waitFor(() => expect(el.querySelector('[data-row="3"]')).not.toBeNull());
    await fireEvent.mouseDown(el.querySelector('[data-row="2"] [data-col="0"]')!, { button: 0 });
    await fireEvent.mouseDown(el.querySelector('[data-row="3"] [data-col="1"]')!, { button: 0, shiftKey: true });
    await fireEvent.keyDown(el, { key: 'c', ctrlKey: true });
    await waitFor(() => expect(writeText).toHaveBeenLastCalledWith('2\ta\\nb\n3\t'));
    await fireEvent.click(screen.getByTestId('copy-csv'));
    await waitFor(() => expect(writeText).toHaveBeenLastCalledWith('id,note\r\n2,"a\nb"\r\n3,\r\n'));
    await fireEvent.click(screen.getByTestId('copy-json'));
    await waitFor(() => expect(JSON.parse(writeText.mock.lastCall![0])).toEqual([{ id: '2', note: 'a\nb' }, { id: '3', note: null }]));
    expect(screen.getByTestId('grid-status')).toHaveTextContent('Copied 2 rows as JSON');
  });

  it('opens the cell viewer with pretty JSON on double-click and Enter', async () => {
    render(Grid, { source: million(), viewportHeight: 480 });
    const el = screen.getByTestId('grid');
    await waitFor(() => expect(el.querySelector('[data-row="0"] [data-col="2"]')).toHaveTextContent('{'));
    await fireEvent.dblClick(el.querySelector('[data-row="0"] [data-col="2"]')!);
    expect(screen.getByTestId('cell-viewer-value').textContent).toBe('{\n  "a": 1,\n  "b": [\n    2\n  ]\n}');
    await fireEvent.keyDown(screen.getByTestId('cell-viewer'), { key: 'Escape' });
    expect(screen.queryByTestId('cell-viewer')).toBeNull();

    await fireEvent.mouseDown(el.querySelector('[data-row="0"] [data-col="1"]')!, { button: 0 });
    await fireEvent.keyDown(el, { key: 'Enter' });
    expect(screen.getByTestId('cell-viewer-value').textContent).toBe(XSS_IMG);
    expect(document.querySelector('img')).toBeNull();
  });

  it('notes truncated values in the viewer', async () => {
    const source: RowSource = {
      total: 1,
      done: true,
      columns: [{ name: 'big', typeOid: 25, typeName: 'text' }],
      page: async (offset) =>
        ({ offset, rows: [['abc']], truncated: [{ row: 0, col: 0, bytes: 5_000_000 }], total: 1, done: true }) as unknown as resultset.Page,
    };
    render(Grid, { source, viewportHeight: 480 });
    const el = screen.getByTestId('grid');
    await waitFor(() => expect(el.querySelector('[data-row="0"] [data-col="0"]')).toHaveTextContent('abc'));
    await fireEvent.dblClick(el.querySelector('[data-row="0"] [data-col="0"]')!);
    expect(screen.getByTestId('cell-viewer-truncated')).toHaveTextContent('5,000,000-byte');
  });

  it('follows a streaming source without moving the view', async () => {
    const { LiveRowSource } = await import('./grid.svelte');
    const fetch = vi.fn(async (offset: number, limit: number) => {
      const rows = [];
      for (let i = offset; i < Math.min(src.total, offset + limit); i++) rows.push([String(i)]);
      return { offset, rows, total: src.total, done: src.done } as unknown as resultset.Page;
    });
    const src = new LiveRowSource([{ name: 'n', typeOid: 23, typeName: 'int4' }], fetch, 10, false);
    render(Grid, { source: src, viewportHeight: 480 });
    const el = screen.getByTestId('grid');
    await waitFor(() => expect(screen.getAllByTestId('grid-row')).toHaveLength(10));
    src.update(1000, false);
    await waitFor(() => expect(el).toHaveAttribute('aria-rowcount', '1001'));
    await waitFor(() => expect(el.querySelector('[data-row="15"] [data-col="0"]')).toHaveTextContent('15'));
    expect(screen.getAllByTestId('grid-row')[0]).toHaveAttribute('data-row', '0');
  });
});
