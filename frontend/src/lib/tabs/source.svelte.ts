import { api } from '../api';
import type { query, resultset } from '../../../wailsjs/go/models';

/**
 * QuerySource serves one statement's rows to the grid: total and done follow
 * the query's progress reactively; page() fetches from the backend's result
 * store by offset (rows are never all in JS memory). The first page that
 * arrives with query:progress is served from memory, so the first rows are
 * painted without another round trip.
 */
export class QuerySource {
  total = $state(0);
  done = $state(false);
  columns = $state.raw<resultset.Column[]>([]);
  private first: resultset.Page | null = null;
  private servedStreaming = false;

  constructor(
    readonly queryId: string,
    readonly statement: number,
    columns: resultset.Column[],
  ) {
    this.columns = columns;
  }

  update(rows: number, done: boolean): void {
    this.total = rows;
    this.done = done;
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
