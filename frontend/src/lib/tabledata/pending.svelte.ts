// The pending changes of a data tab: cell edits of loaded rows, new rows and
// rows marked deleted, with undo and redo. Nothing here talks to the
// server; changes() turns the state into the TableChange list that
// ReviewTableChanges and CommitTableChanges take.
//
// Each action replaces the whole state (immutable snapshots), so undo is
// "go back to the previous snapshot" and can never drift from what was done.
import type { CellText, TableChange, TableRelation, TableValue } from '../api';
import { cellValue } from './values';

/** The loaded row a change is about, found again by its key. */
export interface LoadedRow {
  /** JSON of the row's key values (see rowKey). */
  key: string;
  /** The row as loaded, one cell per relation column. */
  row: CellText[];
  /** Columns whose loaded text was cut (never compared on delete). */
  truncated?: readonly number[];
}

/** An edit of a loaded row: changed cells, or the whole row marked deleted. */
export interface RowEdit {
  id: string;
  key: string;
  row: CellText[];
  truncated: readonly number[];
  /** New values by column index. */
  cells: Readonly<Record<number, TableValue>>;
  deleted: boolean;
}

/** A new row: the values given by column index; every other column gets its DEFAULT. */
export interface NewRow {
  id: string;
  /** Creation order: the commit inserts rows in it. */
  seq: number;
  cells: Readonly<Record<number, TableValue>>;
}

export interface PendingState {
  /** Edits of loaded rows, by row key. */
  edits: ReadonlyMap<string, RowEdit>;
  /** New rows, newest first (the grid shows them on top in this order). */
  inserts: readonly NewRow[];
}

/** Where an edit goes: a loaded row, or a new row by its id. */
export type Target = { row: LoadedRow } | { insert: string };

export interface Counts {
  /** Changed cells of loaded rows (not counting deleted ones). */
  cells: number;
  updated: number;
  inserted: number;
  deleted: number;
  /** Statements the commit would run. */
  total: number;
}

const empty: PendingState = { edits: new Map(), inserts: [] };

/** The key of a loaded row: its key columns' values, as JSON. */
export function rowKey(relation: Pick<TableRelation, 'columns' | 'key'>, row: readonly CellText[]): string {
  return JSON.stringify(relation.key.map((k) => row[relation.columns.findIndex((c) => c.name === k)] ?? null));
}

export function sameValue(a: TableValue, b: TableValue): boolean {
  return a.kind === b.kind && (a.kind !== 'text' || a.text === b.text);
}

/** How a pending value shows in a cell. */
export function shownValue(v: TableValue): CellText {
  return v.kind === 'null' ? null : v.kind === 'default' ? 'DEFAULT' : (v.text ?? '');
}

export class Pending {
  state = $state.raw<PendingState>(empty);
  #undo = $state.raw<PendingState[]>([]);
  #redo = $state.raw<PendingState[]>([]);
  #next = 1;

  readonly counts: Counts = $derived(countOf(this.state));
  /** New rows by id (a paste may add thousands; cells are looked up per rendered cell). */
  readonly #newRows = $derived(new Map(this.state.inserts.map((r) => [r.id, r])));

  get canUndo(): boolean {
    return this.#undo.length > 0;
  }

  get canRedo(): boolean {
    return this.#redo.length > 0;
  }

  get empty(): boolean {
    return this.counts.total === 0;
  }

  #id(prefix: string): string {
    return `${prefix}${this.#next++}`;
  }

  #newRow(cells: Record<number, TableValue>): NewRow {
    const seq = this.#next;
    return { id: this.#id('i'), seq, cells };
  }

  #commit(next: PendingState): void {
    if (next === this.state) return;
    this.#undo = [...this.#undo, this.state];
    this.#redo = [];
    this.state = next;
  }

  /** The pending value of a cell (undefined when unchanged). */
  value(target: Target, col: number): TableValue | undefined {
    if ('insert' in target) return this.#newRows.get(target.insert)?.cells[col];
    return this.state.edits.get(target.row.key)?.cells[col];
  }

  edit(key: string): RowEdit | undefined {
    return this.state.edits.get(key);
  }

  /** Sets cells, as one undo step. A value equal to the loaded one removes the cell's change. */
  set(cells: { target: Target; col: number; value: TableValue }[]): void {
    const next = this.#withCells(this.state, cells);
    if (next) this.#commit(next);
  }

  /**
   * Applies a paste as one undo step: cells of loaded and new rows, and new
   * rows on top in the given order (the commit inserts them in that order
   * too).
   */
  paste(cells: { target: Target; col: number; value: TableValue }[], rows: Record<number, TableValue>[]): void {
    const base = this.#withCells(this.state, cells) ?? this.state;
    const fresh = rows.map((r) => this.#newRow(r));
    if (base === this.state && fresh.length === 0) return;
    this.#commit({ edits: base.edits, inserts: fresh.length ? [...fresh, ...base.inserts] : base.inserts });
  }

  /** The state with cells set, or null when nothing changed. */
  #withCells(state: PendingState, cells: { target: Target; col: number; value: TableValue }[]): PendingState | null {
    let edits: Map<string, RowEdit> | null = null;
    let inserts: NewRow[] | null = null;
    let at: Map<string, number> | null = null;
    let changed = false;
    for (const { target, col, value } of cells) {
      if ('insert' in target) {
        inserts ??= [...state.inserts];
        at ??= new Map(inserts.map((r, i) => [r.id, i]));
        const i = at.get(target.insert) ?? -1;
        const r = inserts[i];
        if (r) inserts[i] = { ...r, cells: { ...r.cells, [col]: value } };
        changed ||= !!r;
        continue;
      }
      edits ??= new Map(state.edits);
      const { key, row } = target.row;
      const before = edits.get(key);
      if (before?.deleted) continue; // a deleted row is restored before it is edited
      changed = true;
      const cellsNow = { ...(before?.cells ?? {}) };
      if (sameValue(cellValue(row[col] ?? null), value)) delete cellsNow[col];
      else cellsNow[col] = value;
      if (Object.keys(cellsNow).length === 0) edits.delete(key);
      else
        edits.set(key, {
          id: before?.id ?? this.#id('u'),
          key,
          row: before?.row ?? [...row],
          truncated: before?.truncated ?? target.row.truncated ?? [],
          cells: cellsNow,
          deleted: false,
        });
    }
    if (!changed) return null;
    return { edits: edits ?? state.edits, inserts: inserts ?? state.inserts };
  }

  /** Adds a new row on top (its given cells; the rest DEFAULT); returns its id. */
  insert(cells: Record<number, TableValue> = {}): string {
    const row = this.#newRow(cells);
    this.#commit({ edits: this.state.edits, inserts: [row, ...this.state.inserts] });
    return row.id;
  }

  /**
   * Marks loaded rows deleted and drops new rows, as one undo step. A
   * deleted row's cell edits are dropped with it (undo brings them back).
   */
  delete(targets: Target[]): void {
    const drop = new Set(targets.flatMap((t) => ('insert' in t ? [t.insert] : [])));
    const edits = new Map(this.state.edits);
    for (const t of targets) {
      if ('insert' in t) continue;
      const before = edits.get(t.row.key);
      edits.set(t.row.key, {
        id: before?.id ?? this.#id('d'),
        key: t.row.key,
        row: before?.row ?? [...t.row.row],
        truncated: before?.truncated ?? t.row.truncated ?? [],
        cells: {},
        deleted: true,
      });
    }
    this.#commit({ edits, inserts: this.state.inserts.filter((r) => !drop.has(r.id)) });
  }

  /** Takes the deleted mark off loaded rows. */
  restore(keys: string[]): void {
    const edits = new Map(this.state.edits);
    let changed = false;
    for (const k of keys) {
      if (edits.get(k)?.deleted) {
        edits.delete(k);
        changed = true;
      }
    }
    if (changed) this.#commit({ edits, inserts: this.state.inserts });
  }

  /** The edit of a change ID (an update or delete of a loaded row). */
  byId(id: string): RowEdit | undefined {
    for (const e of this.state.edits.values()) if (e.id === id) return e;
    return undefined;
  }

  /**
   * Takes a row as it is now on the server as the row an edit was made on
   * (after a conflict, to apply the edit over the other session's change).
   * Cells now equal to the edit's values stop being changes.
   */
  rebase(key: string, row: CellText[]): void {
    const before = this.state.edits.get(key);
    if (!before) return;
    const edits = new Map(this.state.edits);
    const cells: Record<number, TableValue> = {};
    for (const [i, v] of Object.entries(before.cells)) if (!sameValue(cellValue(row[Number(i)] ?? null), v)) cells[Number(i)] = v;
    if (!before.deleted && Object.keys(cells).length === 0) edits.delete(key);
    else edits.set(key, { ...before, row: [...row], truncated: [], cells });
    this.#commit({ edits, inserts: this.state.inserts });
  }

  /** Drops the edits of loaded rows (their changed cells or deleted mark). */
  drop(keys: string[]): void {
    const edits = new Map(this.state.edits);
    for (const k of keys) edits.delete(k);
    if (edits.size !== this.state.edits.size) this.#commit({ edits, inserts: this.state.inserts });
  }

  undo(): void {
    const prev = this.#undo.at(-1);
    if (!prev) return;
    this.#undo = this.#undo.slice(0, -1);
    this.#redo = [...this.#redo, this.state];
    this.state = prev;
  }

  redo(): void {
    const next = this.#redo.at(-1);
    if (!next) return;
    this.#redo = this.#redo.slice(0, -1);
    this.#undo = [...this.#undo, this.state];
    this.state = next;
  }

  /** Drops every pending change (undo brings them back). */
  discard(): void {
    if (this.empty) return;
    this.#commit(empty);
  }

  /** After a commit: nothing pending and nothing to undo. */
  clear(): void {
    this.state = empty;
    this.#undo = [];
    this.#redo = [];
  }

  /**
   * The changes in the order they run: deletes, then updates, then inserts
   * (in the order they were made; a paste's rows in the block's order), so a key freed by a delete can be taken again. An
   * update carries the key and the loaded values of the cells it changes; a
   * delete the key and every loaded value that was not cut.
   */
  changes(relation: Pick<TableRelation, 'columns' | 'key'>): TableChange[] {
    const name = (i: number) => relation.columns[i]!.name;
    const keyCols = relation.key.map((k) => relation.columns.findIndex((c) => c.name === k));
    const loaded = (e: RowEdit, cols: Iterable<number>) => {
      const out: Record<string, TableValue> = {};
      for (const i of cols) out[name(i)] = cellValue(e.row[i] ?? null);
      return out;
    };
    const values = (cells: Readonly<Record<number, TableValue>>) => {
      const out: Record<string, TableValue> = {};
      for (const [i, v] of Object.entries(cells)) out[name(Number(i))] = v;
      return out;
    };
    const edits = [...this.state.edits.values()];
    const deletes: TableChange[] = edits
      .filter((e) => e.deleted)
      .map((e) => ({
        id: e.id,
        kind: 'delete',
        old: loaded(e, relation.columns.map((_, i) => i).filter((i) => keyCols.includes(i) || !e.truncated.includes(i))),
      }));
    const updates: TableChange[] = edits
      .filter((e) => !e.deleted)
      .map((e) => ({
        id: e.id,
        kind: 'update',
        old: loaded(e, new Set([...keyCols, ...Object.keys(e.cells).map(Number)])),
        new: values(e.cells),
      }));
    const inserts: TableChange[] = [...this.state.inserts].sort((a, b) => a.seq - b.seq).map((r) => ({ id: r.id, kind: 'insert', new: values(r.cells) }));
    return [...deletes, ...updates, ...inserts];
  }
}

function countOf(s: PendingState): Counts {
  let cells = 0;
  let updated = 0;
  let deleted = 0;
  for (const e of s.edits.values()) {
    if (e.deleted) deleted++;
    else {
      updated++;
      cells += Object.keys(e.cells).length;
    }
  }
  const inserted = s.inserts.length;
  return { cells, updated, inserted, deleted, total: updated + inserted + deleted };
}
