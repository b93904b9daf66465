// Pasting a block of cells into a data tab: which cells it lands on, what
// it cannot change, and which values cannot be their column's type. Pure:
// DataView reads the rows the block lands on first, and Pending.paste
// applies the plan as one undo step.
import type { TableColumn, TableValue } from '../api';
import type { Cell } from '../results/copy';
import type { Range } from '../results/grid.svelte';
import type { Block } from './clipblock';
import type { Target } from './pending.svelte';
import { valueProblem } from './values';

export type PasteColumn = Pick<
  TableColumn,
  'name' | 'baseType' | 'category' | 'enumLabels' | 'nullable' | 'writable' | 'insertWritable' | 'generated' | 'identity'
>;

/** The most grid rows one paste may cover (a larger block is refused before anything is read). */
export const MAX_PASTE_ROWS = 100_000;

/** Where a block goes: `rows` × `cols` cells from the top-left cell (row, col). */
export interface Footprint {
  row: number;
  col: number;
  rows: number;
  cols: number;
  /** The block repeats over the footprint (a selection that is a multiple of it). */
  tiled: boolean;
}

/**
 * Drops a first row that repeats the names of the columns it would land on
 * (a copy with its header, as "Copy as CSV" writes it). A block of one row
 * is always data.
 */
export function withoutHeader(block: Block, columns: readonly Pick<TableColumn, 'name'>[], col: number): { block: Block; header: boolean } {
  const first = block.rows[0];
  const header = block.rows.length > 1 && !!first && first.every((v, j) => v !== null && v === columns[col + j]?.name);
  if (!header) return { block, header };
  const rows = block.rows.slice(1);
  return { block: { ...block, rows, width: rows.reduce((w, r) => Math.max(w, r.length), 0) }, header };
}

/**
 * Returns the cells a block covers when pasted on a selection: a selection
 * of one cell takes the block from that cell; a larger selection whose
 * height and width are multiples of the block's is filled with copies of
 * it (a single value fills every selected cell); any other selection takes
 * the block once from its top-left cell. Columns beyond the last are cut.
 */
export function footprint(block: Block, selection: Range, columnCount: number): Footprint {
  const h = selection.r1 - selection.r0 + 1;
  const w = selection.c1 - selection.c0 + 1;
  const bh = block.rows.length;
  const bw = block.width;
  const tiled = (h > 1 || w > 1) && bh > 0 && bw > 0 && h % bh === 0 && w % bw === 0;
  return {
    row: selection.r0,
    col: selection.c0,
    rows: tiled ? h : bh,
    cols: Math.min(tiled ? w : bw, Math.max(0, columnCount - selection.c0)),
    tiled,
  };
}

export interface PastePlan {
  /** Values for cells of loaded rows and of existing new rows. */
  cells: { target: Target; col: number; value: TableValue }[];
  /** New rows, in the block's order: values by column index (the rest DEFAULT). */
  inserts: Record<number, TableValue>[];
  /** Cells not pasted, counted by why. */
  skipped: Map<string, number>;
  /** Pasted values their column refuses (they are pasted and marked). */
  invalid: number;
}

/** What a grid row is for a paste: a target, a row marked deleted, or past the last row (a new row). */
export type PasteRow = Target | 'deleted' | null;

/** Why a column cannot take a pasted value, or null when it can. */
function refusal(c: PasteColumn, inserting: boolean, canUpdate: boolean, canInsert: boolean): string | null {
  if (inserting ? c.insertWritable && canInsert : c.writable && canUpdate) return null;
  if (c.generated) return `${c.name} is generated`;
  if (c.identity === 'always') return `${c.name} is an identity column (GENERATED ALWAYS)`;
  if (inserting && !canInsert) return 'rows cannot be added to this relation';
  return `${c.name} cannot be ${inserting ? 'set in a new row' : 'changed'} here`;
}

const toValue = (cell: Cell): TableValue => (cell === null ? { kind: 'null' } : { kind: 'text', text: cell });

/**
 * Plans a paste: rows[i] is the grid row i rows below the footprint's top
 * (null past the last row: the block's row becomes a new row). A ragged
 * block leaves the cells its short rows lack alone (DEFAULT in a new row).
 */
export function planPaste(
  columns: readonly PasteColumn[],
  block: Block,
  at: Footprint,
  rows: readonly PasteRow[],
  rights: { canUpdate: boolean; canInsert: boolean },
): PastePlan {
  const plan: PastePlan = { cells: [], inserts: [], skipped: new Map(), invalid: 0 };
  const skip = (why: string, n = 1) => plan.skipped.set(why, (plan.skipped.get(why) ?? 0) + n);
  const bh = block.rows.length;
  const bw = block.width;
  if (bh === 0 || bw === 0) return plan;
  const cut = at.tiled ? 0 : block.rows.reduce((n, r) => n + Math.max(0, r.length - at.cols), 0);
  if (cut) skip('they are beyond the last column', cut);
  for (let i = 0; i < at.rows; i++) {
    const source = block.rows[i % bh]!;
    const row = rows[i];
    const inserting = row === null || row === undefined;
    const fresh: Record<number, TableValue> = {};
    for (let j = 0; j < at.cols; j++) {
      const cell = source[j % bw];
      if (cell === undefined) continue;
      const col = at.col + j;
      const column = columns[col]!;
      if (row === 'deleted') {
        skip('their row is marked deleted');
        continue;
      }
      const why = refusal(column, inserting, rights.canUpdate, rights.canInsert);
      if (why) {
        skip(why);
        continue;
      }
      const value = toValue(cell);
      if (valueProblem(column, value)) plan.invalid++;
      if (inserting) fresh[col] = value;
      else plan.cells.push({ target: row, col, value });
    }
    if (inserting && Object.keys(fresh).length) plan.inserts.push(fresh);
  }
  return plan;
}

/** "3 cells were not pasted: 2 because id is generated, 1 because …" (empty when none were skipped). */
export function skippedText(skipped: ReadonlyMap<string, number>): string {
  let total = 0;
  const parts: string[] = [];
  for (const [why, n] of skipped) {
    total += n;
    parts.push(`${n} because ${why}`);
  }
  if (!total) return '';
  return `${total} cell${total === 1 ? ' was' : 's were'} not pasted: ${parts.join('; ')}`;
}
