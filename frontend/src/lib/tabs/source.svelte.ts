import { api } from '../api';
import type { query, resultset } from '../../../wailsjs/go/models';

/**
 * QuerySource serves one statement's rows to the grid: total and done follow
 * the query's progress reactively; page() fetches from the backend's result
 * store by offset (rows are never all in JS memory).
 */
export class QuerySource {
  total = $state(0);
  done = $state(false);
  columns = $state.raw<resultset.Column[]>([]);

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

  page(offset: number, limit: number): Promise<resultset.Page> {
    return api.resultPage({ queryId: this.queryId, statement: this.statement, offset, limit });
  }

  static fromProgress(p: query.Progress): QuerySource {
    const s = new QuerySource(p.queryId, p.statement, p.columns);
    s.update(p.rows, false);
    return s;
  }
}
