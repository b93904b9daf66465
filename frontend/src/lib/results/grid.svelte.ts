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
 * - `columns` never changes for a given source. A new result is a new source
 *   object: the grid drops its cache, selection and widths when `source`
 *   changes identity.
 * - `page(offset, limit)` resolves to at most `limit` rows starting at
 *   `offset` (fewer at the current end while the result streams). Cells are
 *   the PostgreSQL text form or null for SQL NULL; `truncated[].row` indexes
 *   `page.rows`. It may reject; the grid shows the error and retries on
 *   `refresh()`.
 * - `generation`, when the source has one, changes when its rows change
 *   order or membership (a sort or filter): the grid drops the rows it holds
 *   and its selection, and goes back to the top; column widths stay.
 */
export interface RowSource {
  readonly total: number;
  readonly done: boolean;
  readonly columns: Column[];
  readonly generation?: number;
  page(offset: number, limit: number): Promise<resultset.Page>;
}

/** A RowSource with reactive total/done; `page()` also adopts the totals a page reports. */
export class LiveRowSource implements RowSource {
  total = $state(0);
  done = $state(false);
  readonly columns: Column[];
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
const CHAR_WIDTH = 7.8; // ≈ 13px monospace
const CELL_PADDING = 18;

/** Display form of a cell: newlines shown as ↵, tabs as spaces, capped for layout. */
export function displayValue(v: string, max = 1000): string {
  const s = v.length > max ? v.slice(0, max) : v;
  return s.replace(/\r\n|\r|\n/g, '↵').replace(/\t/g, '    ');
}

/** Initial width of each column from its header text (plus headerExtra characters: a sort control) and the given rows. */
export function initialWidths(columns: Column[], rows: readonly Row[], headerExtra = 0): number[] {
  return columns.map((c, col) => {
    // Header: name, a gap, the type name (smaller).
    let chars = c.name.length + (c.typeName.length * 0.85 + 1) + headerExtra;
    for (const r of rows) {
      const v = r[col];
      const len = v === null || v === undefined ? 4 : Math.min(v.length, 80);
      if (len > chars) chars = len;
    }
    return clamp(Math.ceil(chars * CHAR_WIDTH + CELL_PADDING), MIN_COL_WIDTH, MAX_INITIAL_COL_WIDTH);
  });
}

export class ColumnWidths {
  widths = $state<number[]>([]);
  /** True once widths were computed from content (not only from the header). */
  fromContent = false;
  /** Characters each header needs beyond its name and type (a sort control). */
  headerExtra = 0;

  init(columns: Column[], rows: readonly Row[] = []): void {
    this.widths = initialWidths(columns, rows, this.headerExtra);
    this.fromContent = rows.length > 0;
  }

  resize(col: number, width: number): void {
    if (col < 0 || col >= this.widths.length) return;
    this.widths[col] = Math.max(MIN_COL_WIDTH, Math.round(width));
  }

  get total(): number {
    let t = 0;
    for (const w of this.widths) t += w;
    return t;
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
