import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('../api', async (importOriginal) => {
  const original = await importOriginal<typeof import('../api')>();
  return {
    ...original,
    api: { openResultTable: vi.fn(), closeTable: vi.fn(), reviewTableChanges: vi.fn(), commitTableChanges: vi.fn(), resultPage: vi.fn(), reportTiming: vi.fn(), tableCellValue: vi.fn() },
  };
});

import { api, type CellText, type TableRelation } from '../api';
import { changeKey, Overlay, project, ResultEdit, type StatementRows } from './resultedit.svelte';
import { Paster } from './paster.svelte';
import { rowKey } from './pending.svelte';
import { emptyView } from '../results/view';

const col = (name: string, more: object = {}) => ({ name, writable: true, insertWritable: true, nullable: true, default: '', identity: '', category: 'text', baseType: 'text', ...more });
/** The table: id (key), name, qty, note; the query shows qty, id, name (no note). */
const table = {
  oid: 1,
  schema: 'public',
  name: 't',
  key: ['id'],
  editable: true,
  canInsert: true,
  canUpdate: true,
  canDelete: true,
  columns: [col('id', { inKey: true }), col('name'), col('qty'), col('note')],
} as unknown as TableRelation;
const names = ['qty', 'id', 'name'];

/** A finished statement's rows: qty, id, name. */
function rows(data: CellText[][]): StatementRows & { calls: unknown[][] } {
  const calls: unknown[][] = [];
  return {
    calls,
    total: data.length,
    done: true,
    columns: names.map((n) => ({ name: n, typeOid: 25, typeName: 'text' })) as never,
    generation: 0,
    page: async (offset: number, limit: number, columns?: unknown) => {
      calls.push([offset, limit, columns]);
      return { offset, rows: data.slice(offset, offset + limit), truncated: [], total: data.length, done: true } as never;
    },
  };
}

const data: CellText[][] = [
  ['3', '1', 'apple'],
  ['5', '2', 'pear'],
  ['7', '3', null],
];

async function editable(inner: StatementRows = rows(data)): Promise<ResultEdit> {
  vi.mocked(api.openResultTable).mockResolvedValueOnce({ editable: true, reason: '', columns: names, table: { handle: 'h', connectionId: 'c', relation: table } } as never);
  const e = new ResultEdit('q', 0, inner);
  await e.check();
  return e;
}

/** The rows of a statement whose columns are laid out as `columns` (display → result column): name, qty shows [2, 0]. */
function arranged(columns: number[]): StatementRows {
  const wanted = { ...emptyView, columns };
  return Object.assign(rows(data), { wanted, view: wanted, viewing: false, viewError: null, setView: async () => {}, arrange: () => {} });
}

/** Selects grid rows r0..r1 and grid columns c0..c1. */
function select(e: ResultEdit, r0: number, c0: number, r1 = r0, c1 = c0): void {
  e.editor.selection = { range: { r0, c0, r1, c1 }, active: { row: r0, col: c0 } };
}

beforeEach(() => vi.clearAllMocks());

describe('project', () => {
  it('gives the table columns in the result order and maps table rows onto them', () => {
    const p = project(table, names);
    expect(p.relation.columns.map((c) => c.name)).toEqual(names);
    expect(p.relation.key).toEqual(['id']);
    expect(p.index).toEqual([2, 0, 1]);
    expect(rowKey(p.relation, ['3', '1', 'apple'])).toBe(changeKey(p.relation, { id: { kind: 'text', text: '1' } }));
  });
});

describe('Overlay', () => {
  const rel = project(table, names).relation;
  const keyOf = (r: readonly CellText[]) => rowKey(rel, r);
  const key = (id: string) => JSON.stringify([id]);
  const old = (c: { old?: Record<string, { kind: string; text?: string }> }) => changeKey(rel, c.old as never);

  it('shows updated rows as stored, by the key they had in the result, also after the key changed', () => {
    const o = new Overlay();
    o.apply([{ id: 'u1', kind: 'update', old: { id: { kind: 'text', text: '1' } } }], [['3', '10', 'apple']], keyOf, old);
    expect(o.shown(key('1'), data[0]!)).toEqual(['3', '10', 'apple']);
    // The row is now id 10: a second commit finds it by that key.
    o.apply([{ id: 'u2', kind: 'update', old: { id: { kind: 'text', text: '10' } } }], [['4', '10', 'apple']], keyOf, old);
    expect(o.shown(key('1'), data[0]!)).toEqual(['4', '10', 'apple']);
    expect(o.shown(key('2'), data[1]!)).toBe(data[1]);
  });

  it('marks deleted rows removed and keeps inserted rows on top, newest first', () => {
    const o = new Overlay();
    o.apply(
      [
        { id: 'd1', kind: 'delete', old: { id: { kind: 'text', text: '2' } } },
        { id: 'i1', kind: 'insert' },
        { id: 'i2', kind: 'insert' },
      ],
      [undefined, ['1', '8', 'fig'], ['1', '9', 'kiwi']],
      keyOf,
      old,
    );
    expect(o.shown(key('2'), data[1]!)).toBeNull();
    expect(o.added).toEqual([['1', '9', 'kiwi'], ['1', '8', 'fig']]);
    // A row a commit inserted is changed and deleted where it is: on top.
    o.apply([{ id: 'u', kind: 'update', old: { id: { kind: 'text', text: '8' } } }], [['2', '8', 'fig']], keyOf, old);
    expect(o.added[1]).toEqual(['2', '8', 'fig']);
    o.apply([{ id: 'd', kind: 'delete', old: { id: { kind: 'text', text: '9' } } }], [undefined], keyOf, old);
    expect(o.added).toEqual([['2', '8', 'fig']]);
    expect(o.removed.size).toBe(1);
  });
});

describe('ResultEdit', () => {
  it('says why a result is read-only and serves its rows as they are, by window of columns', async () => {
    vi.mocked(api.openResultTable).mockResolvedValueOnce({ editable: false, reason: 'columns come from 2 tables (public.a, public.b)', columns: [], table: null } as never);
    const inner = rows(data);
    const e = new ResultEdit('q', 0, inner);
    await e.check();
    expect(e.state).toBe('readonly');
    expect(e.reason).toBe('columns come from 2 tables (public.a, public.b)');
    expect(e.editor.editable).toBe(false);
    await e.page(0, 2, { first: 1, count: 1 });
    expect(inner.calls).toEqual([[0, 2, { first: 1, count: 1 }]]);
  });

  it('edits result cells as changes of the table, by the table’s column names', async () => {
    const e = await editable();
    expect(e.state).toBe('editable');
    expect(e.editor.editable).toBe(true);
    expect((await e.page(0, 10)).rows).toEqual(data);
    const t = e.editor.targetAt(1)!;
    e.pending.set([{ target: t, col: 0, value: { kind: 'text', text: '50' } }]);
    expect(e.editor.cellMark(1, 0)).toMatchObject({ kind: 'changed', value: '50', title: 'Was: 5' });
    expect(e.pending.changes(e.relation!)).toEqual([{ id: 'u1', kind: 'update', old: { id: { kind: 'text', text: '2' }, qty: { kind: 'text', text: '5' } }, new: { qty: { kind: 'text', text: '50' } } }]);
  });

  it('puts new rows on top and shows what a commit stored in place of the query’s rows', async () => {
    const e = await editable();
    await e.page(0, 10);
    e.pending.set([{ target: e.editor.targetAt(0)!, col: 2, value: { kind: 'text', text: 'APPLE' } }]);
    e.pending.delete([e.editor.targetAt(2)!]);
    const ins = e.pending.insert({ 1: { kind: 'text', text: '4' } });
    expect(e.total).toBe(4);
    expect(e.editor.rowMark(0)).toBe('inserted');
    expect(e.editor.targetAt(0)).toEqual({ insert: ins });
    expect((await e.page(0, 10)).rows[0]).toEqual([null, null, null]);

    e.editor.reviewing = { plan: {} as never, changes: e.pending.changes(e.relation!), commit: true };
    vi.mocked(api.commitTableChanges).mockResolvedValueOnce({
      committed: true,
      statements: 3,
      roundTrips: 2,
      elapsedMs: 1,
      failure: null,
      // Rows in the table's column order: id, name, qty, note.
      rows: [
        { change: 1, changeId: 'u1', kind: 'update', row: ['1', 'APPLE', '3', 'n'] },
        { change: 2, changeId: ins, kind: 'insert', row: ['4', null, '1', null] },
      ],
    } as never);
    await e.editor.commit();
    expect(api.commitTableChanges).toHaveBeenCalledWith('h', expect.any(Array));
    expect(e.pending.empty).toBe(true);
    expect(e.total).toBe(4); // the inserted row, then the query's three
    const shown = (await e.page(0, 10)).rows;
    expect(shown).toEqual([['1', '4', null], ['3', '1', 'APPLE'], ['5', '2', 'pear'], ['7', '3', null]]);
    expect(e.rowMark(3)).toBe('removed');
    expect(e.rowMark(1)).toBeUndefined();
    // The stored row is what a next edit compares with.
    expect(e.editor.targetAt(1)).toMatchObject({ row: { row: ['3', '1', 'APPLE'] } });
    expect(e.editor.targetAt(3)).toBeNull();
    expect(e.editor.status).toMatch(/as stored/);
  });

  it('maps a conflict’s current row onto the result’s columns and shows it when the change is dropped', async () => {
    const e = await editable();
    await e.page(0, 10);
    e.pending.set([{ target: e.editor.targetAt(1)!, col: 2, value: { kind: 'text', text: 'PEAR' } }]);
    e.editor.reviewing = { plan: {} as never, changes: e.pending.changes(e.relation!), commit: true };
    vi.mocked(api.commitTableChanges).mockResolvedValueOnce({
      committed: false,
      rows: [],
      failure: { change: 0, changeId: 'u1', kind: 'update', column: '', conflict: true, deleted: false, current: ['2', 'pera', '6', null], message: '' },
    } as never);
    await e.editor.commit();
    expect(e.editor.problem).toMatchObject({ conflict: true, current: ['6', '2', 'pera'] });
    e.editor.dropConflicting();
    expect(e.pending.empty).toBe(true);
    expect((await e.page(0, 10)).rows[1]).toEqual(['6', '2', 'pera']);
  });
});

describe('a failed commit', () => {
  it('shows its problem while the failed change is pending, not after it was undone', async () => {
    const e = await editable();
    await e.page(0, 10);
    const ins = e.pending.insert({ 2: { kind: 'text', text: 'x' } });
    e.editor.reviewing = { plan: {} as never, changes: e.pending.changes(e.relation!), commit: true };
    vi.mocked(api.commitTableChanges).mockResolvedValueOnce({
      committed: false,
      rows: [],
      failure: { change: 0, changeId: ins, kind: 'insert', column: 'id', conflict: false, deleted: false, current: null, message: 'null value in column "id"' },
    } as never);
    await e.editor.commit();
    expect(e.editor.shownProblem).toMatchObject({ changeId: ins });
    e.pending.undo();
    expect(e.editor.shownProblem).toBeNull();
    e.pending.redo();
    expect(e.editor.shownProblem).toMatchObject({ changeId: ins });
  });
});

describe('ResultEdit with columns hidden and moved', () => {
  it('maps grid columns to the table’s for marks, Set NULL and the cell editor', async () => {
    // The grid shows name, qty (id hidden).
    const e = await editable(arranged([2, 0]));
    expect(e.editor.display).toEqual([2, 0]);
    await e.page(0, 10);
    select(e, 0, 0);
    e.editor.setSelection('null');
    expect(e.pending.changes(e.relation!)).toEqual([{ id: 'u1', kind: 'update', old: { id: { kind: 'text', text: '1' }, name: { kind: 'text', text: 'apple' } }, new: { name: { kind: 'null' } } }]);
    expect(e.editor.cellMark(0, 0)).toMatchObject({ kind: 'changed' });
    expect(e.editor.cellMark(0, 1)).toBeUndefined();
    expect(e.editor.activate({ row: 1, col: 1 })).toBe(true);
    await vi.waitFor(() => expect(e.editor.editing).toMatchObject({ row: 1, col: 0 }));
  });

  it('pastes a block over the selected grid cells into the table’s columns, as one undo step', async () => {
    const e = await editable(arranged([2, 0]));
    select(e, 1, 0);
    const paster = new Paster(e.editor, e.pasteRows);
    // No row was read yet: the paste reads the rows it lands on.
    await paster.paste('PEAR\t50\nFIG\t70\nKIWI\t9\n', false);
    expect(e.editor.status).toMatch(/^Pasted 4 cells and 1 new row \(on top\) from TSV/);
    const changes = e.pending.changes(e.relation!);
    expect(changes.filter((c) => c.kind === 'update').map((c) => c.new)).toEqual([
      { name: { kind: 'text', text: 'PEAR' }, qty: { kind: 'text', text: '50' } },
      { name: { kind: 'text', text: 'FIG' }, qty: { kind: 'text', text: '70' } },
    ]);
    expect(changes.find((c) => c.kind === 'insert')?.new).toEqual({ name: { kind: 'text', text: 'KIWI' }, qty: { kind: 'text', text: '9' } });
    // The new row is on top: the pear row is grid row 2 now; grid column 1 is qty.
    expect(e.editor.cellMark(2, 1)).toMatchObject({ kind: 'changed', value: '50' });
    e.pending.undo();
    expect(e.pending.empty).toBe(true);
  });

  it('takes Ctrl+Shift+V as Paste rows only where the rows can be edited', async () => {
    const key = (init: KeyboardEventInit) => new KeyboardEvent('keydown', { key: 'V', ...init });
    const e = await editable();
    const paster = new Paster(e.editor, e.pasteRows);
    expect(paster.key(key({ ctrlKey: true }))).toBe(false);
    expect(paster.key(key({ ctrlKey: true, shiftKey: true }))).toBe(true);
    vi.mocked(api.openResultTable).mockResolvedValueOnce({ editable: false, reason: 'a join', columns: [], table: null } as never);
    const ro = new ResultEdit('q', 0, rows(data));
    await ro.check();
    expect(new Paster(ro.editor, ro.pasteRows).key(key({ ctrlKey: true, shiftKey: true }))).toBe(false);
  });

  it('pastes new rows above the rows a commit inserted, and not onto a row a commit deleted', async () => {
    const e = await editable();
    await e.page(0, 10);
    e.overlay.apply([{ id: 'd', kind: 'delete', old: { id: { kind: 'text', text: '1' } } }], [undefined], (r) => rowKey(e.relation!, r), (c) => changeKey(e.relation!, c.old));
    e.version++;
    select(e, 0, 0, 1, 0);
    const paster = new Paster(e.editor, e.pasteRows);
    await paster.paste('8', false);
    // Row 0 is gone (a commit deleted it): only row 1 is filled.
    expect(e.pending.changes(e.relation!).map((c) => [c.old?.id, c.new])).toEqual([[{ kind: 'text', text: '2' }, { qty: { kind: 'text', text: '8' } }]]);
    await paster.paste('1\t9\tplum', true);
    expect(e.pending.state.inserts).toHaveLength(1);
    expect(e.pending.changes(e.relation!).find((c) => c.kind === 'insert')?.new).toEqual({ qty: { kind: 'text', text: '1' }, id: { kind: 'text', text: '9' }, name: { kind: 'text', text: 'plum' } });
  });
});
