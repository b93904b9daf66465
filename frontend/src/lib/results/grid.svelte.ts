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
import { typeFamily, type TypeFamily } from './types';

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
 * - `page(offset, limit, columns?)` resolves to at most `limit` rows starting
 *   at `offset` (fewer at the current end while the result streams). With
 *   `columns`, rows may hold only those columns' cells, the first being
 *   column `page.firstColumn` (whole rows, with firstColumn 0, are fine too).
 *   Cells are the PostgreSQL text form or null for SQL NULL;
 *   `truncated[].row` indexes `page.rows`, `truncated[].col` the result's
 *   columns. It may reject; the grid shows the error and retries on
 *   `refresh()`.
 * - `generation`, when the source has one, changes when its rows change
 *   order or membership (a sort or filter in the backend): the grid drops
 *   the rows it holds and its selection, and goes back to the top; column
 *   widths stay.
 * - `order`, when the source shows a result's columns hidden or moved (see
 *   ArrangedSource), names the result column of each column shown; it
 *   changes identity only when the layout does. The grid then drops the rows
 *   it holds, keeps each column's width and the scroll position.
 */
export interface RowSource {
  readonly total: number;
  readonly done: boolean;
  readonly columns: Column[];
  readonly generation?: number;
  readonly order?: readonly number[];
  page(offset: number, limit: number, columns?: ColumnSpan): Promise<resultset.Page>;
}

/** A window of columns: `count` columns from `first`. */
export interface ColumnSpan {
  first: number;
  count: number;
}

/** A RowSource with reactive total/done/columns; `page()` also adopts the totals a page reports. */
export class LiveRowSource implements RowSource {
  total = $state(0);
  done = $state(false);
  /** Replaced (same names and count) when the type names arrive after the first page. */
  columns = $state.raw<Column[]>([]);
  readonly #fetch: (offset: number, limit: number, columns?: ColumnSpan) => Promise<resultset.Page>;

  constructor(
    columns: Column[],
    fetch: (offset: number, limit: number, columns?: ColumnSpan) => Promise<resultset.Page>,
    total = 0,
    done = false,
  ) {
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

  async page(offset: number, limit: number, columns?: ColumnSpan): Promise<resultset.Page> {
    const p = await this.#fetch(offset, limit, columns);
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
//
// Rows come in tiles of BLOCK_SIZE rows × CHUNK_COLUMNS columns, so a grid
// showing 15 of 1,600 columns never asks for the other 1,585: scrolling a
// wide result down moves as little data as scrolling a narrow one.

export const BLOCK_SIZE = 500;
export const CHUNK_COLUMNS = 64;
export const MAX_TILES = 40;

interface Tile {
  offset: number;
  /** The column of each row's first cell (a source may answer with whole rows). */
  firstColumn: number;
  rows: Row[];
  /** Truncated cells, by (row - offset) * ncols + col → full byte length. */
  truncated: Map<number, number>;
  /** The source's row count when the tile arrived. */
  seenTotal: number;
}

/**
 * Fetches tiles of rows on demand: requests for a tile are deduplicated
 * while in flight, and beyond `maxTiles` the least recently used tile is
 * dropped, so a huge result never lives in JS memory whole. A tile that ended
 * at the result's end while it streamed is fetched again once more rows exist.
 */
export class PageCache {
  /** Bumped whenever a tile arrives or the cache is cleared; read it to react. */
  version = $state(0);
  error = $state.raw<unknown>(null);

  readonly blockSize: number;
  readonly chunkColumns: number;
  readonly maxTiles: number;
  #source: RowSource;
  #tiles = new Map<number, Tile>();
  #inflight = new Map<number, Promise<void>>();
  #generation = 0;
  /** Called once per column chunk with the first tile that arrives for it. */
  onfirsttile: ((first: number, count: number, rows: readonly Row[], firstColumn: number) => void) | null = null;
  #seenChunks = new Set<number>();

  constructor(source: RowSource, blockSize = BLOCK_SIZE, maxTiles = MAX_TILES, chunkColumns = CHUNK_COLUMNS) {
    this.#source = source;
    this.blockSize = blockSize;
    this.maxTiles = maxTiles;
    this.chunkColumns = chunkColumns;
  }

  get source(): RowSource {
    return this.#source;
  }

  /** Number of tiles held (for tests and diagnostics). */
  get size(): number {
    return this.#tiles.size;
  }

  get #chunks(): number {
    return Math.max(1, Math.ceil(this.#source.columns.length / this.chunkColumns));
  }

  #key(block: number, chunk: number): number {
    return block * this.#chunks + chunk;
  }

  /** Whether the tile of rows `block` and columns `chunk` is held. */
  has(block: number, chunk = 0): boolean {
    return this.#tiles.has(this.#key(block, chunk));
  }

  /** Forgets everything (a new source, or refresh()). In-flight answers are ignored. */
  reset(source: RowSource = this.#source): void {
    this.#source = source;
    this.#tiles.clear();
    this.#inflight.clear();
    this.#seenChunks.clear();
    this.#generation++;
    this.error = null;
    this.version++;
  }

  /** Clears the error and wakes readers, so the grid asks again for what it lacks. */
  retry(): void {
    this.error = null;
    this.version++;
  }

  #complete(t: Tile): boolean {
    return t.rows.length >= this.blockSize || t.offset + t.rows.length >= this.#source.total;
  }

  /** A short tile is asked for again only once the source has more rows than when it came. */
  #stale(t: Tile): boolean {
    return !this.#complete(t) && this.#source.total > t.seenTotal;
  }

  /** Requests the tiles covering rows [r0, r1) × columns [c0, c1); resolves when they are loaded. */
  ensure(r0: number, r1: number, c0 = 0, c1 = this.#source.columns.length): Promise<void> {
    const total = this.#source.total;
    r0 = Math.max(0, r0);
    r1 = Math.min(r1, total);
    c0 = Math.max(0, c0);
    c1 = Math.min(c1, this.#source.columns.length);
    if (r1 <= r0 || c1 <= c0) return Promise.resolve();
    const waits: Promise<void>[] = [];
    for (let b = Math.floor(r0 / this.blockSize); b <= Math.floor((r1 - 1) / this.blockSize); b++) {
      for (let k = Math.floor(c0 / this.chunkColumns); k <= Math.floor((c1 - 1) / this.chunkColumns); k++) {
        const key = this.#key(b, k);
        const have = this.#tiles.get(key);
        if (have) {
          this.#touch(key, have);
          if (!this.#stale(have)) continue;
        }
        waits.push(this.#load(b, k));
      }
    }
    return Promise.all(waits).then(() => undefined);
  }

  #touch(key: number, tile: Tile): void {
    this.#tiles.delete(key);
    this.#tiles.set(key, tile);
  }

  #load(block: number, chunk: number): Promise<void> {
    const key = this.#key(block, chunk);
    const pending = this.#inflight.get(key);
    if (pending) return pending;
    const gen = this.#generation;
    const offset = block * this.blockSize;
    const first = chunk * this.chunkColumns;
    const p = this.#source
      .page(offset, this.blockSize, { first, count: this.chunkColumns })
      .then((page) => {
        if (gen !== this.#generation) return;
        const rows = (page.rows ?? []) as unknown as Row[];
        const firstColumn = page.firstColumn ?? 0;
        const truncated = new Map<number, number>();
        const width = this.#source.columns.length;
        for (const t of page.truncated ?? []) truncated.set(t.row * width + t.col, t.bytes);
        const tile = { offset, firstColumn, rows, truncated, seenTotal: Math.max(page.total ?? 0, this.#source.total) };
        this.#tiles.set(key, tile);
        this.#touch(key, tile);
        this.#evict(key);
        if (!this.#seenChunks.has(chunk) && rows.length > 0) {
          this.#seenChunks.add(chunk);
          this.onfirsttile?.(first, Math.min(this.chunkColumns, width - first), rows, firstColumn);
        }
        this.error = null;
        this.version++;
      })
      .catch((err: unknown) => {
        if (gen !== this.#generation) return;
        this.error = err;
      })
      .finally(() => {
        if (this.#inflight.get(key) === p) this.#inflight.delete(key);
      });
    this.#inflight.set(key, p);
    return p;
  }

  #evict(keep: number): void {
    for (const key of this.#tiles.keys()) {
      if (this.#tiles.size <= this.maxTiles) break;
      if (key !== keep) this.#tiles.delete(key);
    }
  }

  #tile(i: number, col: number): Tile | undefined {
    return this.#tiles.get(this.#key(Math.floor(i / this.blockSize), Math.floor(col / this.chunkColumns)));
  }

  /** Cell (i, col) if its tile is loaded (does not fetch): text, null for NULL, undefined while unknown. Reactive through `version`. */
  cell(i: number, col: number): Cell | undefined {
    void this.version;
    const t = this.#tile(i, col);
    const r = t?.rows[i - t.offset];
    return r ? r[col - t.firstColumn] : undefined;
  }

  /** Full byte length of cell (i, col) when the page truncated it, else undefined. */
  truncatedBytes(i: number, col: number): number | undefined {
    void this.version;
    const t = this.#tile(i, col);
    return t?.truncated.get((i - t.offset) * this.#source.columns.length + col);
  }

  /**
   * Rows [start, end) × columns [first, first + count) for copying a
   * selection: held tiles are reused, missing ones are fetched straight from
   * the source without entering the cache (so a large copy does not evict the
   * rows on screen).
   */
  async rows(start: number, end: number, first = 0, count = this.#source.columns.length): Promise<Row[]> {
    const out: Row[] = [];
    const last = Math.min(first + count, this.#source.columns.length);
    for (let s = start; s < end; ) {
      const block = Math.floor(s / this.blockSize);
      const offset = block * this.blockSize;
      const blockEnd = Math.min(end, offset + this.blockSize);
      let cellsOf: (i: number) => Row | undefined;
      const tiles: Tile[] = [];
      for (let k = Math.floor(first / this.chunkColumns); k <= Math.floor((last - 1) / this.chunkColumns); k++) {
        const t = this.#tiles.get(this.#key(block, k));
        if (!t || !this.#complete(t)) break;
        tiles.push(t);
      }
      if (tiles.length === Math.floor((last - 1) / this.chunkColumns) - Math.floor(first / this.chunkColumns) + 1) {
        cellsOf = (i) => {
          const row: Row = [];
          for (let c = first; c < last; c++) {
            const t = tiles[Math.floor(c / this.chunkColumns) - Math.floor(first / this.chunkColumns)]!;
            const r = t.rows[i - offset];
            if (!r) return undefined;
            row.push(r[c - t.firstColumn] ?? null);
          }
          return row;
        };
      } else {
        const page = await this.#source.page(offset, this.blockSize, { first, count: last - first });
        const rows = ((page.rows ?? []) as unknown as Row[]) ?? [];
        const shift = first - (page.firstColumn ?? 0);
        cellsOf = (i) => rows[i - offset]?.slice(shift, shift + last - first);
      }
      for (let i = s; i < blockEnd; i++) {
        const r = cellsOf(i);
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

/** Display form of a cell: newlines shown as ↵, tabs as spaces, capped for layout. */
export function displayValue(v: string, max = 1000): string {
  const s = v.length > max ? v.slice(0, max) : v;
  return s.replace(/\r\n|\r|\n/g, '↵').replace(/\t/g, '    ');
}

/**
 * How wide text is in the grid's fonts, px. The grid measures with a canvas
 * in the real fonts; ESTIMATE is for when it cannot (tests).
 */
export interface TextMeasure {
  /** The header's name (bold) and type name (small), without padding or icon. */
  header(name: string, typeName: string): number;
  /** One character of the cells' monospace font. */
  char: number;
}

/** Cached header text widths; cleared when this many are held. */
const MAX_MEASURED = 20_000;
let shared: TextMeasure | null | undefined;

/**
 * canvasMeasure measures text in the grid's real fonts (null where there is
 * no canvas, as in jsdom). One per page: every grid shares its canvas and
 * its cache. Setting a canvas's font makes WebKit parse it and look the font
 * up (about 1 ms each time here), so the font is set only when it changes,
 * and a name or type name is measured once: re-running a query re-creates
 * its grid and measured every header again, 11 ms of each run (a JavaScript
 * profile of the 200-row run in WebKitGTK).
 */
export function canvasMeasure(): TextMeasure | null {
  if (shared !== undefined) return shared;
  shared = null;
  if (typeof document === 'undefined' || /jsdom/i.test(navigator.userAgent)) return shared;
  const ctx = document.createElement('canvas').getContext('2d');
  if (!ctx) return shared;
  const css = getComputedStyle(document.documentElement);
  const sans = css.getPropertyValue('--font').trim() || 'sans-serif';
  const mono = css.getPropertyValue('--mono').trim() || 'monospace';
  let font = '';
  const cache = new Map<string, number>();
  const width = (f: string, text: string) => {
    const key = f + '\u0000' + text;
    let w = cache.get(key);
    if (w === undefined) {
      if (font !== f) ctx.font = font = f;
      w = ctx.measureText(text).width;
      if (cache.size >= MAX_MEASURED) cache.clear();
      cache.set(key, w);
    }
    return w;
  };
  const bold = `600 12.5px ${sans}`;
  const small = `11.5px ${sans}`;
  shared = {
    header: (name, typeName) => width(bold, name) + width(small, typeName),
    char: width(`13px ${mono}`, '0123456789') / 10,
  };
  return shared;
}

export const ESTIMATE: TextMeasure = {
  header: (name, typeName) => (name.length + typeName.length * 0.85) * 7.8,
  char: 7.8,
};

/** Padding, icon, gaps and the resize handle around a header's text, px. */
const HEADER_EXTRA = 12 + 13 + 2 * 5 + 8;
/** Padding and borders around a cell's text, px. */
const CELL_EXTRA = 12 + 4;

/** Typical width of a value of each type family, in characters (until rows show). */
const TYPICAL_CHARS: Partial<Record<TypeFamily, number>> = {
  number: 8,
  boolean: 5,
  date: 10,
  time: 15,
  timestamp: 26,
  interval: 12,
  uuid: 36,
  json: 30,
  text: 16,
  enum: 10,
  network: 15,
};

function valueChars(v: Cell | undefined): number {
  return v === null || v === undefined ? 4 : Math.min(v.length, 80);
}

/** Width of column c's header, px. */
export function headerWidth(c: Column, m: TextMeasure = ESTIMATE): number {
  return Math.ceil(m.header(c.name, c.typeName ?? '') + HEADER_EXTRA);
}

function fitWidth(c: Column, chars: number, m: TextMeasure): number {
  return clamp(Math.max(headerWidth(c, m), Math.ceil(chars * m.char + CELL_EXTRA)), MIN_COL_WIDTH, MAX_INITIAL_COL_WIDTH);
}

/** Initial width of each column from its header and the given rows (else its type). */
export function initialWidths(columns: Column[], rows: readonly Row[], m: TextMeasure = ESTIMATE): number[] {
  return columns.map((c, col) => {
    let chars = rows.length === 0 ? (TYPICAL_CHARS[typeFamily(c)] ?? 12) : 0;
    for (const r of rows) chars = Math.max(chars, valueChars(r[col]));
    return fitWidth(c, chars, m);
  });
}

export class ColumnWidths {
  widths = $state.raw<number[]>([]);
  /** Prefix sums of the widths (see columnOffsets). */
  offsets = $derived(columnOffsets(this.widths));
  measure: TextMeasure = ESTIMATE;
  #resized = new Set<number>();

  init(columns: Column[], rows: readonly Row[] = []): void {
    this.widths = initialWidths(columns, rows, this.measure);
    this.#resized.clear();
  }

  /**
   * Widths of columns [first, first + count) from the content of some rows
   * (their cells start at column `firstColumn`), except those the user
   * resized.
   */
  fit(columns: Column[], first: number, count: number, rows: readonly Row[], firstColumn = 0): void {
    const next = [...this.widths];
    for (let c = first; c < first + count && c < columns.length; c++) {
      if (this.#resized.has(c)) continue;
      let chars = 0;
      for (let i = 0; i < rows.length && i < 100; i++) chars = Math.max(chars, valueChars(rows[i]![c - firstColumn]));
      next[c] = fitWidth(columns[c]!, chars, this.measure);
    }
    this.widths = next;
  }

  /** Widens columns whose header no longer fits (a type name arrived), except those the user resized. */
  fitHeaders(columns: Column[]): void {
    let next: number[] | null = null;
    columns.forEach((c, col) => {
      const want = Math.min(MAX_INITIAL_COL_WIDTH, headerWidth(c, this.measure));
      if (this.#resized.has(col) || (this.widths[col] ?? 0) >= want) return;
      next ??= [...this.widths];
      next[col] = want;
    });
    if (next) this.widths = next;
  }

  /**
   * arrange follows a new column layout: `before` and `after` name the
   * result column of each column shown (ArrangedSource.order); a column
   * keeps its width (and whether the user resized it), a column shown again
   * gets one from its header.
   */
  arrange(before: readonly number[], after: readonly number[], columns: Column[]): void {
    const width = new Map(before.map((c, d) => [c, this.widths[d]]));
    const resized = new Set(before.filter((_, d) => this.#resized.has(d)));
    this.widths = after.map((c, d) => width.get(c) ?? Math.min(MAX_INITIAL_COL_WIDTH, headerWidth(columns[d]!, this.measure)));
    this.#resized = new Set(after.flatMap((c, d) => (resized.has(c) ? [d] : [])));
  }

  resize(col: number, width: number): void {
    if (col < 0 || col >= this.widths.length) return;
    const next = [...this.widths];
    next[col] = clamp(Math.round(width), MIN_COL_WIDTH, MAX_COL_WIDTH);
    this.#resized.add(col);
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

/**
 * How the grid marks a whole row: added but not saved, to be deleted, or
 * deleted by a commit while the rows shown cannot drop it (a query's result).
 */
export type RowMark = 'inserted' | 'deleted' | 'removed';
