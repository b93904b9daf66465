import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import type { query, resultset } from '../../../wailsjs/go/models';
import { ArrangedSource } from './arranged.svelte';
import type { ColumnSpan } from './grid.svelte';
import type { ColumnLayout } from './layout';
import ResultsPanel from './ResultsPanel.svelte';
import { emptyView, sameRows, type Arrangeable, type ViewState } from './view';

const COLUMNS = ['id', 'name', 'price', 'note'].map((name, i) => ({ name, typeOid: i === 1 || i === 3 ? 25 : 23, typeName: i === 1 || i === 3 ? 'text' : 'integer' }));

/** A finished result of 1,000 rows whose cell (row r, column c) reads `<column name><r>`; it records the views asked for. */
class FakeResult implements Arrangeable {
  total = $state(1000);
  done = true;
  rows = 1000;
  columns = COLUMNS as resultset.Column[];
  view = $state.raw<ViewState>(emptyView);
  wanted = $state.raw<ViewState>(emptyView);
  viewing = false;
  viewError = null;
  generation = $state(0);
  views: ViewState[] = [];
  page = vi.fn(async (offset: number, limit: number, span?: ColumnSpan) => {
    const first = span?.first ?? 0;
    const count = span?.count ?? COLUMNS.length;
    const rows: string[][] = [];
    for (let r = offset; r < Math.min(this.total, offset + limit); r++) rows.push(COLUMNS.slice(first, first + count).map((c) => `${c.name}${r}`));
    // Cell (row 1, note) is cut short: its full length comes with the page.
    const truncated = offset === 0 && first <= 3 && first + count > 3 ? [{ row: 1, col: 3, bytes: 5000 }] : [];
    return { offset, firstColumn: first, rows, truncated, total: this.total, done: true } as unknown as resultset.Page;
  });

  async setView(v: ViewState): Promise<void> {
    this.views.push(v);
    const moved = !sameRows(v, this.view);
    this.wanted = v;
    this.view = v;
    if (moved) this.generation++;
  }

  arrange(layout: ColumnLayout): void {
    void this.setView({ ...this.wanted, columns: layout });
  }
}

function panel(result: FakeResult) {
  const summary = {
    queryId: 'q',
    status: 'done',
    durationMs: 1,
    statements: [{ index: 0, columns: COLUMNS, rows: 1000, status: 'done', sql: 'select', commandTag: 'SELECT 1000', notices: [], durationMs: 1, errorOffset: -1 }],
  } as unknown as query.Summary;
  return render(ResultsPanel, { summary, running: false, sourceFor: () => result, viewportHeight: 300 });
}

const headers = () => screen.getAllByTestId('grid-header-cell').map((h) => h.querySelector('.name')!.textContent);
const cellText = (row: number, col: number) =>
  document.querySelector(`[data-row="${row}"] [role="gridcell"][data-col="${col}"]`)?.textContent;

describe('ArrangedSource', () => {
  it('serves the columns shown, in display order, from one page per run of result columns', async () => {
    const result = new FakeResult();
    result.wanted = { ...emptyView, columns: [3, 0, 2] };
    const shown = new ArrangedSource(result);
    expect(shown.columns.map((c) => c.name)).toEqual(['note', 'id', 'price']);
    const page = await shown.page(0, 2, { first: 0, count: 3 });
    expect(page.rows).toEqual([
      ['note0', 'id0', 'price0'],
      ['note1', 'id1', 'price1'],
    ]);
    expect(page.firstColumn).toBe(0);
    // The cut cell is in display position 0 now.
    expect(page.truncated).toEqual([{ row: 1, col: 0, bytes: 5000 }]);
    expect(result.page.mock.calls.map((c) => c[2])).toEqual([{ first: 3, count: 1 }, { first: 0, count: 1 }, { first: 2, count: 1 }]);

    // A window of display columns: positions 1..2 are result columns 0 and 2.
    const window = await shown.page(0, 1, { first: 1, count: 2 });
    expect(window.firstColumn).toBe(1);
    expect(window.rows).toEqual([['id0', 'price0']]);
  });

  it('reads whole rows from its rows source, once a page, and shows them through the result’s layout', async () => {
    const result = new FakeResult();
    result.wanted = { ...emptyView, columns: [3, 0] };
    // An editable result's rows: a new row on top, then the result's, whole.
    const whole = {
      columns: result.columns,
      total: 1001,
      done: true,
      generation: 7,
      page: vi.fn(async (offset: number, limit: number) => {
        const rows = [[null, null, null, null], ...(await result.page(0, limit)).rows].slice(offset, offset + limit);
        return { offset, firstColumn: 0, rows, truncated: [{ row: 2, col: 3, bytes: 5000 }], total: 1001, done: true } as unknown as resultset.Page;
      }),
    };
    const shown = new ArrangedSource(result, whole);
    expect(shown.total).toBe(1001);
    expect(shown.generation).toBe(7);
    const page = await shown.page(0, 3, { first: 1, count: 1 });
    expect(whole.page.mock.calls).toEqual([[0, 3]]);
    expect(page.firstColumn).toBe(1);
    expect(page.rows).toEqual([[null], ['id0'], ['id1']]);
    const all = await shown.page(0, 3);
    expect(all.rows).toEqual([[null, null], ['note0', 'id0'], ['note1', 'id1']]);
    expect(all.truncated).toEqual([{ row: 2, col: 0, bytes: 5000 }]);
  });

  it('keeps its order while the layout is the same, so the grid keeps its rows', () => {
    const result = new FakeResult();
    const shown = new ArrangedSource(result);
    const before = shown.order;
    result.wanted = { ...emptyView, sort: [{ col: 1, dir: 'asc' }] };
    expect(shown.order).toBe(before);
    result.wanted = { ...result.wanted, columns: [1, 0, 2, 3] };
    expect(shown.order).not.toBe(before);
    expect(shown.order).toEqual([1, 0, 2, 3]);
  });
});

describe('ResultsPanel with a column layout', () => {
  it('moves, hides and shows columns; sort, selection, copy and the record view follow the display', async () => {
    const result = new FakeResult();
    panel(result);
    await waitFor(() => expect(cellText(0, 0)).toBe('id0'));
    expect(headers()).toEqual(['id', 'name', 'price', 'note']);

    // Alt+Shift+Right moves the active cell's column; the active cell goes with it.
    const grid = screen.getByTestId('grid');
    await fireEvent.mouseDown(document.querySelector('[data-row="0"] [data-col="0"]')!, { button: 0 });
    await fireEvent.keyDown(grid, { key: 'ArrowRight', altKey: true, shiftKey: true });
    expect(result.wanted.columns).toEqual([1, 0, 2, 3]);
    await waitFor(() => expect(headers()).toEqual(['name', 'id', 'price', 'note']));
    await waitFor(() => expect(cellText(0, 1)).toBe('id0'));
    expect(document.querySelector('[role="gridcell"][data-col="1"].active')).not.toBeNull();

    // Hide "price" from the Columns popover.
    await fireEvent.click(screen.getByTestId('columns-button'));
    const toggle = screen.getAllByTestId('columns-toggle').find((t) => t.dataset.col === '2')!;
    await fireEvent.click(toggle);
    expect(result.wanted.columns).toEqual([1, 0, 3]);
    await waitFor(() => expect(headers()).toEqual(['name', 'id', 'note']));
    expect(screen.getByTestId('columns-hidden')).toHaveTextContent('1 hidden');
    expect(screen.getByTestId('columns-count')).toHaveTextContent('3 of 4 shown');
    await waitFor(() => expect(cellText(2, 2)).toBe('note2'));

    // A header click sorts by the result column under it.
    const header = (name: string) => screen.getAllByTestId('grid-header-cell').find((h) => h.querySelector('.name')!.textContent === name)!;
    await fireEvent.pointerDown(header('note'), { button: 0, pointerId: 1, clientX: 300 });
    await fireEvent.pointerUp(grid, { button: 0, pointerId: 1, clientX: 300 });
    expect(result.wanted.sort).toEqual([{ col: 3, dir: 'asc' }]);
    expect(result.wanted.columns).toEqual([1, 0, 3]);
    await waitFor(() => expect(header('note').querySelector('[data-testid="sort-indicator"]')).not.toBeNull());

    // Copy with headers (Ctrl+Shift+C) writes the columns shown, in their order.
    const writeText = vi.fn().mockResolvedValue(undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    await waitFor(() => expect(cellText(1, 0)).toBe('name1'));
    await fireEvent.mouseDown(document.querySelector('[data-row="0"] [data-col="0"]')!, { button: 0 });
    await fireEvent.mouseDown(document.querySelector('[data-row="1"] [data-col="2"]')!, { button: 0, shiftKey: true });
    await fireEvent.keyDown(grid, { key: 'c', ctrlKey: true, shiftKey: true });
    await waitFor(() => expect(writeText).toHaveBeenLastCalledWith('name\tid\tnote\nname0\tid0\tnote0\nname1\tid1\tnote1'));

    // The record view lists the columns shown, in their order.
    await fireEvent.keyDown(grid, { key: 'Enter', shiftKey: true });
    const record = await screen.findByTestId('record-view');
    const fields = () => [...record.querySelectorAll<HTMLElement>('[data-testid="record-value"]')].map((e) => `${e.dataset.column}=${e.textContent?.trim()}`);
    await waitFor(() => expect(fields()).toEqual(['name=name1', 'id=id1', 'note=note1']));
    await fireEvent.click(screen.getByText('Close'));

    // Show all brings "price" back beside its predecessor in the result; the order stays.
    // (The popover closed when the header was pressed.)
    expect(screen.queryByTestId('columns-menu')).toBeNull();
    await fireEvent.click(screen.getByTestId('columns-button'));
    await fireEvent.click(screen.getByTestId('columns-show-all'));
    expect(result.wanted.columns).toEqual([1, 2, 0, 3]);
    await fireEvent.click(screen.getByTestId('columns-reset'));
    expect(result.wanted.columns).toBeNull();
    await waitFor(() => expect(headers()).toEqual(['id', 'name', 'price', 'note']));
    // Layout changes never re-sorted: the sort stayed as set.
    expect(result.wanted.sort).toEqual([{ col: 3, dir: 'asc' }]);
  });

  it('drags a header to move its column, with a drop line while dragging', async () => {
    const result = new FakeResult();
    panel(result);
    await waitFor(() => expect(cellText(0, 0)).toBe('id0'));
    const grid = screen.getByTestId('grid');
    const first = screen.getAllByTestId('grid-header-cell')[0]!;
    await fireEvent.pointerDown(first, { button: 0, pointerId: 7, clientX: 60 });
    await fireEvent.pointerMove(grid, { pointerId: 7, clientX: 62 }); // under the threshold: still a click
    expect(screen.queryByTestId('column-drop')).toBeNull();
    await fireEvent.pointerMove(grid, { pointerId: 7, clientX: 5000 });
    expect(screen.getByTestId('column-drop')).toBeInTheDocument();
    await fireEvent.pointerUp(grid, { button: 0, pointerId: 7, clientX: 5000 });
    expect(screen.queryByTestId('column-drop')).toBeNull();
    expect(result.wanted.columns).toEqual([1, 2, 3, 0]);
    expect(result.wanted.sort).toEqual([]); // a drag does not sort
    await waitFor(() => expect(headers()).toEqual(['name', 'price', 'note', 'id']));
  });
});
