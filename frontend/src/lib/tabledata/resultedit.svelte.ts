// Editing a query's result like a table. The backend says whether a
// statement's result can be edited (OpenResultTable: every column from one
// table, its key among them) and opens that table; edits then go through
// the data tab's RowEditor and Pending, with the result's columns as a
// projection of the table's.
//
// The result store in the backend is immutable: after a commit the rows
// the commit re-read (RETURNING) are laid over the stored rows here, by
// their key — updated rows show their stored values, rows inserted by a
// commit show on top, deleted rows stay in place marked removed. Running
// the query again reads everything afresh.
import { api, AppError, type CellText, type OpenTable, type TableChange, type TableCommitResult, type TableRelation, type TableValue } from '../api';
import type { Column, ColumnSpan, RowMark, RowSource } from '../results/grid.svelte';
import type { resultset } from '../../../wailsjs/go/models';
import { arrangedOf } from '../results/arranged.svelte';
import { isArrangeable } from '../results/view';
import { RowEditor, type DroppedRow } from './editor.svelte';
import type { PasteRows } from './paster.svelte';
import { Pending, rowKey } from './pending.svelte';

/** Loaded result rows kept for editing; beyond it the oldest are dropped (the grid reads them again when shown). */
const MAX_KEPT_ROWS = 20_000;

/**
 * project returns the relation a result's columns show — the table's
 * columns named by `names`, in the result's order — and the index of each
 * in the table (to map rows the backend returns in the table's order).
 */
export function project(relation: TableRelation, names: readonly string[]): { relation: TableRelation; index: number[] } {
  const index = names.map((n) => relation.columns.findIndex((c) => c.name === n));
  const columns = index.map((i) => relation.columns[i]!);
  return { relation: { ...relation, columns } as TableRelation, index };
}

/** The key of a change's loaded row, as rowKey gives it for the row. */
export function changeKey(relation: Pick<TableRelation, 'key'>, old: Record<string, TableValue> | undefined): string {
  return JSON.stringify(relation.key.map((k) => (old?.[k]?.kind === 'text' ? (old[k].text ?? '') : null)));
}

/**
 * What a commit changed in a result's rows, laid over the rows the query
 * returned: pure bookkeeping by row key, no reactivity, no server.
 */
export class Overlay {
  /** Rows as stored after a commit, by the key the row has in the query's result. */
  readonly stored = new Map<string, CellText[]>();
  /** Keys (in the query's result) of rows a commit deleted. */
  readonly removed = new Set<string>();
  /** Rows commits inserted, newest first (shown above the result's rows). */
  added: CellText[][] = [];
  /** The key a row has in the query's result, by the key it has now (a commit changed it). */
  readonly #original = new Map<string, string>();

  /** A row of the query's result as it is now: its stored values, or null when a commit deleted it. */
  shown(key: string, row: CellText[]): CellText[] | null {
    if (this.removed.has(key)) return null;
    return this.stored.get(key) ?? row;
  }

  /**
   * Takes what a commit applied: `rows[i]` is the row change `i` left (in
   * the result's columns; undefined for a delete), `keyOf` the key of a row
   * and `oldKey` the key a change's row had when it was edited.
   */
  apply(changes: TableChange[], rows: (CellText[] | undefined)[], keyOf: (row: readonly CellText[]) => string, oldKey: (c: TableChange) => string): void {
    const fresh: CellText[][] = [];
    changes.forEach((c, i) => {
      const row = rows[i];
      if (c.kind === 'insert') {
        if (row) fresh.push(row);
        return;
      }
      const now = oldKey(c);
      const at = this.added.findIndex((r) => keyOf(r) === now);
      if (at >= 0) {
        // A row a commit inserted: it lives here only.
        this.added = c.kind === 'delete' || !row ? this.added.filter((_, k) => k !== at) : this.added.map((r, k) => (k === at ? row : r));
        return;
      }
      const original = this.#original.get(now) ?? now;
      this.#original.delete(now);
      if (c.kind === 'delete' || !row) {
        this.removed.add(original);
        this.stored.delete(original);
        return;
      }
      this.stored.set(original, row);
      this.#original.set(keyOf(row), original);
    });
    this.added = [...fresh.reverse(), ...this.added];
  }
}

/** The rows of a statement that ResultEdit edits: its QuerySource. */
export interface StatementRows extends RowSource {
  readonly generation?: number;
}

/**
 * ResultEdit is one statement's result in a query tab, editable or not:
 * whether it can be edited (and why not), its pending changes, and the
 * rows the grid shows — new rows, then rows inserted by a commit, then
 * the result's rows with the commits laid over them.
 */
export class ResultEdit implements RowSource {
  readonly queryId: string;
  readonly statement: number;
  readonly inner: StatementRows;
  /** 'checking' until the backend answered; then 'editable' or 'readonly'. */
  state = $state<'new' | 'checking' | 'editable' | 'readonly'>('new');
  /** Why the result is read-only (a sentence without the "Read-only:" in front). */
  reason = $state('');
  table = $state.raw<OpenTable | null>(null);
  /** The table's columns in the result's order (see project). */
  relation = $state.raw<TableRelation | null>(null);
  /** Bumped when committed rows change what the grid shows. */
  version = $state(0);
  /** The connection commits edits without the review step (its setting; the results panel keeps it current). */
  skipReview = false;
  /** How many rows commits inserted (shown on top). */
  addedCount = $state(0);
  readonly pending = new Pending();
  readonly editor: RowEditor;
  readonly overlay = new Overlay();
  #index: number[] = [];
  /** Whole rows of the result as fetched, by position in the result (or its sorted, filtered view). */
  #rows = new Map<number, { row: CellText[]; truncated: number[] }>();
  #generation = -1;
  #closed = false;

  constructor(queryId: string, statement: number, inner: StatementRows) {
    this.queryId = queryId;
    this.statement = statement;
    this.inner = inner;
    const self = this;
    this.editor = new RowEditor(
      {
        get relation() {
          return self.relation;
        },
        get handle() {
          return self.table?.handle ?? null;
        },
        get skipReview() {
          return self.skipReview;
        },
        get display() {
          return isArrangeable(inner) ? arrangedOf(inner).order : null;
        },
        row: (pos) => this.#row(pos),
        committed: (res, changes) => this.#committed(res, changes),
        reload: (dropped) => this.#dropped(dropped),
      },
      this.pending,
      (row) => this.projectRow(row),
    );
  }

  get columns(): Column[] {
    return this.inner.columns;
  }

  /** The rows below the new rows as a paste reads them: rows commits inserted, then the result's. */
  readonly pasteRows: PasteRows = {
    ensure: async (lo, hi) => {
      await this.page(this.pending.state.inserts.length + lo, hi - lo);
    },
    at: (pos) => {
      const added = this.overlay.added;
      if (pos < added.length) return { row: added[pos]!, truncated: [] };
      const r = this.#rows.get(pos - added.length);
      if (!r || !this.relation) return r;
      const shown = this.overlay.shown(rowKey(this.relation, r.row), r.row);
      if (!shown) return 'removed';
      return shown === r.row ? r : { row: shown, truncated: [] };
    },
    end: () => (this.inner.done ? this.overlay.added.length + this.inner.total : -1),
    stamp: () => `${this.generation}:${this.version}`,
  };

  get total(): number {
    return this.pending.state.inserts.length + this.addedCount + this.inner.total;
  }

  get done(): boolean {
    return this.inner.done;
  }

  get generation(): number {
    return this.inner.generation ?? 0;
  }

  /** Asks the backend whether the result can be edited (once). */
  async check(): Promise<void> {
    if (this.state !== 'new') return;
    this.state = 'checking';
    try {
      const rt = await api.openResultTable(this.queryId, this.statement);
      if (this.#closed) {
        if (rt.table) void api.closeTable(rt.table.handle).catch(() => {});
        return;
      }
      if (rt.editable && rt.table?.relation) {
        const p = project(rt.table.relation, rt.columns ?? []);
        this.#index = p.index;
        this.relation = p.relation;
        this.table = rt.table;
        this.state = 'editable';
      } else {
        this.reason = rt.reason || 'the result cannot be edited';
        this.state = 'readonly';
      }
    } catch (e) {
      this.reason = e instanceof AppError ? e.info.message : String(e);
      this.state = 'readonly';
    }
  }

  /** Forgets the table on the server (a new run, the tab closed). */
  close(): void {
    this.#closed = true;
    const t = this.table;
    this.table = null;
    if (t) void api.closeTable(t.handle).catch(() => {});
  }

  /** A row of the table (in its column order) in the result's columns. */
  projectRow = (row: CellText[]): CellText[] => this.#index.map((i) => row[i] ?? null);

  /** How the grid marks row i: pending (inserted, deleted), or removed by a commit. */
  rowMark = (i: number): RowMark | undefined => {
    void this.version;
    const m = this.editor.rowMark(i);
    if (m) return m;
    const pos = i - this.pending.state.inserts.length - this.addedCount;
    const r = pos >= 0 ? this.#rows.get(pos) : undefined;
    return r && this.relation && this.overlay.removed.has(rowKey(this.relation, r.row)) ? 'removed' : undefined;
  };

  #row(pos: number): { row: CellText[]; truncated: readonly number[] } | undefined {
    const r = this.pasteRows.at(pos);
    return r === 'removed' ? undefined : r;
  }

  async #committed(res: TableCommitResult, changes: TableChange[]): Promise<void> {
    const relation = this.relation;
    if (!relation) return;
    const rows: (CellText[] | undefined)[] = changes.map(() => undefined);
    for (const x of res.rows) if (x.kind !== 'delete') rows[x.change] = this.projectRow(x.row);
    this.overlay.apply(changes, rows, (r) => rowKey(relation, r), (c) => changeKey(relation, c.old));
    this.addedCount = this.overlay.added.length;
    this.version++;
    this.editor.status = `${this.editor.status}. The rows you changed show their values as stored (re-read by the commit); the other rows are as the query returned them — run it again to read them all afresh.`;
  }

  /** A conflicting change was dropped: show the row as the server has it now (or as removed). */
  #dropped(d: DroppedRow | undefined): void {
    const relation = this.relation;
    if (!d || !relation) return;
    const change: TableChange = { id: '', kind: d.current ? 'update' : 'delete' };
    this.overlay.apply([change], [d.current ?? undefined], (r) => rowKey(relation, r), () => d.key);
    this.addedCount = this.overlay.added.length;
    this.version++;
  }

  async page(offset: number, limit: number, columns?: ColumnSpan): Promise<resultset.Page> {
    // Read-only (or not known yet): the result's rows as they are, by window of columns.
    if (this.state !== 'editable') return this.inner.page(offset, limit, columns);
    const gen = this.generation;
    if (gen !== this.#generation) {
      this.#rows.clear();
      this.#generation = gen;
    }
    const ins = this.pending.state.inserts.length;
    const added = this.overlay.added;
    const top = ins + added.length;
    const width = this.columns.length;
    const rows: CellText[][] = [];
    const truncated: { row: number; col: number; bytes: number }[] = [];
    for (let i = offset; i < offset + limit && i < top; i++) rows.push(i < ins ? Array<CellText>(width).fill(null) : [...added[i - ins]!]);
    const from = Math.max(0, offset - top);
    const want = offset + limit - Math.max(offset, top);
    if (want > 0) {
      // Whole rows: the key columns are needed to edit any cell of a row.
      const p = await this.inner.page(from, want);
      const cut = new Map<number, number[]>();
      for (const t of p.truncated ?? []) cut.set(t.row, [...(cut.get(t.row) ?? []), t.col]);
      p.rows.forEach((raw, k) => {
        const row = raw as CellText[];
        const kept = { row, truncated: cut.get(k) ?? [] };
        if (gen === this.generation) this.#keep(from + k, kept);
        const shown = this.relation ? this.overlay.shown(rowKey(this.relation, row), row) : row;
        if (shown === row) for (const col of kept.truncated) truncated.push({ row: rows.length, col, bytes: 0 });
        rows.push(shown ?? row);
      });
    }
    return { offset, firstColumn: 0, rows, truncated, total: this.total, done: this.done } as unknown as resultset.Page;
  }

  #keep(pos: number, r: { row: CellText[]; truncated: number[] }): void {
    this.#rows.delete(pos);
    this.#rows.set(pos, r);
    if (this.#rows.size > MAX_KEPT_ROWS) this.#rows.delete(this.#rows.keys().next().value!);
  }
}
