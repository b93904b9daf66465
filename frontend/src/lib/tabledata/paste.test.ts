import { describe, expect, it } from 'vitest';
import { parseBlock } from './clipblock';
import { footprint, planPaste, skippedText, withoutHeader, type PasteColumn, type PasteRow } from './paste';
import { Pending, rowKey, type LoadedRow } from './pending.svelte';

const col = (name: string, extra: Partial<PasteColumn> = {}): PasteColumn => ({
  name,
  baseType: 'text',
  category: 'text',
  enumLabels: [],
  nullable: true,
  writable: true,
  insertWritable: true,
  generated: '',
  identity: '',
  ...extra,
} as PasteColumn);

// id identity always, name text, qty integer NOT NULL, total generated, mood enum
const columns = [
  col('id', { baseType: 'integer', category: 'number', nullable: false, writable: false, insertWritable: false, identity: 'always' }),
  col('name'),
  col('qty', { baseType: 'integer', category: 'number', nullable: false }),
  col('total', { baseType: 'integer', category: 'number', writable: false, insertWritable: false, generated: 'qty * 2' }),
  col('mood', { category: 'enum', baseType: 'mood', enumLabels: ['sad', 'ok', 'happy'] }),
];
const relation = { key: ['id'], columns } as never;
const rights = { canUpdate: true, canInsert: true };
const loaded = (row: (string | null)[]): LoadedRow => ({ key: rowKey(relation, row), row, truncated: [] });
const table = [loaded(['1', 'apple', '3', '6', 'ok']), loaded(['2', 'pear', '5', '10', 'sad']), loaded(['3', 'fig', '7', '14', null])];
const sel = (r0: number, c0: number, r1 = r0, c1 = c0) => ({ r0, c0, r1, c1 });

/** Pastes text on a selection of the three loaded rows (rows past them are new), as DataView does. */
function paste(p: Pending, text: string, selection = sel(0, 1)) {
  const { block } = withoutHeader(parseBlock(text), columns, selection.c0);
  const at = footprint(block, selection, columns.length);
  const rows: PasteRow[] = Array.from({ length: at.rows }, (_, i) => {
    const t = table[at.row + i];
    return !t ? null : p.edit(t.key)?.deleted ? 'deleted' : { row: t };
  });
  const plan = planPaste(columns, block, at, rows, rights);
  p.paste(plan.cells, plan.inserts);
  return plan;
}

describe('paste into pending changes', () => {
  it('pastes a block from the selected cell, as one undo step', () => {
    const p = new Pending();
    paste(p, 'kiwi\t4\nlime\t\\N');
    expect(p.counts).toEqual({ cells: 4, updated: 2, inserted: 0, deleted: 0, total: 2 });
    expect(p.value({ row: table[0]! }, 1)).toEqual({ kind: 'text', text: 'kiwi' });
    expect(p.value({ row: table[1]! }, 2)).toEqual({ kind: 'null' });
    p.undo();
    expect(p.empty).toBe(true);
    expect(p.canUndo).toBe(false);
    p.redo();
    expect(p.counts.cells).toBe(4);
  });

  it('fills a selection with one value, or with copies of a block that fits it', () => {
    const p = new Pending();
    const plan = paste(p, 'same', sel(0, 1, 2, 1));
    expect(plan.cells.map((c) => c.value)).toEqual(Array(3).fill({ kind: 'text', text: 'same' }));
    p.discard();
    paste(p, 'x\n', sel(0, 1, 1, 1));
    expect(p.counts.cells).toBe(2);
    // A selection that is not a multiple of the block takes it once.
    const once = paste(new Pending(), 'a\nb', sel(0, 1, 2, 1));
    expect(once.cells).toHaveLength(2);
  });

  it('turns rows past the last row into new rows, on top, inserted in the block\'s order', () => {
    const p = new Pending();
    const plan = paste(p, 'fig2\t8\nnew1\t1\nnew2\t2', sel(2, 1));
    expect(plan.inserts).toHaveLength(2);
    expect(p.counts).toEqual({ cells: 2, updated: 1, inserted: 2, deleted: 0, total: 3 });
    expect(p.state.inserts.map((r) => r.cells[1])).toEqual([
      { kind: 'text', text: 'new1' },
      { kind: 'text', text: 'new2' },
    ]);
    const inserts = p.changes(relation).filter((c) => c.kind === 'insert');
    expect(inserts.map((c) => c.new)).toEqual([
      { name: { kind: 'text', text: 'new1' }, qty: { kind: 'text', text: '1' } },
      { name: { kind: 'text', text: 'new2' }, qty: { kind: 'text', text: '2' } },
    ]);
    p.undo();
    expect(p.empty).toBe(true);
  });

  it('skips generated and identity-always columns and says how many cells and why', () => {
    const p = new Pending();
    const plan = paste(p, '9\tkiwi\t4\t8\n10\tlime\t5\t10', sel(0, 0));
    expect(plan.cells.map((c) => c.col)).toEqual([1, 2, 1, 2]);
    expect(skippedText(plan.skipped)).toBe(
      '4 cells were not pasted: 2 because id is an identity column (GENERATED ALWAYS); 2 because total is generated',
    );
    // Cells beyond the last column are counted too.
    const wide = planPaste(columns, parseBlock('a\tb\tc'), footprint(parseBlock('a\tb\tc'), sel(0, 3), columns.length), [{ row: table[0]! }], rights);
    expect(skippedText(wide.skipped)).toBe('2 cells were not pasted: 1 because they are beyond the last column; 1 because total is generated');
  });

  it('pastes values the column refuses and counts them, to be marked on their cells', () => {
    const p = new Pending();
    const plan = paste(p, 'lots\t\\N', sel(0, 2)); // qty: not a whole number; total: generated
    expect(plan.invalid).toBe(1);
    expect(p.value({ row: table[0]! }, 2)).toEqual({ kind: 'text', text: 'lots' });
    expect(paste(new Pending(), '\\N', sel(0, 2)).invalid).toBe(1); // NULL in a NOT NULL column
    expect(paste(new Pending(), 'grumpy', sel(0, 4)).invalid).toBe(1); // not an enum label
    expect(paste(new Pending(), 'happy', sel(0, 4)).invalid).toBe(0);
  });

  it('leaves rows marked deleted alone, and the cells a ragged row lacks', () => {
    const p = new Pending();
    p.delete([{ row: table[1]! }]);
    const plan = paste(p, 'a\t1\nb\nc\t3', sel(0, 1));
    expect(skippedText(plan.skipped)).toBe('1 cell was not pasted: 1 because their row is marked deleted');
    expect(plan.cells.map((c) => [c.col, c.value.text])).toEqual([[1, 'a'], [2, '1'], [1, 'c'], [2, '3']]);
  });

  it('drops a first row that names the columns it lands on (a copy with its header)', () => {
    const { block, header } = withoutHeader(parseBlock('name,qty\nkiwi,4\n'), columns, 1);
    expect(header).toBe(true);
    expect(block.rows).toEqual([['kiwi', '4']]);
    expect(withoutHeader(parseBlock('name\tqty'), columns, 1).header).toBe(false);
  });

  it('adds no rows when the relation takes no inserts, and says why', () => {
    const block = parseBlock('x');
    const plan = planPaste(columns, block, footprint(block, sel(3, 1), columns.length), [null], { canUpdate: true, canInsert: false });
    expect(plan.inserts).toEqual([]);
    expect(skippedText(plan.skipped)).toBe('1 cell was not pasted: 1 because rows cannot be added to this relation');
  });
});
