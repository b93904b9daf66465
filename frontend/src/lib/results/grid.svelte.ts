// Windowing math, the page cache and the column widths of the results grid.
//
// WebKitGTK stops painting content placed beyond ~16.7M px of scroll offset
// (RECIPES.md, "Frontend"), so the grid never lays rows out at their true
// offset: the scroller's spacer is capped at MAX_SCROLL px and scrollTop maps
// linearly onto the first visible row, while rows are drawn inside a sticky
// layer the size of the viewport. The logical position (`topRow`, a fractional
// row number) is the source of truth; scrollTop is derived from it, so a
// growing row count (results still streaming) never moves what is on screen.
import type { resultset } from '../../../wailsjs/go/models';

export type Column = resultset.Column;
export type Cell = string | null;
export type Row = Cell[];

/**
 * Where the grid reads its rows from. The caller implements it over
 * `api.resultPage` (or uses {@link LiveRowSource}).
 *
 * Contract:
 * - `total` and `done` are read inside the grid's reactive context: make them
 *   `$state` fields of a class (as LiveRowSource does) and the grid follows a
 *   streaming result (the row count grows, the scroll position stays put).
 *   A plain object works too; then call the grid's `refresh()` after a change.
 * - A new result is a new source object: the grid drops its cache, selection
 *   and widths when `source` changes identity. `columns` may be replaced by
 *   the same columns with more type information (the backend names some
 *   types only after the statement's rows; make it `$state.raw` to follow);
 *   widths and selection stay.
 * - `page(offset, limit)` resolves to at most `limit` rows starting at
 *   `offset` (fewer at the current end while the result streams). Cells are
 *   the PostgreSQL text form or null for SQL NULL; `truncated[].row` indexes
 *   `page.rows`. It may reject; the grid shows the error and retries on
 *   `refresh()`.
 */
export interface RowSource {
  readonly total: number;
  readonly done: boolean;
  readonly columns: Column[];
  page(offset: number, limit: number): Promise<resultset.Page>;
}

/** A RowSource with reactive total/done/columns; `page()` also adopts the totals a page reports. */
export class LiveRowSource implements RowSource {
  total = $state(0);
  done = $state(false);
  /** Replaced (same names and count) when the type names arrive after the first page. */
  columns = $state.raw<Column[]>([]);
  readonly #fetch: (offset: number, limit: number) => Promise<resultset.Page>;

  constructor(columns: Column[], fetch: (offset: number, limit: number) => Promise<resultset.Page>, total = 0, done = false) {
    this.columns = columns;
    this.#fetch = fetch;
    this.total = total;
    this.done = done;
  }

  /** Called by the owner on query:progress / query:done. */
  update(total: number, done: boolean): void {
    if (total > this.total || done) this.total = total;
    this.done = done;
  }

  async page(offset: number, limit: number): Promise<resultset.Page> {
    const p = await this.#fetch(offset, limit);
    this.update(Math.max(this.total, p.total), p.done);
    return p;
  }
}

export const ROW_HEIGHT = 24;
export const MAX_SCROLL = 8_000_000;
export const OVERSCAN = 4;
/** Hard cap on rendered rows, whatever the viewport claims (a WebKitGTK first paint may measure 0 or huge). */
export const MAX_RENDERED_ROWS = 120;

export interface Metrics {
  total: number;
  rowHeight: number;
  /** Height of the row area (excluding the header), px. */
  viewport: number;
}

/** Height of the scroll spacer for the rows: the true height, capped. */
export function spacerHeight(m: Metrics): number {
  return Math.min(m.total * m.rowHeight, MAX_SCROLL);
}

export function isCapped(m: Metrics): boolean {
  return m.total * m.rowHeight > MAX_SCROLL;
}

/** Rows that fit in the viewport (fractional). */
export function visibleRows(m: Metrics): number {
  return Math.max(0, m.viewport / m.rowHeight);
}

/** The largest topRow: the last row's bottom edge touches the viewport's bottom. */
export function maxTopRow(m: Metrics): number {
  return Math.max(0, m.total - visibleRows(m));
}

export function maxScrollTop(m: Metrics): number {
  return Math.max(0, spacerHeight(m) - m.viewport);
}

export function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

/** Maps a scrollTop to the (fractional) row at the top of the viewport. */
export function topRowAt(scrollTop: number, m: Metrics): number {
  const maxTop = maxTopRow(m);
  if (!isCapped(m)) return clamp(scrollTop / m.rowHeight, 0, maxTop);
  const range = maxScrollTop(m);
  if (range <= 0) return 0;
  return clamp((scrollTop / range) * maxTop, 0, maxTop);
}

/** Inverse of topRowAt. */
export function scrollTopFor(topRow: number, m: Metrics): number {
  const maxTop = maxTopRow(m);
  const t = clamp(topRow, 0, maxTop);
  if (!isCapped(m)) return t * m.rowHeight;
  if (maxTop <= 0) return 0;
  return (t / maxTop) * maxScrollTop(m);
}

/** The topRow that shows row i entirely, moving as little as possible from `current`. */
export function topRowToShow(i: number, current: number, m: Metrics): number {
  const vis = visibleRows(m);
  let top = current;
  if (i < top) top = i;
  else if (i + 1 > top + vis) top = i + 1 - vis;
  return clamp(top, 0, maxTopRow(m));
}

export interface RowWindow {
  /** First rendered row (inclusive, overscan included). */
  start: number;
  /** End of the rendered rows (exclusive). */
  end: number;
  /** First / last rows at least partly visible. */
  firstVisible: number;
  lastVisible: number;
}

/** The rows to render for a topRow. */
export function rowWindow(topRow: number, m: Metrics, overscan = OVERSCAN): RowWindow {
  if (m.total <= 0) return { start: 0, end: 0, firstVisible: 0, lastVisible: -1 };
  const top = clamp(topRow, 0, maxTopRow(m));
  const firstVisible = Math.min(m.total - 1, Math.floor(top));
  const lastVisible = clamp(Math.ceil(top + visibleRows(m)) - 1, firstVisible, m.total - 1);
  const start = Math.max(0, firstVisible - overscan);
  const end = Math.min(m.total, lastVisible + 1 + overscan, start + MAX_RENDERED_ROWS);
  return { start, end, firstVisible, lastVisible };
}

/** Position of row i relative to the top of the row area (never its true offset). */
export function rowY(i: number, topRow: number, rowHeight: number): number {
  return (i - topRow) * rowHeight;
}

// ---------------------------------------------------------------------------
// Column windowing
//
// Columns are laid out at their true x (a result has at most 1,664 columns,
// far below the paint limit), so horizontal scrolling stays native. Only the
// columns under the viewport, plus a few either side, are rendered; a
// leading pad holds the place of those to the left.

export const COL_OVERSCAN = 2;
/** Hard cap on rendered columns, whatever the viewport claims. */
export const MAX_RENDERED_COLS = 150;

/** offsets[c] is the left edge of column c from the first column's; offsets[n] is the total width. */
export function columnOffsets(widths: readonly number[]): number[] {
  const out = new Array<number>(widths.length + 1);
  let x = 0;
  out[0] = 0;
  for (let c = 0; c < widths.length; c++) {
    x += widths[c] ?? 0;
    out[c + 1] = x;
  }
  return out;
}

/** The column under x (clamped to the first and last column); -1 without columns. */
export function columnAt(x: number, offsets: readonly number[]): number {
  const n = offsets.length - 1;
  if (n <= 0) return -1;
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (offsets[mid]! <= x) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

export interface ColumnWindow {
  /** First rendered column (inclusive, overscan included). */
  start: number;
  /** End of the rendered columns (exclusive). */
  end: number;
  /** First / last columns at least partly visible. */
  firstVisible: number;
  lastVisible: number;
}

/**
 * The columns to render when the data area (the viewport minus the row
 * gutter, `width` px) shows x ∈ [scrollLeft, scrollLeft + width).
 */
export function columnWindow(
  scrollLeft: number,
  width: number,
  offsets: readonly number[],
  overscan = COL_OVERSCAN,
): ColumnWindow {
  const n = offsets.length - 1;
  if (n <= 0) return { start: 0, end: 0, firstVisible: 0, lastVisible: -1 };
  const left = Math.max(0, scrollLeft);
  const firstVisible = columnAt(left, offsets);
  const right = left + Math.max(0, width);
  let lastVisible = columnAt(right, offsets);
  if (lastVisible > firstVisible && offsets[lastVisible]! >= right) lastVisible--;
  const start = Math.max(0, firstVisible - overscan);
  const end = Math.min(n, lastVisible + 1 + overscan, start + MAX_RENDERED_COLS);
  return { start, end, firstVisible, lastVisible };
}

/** The scrollLeft that shows column c whole (its left edge when wider than the view), moving as little as possible. */
export function scrollLeftToShow(c: number, current: number, width: number, offsets: readonly number[]): number {
  const n = offsets.length - 1;
  if (n <= 0) return 0;
  const col = clamp(c, 0, n - 1);
  const l = offsets[col]!;
  const r = offsets[col + 1]!;
  let x = current;
  if (l < x) x = l;
  else if (r > x + width) x = Math.min(l, r - width);
  return clamp(x, 0, Math.max(0, offsets[n]! - width));
}

// ---------------------------------------------------------------------------
// Page cache

export const BLOCK_SIZE = 500;
export const MAX_BLOCKS = 20;

interface Block {
  offset: number;
  rows: Row[];
  /** Indexes (row * ncols + col, relative to the block) of truncated cells → full byte length. */
  truncated: Map<number, number>;
}

/**
 * Fetches blocks of rows on demand: requests for a block are deduplicated
 * while in flight, and beyond `maxBlocks` the least recently used block is
 * dropped, so a huge result never lives in JS memory whole. A block that ended
 * at the result's end while it streamed is fetched again once more rows exist.
 */
export class PageCache {
  /** Bumped whenever a block arrives or the cache is cleared; read it to react. */
  version = $state(0);
  error = $state.raw<unknown>(null);

  readonly blockSize: number;
  readonly maxBlocks: number;
  #source: RowSource;
  #blocks = new Map<number, Block>();
  #inflight = new Map<number, Promise<void>>();
  #generation = 0;

  constructor(source: RowSource, blockSize = BLOCK_SIZE, maxBlocks = MAX_BLOCKS) {
    this.#source = source;
    this.blockSize = blockSize;
    this.maxBlocks = maxBlocks;
  }

  get source(): RowSource {
    return this.#source;
  }

  /** Number of blocks held (for tests and diagnostics). */
  get size(): number {
    return this.#blocks.size;
  }

  has(blockIndex: number): boolean {
    return this.#blocks.has(blockIndex);
  }

  /** Forgets everything (a new source, or refresh()). In-flight answers are ignored. */
  reset(source: RowSource = this.#source): void {
    this.#source = source;
    this.#blocks.clear();
    this.#inflight.clear();
    this.#generation++;
    this.error = null;
    this.version++;
  }

  /** Clears the error and wakes readers, so the grid asks again for what it lacks. */
  retry(): void {
    this.error = null;
    this.version++;
  }

  #complete(b: Block): boolean {
    return b.rows.length >= this.blockSize || b.offset + b.rows.length >= this.#source.total;
  }

  /** Requests the blocks covering rows [start, end); resolves when they are loaded. */
  ensure(start: number, end: number): Promise<void> {
    const total = this.#source.total;
    end = Math.min(end, total);
    if (end <= start) return Promise.resolve();
    const first = Math.floor(start / this.blockSize);
    const last = Math.floor((end - 1) / this.blockSize);
    const waits: Promise<void>[] = [];
    for (let b = first; b <= last; b++) {
      const have = this.#blocks.get(b);
      if (have) {
        this.#touch(b, have);
        if (this.#complete(have)) continue;
      }
      waits.push(this.#load(b));
    }
    return Promise.all(waits).then(() => undefined);
  }

  #touch(index: number, block: Block): void {
    this.#blocks.delete(index);
    this.#blocks.set(index, block);
  }

  #load(index: number): Promise<void> {
    const pending = this.#inflight.get(index);
    if (pending) return pending;
    const gen = this.#generation;
    const offset = index * this.blockSize;
    const p = this.#source
      .page(offset, this.blockSize)
      .then((page) => {
        if (gen !== this.#generation) return;
        const rows = (page.rows ?? []) as unknown as Row[];
        const truncated = new Map<number, number>();
        const width = this.#source.columns.length;
        for (const t of page.truncated ?? []) truncated.set(t.row * width + t.col, t.bytes);
        this.#blocks.set(index, { offset, rows, truncated });
        this.#touch(index, this.#blocks.get(index)!);
        this.#evict(index);
        this.error = null;
        this.version++;
      })
      .catch((err: unknown) => {
        if (gen !== this.#generation) return;
        this.error = err;
      })
      .finally(() => {
        if (this.#inflight.get(index) === p) this.#inflight.delete(index);
      });
    this.#inflight.set(index, p);
    return p;
  }

  #evict(keep: number): void {
    for (const key of this.#blocks.keys()) {
      if (this.#blocks.size <= this.maxBlocks) break;
      if (key !== keep) this.#blocks.delete(key);
    }
  }

  /** Row i if its block is loaded (does not fetch). Reactive through `version`. */
  row(i: number): Row | undefined {
    void this.version;
    const b = this.#blocks.get(Math.floor(i / this.blockSize));
    return b?.rows[i - b.offset];
  }

  /** Full byte length of cell (i, col) when the page truncated it, else undefined. */
  truncatedBytes(i: number, col: number): number | undefined {
    void this.version;
    const b = this.#blocks.get(Math.floor(i / this.blockSize));
    if (!b) return undefined;
    return b.truncated.get((i - b.offset) * this.#source.columns.length + col);
  }

  /**
   * Rows [start, end) for copying a selection: loaded blocks are reused, missing
   * ones are fetched straight from the source without entering the cache (so a
   * large copy does not evict the rows on screen).
   */
  async rows(start: number, end: number): Promise<Row[]> {
    const out: Row[] = [];
    for (let s = start; s < end; ) {
      const index = Math.floor(s / this.blockSize);
      const offset = index * this.blockSize;
      const blockEnd = Math.min(end, offset + this.blockSize);
      const have = this.#blocks.get(index);
      const rows =
        have && this.#complete(have)
          ? have.rows
          : ((await this.#source.page(offset, this.blockSize)).rows as unknown as Row[] | null) ?? [];
      for (let i = s; i < blockEnd; i++) {
        const r = rows[i - offset];
        if (!r) return out; // past the end
        out.push(r);
      }
      s = blockEnd;
    }
    return out;
  }
}

// ---------------------------------------------------------------------------
// Column widths

export const MIN_COL_WIDTH = 48;
export const MAX_INITIAL_COL_WIDTH = 360;
/** Widest a column may be dragged. */
export const MAX_COL_WIDTH = 4000;
const CHAR_WIDTH = 7.8; // ≈ 13px monospace
const CELL_PADDING = 18;

/** Display form of a cell: newlines shown as ↵, tabs as spaces, capped for layout. */
export function displayValue(v: string, max = 1000): string {
  const s = v.length > max ? v.slice(0, max) : v;
  return s.replace(/\r\n|\r|\n/g, '↵').replace(/\t/g, '    ');
}

/** Initial width of each column from its header text and the given rows. */
export function initialWidths(columns: Column[], rows: readonly Row[]): number[] {
  return columns.map((c, col) => {
    // Header: the type icon, the name, a gap, the type name (smaller).
    let chars = 2.5 + c.name.length + ((c.typeName?.length ?? 0) * 0.85 + 1);
    for (const r of rows) {
      const v = r[col];
      const len = v === null || v === undefined ? 4 : Math.min(v.length, 80);
      if (len > chars) chars = len;
    }
    return clamp(Math.ceil(chars * CHAR_WIDTH + CELL_PADDING), MIN_COL_WIDTH, MAX_INITIAL_COL_WIDTH);
  });
}

export class ColumnWidths {
  widths = $state.raw<number[]>([]);
  /** Prefix sums of the widths (see columnOffsets). */
  offsets = $derived(columnOffsets(this.widths));
  /** True once widths were computed from content (not only from the header). */
  fromContent = false;

  init(columns: Column[], rows: readonly Row[] = []): void {
    this.widths = initialWidths(columns, rows);
    this.fromContent = rows.length > 0;
  }

  resize(col: number, width: number): void {
    if (col < 0 || col >= this.widths.length) return;
    const next = [...this.widths];
    next[col] = clamp(Math.round(width), MIN_COL_WIDTH, MAX_COL_WIDTH);
    this.widths = next;
  }

  get total(): number {
    return this.offsets[this.offsets.length - 1] ?? 0;
  }
}

// ---------------------------------------------------------------------------
// Selection

export interface CellPos {
  row: number;
  col: number;
}

export interface Range {
  r0: number;
  r1: number;
  c0: number;
  c1: number;
}

/** A rectangular selection between an anchor and the active cell. */
export class Selection {
  anchor = $state<CellPos | null>(null);
  active = $state<CellPos | null>(null);

  get range(): Range | null {
    const a = this.anchor;
    const b = this.active;
    if (!a || !b) return null;
    return {
      r0: Math.min(a.row, b.row),
      r1: Math.max(a.row, b.row),
      c0: Math.min(a.col, b.col),
      c1: Math.max(a.col, b.col),
    };
  }

  set(anchor: CellPos, active: CellPos = anchor): void {
    this.anchor = anchor;
    this.active = active;
  }

  /** Moves the active cell; `extend` keeps the anchor (Shift). */
  moveTo(pos: CellPos, extend: boolean): void {
    if (!extend || !this.anchor) this.anchor = pos;
    this.active = pos;
  }

  clear(): void {
    this.anchor = null;
    this.active = null;
  }

  contains(row: number, col: number): boolean {
    const r = this.range;
    return r !== null && row >= r.r0 && row <= r.r1 && col >= r.c0 && col <= r.c1;
  }
}

// ---------------------------------------------------------------------------
// Keyboard navigation

export interface NavBounds {
  rows: number;
  cols: number;
  /** Rows a PageUp/PageDown moves. */
  page: number;
}

/**
 * Where a navigation key moves the active cell from `at`, or null when the
 * key does not navigate. `mod` is Ctrl (Cmd on macOS): Ctrl+Home/End go to
 * the first/last cell of the result, Ctrl+arrows to the edge in that
 * direction. Shift is the caller's business (it extends the selection).
 */
export function navigate(key: string, mod: boolean, at: CellPos, b: NavBounds): CellPos | null {
  if (b.rows <= 0 || b.cols <= 0) return null;
  const lastRow = b.rows - 1;
  const lastCol = b.cols - 1;
  const to = (row: number, col: number): CellPos => ({ row: clamp(row, 0, lastRow), col: clamp(col, 0, lastCol) });
  switch (key) {
    case 'ArrowUp':
      return to(mod ? 0 : at.row - 1, at.col);
    case 'ArrowDown':
      return to(mod ? lastRow : at.row + 1, at.col);
    case 'ArrowLeft':
      return to(at.row, mod ? 0 : at.col - 1);
    case 'ArrowRight':
      return to(at.row, mod ? lastCol : at.col + 1);
    case 'PageUp':
      return to(at.row - Math.max(1, b.page), at.col);
    case 'PageDown':
      return to(at.row + Math.max(1, b.page), at.col);
    case 'Home':
      return mod ? to(0, 0) : to(at.row, 0);
    case 'End':
      return mod ? to(lastRow, lastCol) : to(at.row, lastCol);
    default:
      return null;
  }
}

// ---------------------------------------------------------------------------
// Hooks for the grid's owner

/** A sort key as the header shows it; the order of the list is the sort order. */
export interface SortKey {
  col: number;
  dir: 'asc' | 'desc';
}

/**
 * The sort after a header click, cycling a column none → asc → desc → none.
 * `add` (Shift+click) keeps the other keys and appends or cycles this one;
 * otherwise the column becomes the only key. The grid only shows sorts; its
 * owner sorts (in the backend or on the server).
 */
export function toggleSort(sort: readonly SortKey[], col: number, add: boolean): SortKey[] {
  const at = sort.findIndex((k) => k.col === col);
  const next: SortKey | null = at < 0 ? { col, dir: 'asc' } : sort[at]!.dir === 'asc' ? { col, dir: 'desc' } : null;
  if (!add) return next ? [next] : [];
  const out = sort.filter((k) => k.col !== col);
  if (next) {
    if (at < 0) out.push(next);
    else out.splice(at, 0, next);
  }
  return out;
}

/**
 * How the grid marks a cell with a pending change (the owner keeps the
 * edits). `value`, when present, is shown instead of the stored value;
 * `title` becomes the cell's tooltip (say, why a value is invalid).
 */
export interface CellMark {
  kind: 'changed' | 'invalid';
  value?: Cell;
  title?: string;
}

/** How the grid marks a whole row: added but not saved, or to be deleted. */
export type RowMark = 'inserted' | 'deleted';
