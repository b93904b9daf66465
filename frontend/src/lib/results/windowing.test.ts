import { describe, expect, it, vi } from 'vitest';
import type { resultset } from '../../../wailsjs/go/models';
import {
  ColumnWidths,
  MAX_COL_WIDTH,
  MAX_RENDERED_COLS,
  MAX_SCROLL,
  MIN_COL_WIDTH,
  PageCache,
  columnAt,
  columnOffsets,
  columnWindow,
  initialWidths,
  navigate,
  scrollLeftToShow,
  toggleSort,
  maxScrollTop,
  rowWindow,
  scrollTopFor,
  spacerHeight,
  topRowAt,
  topRowToShow,
  type Metrics,
  type RowSource,
} from './grid.svelte';

const R = 24;
const V = 480; // 20 rows visible

describe('windowing', () => {
  for (const total of [10, 1_000_000, 10_000_000]) {
    const m: Metrics = { total, rowHeight: R, viewport: V };
    describe(`N = ${total}`, () => {
      it('caps the spacer', () => {
        expect(spacerHeight(m)).toBe(Math.min(total * R, MAX_SCROLL));
        expect(spacerHeight(m)).toBeLessThanOrEqual(MAX_SCROLL);
      });

      it('shows row 0 at the top', () => {
        const w = rowWindow(topRowAt(0, m), m);
        expect(w.firstVisible).toBe(0);
        expect(w.start).toBe(0);
        expect(w.lastVisible).toBe(Math.min(total, 20) - 1);
      });

      it('shows the middle', () => {
        const top = topRowAt(maxScrollTop(m) / 2, m);
        const w = rowWindow(top, m);
        if (total > 20) {
          expect(Math.abs(w.firstVisible - (total - 20) / 2)).toBeLessThanOrEqual(1);
          expect(w.lastVisible - w.firstVisible).toBeLessThanOrEqual(20);
        }
        expect(w.end - w.start).toBeLessThan(100);
      });

      it('reaches the last row at the bottom', () => {
        const w = rowWindow(topRowAt(maxScrollTop(m), m), m);
        expect(w.lastVisible).toBe(total - 1);
        expect(w.end).toBe(total);
        expect(w.firstVisible).toBe(Math.max(0, total - 20));
      });

      it('round-trips scrollToRow', () => {
        for (const i of [0, 1, Math.floor(total / 3), total - 21, total - 1]) {
          if (i < 0) continue;
          const top = topRowToShow(i, 0, m);
          const st = scrollTopFor(top, m);
          expect(st).toBeGreaterThanOrEqual(0);
          expect(st).toBeLessThanOrEqual(maxScrollTop(m) + 1e-6);
          const back = topRowAt(st, m);
          expect(back).toBeCloseTo(top, 6);
          const w = rowWindow(back, m);
          expect(i).toBeGreaterThanOrEqual(w.firstVisible);
          expect(i).toBeLessThanOrEqual(w.lastVisible);
        }
      });
    });
  }

  it('keeps rows inside the viewport coordinates', () => {
    const m: Metrics = { total: 10_000_000, rowHeight: R, viewport: V };
    const top = topRowAt(maxScrollTop(m), m);
    const w = rowWindow(top, m);
    // Rows are translated relative to the viewport: never beyond a few viewports.
    for (let i = w.start; i < w.end; i++) expect(Math.abs((i - top) * R)).toBeLessThan(V * 2);
  });
});

function fakeSource(total: number, columns = 2): RowSource & { calls: number[] } {
  const calls: number[] = [];
  return {
    total,
    done: true,
    calls,
    columns: Array.from({ length: columns }, (_, i) => ({ name: `c${i}`, typeOid: 25, typeName: 'text', typeCategory: 'S' })),
    page(offset: number, limit: number): Promise<resultset.Page> {
      calls.push(offset);
      const rows: (string | null)[][] = [];
      for (let i = offset; i < Math.min(total, offset + limit); i++) rows.push([String(i), i % 2 ? null : 'x']);
      return Promise.resolve({ offset, rows, total, done: true } as unknown as resultset.Page);
    },
  };
}

describe('PageCache', () => {
  it('deduplicates in-flight requests', async () => {
    const src = fakeSource(10_000);
    const cache = new PageCache(src, 500, 20);
    await Promise.all([cache.ensure(0, 50), cache.ensure(10, 60), cache.ensure(499, 501)]);
    expect(src.calls).toEqual([0, 500]);
    expect([cache.cell(42, 0), cache.cell(42, 1)]).toEqual(['42', 'x']);
    expect([cache.cell(43, 0), cache.cell(43, 1)]).toEqual(['43', null]);
    await cache.ensure(0, 100);
    expect(src.calls).toEqual([0, 500]);
  });

  it('evicts the least recently used block', async () => {
    const src = fakeSource(1_000_000);
    const cache = new PageCache(src, 100, 3);
    await cache.ensure(0, 1);
    await cache.ensure(100, 101);
    await cache.ensure(200, 201);
    await cache.ensure(0, 1); // touch block 0
    await cache.ensure(300, 301);
    expect(cache.size).toBe(3);
    expect(cache.has(0)).toBe(true);
    expect(cache.has(1)).toBe(false);
    expect(cache.cell(150, 0)).toBeUndefined();
  });

  it('fetches a streaming tail again once more rows exist', async () => {
    const state = { total: 120 };
    const src: RowSource = {
      get total() {
        return state.total;
      },
      done: false,
      columns: [{ name: 'n', typeOid: 23, typeName: 'integer', typeCategory: 'N' }],
      page: vi.fn(async (offset: number, limit: number) => {
        const rows = [];
        for (let i = offset; i < Math.min(state.total, offset + limit); i++) rows.push([String(i)]);
        return { offset, rows, total: state.total, done: false } as unknown as resultset.Page;
      }),
    };
    const cache = new PageCache(src, 500, 20);
    await cache.ensure(0, 120);
    expect(cache.cell(130, 0)).toBeUndefined();
    state.total = 200;
    await cache.ensure(100, 200);
    expect(cache.cell(199, 0)).toBe('199');
    expect(src.page).toHaveBeenCalledTimes(2);
  });

  it('asks again for a short block only once the source has more rows', async () => {
    const state = { total: 5000 };
    const page = vi.fn(async (offset: number) => ({ offset, rows: [['0'], ['1']], total: state.total, done: false }) as unknown as resultset.Page);
    const src: RowSource = {
      get total() {
        return state.total;
      },
      done: false,
      columns: [{ name: 'n', typeOid: 23, typeName: 'integer', typeCategory: 'N' }],
      page,
    };
    const cache = new PageCache(src, 500, 20);
    // A caller that asks again whenever a block arrives must not spin.
    for (let k = 0; k < 5; k++) await cache.ensure(0, 500);
    expect(page).toHaveBeenCalledTimes(1);
    state.total = 6000;
    await cache.ensure(0, 500);
    await cache.ensure(0, 500);
    expect(page).toHaveBeenCalledTimes(2);
  });

  it('records truncated cells and errors', async () => {
    const src = fakeSource(10);
    src.page = async (offset) =>
      ({ offset, rows: [['a', 'b'], ['c', 'd']], truncated: [{ row: 1, col: 1, bytes: 9000 }], total: 10, done: true }) as unknown as resultset.Page;
    const cache = new PageCache(src, 500, 20);
    await cache.ensure(0, 2);
    expect(cache.truncatedBytes(1, 1)).toBe(9000);
    expect(cache.truncatedBytes(1, 0)).toBeUndefined();

    const failing = fakeSource(10);
    failing.page = () => Promise.reject(new Error('gone'));
    const c2 = new PageCache(failing);
    await c2.ensure(0, 5);
    expect((c2.error as Error).message).toBe('gone');
  });

  it('copies rows without evicting the cache', async () => {
    const src = fakeSource(5000);
    const cache = new PageCache(src, 100, 2);
    await cache.ensure(0, 10);
    const rows = await cache.rows(50, 1050);
    expect(rows).toHaveLength(1000);
    expect(rows[0]![0]).toBe('50');
    expect(rows[999]![0]).toBe('1049');
    expect(cache.size).toBe(1);
  });
});

/** A source of `cols` columns that answers a window of columns as the backend does. */
function wideSource(total: number, cols: number) {
  const calls: { offset: number; first: number; count: number }[] = [];
  const src: RowSource = {
    total,
    done: true,
    columns: Array.from({ length: cols }, (_, c) => ({ name: `c${c}`, typeOid: 23, typeName: 'integer', typeCategory: 'N' })),
    page(offset, limit, columns) {
      const first = columns?.first ?? 0;
      const last = Math.min(cols, first + (columns?.count ?? cols));
      calls.push({ offset, first, count: last - first });
      const rows: string[][] = [];
      for (let i = offset; i < Math.min(total, offset + limit); i++) rows.push(Array.from({ length: last - first }, (_, k) => `${i}:${first + k}`));
      const truncated = offset === 0 && first <= 700 && 700 < last ? [{ row: 3, col: 700, bytes: 99 }] : [];
      return Promise.resolve({ offset, firstColumn: first, rows, truncated, total, done: true } as unknown as resultset.Page);
    },
  };
  return { src, calls };
}

describe('PageCache tiles', () => {
  it('asks only for the columns in view of a wide result', async () => {
    const { src, calls } = wideSource(10_000, 1600);
    const cache = new PageCache(src, 500, 40, 64);
    await cache.ensure(1000, 1030, 650, 665);
    expect(calls).toEqual([{ offset: 1000, first: 640, count: 64 }]);
    expect(cache.cell(1000, 650)).toBe('1000:650');
    expect(cache.cell(1029, 703)).toBe('1029:703');
    expect(cache.cell(1000, 600)).toBeUndefined(); // another tile
    expect(cache.cell(1000, 704)).toBeUndefined();
    // A window across a tile edge asks for both tiles, once.
    await Promise.all([cache.ensure(1490, 1510, 650, 660), cache.ensure(1495, 1505, 650, 655)]);
    expect(calls.slice(1)).toEqual([{ offset: 1500, first: 640, count: 64 }]);
    await cache.ensure(0, 10, 700, 710);
    expect(cache.truncatedBytes(3, 700)).toBe(99);
    expect(cache.truncatedBytes(3, 701)).toBeUndefined();
  });

  it('reads whole rows from a source that ignores the window', async () => {
    const src = fakeSource(100, 2);
    const cache = new PageCache(src, 500, 40, 1); // two chunks of one column
    await cache.ensure(0, 10, 1, 2);
    expect(cache.cell(4, 1)).toBe('x');
    expect(cache.cell(4, 0)).toBeUndefined(); // its tile was not asked for
  });

  it('tells once per chunk of columns about its first rows', async () => {
    const { src } = wideSource(2000, 200);
    const cache = new PageCache(src, 500, 40, 64);
    const seen = vi.fn();
    cache.onfirsttile = seen;
    await cache.ensure(0, 10, 0, 10);
    await cache.ensure(600, 610, 0, 10);
    await cache.ensure(600, 610, 195, 200);
    expect(seen.mock.calls.map(([first, count, rows, firstColumn]) => [first, count, rows.length, firstColumn])).toEqual([
      [0, 64, 500, 0],
      [192, 8, 500, 192],
    ]);
  });

  it('copies a block of columns across tiles, fetching what is missing', async () => {
    const { src, calls } = wideSource(5000, 1600);
    const cache = new PageCache(src, 100, 40, 64);
    await cache.ensure(0, 100, 60, 70); // tiles (0, 0) and (0, 1)
    calls.length = 0;
    const rows = await cache.rows(50, 150, 62, 4);
    expect(rows).toHaveLength(100);
    expect(rows[0]).toEqual(['50:62', '50:63', '50:64', '50:65']);
    expect(rows[99]).toEqual(['149:62', '149:63', '149:64', '149:65']);
    expect(calls).toEqual([{ offset: 100, first: 62, count: 4 }]); // block 0 came from the tiles
    expect(cache.size).toBe(2);
  });
});

describe('initialWidths', () => {
  it('grows with content and is capped', () => {
    const cols = [
      { name: 'id', typeOid: 23, typeName: 'integer', typeCategory: 'N' },
      { name: 'body', typeOid: 25, typeName: 'text', typeCategory: 'S' },
    ];
    const w = initialWidths(cols, [['1', 'x'.repeat(5000)]]);
    expect(w[0]).toBeGreaterThanOrEqual(48);
    expect(w[1]).toBe(360);
  });
});

describe('column windowing', () => {
  const offsets = columnOffsets(Array.from({ length: 1600 }, (_, c) => (c % 2 ? 100 : 150)));
  const W = 1000;

  it('sums widths into offsets', () => {
    expect(columnOffsets([])).toEqual([0]);
    expect(columnOffsets([10, 20, 30])).toEqual([0, 10, 30, 60]);
    expect(offsets[1600]).toBe(800 * 250);
  });

  it('finds the column under x', () => {
    const o = [0, 10, 30, 60];
    expect(columnAt(-5, o)).toBe(0);
    expect(columnAt(0, o)).toBe(0);
    expect(columnAt(9.9, o)).toBe(0);
    expect(columnAt(10, o)).toBe(1);
    expect(columnAt(59, o)).toBe(2);
    expect(columnAt(500, o)).toBe(2);
    expect(columnAt(0, [0])).toBe(-1);
  });

  it('renders the visible columns plus overscan, wherever the view is', () => {
    for (const left of [0, 12_345, offsets[800]!, offsets[1600]! - W]) {
      const w = columnWindow(left, W, offsets, 2);
      expect(offsets[w.firstVisible]!).toBeLessThanOrEqual(left);
      expect(offsets[w.firstVisible + 1]!).toBeGreaterThan(left);
      expect(offsets[w.lastVisible]!).toBeLessThan(left + W);
      expect(offsets[w.lastVisible + 1]! >= left + W || w.lastVisible === 1599).toBe(true);
      expect(w.start).toBe(Math.max(0, w.firstVisible - 2));
      expect(w.end).toBe(Math.min(1600, w.lastVisible + 3));
      expect(w.end - w.start).toBeLessThan(15);
    }
    const end = columnWindow(offsets[1600]! - W, W, offsets, 2);
    expect(end.lastVisible).toBe(1599);
    expect(end.end).toBe(1600);
  });

  it('does not count a column that starts exactly at the right edge', () => {
    const w = columnWindow(0, 300, [0, 100, 200, 300, 400], 0);
    expect([w.firstVisible, w.lastVisible, w.start, w.end]).toEqual([0, 2, 0, 3]);
  });

  it('caps what it renders, whatever the viewport claims', () => {
    const w = columnWindow(0, 10_000_000, offsets);
    expect(w.end - w.start).toBe(MAX_RENDERED_COLS);
    expect(columnWindow(0, 500, [0])).toEqual({ start: 0, end: 0, firstVisible: 0, lastVisible: -1 });
  });

  it('scrolls as little as needed to show a column', () => {
    const o = [0, 100, 200, 300, 400, 500];
    expect(scrollLeftToShow(1, 0, 250, o)).toBe(0); // already visible
    expect(scrollLeftToShow(2, 0, 250, o)).toBe(50); // right edge into view
    expect(scrollLeftToShow(0, 150, 250, o)).toBe(0); // left edge into view
    expect(scrollLeftToShow(4, 0, 250, o)).toBe(250); // clamped to the end
    expect(scrollLeftToShow(3, 0, 50, o)).toBe(300); // wider than the view: its left edge
    expect(scrollLeftToShow(1599, 0, W, offsets)).toBe(offsets[1600]! - W);
  });

  it('resizes within bounds and keeps offsets in step', () => {
    const cw = new ColumnWidths();
    cw.init([
      { name: 'a', typeOid: 23, typeName: 'integer', typeCategory: 'N' },
      { name: 'b', typeOid: 25, typeName: 'text', typeCategory: 'S' },
    ]);
    cw.resize(0, 10);
    expect(cw.widths[0]).toBe(MIN_COL_WIDTH);
    cw.resize(1, 1e9);
    expect(cw.widths[1]).toBe(MAX_COL_WIDTH);
    expect(cw.offsets).toEqual([0, MIN_COL_WIDTH, MIN_COL_WIDTH + MAX_COL_WIDTH]);
    expect(cw.total).toBe(MIN_COL_WIDTH + MAX_COL_WIDTH);
  });
});

describe('navigate', () => {
  const b = { rows: 1_000_000, cols: 1600, page: 19 };
  const at = { row: 500, col: 10 };
  it.each([
    ['ArrowUp', false, { row: 499, col: 10 }],
    ['ArrowDown', false, { row: 501, col: 10 }],
    ['ArrowLeft', false, { row: 500, col: 9 }],
    ['ArrowRight', false, { row: 500, col: 11 }],
    ['ArrowUp', true, { row: 0, col: 10 }],
    ['ArrowDown', true, { row: 999_999, col: 10 }],
    ['ArrowLeft', true, { row: 500, col: 0 }],
    ['ArrowRight', true, { row: 500, col: 1599 }],
    ['PageUp', false, { row: 481, col: 10 }],
    ['PageDown', false, { row: 519, col: 10 }],
    ['Home', false, { row: 500, col: 0 }],
    ['End', false, { row: 500, col: 1599 }],
    ['Home', true, { row: 0, col: 0 }],
    ['End', true, { row: 999_999, col: 1599 }],
  ] as const)('%s (Ctrl: %s)', (key, mod, want) => {
    expect(navigate(key, mod, at, b)).toEqual(want);
  });

  it('stays inside the result', () => {
    expect(navigate('ArrowUp', false, { row: 0, col: 0 }, b)).toEqual({ row: 0, col: 0 });
    expect(navigate('PageUp', false, { row: 3, col: 0 }, b)).toEqual({ row: 0, col: 0 });
    expect(navigate('PageDown', false, { row: 999_990, col: 0 }, b)).toEqual({ row: 999_999, col: 0 });
    expect(navigate('ArrowRight', false, { row: 0, col: 1599 }, b)).toEqual({ row: 0, col: 1599 });
  });

  it('ignores other keys and empty results', () => {
    expect(navigate('Enter', false, at, b)).toBeNull();
    expect(navigate('x', true, at, b)).toBeNull();
    expect(navigate('ArrowDown', false, at, { rows: 0, cols: 3, page: 10 })).toBeNull();
  });
});

describe('toggleSort', () => {
  it('cycles one column none → asc → desc → none', () => {
    let s = toggleSort([], 2, false);
    expect(s).toEqual([{ col: 2, dir: 'asc' }]);
    s = toggleSort(s, 2, false);
    expect(s).toEqual([{ col: 2, dir: 'desc' }]);
    expect(toggleSort(s, 2, false)).toEqual([]);
    expect(toggleSort(s, 5, false)).toEqual([{ col: 5, dir: 'asc' }]);
  });

  it('adds and cycles keys in place with Shift', () => {
    let s = toggleSort([{ col: 2, dir: 'asc' }], 5, true);
    expect(s).toEqual([{ col: 2, dir: 'asc' }, { col: 5, dir: 'asc' }]);
    s = toggleSort(s, 2, true);
    expect(s).toEqual([{ col: 2, dir: 'desc' }, { col: 5, dir: 'asc' }]);
    expect(toggleSort(s, 2, true)).toEqual([{ col: 5, dir: 'asc' }]);
  });
});
