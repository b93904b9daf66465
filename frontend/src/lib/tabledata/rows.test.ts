import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('../api', async (importOriginal) => {
  const original = await importOriginal<typeof import('../api')>();
  return { ...original, api: { tablePage: vi.fn(), cancelJob: vi.fn().mockResolvedValue(true) } };
});

import { api, type TablePageRequest } from '../api';
import { TableRows } from './rows.svelte';

/** A fake table of n rows (ids 1…n) served as TablePage serves it: keyset cursors, first/last/after/before/offset. */
function serve(n: number, estimate = n) {
  const row = (i: number) => [String(i + 1)];
  const cursor = (i: number) => ({ values: [String(i + 1)], position: i, exact: true });
  const calls: string[] = [];
  vi.mocked(api.tablePage).mockImplementation(async (_h, req) => {
    const { seek, limit = 200 } = req as TablePageRequest;
    calls.push(seek.to);
    let from: number;
    let to: number;
    switch (seek.to) {
      case 'first': [from, to] = [0, Math.min(n, limit)]; break;
      case 'after': from = Number(seek.cursor!.values[0]); to = Math.min(n, from + limit); break;
      case 'before': to = Number(seek.cursor!.values[0]) - 1; from = Math.max(0, to - limit); break;
      case 'offset': from = Math.min(n, seek.offset); to = Math.min(n, from + limit); break;
      case 'last': [from, to] = [Math.max(0, n - limit), n]; break;
      default: throw new Error(seek.to);
    }
    const rows = Array.from({ length: to - from }, (_, k) => row(from + k));
    return {
      rows, truncated: [], position: from, exact: true, atStart: from === 0, atEnd: to === n,
      first: rows.length ? cursor(from) : null, last: rows.length ? cursor(to - 1) : null,
      estimate: req.estimate ? estimate : -1, elapsedMs: 1,
    } as never;
  });
  return calls;
}

const table = { handle: 'h', connectionId: 'c', relation: { columns: [{ name: 'id', typeOid: 23, type: 'integer' }], key: ['id'] } } as never;
const filter = { mode: '', match: 'all', conditions: [], groups: [], sql: '' };

describe('TableRows', () => {
  beforeEach(() => vi.resetAllMocks());

  it('starts with the estimate and reads on by cursor', async () => {
    const calls = serve(5000, 4000);
    const r = new TableRows(table, filter, [], () => 0);
    await r.start();
    expect(r.total).toBe(4000);
    expect(r.endKnown).toBe(false);
    const p = await r.page(200, 500);
    expect(p.rows.map((x) => x[0])).toEqual(Array.from({ length: 500 }, (_, k) => String(201 + k)));
    expect(calls).toEqual(['first', 'after']);
  });

  it('jumps far by offset, reads back by cursor, and learns the total at the end', async () => {
    const calls = serve(3000, 10_000);
    const r = new TableRows(table, filter, [], () => 0);
    await r.start();
    await r.page(2500, 100);
    expect(calls.at(-1)).toBe('offset');
    const back = await r.page(2300, 200);
    expect(back.rows[0]).toEqual(['2301']);
    expect(calls.at(-1)).toBe('before');
    await r.page(2600, 500);
    expect(r.endKnown).toBe(true);
    expect(r.total).toBe(3000);
  });

  it('seeks the last page for Ctrl+End', async () => {
    const calls = serve(10_000, 9_000);
    const r = new TableRows(table, filter, [], () => 0);
    await r.start();
    await r.seekLast();
    expect(calls.at(-1)).toBe('last');
    expect(r.total).toBe(10_000);
    const p = await r.page(9_990, 10);
    expect(p.rows.at(-1)).toEqual(['10000']);
  });

  it('shows new rows above the table’s rows', async () => {
    serve(10);
    let inserted = 2;
    const r = new TableRows(table, filter, [], () => inserted);
    await r.start();
    expect(r.total).toBe(12);
    const p = await r.page(0, 4);
    expect(p.rows).toEqual([[null], [null], ['1'], ['2']]);
    inserted = 0;
    expect(r.total).toBe(10);
  });

  it('dispose stops the page reads under way, and only those', async () => {
    serve(1000);
    vi.mocked(api.cancelJob).mockResolvedValue(true);
    const r = new TableRows(table, filter, [], () => 0);
    await r.start();
    const done = vi.mocked(api.tablePage).mock.calls[0]![2];
    let slowJob = '';
    vi.mocked(api.tablePage).mockImplementationOnce((_h, _req, job) => {
      slowJob = job ?? '';
      return new Promise(() => {}); // a read the server is slow to answer
    });
    void r.page(600, 100);
    await vi.waitFor(() => expect(slowJob).toMatch(/^page-/));
    expect(done).toMatch(/^page-/);
    r.dispose();
    expect(vi.mocked(api.cancelJob).mock.calls).toEqual([[slowJob]]);
  });
});
