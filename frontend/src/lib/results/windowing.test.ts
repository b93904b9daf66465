import { describe, expect, it, vi } from 'vitest';
import type { resultset } from '../../../wailsjs/go/models';
import {
  MAX_SCROLL,
  PageCache,
  initialWidths,
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
    columns: Array.from({ length: columns }, (_, i) => ({ name: `c${i}`, typeOid: 25, typeName: 'text' })),
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
    expect(cache.row(42)).toEqual(['42', 'x']);
    expect(cache.row(43)).toEqual(['43', null]);
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
    expect(cache.row(150)).toBeUndefined();
  });

  it('fetches a streaming tail again once more rows exist', async () => {
    const state = { total: 120 };
    const src: RowSource = {
      get total() {
        return state.total;
      },
      done: false,
      columns: [{ name: 'n', typeOid: 23, typeName: 'int4' }],
      page: vi.fn(async (offset: number, limit: number) => {
        const rows = [];
        for (let i = offset; i < Math.min(state.total, offset + limit); i++) rows.push([String(i)]);
        return { offset, rows, total: state.total, done: false } as unknown as resultset.Page;
      }),
    };
    const cache = new PageCache(src, 500, 20);
    await cache.ensure(0, 120);
    expect(cache.row(130)).toBeUndefined();
    state.total = 200;
    await cache.ensure(100, 200);
    expect(cache.row(199)).toEqual(['199']);
    expect(src.page).toHaveBeenCalledTimes(2);
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

describe('initialWidths', () => {
  it('grows with content and is capped', () => {
    const cols = [
      { name: 'id', typeOid: 23, typeName: 'int4' },
      { name: 'body', typeOid: 25, typeName: 'text' },
    ];
    const w = initialWidths(cols, [['1', 'x'.repeat(5000)]]);
    expect(w[0]).toBeGreaterThanOrEqual(48);
    expect(w[1]).toBe(360);
  });
});
