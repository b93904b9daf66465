// How the user sorts and filters a stored result: the state the grid's
// headers (toggleSort in grid.svelte.ts) and the filter row edit, and the
// spec the backend's result view (SetResultView) applies. The sorting and
// filtering itself runs in the backend.
import type { resultset } from '../../../wailsjs/go/models';
import type { ErrorInfo } from '../api';
import type { SortKey } from './grid.svelte';
import type { ColumnLayout } from './layout';

export type FilterOp = 'contains' | 'notContains' | 'equals' | 'notEquals' | 'lt' | 'le' | 'gt' | 'ge' | 'isNull' | 'notNull';

export interface ColumnFilter {
  column: number;
  op: FilterOp;
  value: string;
}

/**
 * What the grid shows of a result: sorted by sort, rows kept by quick and
 * every filter, the columns of columns in their order (see layout.ts;
 * missing or null: all, in result order).
 */
export interface ViewState {
  sort: SortKey[];
  quick: string;
  filters: ColumnFilter[];
  columns?: ColumnLayout;
}

export const emptyView: ViewState = { sort: [], quick: '', filters: [], columns: null };

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

/** active filters: those with a value to compare with, or an operator that needs none. */
export function activeFilters(filters: readonly ColumnFilter[]): ColumnFilter[] {
  return filters.filter((f) => !needsValue(f.op) || f.value !== '');
}

/** keepsAllRows: the view has every row of the result, in the server's order (its columns may differ). */
export function keepsAllRows(v: ViewState): boolean {
  return v.sort.length === 0 && v.quick === '' && activeFilters(v.filters).length === 0;
}

/** isPlain: the view shows the result as the server sent it, so the backend's view can be cleared. */
export function isPlain(v: ViewState): boolean {
  return keepsAllRows(v) && (v.columns ?? null) === null;
}

/**
 * specOf is the backend's spec of a view: filters still being typed (no
 * value yet) are left out. Columns are there only when the view hides or
 * moves some (exports then write those, in that order): the backend reads
 * a missing list as "every column" (an empty one would export none).
 */
export function specOf(v: ViewState): resultset.ViewSpec {
  const spec: Record<string, unknown> = {
    sort: v.sort.map((k) => ({ column: k.col, desc: k.dir === 'desc' })),
    quick: v.quick,
    filters: activeFilters(v.filters).map((f) => ({ column: f.column, op: f.op, value: needsValue(f.op) ? f.value : '' })),
  };
  if (v.columns) spec.columns = [...v.columns];
  return spec as unknown as resultset.ViewSpec;
}

/** sameSpec: two views ask the backend for the same rows and columns (no need to ask again). */
export function sameSpec(a: ViewState, b: ViewState): boolean {
  return JSON.stringify(specOf(a)) === JSON.stringify(specOf(b));
}

/** sameRows: two views keep the same rows in the same order (they may differ in columns). */
export function sameRows(a: ViewState, b: ViewState): boolean {
  return sameSpec({ ...a, columns: null }, { ...b, columns: null });
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

/** A Viewable whose columns can be hidden and moved (see layout.ts): the layout is wanted.columns. */
export interface Arrangeable extends Viewable {
  readonly generation?: number;
  page(offset: number, limit: number, columns?: { first: number; count: number }): Promise<resultset.Page>;
  /** arrange shows the columns of layout, in its order; exports follow once the result is done. */
  arrange(layout: ColumnLayout): void;
}

export function isArrangeable(s: unknown): s is Arrangeable {
  return isViewable(s) && typeof (s as { arrange?: unknown }).arrange === 'function';
}

export function isViewable(s: unknown): s is Viewable {
  return typeof s === 'object' && s !== null && typeof (s as { setView?: unknown }).setView === 'function';
}
