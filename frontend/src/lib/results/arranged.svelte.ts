import type { resultset } from '../../../wailsjs/go/models';
import type { Column, ColumnSpan, RowSource } from './grid.svelte';
import { runsOf, shownColumns } from './layout';
import type { Arrangeable } from './view';

/**
 * ArrangedSource shows an arrangeable result through its column layout: the
 * grid sees only the columns shown, in display order, and everything it
 * does by column (selection, copy, the record view, the cell viewer) is in
 * display positions. Pages are fetched from the result in source columns,
 * one request per run of consecutive columns, and put in display order.
 *
 * `order` (display → source column) changes identity only when the layout
 * does: the grid then drops the rows it holds and keeps each column's width.
 *
 * With `rows`, the rows come from there instead, whole (one request a page):
 * an editable result's rows (ResultEdit), which carry new and committed rows
 * and need every column of a row to edit any cell of it. The layout stays
 * the result's.
 */
export class ArrangedSource implements RowSource {
  readonly inner: Arrangeable;
  readonly rows: RowSource;
  #last: number[] = [];
  /** The source column of each display position. */
  readonly order: number[] = $derived.by(() => {
    const next = shownColumns(this.inner.wanted.columns ?? null, this.inner.columns.length);
    if (next.length === this.#last.length && next.every((c, i) => c === this.#last[i])) return this.#last;
    this.#last = next;
    return next;
  });
  readonly columns: Column[] = $derived(this.order.map((c) => this.inner.columns[c]!));

  constructor(inner: Arrangeable, rows?: RowSource) {
    this.inner = inner;
    this.rows = rows ?? inner;
  }

  get total(): number {
    return this.rows.total;
  }

  get done(): boolean {
    return this.rows.done;
  }

  get generation(): number {
    return this.rows.generation ?? 0;
  }

  async page(offset: number, limit: number, span?: ColumnSpan): Promise<resultset.Page> {
    const order = this.order;
    const first = Math.max(0, span?.first ?? 0);
    const want = order.slice(first, span ? first + span.count : order.length);
    const whole = this.rows !== this.inner;
    const runs = whole ? [{ first: 0, count: this.inner.columns.length }] : runsOf(want);
    if (runs.length === 0) runs.push({ first: 0, count: 1 }); // no columns: the rows only
    const pages = await Promise.all(whole ? [this.rows.page(offset, limit)] : runs.map((r) => this.inner.page(offset, limit, r)));
    const n = Math.min(...pages.map((p) => p.rows?.length ?? 0));
    // For each display column: its page and where its cell sits in that page's rows.
    const picks = want.map((c) => {
      const k = runs.findIndex((r) => c >= r.first && c < r.first + r.count);
      return { k, at: c - (pages[k]!.firstColumn ?? 0) };
    });
    const rows: (string | null)[][] = [];
    for (let i = 0; i < n; i++) rows.push(picks.map(({ k, at }) => pages[k]!.rows[i]![at] ?? null));
    const position = new Map(want.map((c, d) => [c, first + d]));
    const truncated: resultset.Truncation[] = [];
    for (const p of pages) {
      for (const t of p.truncated ?? []) {
        const col = position.get(t.col);
        if (col !== undefined && t.row < n) truncated.push({ row: t.row, col, bytes: t.bytes } as resultset.Truncation);
      }
    }
    const head = pages[0]!;
    return { ...head, offset, firstColumn: first, rows: rows as string[][], truncated } as resultset.Page;
  }
}

const arranged = new WeakMap<RowSource, ArrangedSource>();

/**
 * arrangedOf is the one ArrangedSource of a result, or of a result's rows
 * read whole from `rows` (the grid keeps its rows while the source object
 * is the same).
 */
export function arrangedOf(s: Arrangeable, rows?: RowSource): ArrangedSource {
  const by = rows ?? s;
  let a = arranged.get(by);
  if (!a || a.inner !== s) {
    a = new ArrangedSource(s, rows);
    arranged.set(by, a);
  }
  return a;
}
