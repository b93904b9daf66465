// Which columns of a result the grid shows, and in what order. A layout is
// the list of the result's (source) column indices shown, in display
// order; null shows every column in the order the server sent them. The
// grid works in display positions; these functions translate, so sorting,
// filtering and exports can name source columns.

/** A layout: source columns in display order, or null for every column in result order. */
export type ColumnLayout = readonly number[] | null;

/** shownColumns lists the source columns shown, in display order, for a result of n columns. */
export function shownColumns(layout: ColumnLayout, n: number): number[] {
  if (layout === null) return Array.from({ length: n }, (_, i) => i);
  return layout.filter((c) => c >= 0 && c < n);
}

/** normalize turns a layout that shows every column in result order into null. */
export function normalize(shown: readonly number[], n: number): ColumnLayout {
  return shown.length === n && shown.every((c, i) => c === i) ? null : [...shown];
}

/**
 * moveColumn moves the column at display position `from` so that it ends
 * at display position `to` (both clamped); the other columns keep their
 * order.
 */
export function moveColumn(layout: ColumnLayout, n: number, from: number, to: number): ColumnLayout {
  const shown = shownColumns(layout, n);
  if (from < 0 || from >= shown.length) return layout;
  const dest = Math.max(0, Math.min(shown.length - 1, to));
  if (dest === from) return layout;
  const [c] = shown.splice(from, 1);
  shown.splice(dest, 0, c!);
  return normalize(shown, n);
}

/** dropIndex is where a column dragged from `from` ends when dropped on boundary b (before display column b). */
export function dropIndex(from: number, boundary: number): number {
  return boundary > from ? boundary - 1 : boundary;
}

/**
 * setShown shows or hides source column `col`. A column shown again goes
 * back next to the column that precedes it in the result (or first). The
 * last shown column cannot be hidden.
 */
export function setShown(layout: ColumnLayout, n: number, col: number, show: boolean): ColumnLayout {
  const shown = shownColumns(layout, n);
  const at = shown.indexOf(col);
  if (col < 0 || col >= n || (at >= 0) === show) return layout;
  if (!show) {
    if (shown.length === 1) return layout;
    shown.splice(at, 1);
    return normalize(shown, n);
  }
  return normalize(insertNatural(shown, col), n);
}

/** showAll shows every column: hidden ones go back next to their predecessor in the result; the order is kept. */
export function showAll(layout: ColumnLayout, n: number): ColumnLayout {
  let shown = shownColumns(layout, n);
  const present = new Set(shown);
  for (let c = 0; c < n; c++) if (!present.has(c)) shown = insertNatural(shown, c);
  return normalize(shown, n);
}

/** everyColumn lists all source columns in the order showAll would show them (hidden ones in place). */
export function everyColumn(layout: ColumnLayout, n: number): number[] {
  return shownColumns(showAll(layout, n), n);
}

function insertNatural(shown: number[], col: number): number[] {
  const out = [...shown];
  // Right after the nearest column before it in the result that is shown.
  for (let prev = col - 1; prev >= 0; prev--) {
    const at = out.indexOf(prev);
    if (at >= 0) {
      out.splice(at + 1, 0, col);
      return out;
    }
  }
  out.unshift(col);
  return out;
}

/** displayOf maps each shown source column to its display position. */
export function displayOf(shown: readonly number[]): Map<number, number> {
  return new Map(shown.map((c, d) => [c, d]));
}

interface ShapedColumn {
  name: string;
  typeOid: number;
}

/** sameShape: two results have the same columns (names and types, in order), so one's layout fits the other. */
export function sameShape(a: readonly ShapedColumn[], b: readonly ShapedColumn[]): boolean {
  return a.length === b.length && a.every((c, i) => c.name === b[i]!.name && c.typeOid === b[i]!.typeOid);
}

/** A run of consecutive source columns: `count` columns from `first`. */
export interface ColumnRun {
  first: number;
  count: number;
}

/** runsOf splits source columns into runs of consecutive ascending indices (one backend page each). */
export function runsOf(cols: readonly number[]): ColumnRun[] {
  const runs: ColumnRun[] = [];
  for (const c of cols) {
    const last = runs[runs.length - 1];
    if (last && c === last.first + last.count) last.count++;
    else runs.push({ first: c, count: 1 });
  }
  return runs;
}
