import { api, AppError, Kind, type ErrorInfo } from '../api';
import type { query, resultset } from '../../../wailsjs/go/models';
import { normalize, sameShape, shownColumns, type ColumnLayout } from '../results/layout';
import { emptyView, isPlain, keepsAllRows, sameRows, sameSpec, specOf, type ViewState } from '../results/view';

/** The column layout of an earlier result, and its columns (a result of the same shape may take it). */
export interface KeptLayout {
  columns: resultset.Column[];
  layout: ColumnLayout;
}

/**
 * QuerySource serves one statement's rows to the grid: total and done follow
 * the query's progress reactively; page() fetches from the backend's result
 * store by offset (rows are never all in JS memory). The first page that
 * arrives with query:progress is served from memory, so the first rows are
 * painted without another round trip.
 *
 * Once the statement is done, setView() sorts and filters its rows in the
 * backend's result store (SetResultView); pages then come in the view's
 * order, total counts the view's rows and generation tells the grid to drop
 * the rows it holds.
 *
 * arrange() hides and moves columns: the grid follows wanted.columns at
 * once (through ArrangedSource, pages stay in result columns), and the
 * backend's view gets them once the statement is done, so exports write
 * the columns shown.
 */
export class QuerySource {
  /** Rows the grid shows: the result's, or the view's while one is set. */
  total = $state(0);
  done = $state(false);
  columns = $state.raw<resultset.Column[]>([]);
  /** Rows of the result, whatever the view keeps. */
  rows = $state(0);
  /** The sort and filters shown (the last the backend applied). */
  view = $state.raw<ViewState>(emptyView);
  /** The sort and filters asked for last: the view, or one being built. */
  wanted = $state.raw<ViewState>(emptyView);
  /** Bumped when the rows change order or membership: the grid drops its cache. */
  generation = $state(0);
  /** A view is being built. */
  viewing = $state(false);
  viewError = $state.raw<ErrorInfo | null>(null);
  private first: resultset.Page | null = null;
  /** The view the backend's result store has (what setView asked for last, successfully). */
  private applied: ViewState = emptyView;
  private viewSeq = 0;
  private servedStreaming = false;

  constructor(
    readonly queryId: string,
    readonly statement: number,
    columns: resultset.Column[],
  ) {
    this.columns = columns;
  }

  update(rows: number, done: boolean): void {
    const finished = done && !this.done;
    this.rows = rows;
    if (keepsAllRows(this.view)) this.total = rows;
    this.done = done;
    // A layout kept from the previous run: the backend can take it now.
    if (finished && !sameSpec(this.wanted, this.applied)) void this.setView(this.wanted);
  }

  /** arrange shows the columns of layout (source indices in display order; null: all). */
  arrange(layout: ColumnLayout): void {
    const v = { ...this.wanted, columns: layout && normalize(shownColumns(layout, this.columns.length), this.columns.length) };
    if (this.done) {
      void this.setView(v);
      return;
    }
    this.wanted = v;
    this.view = v;
  }

  /** keepLayout takes the column layout of an earlier result of the statement when its columns are the same. */
  keepLayout(prev: KeptLayout | undefined): void {
    const layout = prev?.layout ?? null;
    if (!layout || !sameShape(prev!.columns, this.columns)) return;
    this.wanted = { ...this.wanted, columns: layout };
    this.view = { ...this.view, columns: layout };
  }

  /**
   * setView asks the backend for the rows of view v and shows them; a newer
   * call wins over one still being built. On failure the rows stay as they
   * were and viewError says why.
   */
  async setView(v: ViewState): Promise<void> {
    this.wanted = v;
    if (sameSpec(v, this.applied)) {
      this.viewSeq++; // a request still being built is outdated
      this.viewing = false;
      this.view = v; // a filter still being typed, or back to what is shown: nothing to ask
      return;
    }
    const seq = ++this.viewSeq;
    this.viewing = true;
    this.viewError = null;
    try {
      const req = { queryId: this.queryId, statement: this.statement };
      if (isPlain(v)) {
        const info = await api.clearResultView(req);
        if (seq !== this.viewSeq) return;
        this.first = null;
        this.total = info.rows;
      } else {
        const r = await api.setResultView({ ...req, spec: specOf(v), firstPage: 200 });
        if (seq !== this.viewSeq) return;
        this.first = r.page;
        this.total = r.info.rows;
      }
      const moved = !sameRows(v, this.applied);
      this.applied = v;
      this.view = v;
      if (moved) this.generation++; // a change of columns only: the rows stay
    } catch (e) {
      if (seq !== this.viewSeq) return;
      this.wanted = this.view;
      if (e instanceof AppError && e.kind === Kind.Cancelled) return;
      this.viewError = e instanceof AppError ? e.info : ({ kind: 'internal', title: 'Not sorted', message: String(e) } as ErrorInfo);
    } finally {
      if (seq === this.viewSeq) this.viewing = false;
    }
  }

  page(offset: number, limit: number, columns?: { first: number; count: number }): Promise<resultset.Page> {
    const first = this.first;
    // Whole rows of the first page, or the window of columns asked for.
    const cut = (rows: string[][]) =>
      columns ? rows.map((r) => r.slice(columns.first, columns.first + columns.count)) : rows;
    const firstColumn = columns?.first ?? 0;
    // A window inside the first page, or one that starts at 0 while the
    // backend has not more rows than the first page (a short page is fine:
    // the grid fetches again when more rows exist).
    if (first && offset === 0 && (limit <= first.rows.length || this.total <= first.rows.length)) {
      return Promise.resolve({ ...first, firstColumn, rows: cut(first.rows.slice(0, limit)), total: this.total, done: this.done } as resultset.Page);
    }
    if (first && offset === 0 && !this.done && first.rows.length > 0 && !this.servedStreaming) {
      // Still streaming: paint what is here now, once; the grid asks again
      // for the block when more rows exist, and the backend serves it.
      this.servedStreaming = true;
      return Promise.resolve({ ...first, firstColumn, rows: cut(first.rows), total: this.total, done: false } as resultset.Page);
    }
    return api.resultPage({
      queryId: this.queryId,
      statement: this.statement,
      offset,
      limit,
      firstColumn,
      columns: columns?.count ?? 0,
    });
  }

  static fromProgress(p: query.Progress): QuerySource {
    const s = new QuerySource(p.queryId, p.statement, p.columns);
    s.first = p.firstPage ?? null;
    s.update(p.rows, false);
    return s;
  }
}
