// How the user sorts and filters a stored result: the state the grid's
// headers and the filter bar edit, and the spec the backend's result view
// (SetResultView) applies. Pure functions, so the rules of a header click
// are unit-tested; the sorting and filtering itself runs in the backend.
import type { resultset } from '../../../wailsjs/go/models';
import type { ErrorInfo } from '../api';

export interface SortKey {
  column: number;
  desc: boolean;
}

export type FilterOp = 'contains' | 'notContains' | 'equals' | 'notEquals' | 'lt' | 'le' | 'gt' | 'ge' | 'isNull' | 'notNull';

export interface ColumnFilter {
  column: number;
  op: FilterOp;
  value: string;
}

/** What the grid shows of a result: sorted by sort, rows kept by quick and every filter. */
export interface ViewState {
  sort: SortKey[];
  quick: string;
  filters: ColumnFilter[];
}

export const emptyView: ViewState = { sort: [], quick: '', filters: [] };

/** The column filters the backend knows, in the order the menu offers them; needsValue: the operator compares with a value. */
export const filterOps: { op: FilterOp; label: string; needsValue: boolean }[] = [
  { op: 'contains', label: 'contains', needsValue: true },
  { op: 'notContains', label: 'does not contain', needsValue: true },
  { op: 'equals', label: '=', needsValue: true },
  { op: 'notEquals', label: '≠', needsValue: true },
  { op: 'lt', label: '<', needsValue: true },
  { op: 'le', label: '≤', needsValue: true },
  { op: 'gt', label: '>', needsValue: true },
  { op: 'ge', label: '≥', needsValue: true },
  { op: 'isNull', label: 'is NULL', needsValue: false },
  { op: 'notNull', label: 'is not NULL', needsValue: false },
];

export function needsValue(op: FilterOp): boolean {
  return filterOps.find((f) => f.op === op)?.needsValue ?? true;
}

/**
 * toggleSort is the sort after a click on column's sort control. A plain
 * click sorts by that column alone, cycling ascending → descending → the
 * server's order; with add (Shift) the column joins the others as the least
 * significant key, or cycles in place when it is one already.
 */
export function toggleSort(sort: readonly SortKey[], column: number, add: boolean): SortKey[] {
  const at = sort.findIndex((k) => k.column === column);
  const key = sort[at];
  if (!add) {
    if (sort.length === 1 && key) return key.desc ? [] : [{ column, desc: true }];
    return [{ column, desc: false }];
  }
  if (!key) return [...sort, { column, desc: false }];
  if (!key.desc) return sort.map((k, i) => (i === at ? { column, desc: true } : k));
  return sort.filter((_, i) => i !== at);
}

/** sortOf says how column is sorted: its direction and its place among several keys (1-based); null when it is not. */
export function sortOf(sort: readonly SortKey[], column: number): { desc: boolean; rank: number } | null {
  const at = sort.findIndex((k) => k.column === column);
  return at < 0 ? null : { desc: sort[at]!.desc, rank: at + 1 };
}

/** active filters: those with a value to compare with, or an operator that needs none. */
export function activeFilters(filters: readonly ColumnFilter[]): ColumnFilter[] {
  return filters.filter((f) => !needsValue(f.op) || f.value !== '');
}

/** isPlain: the view shows the result as the server sent it, so the backend's view can be cleared. */
export function isPlain(v: ViewState): boolean {
  return v.sort.length === 0 && v.quick === '' && activeFilters(v.filters).length === 0;
}

/**
 * specOf is the backend's spec of a view: filters still being typed (no
 * value yet) are left out. It has no columns: the backend reads a missing
 * list as "every column" (an empty one would export none).
 */
export function specOf(v: ViewState): resultset.ViewSpec {
  return {
    sort: v.sort.map((k) => ({ column: k.column, desc: k.desc })),
    quick: v.quick,
    filters: activeFilters(v.filters).map((f) => ({ column: f.column, op: f.op, value: needsValue(f.op) ? f.value : '' })),
  } as unknown as resultset.ViewSpec;
}

/** sameSpec: two views ask the backend for the same rows (no need to ask again). */
export function sameSpec(a: ViewState, b: ViewState): boolean {
  return JSON.stringify(specOf(a)) === JSON.stringify(specOf(b));
}

/** A row source that can be sorted and filtered in the backend (a query's statement). */
export interface Viewable {
  readonly total: number;
  readonly done: boolean;
  readonly columns: resultset.Column[];
  /** Rows of the result, whatever the view keeps. */
  readonly rows: number;
  /** The view shown, and the one asked for last. */
  readonly view: ViewState;
  readonly wanted: ViewState;
  readonly viewing: boolean;
  readonly viewError: ErrorInfo | null;
  setView(v: ViewState): Promise<void>;
}

export function isViewable(s: unknown): s is Viewable {
  return typeof s === 'object' && s !== null && typeof (s as { setView?: unknown }).setView === 'function';
}
