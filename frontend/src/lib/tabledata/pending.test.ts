import { describe, expect, it } from 'vitest';
import { Pending, rowKey, type LoadedRow } from './pending.svelte';

const relation = {
  key: ['id'],
  columns: [{ name: 'id' }, { name: 'name' }, { name: 'qty' }],
} as never;

const loaded = (row: (string | null)[], truncated: number[] = []): LoadedRow => ({ key: rowKey(relation, row), row, truncated });
const r1 = loaded(['1', 'apple', '3']);
const r2 = loaded(['2', 'pear', null], [1]);
const text = (t: string) => ({ kind: 'text' as const, text: t });

describe('Pending', () => {
  it('counts changed cells, rows, new and deleted rows', () => {
    const p = new Pending();
    p.set([{ target: { row: r1 }, col: 1, value: text('apricot') }]);
    p.set([{ target: { row: r1 }, col: 2, value: { kind: 'null' } }]);
    p.insert();
    p.delete([{ row: r2 }]);
    expect(p.counts).toEqual({ cells: 2, updated: 1, inserted: 1, deleted: 1, total: 3 });
  });

  it('merges edits of one row and drops a cell set back to its loaded value', () => {
    const p = new Pending();
    p.set([{ target: { row: r1 }, col: 1, value: text('a') }]);
    p.set([{ target: { row: r1 }, col: 1, value: text('b') }]);
    expect(p.counts.cells).toBe(1);
    expect(p.value({ row: r1 }, 1)).toEqual(text('b'));
    p.set([{ target: { row: r1 }, col: 1, value: text('apple') }]);
    expect(p.empty).toBe(true);
    // NULL and the text 'NULL' and '' are different values.
    p.set([{ target: { row: r2 }, col: 2, value: text('NULL') }]);
    p.set([{ target: { row: r2 }, col: 2, value: text('') }]);
    expect(p.counts.cells).toBe(1);
    p.set([{ target: { row: r2 }, col: 2, value: { kind: 'null' } }]);
    expect(p.empty).toBe(true);
  });

  it('undoes and redoes each step, and a new step clears redo', () => {
    const p = new Pending();
    p.set([{ target: { row: r1 }, col: 1, value: text('a') }]);
    const id = p.insert();
    p.set([{ target: { insert: id }, col: 1, value: text('new') }]);
    expect(p.counts.total).toBe(2);
    p.undo();
    expect(p.value({ insert: id }, 1)).toBeUndefined();
    p.undo();
    expect(p.counts).toMatchObject({ inserted: 0, updated: 1 });
    p.redo();
    expect(p.counts.inserted).toBe(1);
    expect(p.canRedo).toBe(true);
    p.delete([{ row: r2 }]);
    expect(p.canRedo).toBe(false);
    p.discard();
    expect(p.empty).toBe(true);
    p.undo();
    expect(p.counts).toMatchObject({ inserted: 1, updated: 1, deleted: 1 });
  });

  it('drops new rows on delete, hides cell edits of deleted rows and restores them', () => {
    const p = new Pending();
    const id = p.insert();
    p.set([{ target: { row: r1 }, col: 1, value: text('a') }]);
    p.delete([{ insert: id }, { row: r1 }]);
    expect(p.counts).toEqual({ cells: 0, updated: 0, inserted: 0, deleted: 1, total: 1 });
    // A deleted row takes no edits until it is restored.
    p.set([{ target: { row: r1 }, col: 2, value: text('9') }]);
    expect(p.counts.cells).toBe(0);
    p.restore([r1.key]);
    expect(p.empty).toBe(true);
    p.undo();
    p.undo();
    expect(p.counts).toMatchObject({ updated: 1, inserted: 1, deleted: 0 });
  });

  it('sets several cells as one undo step', () => {
    const p = new Pending();
    p.set([
      { target: { row: r1 }, col: 1, value: { kind: 'null' } },
      { target: { row: r2 }, col: 1, value: { kind: 'default' } },
    ]);
    expect(p.counts.updated).toBe(2);
    p.undo();
    expect(p.empty).toBe(true);
  });

  it('builds deletes, then updates, then inserts oldest first', () => {
    const p = new Pending();
    const a = p.insert({ 1: text('first') });
    const b = p.insert();
    p.set([{ target: { row: r1 }, col: 2, value: text('4') }]);
    p.delete([{ row: r2 }]);
    const changes = p.changes(relation);
    expect(changes.map((c) => c.kind)).toEqual(['delete', 'update', 'insert', 'insert']);
    expect(changes.slice(2).map((c) => c.id)).toEqual([a, b]);
    // An update compares the key and the cells it changes.
    expect(changes[1]).toMatchObject({ old: { id: text('1'), qty: text('3') }, new: { qty: text('4') } });
    expect(Object.keys(changes[1]!.old!)).toEqual(['id', 'qty']);
    // A delete compares every loaded cell except the ones that were cut.
    expect(changes[0]!.old).toEqual({ id: text('2'), qty: { kind: 'null' } });
    expect(changes[2]!.new).toEqual({ name: text('first') });
    expect(changes[3]!.new).toEqual({});
  });

  it('finds rows by key whatever their position', () => {
    const p = new Pending();
    p.set([{ target: { row: r1 }, col: 1, value: text('x') }]);
    const again = loaded(['1', 'apple', '3']);
    expect(p.value({ row: again }, 1)).toEqual(text('x'));
  });

  it('rebases an edit on the row as the server has it now, and drops edits', () => {
    const p = new Pending();
    p.set([{ target: { row: r1 }, col: 1, value: text('mine') }, { target: { row: r1 }, col: 2, value: text('7') }]);
    const id = p.edit(r1.key)!.id;
    p.rebase(r1.key, ['1', 'theirs', '7']);
    expect(p.byId(id)?.row).toEqual(['1', 'theirs', '7']);
    // qty is already 7 on the server: no longer a change.
    expect(p.counts.cells).toBe(1);
    expect(p.changes(relation)[0]).toMatchObject({ old: { id: text('1'), name: text('theirs') }, new: { name: text('mine') } });
    p.drop([r1.key]);
    expect(p.empty).toBe(true);
    p.undo();
    expect(p.counts.cells).toBe(1);
  });
});
