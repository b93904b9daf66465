import { describe, expect, it, vi } from 'vitest';

vi.mock('../api', async (importOriginal) => {
  const original = await importOriginal<typeof import('../api')>();
  return { ...original, api: { resultPage: vi.fn(), setResultView: vi.fn(), clearResultView: vi.fn() } };
});

import { api, AppError, Kind } from '../api';
import { QuerySource } from './source.svelte';

const setResultView = vi.mocked(api.setResultView);
const clearResultView = vi.mocked(api.clearResultView);

function finished(rows = 1000): QuerySource {
  const s = new QuerySource('q', 1, [{ name: 'id', typeOid: 23, typeName: 'int4' }] as never);
  s.update(rows, true);
  return s;
}

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

const viewOf = (rows: number, first: string[][]) => ({ info: { rows, total: 1000, spec: {}, buildMs: 1 }, page: { offset: 0, rows: first, total: rows, done: true } }) as never;

describe('QuerySource views', () => {
  it('asks the backend for a sorted, filtered view; the grid then shows its rows from the top', async () => {
    const s = finished();
    setResultView.mockResolvedValueOnce(viewOf(2, [['9'], ['7']]));
    await s.setView({ sort: [{ col: 0, dir: 'desc' }], quick: '7', filters: [{ column: 0, op: 'gt', value: '' }] });
    expect(setResultView).toHaveBeenCalledWith({ queryId: 'q', statement: 1, spec: { sort: [{ column: 0, desc: true }], quick: '7', filters: [] }, firstPage: 200 });
    expect(s.total).toBe(2);
    expect(s.rows).toBe(1000);
    expect(s.generation).toBe(1);
    expect(s.viewing).toBe(false);
    expect((await s.page(0, 500)).rows).toEqual([['9'], ['7']]);
    expect(api.resultPage).not.toHaveBeenCalled();

    // The filter's value being typed changes nothing on the server yet.
    await s.setView({ ...s.view, filters: [{ column: 0, op: 'gt', value: '' }, { column: 0, op: 'lt', value: '' }] });
    expect(setResultView).toHaveBeenCalledTimes(1);
    expect(s.generation).toBe(1);

    // Back to the server's order: the view is cleared, not set to nothing.
    clearResultView.mockResolvedValueOnce({ rows: 1000, total: 1000 } as never);
    await s.setView({ sort: [], quick: '', filters: [] });
    expect(clearResultView).toHaveBeenCalledWith({ queryId: 'q', statement: 1 });
    expect(s.total).toBe(1000);
    expect(s.generation).toBe(2);
  });

  it('a newer view wins over one still being built', async () => {
    const s = finished();
    const slow = deferred<never>();
    setResultView.mockReturnValueOnce(slow.promise).mockResolvedValueOnce(viewOf(3, [['1'], ['2'], ['3']]));
    const first = s.setView({ sort: [{ col: 0, dir: 'asc' }], quick: '', filters: [] });
    expect(s.viewing).toBe(true);
    expect(s.wanted.sort).toEqual([{ col: 0, dir: 'asc' }]);
    await s.setView({ sort: [{ col: 0, dir: 'desc' }], quick: '', filters: [] });
    slow.resolve(viewOf(1000, [['x']]));
    await first;
    expect(s.view.sort).toEqual([{ col: 0, dir: 'desc' }]);
    expect(s.total).toBe(3);
    expect(s.viewing).toBe(false);
  });

  it('a failed view keeps the rows shown and says why; a cancelled one says nothing', async () => {
    const s = finished();
    setResultView.mockRejectedValueOnce(new AppError({ kind: Kind.Validation, title: 'Not sorted', message: 'the query is still running' } as never));
    await s.setView({ sort: [{ col: 0, dir: 'asc' }], quick: '', filters: [] });
    expect(s.viewError?.message).toBe('the query is still running');
    expect(s.view.sort).toEqual([]);
    expect(s.wanted.sort).toEqual([]);
    expect(s.total).toBe(1000);
    expect(s.generation).toBe(0);

    setResultView.mockRejectedValueOnce(new AppError({ kind: Kind.Cancelled, title: 'Cancelled', message: 'replaced' } as never));
    await s.setView({ sort: [], quick: 'a', filters: [] });
    expect(s.viewError).toBeNull();
  });
});
