// The grid's rows of a data tab, read lazily through TablePage. The grid
// asks by offset; the table is read by keyset cursor (after the last row of
// a loaded page, before the first of one), from the start or the end, and
// only a jump to rows far from anything loaded reads by OFFSET. New rows of
// the pending changes come first, above the table's rows.
import { api, type CellText, type OpenTable, type TableCursor, type TableFilter, type TablePage, type TableSeek, type TableSortKey } from '../api';
import type { Column, ColumnSpan, RowSource } from '../results/grid.svelte';
import type { resultset } from '../../../wailsjs/go/models';

/** Rows read per round trip (at least; the grid may ask for more). */
export const PAGE_ROWS = 200;
/** The most rows one request asks for. */
const MAX_PAGE_ROWS = 1000;
/** Loaded rows kept; beyond it, those farthest from the last read are dropped (and read again when needed). */
export const MAX_LOADED_ROWS = 20_000;

export class TableRows implements RowSource {
  readonly columns: Column[];
  /** Rows the table has under the filter: exact once endKnown, else the planner's estimate (or what is loaded). */
  serverTotal = $state(0);
  /** The end was reached (or the rows were counted): serverTotal is exact. */
  endKnown = $state(false);
  /** Rows at the end were placed by an estimated total: their numbers are approximate. */
  approximate = $state(false);
  /** The planner's estimate of the filtered rows, -1 until known. */
  estimate = $state(-1);
  /** The first page has arrived (or failed). */
  ready = $state(false);
  error = $state.raw<unknown>(null);
  /** Bumped when loaded rows change in place (after a commit). */
  version = $state(0);

  readonly table: OpenTable;
  readonly filter: TableFilter;
  readonly sort: TableSortKey[];
  readonly #inserted: () => number;
  #rows = new Map<number, CellText[]>();
  #truncated = new Map<number, number[]>();
  #first = new Map<number, TableCursor>();
  #last = new Map<number, TableCursor>();
  #loading: Promise<void> = Promise.resolve();
  /** Page reads under way, by job ID: dispose() stops them on the server. */
  #reading = new Set<string>();

  constructor(table: OpenTable, filter: TableFilter, sort: TableSortKey[], inserted: () => number) {
    this.table = table;
    this.filter = filter;
    this.sort = sort;
    this.#inserted = inserted;
    this.columns = (table.relation?.columns ?? []).map(
      (c) => ({ name: c.name, typeOid: c.typeOid, typeName: c.type, typeCategory: '' }) as Column,
    );
  }

  get total(): number {
    return this.#inserted() + this.serverTotal;
  }

  get done(): boolean {
    return this.endKnown;
  }

  /** Reads the first page with the planner's estimate. */
  async start(): Promise<void> {
    try {
      const p = await this.#fetch({ to: 'first', cursor: null }, PAGE_ROWS, true);
      this.estimate = p.estimate;
      this.#store(0, p);
      if (!p.atEnd) this.serverTotal = Math.max(p.estimate, this.serverTotal);
    } catch (e) {
      this.error = e;
      throw e;
    } finally {
      this.ready = true;
    }
  }

  /** The loaded table row at a server position. */
  row(pos: number): CellText[] | undefined {
    return this.#rows.get(pos);
  }

  /** Columns of a loaded row whose text was cut. */
  truncated(pos: number): number[] {
    return this.#truncated.get(pos) ?? [];
  }

  /** Takes an exact row count (CountTableRows): the total is now known. */
  counted(n: number): void {
    this.serverTotal = n;
    this.endKnown = true;
    for (const k of this.#rows.keys()) if (k >= n) this.#rows.delete(k);
  }

  /** Reads the last page, so the grid can go to the last row; resolves when it is loaded. */
  async seekLast(): Promise<void> {
    if (this.endKnown) return this.ensure(this.serverTotal - PAGE_ROWS, this.serverTotal);
    const p = await this.#fetch({ to: 'last', cursor: null }, PAGE_ROWS, false);
    const n = p.rows.length;
    let loadedEnd = 0;
    for (const k of this.#rows.keys()) loadedEnd = Math.max(loadedEnd, k + 1);
    const start = p.exact ? p.position : Math.max(loadedEnd, this.serverTotal - n);
    this.approximate = !p.exact;
    this.#store(start, p);
    this.serverTotal = start + n;
    this.endKnown = true;
  }

  /** Replaces loaded rows with what a commit re-read, found by their key; returns how many were found. */
  replace(rows: CellText[][], keyOf: (row: readonly CellText[]) => string): number {
    const want = new Map(rows.map((r) => [keyOf(r), r]));
    let found = 0;
    for (const [pos, r] of this.#rows) {
      const fresh = want.get(keyOf(r));
      if (fresh) {
        this.#rows.set(pos, fresh);
        this.#truncated.delete(pos);
        found++;
      }
    }
    if (found) this.version++;
    return found;
  }

  async page(offset: number, limit: number, _columns?: ColumnSpan): Promise<resultset.Page> {
    const ins = this.#inserted();
    const from = Math.max(0, offset - ins);
    const to = offset + limit - ins;
    if (to > from) await this.ensure(from, to);
    const rows: CellText[][] = [];
    const truncated: { row: number; col: number; bytes: number }[] = [];
    for (let i = offset; i < offset + limit && i < this.total; i++) {
      if (i < ins) {
        rows.push(this.columns.map(() => null));
        continue;
      }
      const r = this.#rows.get(i - ins);
      if (!r) break;
      for (const c of this.#truncated.get(i - ins) ?? []) truncated.push({ row: rows.length, col: c, bytes: 0 });
      rows.push(r);
    }
    return { offset, rows, truncated, total: this.total, done: this.endKnown } as unknown as resultset.Page;
  }

  /** Loads the table rows at positions [from, to), one request at a time. */
  ensure(from: number, to: number): Promise<void> {
    const run = this.#loading.then(() => this.#fill(Math.max(0, from), to));
    this.#loading = run.catch(() => {});
    return run;
  }

  async #fill(from: number, to: number): Promise<void> {
    for (let guard = 0; guard < 100; guard++) {
      const end = this.endKnown ? Math.min(to, this.serverTotal) : to;
      let p = from;
      while (p < end && this.#rows.has(p)) p++;
      if (p >= end) return;
      let stop = p;
      while (stop < end && !this.#rows.has(stop)) stop++;
      const want = Math.min(MAX_PAGE_ROWS, Math.max(PAGE_ROWS, stop - p));
      const after = this.#last.get(p - 1);
      const before = this.#rows.has(stop) ? this.#first.get(stop) : undefined;
      let page: TablePage;
      let start: number;
      if (p === 0) {
        page = await this.#fetch({ to: 'first', cursor: null }, want, false);
        start = 0;
      } else if (after) {
        page = await this.#fetch({ to: 'after', cursor: after }, want, false);
        start = p;
      } else if (before && stop - p <= MAX_PAGE_ROWS) {
        page = await this.#fetch({ to: 'before', cursor: before }, stop - p, false);
        start = stop - page.rows.length;
      } else {
        page = await this.#fetch({ to: 'offset', cursor: null, offset: p }, want, false);
        start = p;
      }
      this.#store(start, page);
      if (page.rows.length === 0) return;
    }
  }

  async #fetch(seek: Omit<TableSeek, 'fraction' | 'offset'> & { offset?: number }, limit: number, estimate: boolean): Promise<TablePage> {
    const job = `page-${crypto.randomUUID()}`;
    this.#reading.add(job);
    try {
      return await api.tablePage(
        this.table.handle,
        {
          filter: this.filter,
          sort: this.sort,
          seek: { fraction: 0, offset: 0, ...seek },
          limit,
          total: this.endKnown ? this.serverTotal : 0,
          totalExact: this.endKnown && !this.approximate,
          estimate,
        },
        job,
      );
    } finally {
      this.#reading.delete(job);
    }
  }

  /**
   * Stops the page reads under way (the filter or sort changed, the tab
   * closed): a slow read must not keep a server busy, and a pooled
   * connection held, for rows nobody will see.
   */
  dispose(): void {
    for (const job of this.#reading) void api.cancelJob(job).catch(() => {});
    this.#reading.clear();
  }

  #store(start: number, p: TablePage): void {
    const n = p.rows.length;
    p.rows.forEach((r, i) => this.#rows.set(start + i, r));
    for (const t of p.truncated ?? []) {
      const list = this.#truncated.get(start + t.row) ?? [];
      list.push(t.col);
      this.#truncated.set(start + t.row, list);
    }
    if (p.first) this.#first.set(start, p.first);
    if (p.last && n > 0) this.#last.set(start + n - 1, p.last);
    if (p.atEnd) {
      this.serverTotal = start + n;
      this.endKnown = true;
      for (const k of this.#rows.keys()) if (k >= start + n) this.#rows.delete(k);
    } else if (start + n >= this.serverTotal) {
      // More rows than estimated: let the grid scroll on.
      this.serverTotal = start + n + PAGE_ROWS;
    }
    this.error = null;
    if (this.#rows.size > MAX_LOADED_ROWS) this.#evict(start + n / 2);
  }

  /** Drops the loaded rows farthest from `near` (with their cursors), down to 80 % of the cap. */
  #evict(near: number): void {
    const far = [...this.#rows.keys()].sort((a, b) => Math.abs(b - near) - Math.abs(a - near));
    for (const k of far.slice(0, this.#rows.size - Math.floor(MAX_LOADED_ROWS * 0.8))) {
      this.#rows.delete(k);
      this.#truncated.delete(k);
      this.#first.delete(k);
      this.#last.delete(k);
    }
  }
}
