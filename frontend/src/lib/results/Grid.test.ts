import { render, screen, fireEvent, waitFor, within } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { describe, expect, it, vi } from 'vitest';
import type { resultset } from '../../../wailsjs/go/models';
import Grid from './Grid.svelte';
import { LiveRowSource, type RowSource } from './grid.svelte';

const XSS_IMG = '<img src=x onerror="window.__xss=1">';
const XSS_SCRIPT = '<script>window.__xss=2</script>';

function million(): RowSource & { page: ReturnType<typeof vi.fn> } {
  return {
    total: 1_000_000,
    done: true,
    columns: [
      { name: 'id', typeOid: 23, typeName: 'integer', typeCategory: 'N' },
      { name: 'note', typeOid: 25, typeName: 'text', typeCategory: 'S' },
      { name: 'doc', typeOid: 3802, typeName: 'jsonb', typeCategory: 'U' },
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
    await waitFor(() => expect(writeText).toHaveBeenLastCalledWith('2\ta\\nb\n3\t\\N'));
    await fireEvent.click(screen.getByTestId('copy-csv'));
    await waitFor(() => expect(writeText).toHaveBeenLastCalledWith('id,note\n2,"a\nb"\n3,\n'));
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
    await fireEvent.keyDown(screen.getByTestId('cell-viewer-value'), { key: 'Escape' });
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
      columns: [{ name: 'big', typeOid: 25, typeName: 'text', typeCategory: 'S' }],
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
    const fetch = vi.fn(async (offset: number, limit: number) => {
      const rows = [];
      for (let i = offset; i < Math.min(src.total, offset + limit); i++) rows.push([String(i)]);
      return { offset, rows, total: src.total, done: src.done } as unknown as resultset.Page;
    });
    const src = new LiveRowSource([{ name: 'n', typeOid: 23, typeName: 'integer', typeCategory: 'N' }], fetch, 10, false);
    render(Grid, { source: src, viewportHeight: 480 });
    const el = screen.getByTestId('grid');
    await waitFor(() => expect(screen.getAllByTestId('grid-row')).toHaveLength(10));
    src.update(1000, false);
    await waitFor(() => expect(el).toHaveAttribute('aria-rowcount', '1001'));
    await waitFor(() => expect(el.querySelector('[data-row="15"] [data-col="0"]')).toHaveTextContent('15'));
    expect(screen.getAllByTestId('grid-row')[0]).toHaveAttribute('data-row', '0');
  });
});


/** A result of `cols` columns (integer, text, boolean, enum in turn) and `rows` rows. */
function wide(cols = 1600, rows = 1000): RowSource & { page: ReturnType<typeof vi.fn> } {
  const kinds = [
    { typeOid: 23, typeName: 'integer', typeCategory: 'N' },
    { typeOid: 25, typeName: 'text', typeCategory: 'S' },
    { typeOid: 16, typeName: 'boolean', typeCategory: 'B' },
    { typeOid: 16389, typeName: 'mood', typeCategory: 'E' },
  ];
  return {
    total: rows,
    done: true,
    columns: Array.from({ length: cols }, (_, c) => ({ name: `col_${c}`, ...kinds[c % 4]! })),
    // Answers a window of columns, as the backend does.
    page: vi.fn(async (offset: number, limit: number, span?: { first: number; count: number }) => {
      const first = span?.first ?? 0;
      const last = Math.min(cols, first + (span?.count ?? cols));
      const out: (string | null)[][] = [];
      for (let i = offset; i < Math.min(rows, offset + limit); i++) {
        out.push(Array.from({ length: last - first }, (_, k) => (first + k === 1 && i === 1 ? null : `${i}:${first + k}`)));
      }
      return { offset, firstColumn: first, rows: out, total: rows, done: true } as unknown as resultset.Page;
    }),
  };
}

const at = (grid: HTMLElement, row: number, col: number) =>
  grid.querySelector<HTMLElement>(`[data-row="${row}"] [data-col="${col}"]`);
const renderedCols = (grid: HTMLElement) =>
  [...grid.querySelectorAll<HTMLElement>('[data-testid="grid-header-cell"]')].map((h) => Number(h.dataset.col));

describe('Grid columns', () => {
  it('renders only the columns in view of a 1,600-column result, and follows a horizontal scroll', async () => {
    const source = wide();
    render(Grid, { source, viewportHeight: 480, viewportWidth: 1200 });
    const grid = screen.getByTestId('grid');
    expect(grid).toHaveAttribute('aria-colcount', '1601');
    await waitFor(() => expect(at(grid, 0, 0)).toHaveTextContent('0:0'));
    const first = renderedCols(grid);
    expect(first[0]).toBe(0);
    expect(first.length).toBeGreaterThan(5);
    expect(first.length).toBeLessThan(30);
    // Every rendered row has the same columns, no more.
    const row0 = grid.querySelectorAll('[data-row="0"] [data-testid="grid-cell"]');
    expect(row0).toHaveLength(first.length);
    expect(grid.querySelectorAll('[data-testid="grid-cell"]').length).toBeLessThan(30 * 40);
    // Only windows of columns are fetched, never whole 1,600-cell rows.
    for (const [, , span] of source.page.mock.calls) expect(span).toEqual({ first: expect.any(Number), count: 64 });

    // A native horizontal scroll (jsdom does no layout: set scrollLeft by hand).
    Object.defineProperty(grid, 'scrollLeft', { value: 150_000, configurable: true, writable: true });
    await fireEvent.scroll(grid);
    await waitFor(() => expect(renderedCols(grid)[0]).toBeGreaterThan(1000));
    const cols = renderedCols(grid);
    expect(cols.length).toBeLessThan(30);
    expect(at(grid, 0, cols[3]!)).toHaveTextContent(`0:${cols[3]}`);
    // The pad holds the place of the columns on the left.
    const pad = grid.querySelector<HTMLElement>('[data-row="0"] .pad')!;
    expect(parseFloat(pad.style.width)).toBeGreaterThan(140_000);
  });

  it('keeps the cell Ctrl+End reached in view while its column takes its width from the rows', async () => {
    const cols = 130;
    const source: RowSource = {
      total: 50,
      done: true,
      columns: Array.from({ length: cols }, (_, c) => ({ name: `c${c}`, typeOid: 25, typeName: 'text', typeCategory: 'S' })),
      page: async (offset, limit, span) => {
        const first = span?.first ?? 0;
        const last = Math.min(cols, first + (span?.count ?? cols));
        const rows = Array.from({ length: Math.min(50 - offset, limit) }, () => Array.from({ length: last - first }, () => 'x'.repeat(40)));
        return { offset, firstColumn: first, rows, total: 50, done: true } as unknown as resultset.Page;
      },
    };
    render(Grid, { source, viewportHeight: 480, viewportWidth: 1000 });
    const grid = screen.getByTestId('grid');
    Object.defineProperty(grid, 'scrollLeft', { value: 0, configurable: true, writable: true });
    await waitFor(() => expect(at(grid, 0, 0)).toHaveTextContent('xxxx'));
    await fireEvent.keyDown(grid, { key: 'End', ctrlKey: true });
    await waitFor(() => expect(at(grid, 49, 129)).toHaveTextContent('xxxx'));
    const headers = screen.getAllByTestId('grid-header-cell');
    const last = headers.at(-1)!;
    expect(last.dataset.col).toBe('129');
    // Its width now comes from the 40-character values, wider than the guess.
    expect(parseFloat(last.style.width)).toBeGreaterThan(300);
    const gutter = parseFloat(grid.querySelector<HTMLElement>('[data-corner]')!.style.width);
    const pad = parseFloat(grid.querySelector<HTMLElement>('[data-testid="grid-header"] .pad')!.style.width);
    const right = pad + headers.reduce((x, h) => x + parseFloat(h.style.width), 0);
    expect(right - grid.scrollLeft).toBeCloseTo(1000 - gutter, 0);
  }, 15_000);

  it('labels headers with the type, its icon and a tooltip, and aligns numbers right', async () => {
    render(Grid, { source: wide(4, 10), viewportHeight: 480 });
    const grid = screen.getByTestId('grid');
    await waitFor(() => expect(at(grid, 0, 0)).toHaveTextContent('0:0'));
    const headers = screen.getAllByTestId('grid-header-cell');
    expect(headers.map((h) => h.dataset.family)).toEqual(['number', 'text', 'boolean', 'enum']);
    expect(headers[3]).toHaveTextContent('col_3 mood');
    expect(headers[3]).toHaveAttribute('title', 'col_3 (mood)');
    for (const h of headers) expect(h.querySelector('svg')).not.toBeNull();
    expect(at(grid, 0, 0)).toHaveClass('num');
    expect(at(grid, 0, 1)).not.toHaveClass('num');
    expect(at(grid, 1, 1)).toHaveClass('null');
    expect(at(grid, 1, 1)).toHaveTextContent('NULL');
  });

  it('shows thousands separators in the gutter and the count', async () => {
    const source = million();
    const r = render(Grid, { source, viewportHeight: 480 });
    (r.component as unknown as Grid).scrollToRow(123_456, 'top');
    await waitFor(() => expect(screen.getByTestId('grid').querySelector('[data-row="123456"] [role="rowheader"]')).toHaveTextContent('123,457'));
    expect(screen.getByTestId('grid-count')).toHaveTextContent('1,000,000 rows');
  });

  it('says "1 row", not "1 rows"', async () => {
    render(Grid, { source: wide(2, 1), viewportHeight: 200 });
    await waitFor(() => expect(screen.getByTestId('grid-count')).toHaveTextContent(/^1 row$/));
  });

  it('widens headers when the same source names its types later, keeping selection and resized widths', async () => {
    const fetch = vi.fn(async (offset: number) => ({ offset, rows: [['a', 'b', '1']], total: 1, done: true }) as unknown as resultset.Page);
    const unnamed = { typeOid: 16389, typeName: '', typeCategory: '' };
    const src = new LiveRowSource(
      [
        { name: 'm', ...unnamed },
        { name: 'n', ...unnamed },
        { name: 'i', typeOid: 23, typeName: 'integer', typeCategory: 'N' },
      ],
      fetch,
      1,
      true,
    );
    render(Grid, { source: src, viewportHeight: 480 });
    const grid = screen.getByTestId('grid');
    const header = (c: number) => screen.getAllByTestId('grid-header-cell')[c]!;
    await waitFor(() => expect(at(grid, 0, 0)).toHaveTextContent('a'));
    expect(header(0)).toHaveAttribute('title', 'm (type 16389)');
    await fireEvent.mouseDown(at(grid, 0, 2)!, { button: 0 });
    // The user narrows column 0 to its minimum.
    await fireEvent.mouseDown(header(0).querySelector('[data-resize]')!, { button: 0, clientX: 100 });
    await fireEvent.mouseMove(window, { clientX: 0 });
    await fireEvent.mouseUp(window);
    expect(header(0).style.width).toBe('48px');
    const before = parseFloat(header(1).style.width);

    const mood = { typeOid: 16389, typeName: 'a_rather_long_enum_name', typeCategory: 'E' };
    src.columns = [{ ...src.columns[0]!, ...mood }, { ...src.columns[1]!, ...mood }, src.columns[2]!];
    await waitFor(() => expect(header(1)).toHaveTextContent('n a_rather_long_enum_name'));
    expect(header(1).dataset.family).toBe('enum');
    expect(parseFloat(header(1).style.width)).toBeGreaterThan(before);
    expect(header(0).style.width).toBe('48px');
    expect(at(grid, 0, 2)).toHaveClass('active');
    expect(fetch).toHaveBeenCalledTimes(1);
  });
});

describe('Grid keyboard', () => {
  it('moves with arrows, Home/End and Ctrl+Home/End; the last of 1,000,000 rows paints', async () => {
    const onselect = vi.fn();
    render(Grid, { source: million(), viewportHeight: 480, onselect });
    const grid = screen.getByTestId('grid');
    await waitFor(() => expect(at(grid, 0, 0)).toHaveTextContent('0'));
    grid.focus();
    expect(document.activeElement).toBe(grid);
    await waitFor(() => expect(at(grid, 0, 0)).toHaveClass('active')); // focus shows the active cell
    await fireEvent.keyDown(grid, { key: 'ArrowDown' });
    await fireEvent.keyDown(grid, { key: 'ArrowRight' });
    expect(at(grid, 1, 1)).toHaveClass('active');
    await fireEvent.keyDown(grid, { key: 'End' });
    expect(at(grid, 1, 2)).toHaveClass('active');
    await fireEvent.keyDown(grid, { key: 'Home' });
    expect(at(grid, 1, 0)).toHaveClass('active');

    await fireEvent.keyDown(grid, { key: 'End', ctrlKey: true });
    await waitFor(() => expect(at(grid, 999_999, 2)).toHaveTextContent('{"a":1,"b":[2]}'));
    expect(at(grid, 999_999, 2)).toHaveClass('active');
    expect(at(grid, 999_999, 0)).toHaveTextContent('999999');
    expect(onselect).toHaveBeenLastCalledWith({ range: { r0: 999_999, r1: 999_999, c0: 2, c1: 2 }, active: { row: 999_999, col: 2 } });

    await fireEvent.keyDown(grid, { key: 'Home', ctrlKey: true });
    await waitFor(() => expect(at(grid, 0, 0)).toHaveClass('active'));
    expect(grid.querySelector('[data-row="999999"]')).toBeNull();
  });

  it('pages with PageUp/PageDown and extends the selection with Shift', async () => {
    render(Grid, { source: million(), viewportHeight: 480 }); // 20 rows in view
    const grid = screen.getByTestId('grid');
    await waitFor(() => expect(at(grid, 0, 0)).toHaveTextContent('0'));
    await fireEvent.mouseDown(at(grid, 0, 0)!, { button: 0 });
    await fireEvent.keyDown(grid, { key: 'PageDown' });
    await waitFor(() => expect(at(grid, 19, 0)).toHaveClass('active'));
    // The view paged too: row 19 is at the top, rows above it are overscan only.
    expect(screen.getAllByTestId('grid-row')[0]).toHaveAttribute('data-row', '15');
    await fireEvent.keyDown(grid, { key: 'PageDown', shiftKey: true });
    await fireEvent.keyDown(grid, { key: 'ArrowRight', shiftKey: true });
    await waitFor(() => expect(at(grid, 38, 1)).toHaveClass('active'));
    expect(at(grid, 38, 1)).toHaveClass('sel');
    expect(at(grid, 36, 0)).toHaveClass('sel');
    expect(at(grid, 36, 2)).not.toHaveClass('sel');
    await fireEvent.keyDown(grid, { key: 'PageUp', shiftKey: true });
    expect(at(grid, 19, 1)).toHaveClass('active');
    await fireEvent.keyDown(grid, { key: 'End', ctrlKey: true, shiftKey: true });
    await waitFor(() => expect(at(grid, 999_999, 2)).toHaveClass('sel'));
    await fireEvent.keyDown(grid, { key: 'ArrowUp' }); // no Shift: a single cell again
    expect(at(grid, 999_998, 2)).toHaveClass('active');
    expect(at(grid, 999_999, 2)).not.toHaveClass('sel');
  });

  it('selects all with Ctrl+A, columns with Ctrl+Space, rows with Shift+Space, and copies with Ctrl+C', async () => {
    const writeText = vi.fn().mockResolvedValue(undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    const onselect = vi.fn();
    render(Grid, { source: million(), viewportHeight: 480, onselect });
    const grid = screen.getByTestId('grid');
    await waitFor(() => expect(at(grid, 3, 0)).toHaveTextContent('3'));
    await fireEvent.keyDown(grid, { key: 'a', ctrlKey: true });
    expect(onselect).toHaveBeenLastCalledWith({ range: { r0: 0, r1: 999_999, c0: 0, c1: 2 }, active: { row: 0, col: 0 } });
    expect(screen.getAllByTestId('grid-header-cell').every((h) => h.classList.contains('sel'))).toBe(true);

    await fireEvent.mouseDown(at(grid, 2, 1)!, { button: 0 });
    await fireEvent.keyDown(grid, { key: ' ', shiftKey: true });
    expect(onselect).toHaveBeenLastCalledWith({ range: { r0: 2, r1: 2, c0: 0, c1: 2 }, active: { row: 2, col: 0 } });
    await fireEvent.keyDown(grid, { key: 'c', ctrlKey: true });
    await waitFor(() => expect(writeText).toHaveBeenLastCalledWith('2\ta\\nb\t{"a":1,"b":[2]}'));
    await fireEvent.mouseDown(at(grid, 3, 0)!, { button: 0 });
    await fireEvent.keyDown(grid, { key: 'C', ctrlKey: true, shiftKey: true });
    await waitFor(() => expect(writeText).toHaveBeenLastCalledWith('id\n3'));
    await fireEvent.keyDown(grid, { key: ' ', ctrlKey: true });
    expect(onselect).toHaveBeenLastCalledWith({ range: { r0: 0, r1: 999_999, c0: 0, c1: 0 }, active: { row: 0, col: 0 } });
  });

  it('opens the viewer with Enter and F2, and Esc closes it without reaching the app', async () => {
    render(Grid, { source: million(), viewportHeight: 480 });
    const grid = screen.getByTestId('grid');
    await waitFor(() => expect(at(grid, 0, 1)).toHaveTextContent('<img'));
    const appKeys = vi.fn();
    window.addEventListener('keydown', appKeys);
    try {
      await fireEvent.mouseDown(at(grid, 0, 1)!, { button: 0 });
      await fireEvent.keyDown(grid, { key: 'F2' });
      expect(screen.getByTestId('cell-viewer-value').textContent).toBe(XSS_IMG);
      await fireEvent.keyDown(document.activeElement!, { key: 'Escape' });
      expect(screen.queryByTestId('cell-viewer')).toBeNull();
      expect(appKeys.mock.calls.filter(([e]) => (e as KeyboardEvent).key === 'Escape')).toHaveLength(0);
      expect(document.activeElement).toBe(grid);
      await fireEvent.keyDown(grid, { key: 'Enter' });
      const dialog = screen.getByTestId('cell-viewer');
      // Focus starts on the value; Tab stays inside: value → Copy → Close → value.
      const value = screen.getByTestId('cell-viewer-value');
      await waitFor(() => expect(document.activeElement).toBe(value));
      const close = screen.getByRole('button', { name: 'Close' });
      await fireEvent.keyDown(value, { key: 'Tab' });
      screen.getByTestId('cell-viewer-copy').focus();
      close.focus();
      await fireEvent.keyDown(close, { key: 'Tab' });
      expect(document.activeElement).toBe(value);
      await fireEvent.keyDown(value, { key: 'Tab', shiftKey: true });
      expect(document.activeElement).toBe(close);
      await fireEvent.pointerDown(dialog); // inside: stays open
      expect(screen.getByTestId('cell-viewer')).toBeInTheDocument();
      await fireEvent.pointerDown(dialog.parentElement!); // the backdrop closes it
      expect(screen.queryByTestId('cell-viewer')).toBeNull();
    } finally {
      window.removeEventListener('keydown', appKeys);
    }
  });

  it('shows a whole row in the record view with Shift+Enter, and Up/Down move the grid too', async () => {
    render(Grid, { source: million(), viewportHeight: 480 });
    const grid = screen.getByTestId('grid');
    await waitFor(() => expect(at(grid, 4, 1)).toHaveTextContent('n4'));
    await fireEvent.mouseDown(at(grid, 4, 0)!, { button: 0 });
    await fireEvent.keyDown(grid, { key: 'Enter', shiftKey: true });
    const view = screen.getByTestId('record-view');
    expect(view).toHaveTextContent('Row 5 of 1,000,000');
    const value = (name: string) => view.querySelector(`[data-column="${name}"]`)?.textContent?.trim();
    await waitFor(() => expect(value('note')).toBe('n4'));
    expect(value('id')).toBe('4');
    await fireEvent.keyDown(view.querySelector('dl')!, { key: 'ArrowDown' });
    await waitFor(() => expect(value('note')).toBe('n5'));
    expect(view).toHaveTextContent('Row 6 of 1,000,000');
    await fireEvent.keyDown(view.querySelector('dl')!, { key: 'ArrowUp' });
    await fireEvent.keyDown(view.querySelector('dl')!, { key: 'ArrowUp' });
    await waitFor(() => expect(value('id')).toBe('3'));
    expect(value('note')).toBe('NULL'); // row 3 has a NULL note
    await fireEvent.click(screen.getByRole('button', { name: 'Close' }));
    expect(screen.queryByTestId('record-view')).toBeNull();
    expect(grid.querySelector('[aria-selected="true"][data-row="3"], [data-row="3"] [aria-selected="true"]')).not.toBeNull();
  });

  it('lets onactivate take Enter, F2 and double-click', async () => {
    const onactivate = vi.fn(() => true);
    render(Grid, { source: million(), viewportHeight: 480, onactivate });
    const grid = screen.getByTestId('grid');
    await waitFor(() => expect(at(grid, 4, 1)).toHaveTextContent('n4'));
    await fireEvent.dblClick(at(grid, 4, 1)!);
    await fireEvent.mouseDown(at(grid, 3, 1)!, { button: 0 });
    await fireEvent.keyDown(grid, { key: 'Enter' });
    expect(onactivate.mock.calls).toEqual([[{ row: 4, col: 1, value: 'n4' }], [{ row: 3, col: 1, value: null }]]);
    expect(screen.queryByTestId('cell-viewer')).toBeNull();
  });
});

describe('Grid hooks', () => {
  it('shows the sort and hands header clicks to onheaderclick', async () => {
    const onheaderclick = vi.fn();
    const onselect = vi.fn();
    render(Grid, {
      source: million(),
      viewportHeight: 480,
      sort: [
        { col: 2, dir: 'desc' },
        { col: 0, dir: 'asc' },
      ],
      onheaderclick,
      onselect,
    });
    const headers = screen.getAllByTestId('grid-header-cell');
    expect(headers.map((h) => h.getAttribute('aria-sort'))).toEqual(['ascending', 'none', 'descending']);
    expect(headers[2]!.querySelector('[data-testid="sort-indicator"]')).toHaveAttribute('data-dir', 'desc');
    expect(headers[2]).toHaveTextContent(/1$/);
    expect(headers[0]).toHaveTextContent(/2$/);
    expect(headers[1]!.querySelector('[data-testid="sort-indicator"]')).toBeNull();
    await fireEvent.mouseDown(headers[1]!, { button: 0 });
    await fireEvent.mouseDown(headers[0]!, { button: 0, shiftKey: true });
    expect(onheaderclick.mock.calls).toEqual([
      [1, { shift: false }],
      [0, { shift: true }],
    ]);
    expect(headers[1]).not.toHaveClass('sel');
    await fireEvent.mouseDown(headers[1]!, { button: 0, ctrlKey: true });
    expect(onheaderclick).toHaveBeenCalledTimes(2);
    expect(onselect).toHaveBeenLastCalledWith({ range: { r0: 0, r1: 999_999, c0: 1, c1: 1 }, active: { row: 0, col: 1 } });
  });

  it('marks pending edits on cells and rows', async () => {
    render(Grid, {
      source: million(),
      viewportHeight: 480,
      cellMark: (row: number, col: number) =>
        row === 0 && col === 1 ? { kind: 'changed' as const, value: 'edited' } : row === 1 && col === 0 ? { kind: 'invalid' as const, title: 'not a number' } : undefined,
      rowMark: (row: number) => (row === 2 ? ('deleted' as const) : row === 3 ? ('inserted' as const) : undefined),
    });
    const grid = screen.getByTestId('grid');
    await waitFor(() => expect(at(grid, 4, 0)).toHaveTextContent('4'));
    expect(at(grid, 0, 1)).toHaveClass('changed');
    expect(at(grid, 0, 1)).toHaveTextContent('edited');
    expect(at(grid, 1, 0)).toHaveClass('invalid');
    expect(at(grid, 1, 0)).toHaveAttribute('title', 'not a number');
    expect(at(grid, 1, 0)).toHaveTextContent('1');
    expect(grid.querySelector('[data-row="2"]')).toHaveClass('deleted');
    expect(grid.querySelector('[data-row="3"]')).toHaveClass('inserted');
    expect(grid.querySelector('[data-row="4"]')).not.toHaveClass('deleted');
  });

  it('reports the frame times of a scroll gesture through ontiming', async () => {
    const ontiming = vi.fn();
    render(Grid, { source: million(), viewportHeight: 480, ontiming });
    const grid = screen.getByTestId('grid');
    await waitFor(() => expect(at(grid, 0, 0)).toHaveTextContent('0'));
    for (let k = 1; k <= 15; k++) {
      Object.defineProperty(grid, 'scrollTop', { value: k * 240, configurable: true, writable: true });
      await fireEvent.scroll(grid);
      await new Promise((r) => requestAnimationFrame(() => r(undefined)));
    }
    await waitFor(() => expect(ontiming).toHaveBeenCalledWith('grid_scroll_v_p50', expect.any(Number)), { timeout: 5000 });
    const names = ontiming.mock.calls.map(([n]) => n);
    expect(names).toEqual(['grid_scroll_v_p50', 'grid_scroll_v_p95', 'grid_scroll_v_dropped_pct', 'grid_scroll_v_frames']);
    expect(ontiming.mock.calls[3]![1]).toBeGreaterThanOrEqual(5);
  }, 20_000);

  it('fetches a window that keeps jumping once it settles, and a single jump at once', async () => {
    const source = million();
    const r = render(Grid, { source, viewportHeight: 480 });
    const grid = r.component as unknown as Grid;
    await waitFor(() => expect(source.page).toHaveBeenCalledTimes(1));
    const offsets = () => source.page.mock.calls.map(([offset]) => offset as number);

    grid.scrollToRow(500_000, 'top'); // Ctrl+End, a click on the track
    flushSync();
    expect(offsets()).toContain(500_000);

    // The scrollbar dragged: a jump every frame.
    for (let k = 1; k <= 10; k++) {
      grid.scrollToRow(600_000 + k * 10_000, 'top');
      flushSync();
    }
    expect(offsets().filter((o) => o > 500_000)).toEqual([]);
    await waitFor(() => expect(offsets()).toContain(700_000));
    // The window settled on 700,000, and the block before it is prefetched: nothing in between.
    expect(offsets().filter((o) => o > 500_000 && o < 699_500)).toEqual([]);
    await waitFor(() => expect(screen.getByText('700000', { selector: '[data-testid=grid-cell]' })).toBeInTheDocument());
  });
});
