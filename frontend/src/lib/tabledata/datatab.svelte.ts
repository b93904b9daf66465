// What a data tab keeps while it is open, also while another tab is shown:
// the open table, its filter and sort, the rows read so far and the pending
// changes. DataView shows it; the workspace owns it (EditorTab.data).
import { api, AppError, type ErrorInfo, type OpenTable, type TableFailure, type TableFilter, type TableSortKey } from '../api';
import { emptyDraft, fromFilter, toFilter, type FilterDraft } from './filter';
import { Pending } from './pending.svelte';
import { TableRows } from './rows.svelte';

/** What a data tab shows: a relation of a connection. */
export interface DataTarget {
  schema: string;
  name: string;
}

const asInfo = (e: unknown): ErrorInfo =>
  e instanceof AppError ? e.info : ({ kind: 'internal', title: 'Failed', message: String(e), hint: '' } as ErrorInfo);

export class TableTab {
  readonly target: DataTarget;
  readonly connectionId: string;
  table = $state.raw<OpenTable | null>(null);
  /** Why the table could not be opened (or the last page failed). */
  error = $state.raw<ErrorInfo | null>(null);
  rows = $state.raw<TableRows | null>(null);
  /** The filter as the builder shows it, and the one the rows were read with. */
  draft = $state<FilterDraft>(emptyDraft());
  filter = $state.raw<TableFilter>(toFilter(emptyDraft()));
  sort = $state.raw<TableSortKey[]>([]);
  readonly pending = new Pending();
  /** The last commit's failure: its row and cell are marked until the next commit or a change. */
  failure = $state.raw<TableFailure | null>(null);
  /** Bumped by Ctrl+S (file.save) in this tab: the view reviews and commits. */
  commitRequest = $state(0);

  #runner: ((id: string) => boolean) | null = null;

  constructor(connectionId: string, target: DataTarget) {
    this.connectionId = connectionId;
    this.target = target;
  }

  get relation() {
    return this.table?.relation ?? null;
  }

  /** Opens the table (again) and reads the first page with the remembered filter and sort. */
  async open(): Promise<void> {
    this.error = null;
    try {
      const info = await api.openTable({ connectionId: this.connectionId, schema: this.target.schema, name: this.target.name });
      this.table = info.table;
      if (info.view) {
        this.draft = fromFilter(info.view.filter);
        this.filter = toFilter(this.draft);
        this.sort = info.view.sort ?? [];
      }
      await this.load();
    } catch (e) {
      this.error = asInfo(e);
    }
  }

  /** Reads the rows again from the first page, with the current filter and sort. */
  async load(): Promise<void> {
    const t = this.table;
    if (!t) return;
    const rows = new TableRows(t, this.filter, this.sort, () => this.pending.state.inserts.length);
    this.rows?.dispose();
    this.rows = rows;
    try {
      await rows.start();
      if (this.rows === rows) this.error = null;
    } catch (e) {
      if (this.rows === rows) this.error = asInfo(e);
      throw e;
    }
  }

  /** Applies a filter and sort, remembers them for the connection and reads the first page. */
  async apply(filter: TableFilter, sort: TableSortKey[]): Promise<void> {
    this.filter = filter;
    this.sort = sort;
    const t = this.table;
    if (t) void api.saveTableView(t.handle, { filter, sort }).catch(() => {});
    await this.load();
  }

  /** The shown view binds its command handler (the data.* commands of catalogue.json); returns the unbind. */
  bind(runner: (id: string) => boolean): () => void {
    this.#runner = runner;
    return () => {
      if (this.#runner === runner) this.#runner = null;
    };
  }

  /** Runs a data.* command in the shown view; false when the tab is not shown. */
  run(id: string): boolean {
    return this.#runner?.(id) ?? false;
  }

  /** Closes the table on the server (the tab is closing). */
  close(): void {
    const t = this.table;
    this.table = null;
    this.rows?.dispose();
    if (t) void api.closeTable(t.handle).catch(() => {});
  }
}
