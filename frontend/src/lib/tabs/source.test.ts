import { describe, expect, it, vi } from 'vitest';

vi.mock('../api', async (importOriginal) => {
  const original = await importOriginal<typeof import('../api')>();
  return { ...original, api: { resultPage: vi.fn().mockResolvedValue({ offset: 0, rows: [['from backend']], total: 1000, done: true }) } };
});

import { api } from '../api';
import { QuerySource } from './source.svelte';

const firstPage = { offset: 0, rows: Array.from({ length: 200 }, (_, i) => [String(i + 1)]), total: 200, done: false };

describe('QuerySource', () => {
  it('serves the first page from the progress event without a round trip', async () => {
    const s = QuerySource.fromProgress({ queryId: 'q', statement: 0, columns: [], rows: 200, elapsedMs: 1, firstPage } as never);
    const p = await s.page(0, 100);
    expect(p.rows).toHaveLength(100);
    expect(p.rows[99]).toEqual(['100']);
    expect(api.resultPage).not.toHaveBeenCalled();

    // Streaming past the first page: paint it now (short), fetch the rest later.
    s.update(5000, false);
    expect((await s.page(0, 500)).rows).toHaveLength(200);
    expect(api.resultPage).not.toHaveBeenCalled();
    // Once: asked again while it streams, the backend has more of the block.
    await s.page(0, 500);
    expect(api.resultPage).toHaveBeenCalledTimes(1);
    vi.mocked(api.resultPage).mockClear();

    // Done with more rows than the first page, or another window: ask the backend.
    s.update(5000, true);
    await s.page(0, 500);
    await s.page(500, 500);
    expect(api.resultPage).toHaveBeenCalledTimes(2);
    expect(api.resultPage).toHaveBeenLastCalledWith({ queryId: 'q', statement: 0, offset: 500, limit: 500, firstColumn: 0, columns: 0 });
  });

  it('asks for a window of columns, and cuts it from the first page', async () => {
    const wide = { offset: 0, rows: [['a', 'b', 'c', 'd']], total: 1, done: true };
    const s = QuerySource.fromProgress({ queryId: 'w', statement: 0, columns: [], rows: 1, elapsedMs: 1, firstPage: wide } as never);
    s.update(1, true);
    const p = await s.page(0, 500, { first: 1, count: 2 });
    expect(p.firstColumn).toBe(1);
    expect(p.rows).toEqual([['b', 'c']]);
    s.update(2000, true);
    await s.page(500, 500, { first: 64, count: 64 });
    expect(api.resultPage).toHaveBeenLastCalledWith({ queryId: 'w', statement: 0, offset: 500, limit: 500, firstColumn: 64, columns: 64 });
  });
});
