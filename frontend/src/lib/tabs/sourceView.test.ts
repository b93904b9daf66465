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

  it('hides and moves columns: exports follow through the backend view; the rows stay', async () => {
    const s = new QuerySource('q', 1, [
      { name: 'id', typeOid: 23, typeName: 'int4' },
      { name: 'note', typeOid: 25, typeName: 'text' },
      { name: 'n', typeOid: 23, typeName: 'int4' },
    ] as never);
    s.update(1000, true);
    setResultView.mockClear();
    clearResultView.mockClear();
    setResultView.mockResolvedValueOnce(viewOf(1000, [['x', '1']]));
    s.arrange([2, 0]);
    expect(s.wanted.columns).toEqual([2, 0]);
    await vi.waitFor(() => expect(s.view.columns).toEqual([2, 0]));
    expect(setResultView).toHaveBeenCalledWith({ queryId: 'q', statement: 1, spec: { sort: [], quick: '', filters: [], columns: [2, 0] }, firstPage: 200 });
    expect(s.generation).toBe(0); // the rows did not change: the grid keeps them
    expect(s.total).toBe(1000);

    // A sort keeps the columns; every column in result order clears the view.
    setResultView.mockResolvedValueOnce(viewOf(1000, [['1', 'x', '2']]));
    await s.setView({ ...s.wanted, sort: [{ col: 1, dir: 'asc' }] });
    expect(setResultView).toHaveBeenLastCalledWith(expect.objectContaining({ spec: { sort: [{ column: 1, desc: false }], quick: '', filters: [], columns: [2, 0] } }));
    expect(s.generation).toBe(1);
    setResultView.mockResolvedValueOnce(viewOf(1000, [['1', 'x', '2']]));
    s.arrange([0, 1, 2]);
    await vi.waitFor(() => expect(s.view.columns).toBeNull());
    expect(setResultView).toHaveBeenLastCalledWith(expect.objectContaining({ spec: { sort: [{ column: 1, desc: false }], quick: '', filters: [] } }));
    clearResultView.mockResolvedValueOnce({ rows: 1000, total: 1000 } as never);
    await s.setView({ ...s.wanted, sort: [] });
    expect(clearResultView).toHaveBeenCalledTimes(1);
  });

  it('a re-run of the same columns keeps the layout, shown at once and given to the backend when done', async () => {
    const cols = [
      { name: 'id', typeOid: 23, typeName: 'int4' },
      { name: 'note', typeOid: 25, typeName: 'text' },
    ] as never;
    const next = new QuerySource('q2', 0, cols);
    next.keepLayout({ columns: cols, layout: [1] });
    expect(next.wanted.columns).toEqual([1]);
    setResultView.mockClear();
    next.update(10, false);
    expect(setResultView).not.toHaveBeenCalled(); // still running
    expect(next.total).toBe(10);
    setResultView.mockResolvedValueOnce(viewOf(20, [['a']]));
    next.update(20, true);
    await vi.waitFor(() => expect(setResultView).toHaveBeenCalledWith(expect.objectContaining({ queryId: 'q2', spec: { sort: [], quick: '', filters: [], columns: [1] } })));

    // Other columns: the layout does not fit, so it is not taken.
    const other = new QuerySource('q3', 0, [{ name: 'id', typeOid: 20, typeName: 'int8' }, { name: 'note', typeOid: 25, typeName: 'text' }] as never);
    other.keepLayout({ columns: cols, layout: [1] });
    expect(other.wanted.columns ?? null).toBeNull();
  });
});
