// The editing of rows shown in a grid, shared by the data tab and an
// editable query result: which change a grid row is about, the marks the
// grid draws, the cell editor, Set NULL/DEFAULT, new, duplicated and
// deleted rows, the review and the commit with its failure or conflict.
// The pending changes themselves are a Pending (pending.svelte.ts); what
// differs between a table and a result — where the rows come from and what
// happens after a commit — is the EditHost.
import { api, AppError, type CellText, type ErrorInfo, type TableChange, type TableCommitResult, type TablePlan, type TableRelation, type TableValue } from '../api';
import type { CellMark, Range, RowMark } from '../results/grid.svelte';
import { rowKey, shownValue, type Pending, type Target } from './pending.svelte';
import { cellValue, duplicateRow, valueProblem } from './values';
import { countOf } from '../shared/numbers';

/** What a grid of rows gives its editor. */
export interface EditHost {
  /** The relation the grid's columns are, in the grid's order (a result's columns map onto its table's). */
  readonly relation: TableRelation | null;
  /** The open table changes go to (ReviewTableChanges, CommitTableChanges). */
  readonly handle: string | null;
  /** The connection commits edits without the review step (Review SQL stays). */
  readonly skipReview?: boolean;
  /**
   * The relation column each grid column shows when the grid can show them
   * hidden or moved (a query result's column layout); absent or null when
   * the grid shows the relation's columns in order.
   */
  readonly display?: readonly number[] | null;
  /** The loaded row at a position after the new rows, and which of its cells were cut. */
  row(pos: number): { row: CellText[]; truncated: readonly number[] } | undefined;
  /** A commit applied every change: show the rows as stored (the pending changes are already cleared). */
  committed(res: TableCommitResult, changes: TableChange[]): Promise<void> | void;
  /** Read the rows again: a conflicting change was dropped (the row as the server has it now, null when gone). */
  reload(dropped?: DroppedRow): Promise<void> | void;
}

/** A loaded row whose conflicting change the user dropped, and the row as the server has it now (null: deleted). */
export interface DroppedRow {
  key: string;
  current: CellText[] | null;
}

/** The grid the editor moves: focus back after an edit, up to a new row. */
export interface EditGrid {
  focus(): void;
  scrollToRow(i: number): void;
}

/** The last commit's or review's problem, pinned to its change (and cell). */
export interface EditProblem {
  changeId: string;
  column: string;
  message: string;
  conflict: boolean;
  deleted: boolean;
  current: CellText[] | null;
  error: ErrorInfo | null;
}

const message = (e: unknown) => (e instanceof AppError ? e.info.message : String(e));

export class RowEditor {
  readonly host: EditHost;
  readonly pending: Pending;
  grid: EditGrid | undefined;
  selection = $state.raw<{ range: Range; active: { row: number; col: number } } | null>(null);
  editing = $state.raw<{ row: number; col: number; target: Target; value: TableValue } | null>(null);
  reviewing = $state.raw<{ plan: TablePlan; changes: TableChange[]; commit: boolean } | null>(null);
  committing = $state(false);
  /** When the last commit returned (the table:changed it causes may trail it). */
  committedAt = 0;
  /** A line for the user: why a cell cannot be edited, what a commit did. */
  status = $state('');
  problem = $state.raw<EditProblem | null>(null);

  /**
   * The grid's coordinates (the selection, cellMark, activate, the typed
   * key) are grid columns; everything else here is in relation columns.
   * host.display maps one to the other.
   */
  get display(): readonly number[] | null {
    return this.host.display ?? null;
  }

  /** Maps a conflict's row (in the table's column order) onto the grid's columns; the identity for a table. */
  project: (row: CellText[]) => CellText[];

  constructor(host: EditHost, pending: Pending, project: (row: CellText[]) => CellText[] = (r) => r) {
    this.host = host;
    this.pending = pending;
    this.project = project;
  }

  get editable(): boolean {
    return !!this.host.relation?.editable && !!this.host.handle;
  }

  /** The relation column shown in grid column c (-1 when none). */
  colAt(c: number): number {
    const d = this.display;
    return d ? (d[c] ?? -1) : c;
  }

  /** The relation columns in grid order: what a grid column range covers. */
  gridColumns(): number[] {
    return this.display ? [...this.display] : (this.host.relation?.columns.map((_, i) => i) ?? []);
  }

  /** The change a grid row is about: a new row, or a loaded row by its key. */
  targetAt(i: number): Target | null {
    const ins = this.pending.state.inserts;
    if (i < ins.length) return { insert: ins[i]!.id };
    const loaded = this.host.row(i - ins.length);
    const relation = this.host.relation;
    if (!loaded || !relation) return null;
    return { row: { key: rowKey(relation, loaded.row), row: loaded.row, truncated: loaded.truncated } };
  }

  cellMark = (i: number, gridCol: number): CellMark | undefined => {
    const pending = this.pending;
    void pending.state;
    const c = this.colAt(gridCol);
    const column = this.host.relation?.columns[c];
    if (!column) return undefined;
    const t = this.targetAt(i);
    if (!t) return undefined;
    const problem = this.problem;
    const id = 'insert' in t ? t.insert : pending.edit(t.row.key)?.id;
    const bad = problem && id === problem.changeId && (problem.column === '' || problem.column === column.name);
    const v = pending.value(t, c);
    if ('insert' in t) {
      const value = v ? shownValue(v) : 'DEFAULT';
      const why = bad ? problem!.message : v && this.refused(c, v);
      return why ? { kind: 'invalid', value, title: why } : { kind: 'changed', value, title: v ? undefined : 'The column’s DEFAULT' };
    }
    if (bad) return { kind: 'invalid', value: v ? shownValue(v) : (t.row.row[c] ?? null), title: problem!.message };
    if (!v) return undefined;
    const why = this.refused(c, v);
    if (why) return { kind: 'invalid', value: shownValue(v), title: why };
    const was = t.row.row[c] ?? null;
    return { kind: 'changed', value: shownValue(v), title: `Was: ${was === null ? 'NULL' : was}` };
  };

  /** Why a pending value cannot be its column's (a pasted one), remembered per value: cellMark runs for every rendered cell. */
  #refusals = new WeakMap<TableValue, string | null>();
  refused(col: number, v: TableValue): string | null {
    let why = this.#refusals.get(v);
    if (why === undefined) {
      const column = this.host.relation?.columns[col];
      why = column ? valueProblem(column, v) : null;
      this.#refusals.set(v, why);
    }
    return why;
  }

  /** How many pending values their columns refuse. */
  refusedCount(): number {
    let n = 0;
    const count = (cells: Readonly<Record<number, TableValue>>) => {
      for (const [i, v] of Object.entries(cells)) if (this.refused(Number(i), v)) n++;
    };
    for (const e of this.pending.state.edits.values()) if (!e.deleted) count(e.cells);
    for (const r of this.pending.state.inserts) count(r.cells);
    return n;
  }

  rowMark = (i: number): RowMark | undefined => {
    void this.pending.state;
    const t = this.targetAt(i);
    if (!t) return undefined;
    if ('insert' in t) return 'inserted';
    return this.pending.edit(t.row.key)?.deleted ? 'deleted' : undefined;
  };

  selectedRows(): number[] {
    const r = this.selection?.range;
    if (!r) return [];
    return Array.from({ length: r.r1 - r.r0 + 1 }, (_, k) => r.r0 + k);
  }

  /** Whether a cell can be edited; when not, status says why. */
  canEdit(row: number, col: number): boolean {
    const relation = this.host.relation;
    const column = relation?.columns[col];
    const t = this.targetAt(row);
    if (!relation || !column || !t || !this.editable) return false;
    const inserting = 'insert' in t;
    if (!(inserting ? column.insertWritable : column.writable && relation.canUpdate)) {
      this.status = column.generated
        ? `${column.name} is generated`
        : column.identity === 'always'
          ? `${column.name} is an identity column (GENERATED ALWAYS)`
          : `${column.name} cannot be changed here`;
      return false;
    }
    if (!inserting && this.pending.edit(t.row.key)?.deleted) {
      this.status = 'The row is marked deleted: press Delete again to restore it first';
      return false;
    }
    return true;
  }

  /** Opens the cell's editor; `typed` (a key typed on the cell) replaces the value, as in a spreadsheet. */
  async startEdit(row: number, col: number, typed?: string): Promise<void> {
    const relation = this.host.relation;
    const t = this.targetAt(row);
    if (!relation || !t || !this.canEdit(row, col)) return;
    const column = relation.columns[col]!;
    const inserting = 'insert' in t;
    let value = this.pending.value(t, col);
    if (!value && !inserting) {
      let text = t.row.row[col] ?? null;
      if (t.row.truncated?.includes(col)) {
        // The loaded text was cut: edit (and compare) the whole value.
        const key: Record<string, TableValue> = {};
        for (const k of relation.key) key[k] = cellValue(t.row.row[relation.columns.findIndex((c) => c.name === k)] ?? null);
        const full = await api.tableCellValue(this.host.handle!, key, column.name).catch(() => null);
        if (!full?.found) {
          this.status = 'The whole value could not be read';
          return;
        }
        text = full.value;
        const whole = [...t.row.row];
        whole[col] = text;
        t.row.row = whole;
        t.row.truncated = t.row.truncated.filter((c) => c !== col);
      }
      value = cellValue(text);
    }
    const typable = !['boolean', 'enum'].includes(column.category as string);
    if (typed !== undefined && typable) value = { kind: 'text', text: typed };
    this.editing = { row, col, target: t, value: value ?? { kind: 'default' } };
  }

  applyEdit(v: TableValue): void {
    const e = this.editing;
    this.editing = null;
    if (!e) return;
    this.problem = null;
    this.pending.set([{ target: e.target, col: e.col, value: v }]);
    this.grid?.focus();
  }

  closeEditor(): void {
    this.editing = null;
    this.grid?.focus();
  }

  /** Sets every writable cell of the selection to NULL or DEFAULT (one undo step). */
  setSelection(kind: 'null' | 'default'): void {
    const r = this.selection?.range;
    const relation = this.host.relation;
    if (!r || !relation || !this.editable) return;
    const cells: { target: Target; col: number; value: TableValue }[] = [];
    let skipped = 0;
    for (const row of this.selectedRows()) {
      const t = this.targetAt(row);
      if (!t) continue;
      for (let g = r.c0; g <= r.c1; g++) {
        const col = this.colAt(g);
        const c = relation.columns[col];
        if (!c) continue;
        const inserting = 'insert' in t;
        const ok = (inserting ? c.insertWritable : c.writable && relation.canUpdate) && (kind === 'null' ? c.nullable : inserting || c.default !== '' || c.identity !== '');
        if (ok) cells.push({ target: t, col, value: { kind } });
        else skipped++;
      }
    }
    this.problem = null;
    this.pending.set(cells);
    this.status = skipped ? `${countOf(skipped, 'cell')} cannot be ${kind === 'null' ? 'NULL' : 'DEFAULT'}` : '';
  }

  insertRow(): void {
    if (!this.editable || !this.host.relation?.canInsert) return;
    this.problem = null;
    this.pending.insert();
    this.grid?.scrollToRow(0);
  }

  duplicate(): void {
    const relation = this.host.relation;
    if (!this.editable || !relation?.canInsert) return;
    for (const i of this.selectedRows().reverse()) {
      const t = this.targetAt(i);
      if (!t) continue;
      const source = relation.columns.map((_, c) => {
        const v = this.pending.value(t, c);
        if (v) return v.kind === 'text' ? (v.text ?? '') : null;
        return 'insert' in t ? null : (t.row.row[c] ?? null);
      });
      const ins = duplicateRow(relation, source, '').new ?? {};
      const cells: Record<number, TableValue> = {};
      for (const [name, v] of Object.entries(ins)) cells[relation.columns.findIndex((c) => c.name === name)] = v;
      this.pending.insert(cells);
    }
    this.grid?.scrollToRow(0);
  }

  deleteRows(): void {
    const relation = this.host.relation;
    if (!this.editable || (!relation?.canDelete && !this.pending.state.inserts.length)) return;
    const targets = this.selectedRows()
      .map((i) => this.targetAt(i))
      .filter((t): t is Target => !!t && ('insert' in t || !!relation?.canDelete));
    const deleted = targets.filter((t) => !('insert' in t) && this.pending.edit(t.row.key)?.deleted);
    this.problem = null;
    // Delete on rows already marked takes the mark off.
    if (deleted.length === targets.length && deleted.length > 0) this.pending.restore(deleted.map((t) => ('insert' in t ? '' : t.row.key)));
    else this.pending.delete(targets);
  }

  discard(): void {
    this.problem = null;
    this.pending.discard();
  }

  /**
   * Reviews the pending changes; with `commit` the dialog offers Commit (or,
   * on a connection that skips the review, the changes are committed at
   * once). Values their column refuses are fixed first.
   */
  async review(commit: boolean): Promise<void> {
    const handle = this.host.handle;
    const relation = this.host.relation;
    if (!handle || !relation || this.pending.empty || this.committing) return;
    const bad = this.refusedCount();
    if (bad) {
      this.status = `${countOf(bad, 'value')} cannot be ${bad === 1 ? 'its' : 'their'} column’s type (marked in red): change ${bad === 1 ? 'it' : 'them'} or undo first`;
      return;
    }
    const changes = this.pending.changes(relation);
    const skip = !!this.host.skipReview;
    if (commit && skip) {
      await this.commitChanges(changes);
      return;
    }
    try {
      const plan = await api.reviewTableChanges(handle, changes);
      this.reviewing = { plan, changes, commit: commit || skip };
    } catch (e) {
      this.showValidation(e, changes);
    }
  }

  /** Pins a Validation error of changes ("changes.3.new.price") on its cell. */
  showValidation(e: unknown, changes: TableChange[]): void {
    const info = e instanceof AppError ? e.info : null;
    const f = info?.fields?.[0];
    const m = f && /^changes\.(\d+)\.(?:new|old)\.(.+)$/.exec(f.field);
    const ch = m ? changes[Number(m[1])] : undefined;
    this.problem = {
      changeId: ch?.id ?? '',
      column: m?.[2] ?? '',
      message: f ? `${m?.[2] ?? f.field}: ${f.message}` : message(e),
      conflict: false,
      deleted: false,
      current: null,
      error: info,
    };
  }

  /** Commits what the review showed. */
  commit(): Promise<void> {
    const r = this.reviewing;
    return r ? this.commitChanges(r.changes) : Promise.resolve();
  }

  /** Commits changes in one transaction (after the review, or without it when the connection skips it). */
  async commitChanges(changes: TableChange[]): Promise<void> {
    const handle = this.host.handle;
    if (!handle || !this.host.relation || this.committing) return;
    this.committing = true;
    try {
      const res = await api.commitTableChanges(handle, changes);
      this.reviewing = null;
      if (res.committed) {
        this.pending.clear();
        this.problem = null;
        this.status = `Committed ${countOf(res.statements, 'statement')} in ${Math.round(res.elapsedMs)} ms`;
        await this.host.committed(res, changes);
      } else if (res.failure) {
        const f = res.failure;
        const edit = this.pending.byId(f.changeId);
        const where = edit ? `The row with ${this.keyText(edit.row)}` : 'A row';
        const text = f.deleted
          ? `${where} was deleted on the server since it was loaded.`
          : f.conflict
            ? `${where} was changed on the server since it was loaded.`
            : f.message;
        this.problem = {
          changeId: f.changeId,
          column: f.column,
          message: text,
          conflict: f.conflict,
          deleted: f.deleted,
          current: f.current ? this.project(f.current) : null,
          error: (f.error ?? null) as ErrorInfo | null,
        };
        this.status = '';
      }
    } catch (e) {
      this.reviewing = null;
      this.showValidation(e, changes);
    } finally {
      this.committing = false;
      this.committedAt = performance.now();
    }
  }

  /** "id = 30" for a loaded row: its key, for messages. */
  keyText(row: readonly CellText[]): string {
    const relation = this.host.relation;
    if (!relation) return '';
    return relation.key
      .map((k) => {
        const v = row[relation.columns.findIndex((c) => c.name === k)] ?? null;
        return `${k} = ${v === null ? 'NULL' : v}`;
      })
      .join(', ');
  }

  /** After a conflict: apply the edit over the server's row as it is now. */
  overwrite(): void {
    const p = this.problem;
    const edit = p && this.pending.byId(p.changeId);
    if (!p?.current || !edit) return;
    this.pending.rebase(edit.key, p.current);
    this.problem = null;
    this.status = 'Your change now applies over the server’s row: review and commit again to overwrite it';
  }

  /** After a conflict: forget the edit of that row and read the rows again. */
  dropConflicting(): void {
    const p = this.problem;
    const edit = p && this.pending.byId(p.changeId);
    if (!edit) return;
    this.pending.drop([edit.key]);
    this.problem = null;
    void this.host.reload({ key: edit.key, current: p.deleted ? null : p.current });
  }

  /**
   * The editing keys of the grid: undo/redo, Delete, Ctrl+S (review and
   * commit) and a typed character (opens the editor with it). Returns true
   * when the key was taken (the caller prevents its default).
   */
  key(e: KeyboardEvent): boolean {
    if (!this.editable) return false;
    const mod = e.ctrlKey || e.metaKey;
    if (mod && !e.altKey && (e.key === 'z' || e.key === 'Z')) {
      if (e.shiftKey) this.pending.redo();
      else this.pending.undo();
    } else if (mod && !e.altKey && e.key === 'y') this.pending.redo();
    else if (mod && !e.altKey && e.key === 's' && !this.pending.empty) void this.review(true);
    else if (e.key === 'Delete' && !mod && !e.altKey) this.deleteRows();
    else if (e.key.length === 1 && !mod && !e.altKey && this.selection && (e.target as HTMLElement).dataset.testid === 'grid') {
      const { row } = this.selection.active;
      const col = this.colAt(this.selection.active.col);
      if (!this.canEdit(row, col)) return false;
      void this.startEdit(row, col, e.key);
    } else return false;
    return true;
  }

  /** Enter, F2 or a double-click on a cell: the editor when the cell can be edited. */
  activate = ({ row, col: gridCol }: { row: number; col: number }): boolean => {
    const col = this.colAt(gridCol);
    if (!this.canEdit(row, col)) return false;
    void this.startEdit(row, col);
    return true;
  };

  /** The pending changes in a few words: "2 changed, 1 new". */
  get summary(): string {
    const c = this.pending.counts;
    return [c.updated && `${c.updated} changed`, c.inserted && `${c.inserted} new`, c.deleted && `${c.deleted} deleted`].filter(Boolean).join(', ');
  }

  /** The pending edit the problem is about (an update or delete of a loaded row). */
  get problemEdit() {
    const p = this.problem;
    return p ? (void this.pending.state, this.pending.byId(p.changeId)) : undefined;
  }

  /** The problem to show: none once its change is no longer pending (undone, discarded, dropped). */
  get shownProblem(): EditProblem | null {
    const p = this.problem;
    if (!p || !p.changeId) return p;
    return this.problemEdit || this.pending.state.inserts.some((r) => r.id === p.changeId) ? p : null;
  }
}
