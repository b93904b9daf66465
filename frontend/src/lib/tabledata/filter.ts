// The filter builder's model: conditions as the user types them, checked
// field by field before anything runs, and turned into the TableFilter the
// backend takes. The server checks every value again (by casting it); what
// is refused here is only what is certainly wrong.
import type { TableColumn, TableFilter } from '../api';
import { checkValue } from './values';

export type Operator =
  | 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge' | 'between' | 'in'
  | 'contains' | 'starts_with' | 'ends_with' | 'icontains' | 'istarts_with' | 'iends_with'
  | 'is_null' | 'is_not_null' | 'json_contains' | 'array_contains';

export const operatorLabels: Record<Operator, string> = {
  eq: '=',
  ne: '≠',
  lt: '<',
  le: '≤',
  gt: '>',
  ge: '≥',
  between: 'between',
  in: 'in list',
  contains: 'contains',
  starts_with: 'starts with',
  ends_with: 'ends with',
  icontains: 'contains (any case)',
  istarts_with: 'starts with (any case)',
  iends_with: 'ends with (any case)',
  is_null: 'is NULL',
  is_not_null: 'is not NULL',
  json_contains: 'JSON contains',
  array_contains: 'array contains',
};

/** How many values an operator takes: none, one, two, or a list. */
export function arity(op: Operator): 0 | 1 | 2 | 'list' {
  if (op === 'is_null' || op === 'is_not_null') return 0;
  if (op === 'between') return 2;
  if (op === 'in' || op === 'array_contains') return 'list';
  return 1;
}

/** A condition as typed: a list operator's values are one text, one item a line (or comma-separated). */
export interface ConditionDraft {
  column: string;
  op: Operator;
  values: string[];
}

export interface FilterDraft {
  mode: 'builder' | 'sql';
  match: 'all' | 'any';
  conditions: ConditionDraft[];
  sql: string;
}

export const emptyDraft = (): FilterDraft => ({ mode: 'builder', match: 'all', conditions: [], sql: '' });

/** Splits a list operator's text into items: one a line, or comma-separated on one line. */
export function listItems(text: string): string[] {
  const lines = text.includes('\n') ? text.split('\n') : text.split(',');
  return lines.map((s) => s.trim()).filter((s) => s !== '');
}

const patternOps = new Set<Operator>(['contains', 'starts_with', 'ends_with', 'icontains', 'istarts_with', 'iends_with']);

/**
 * Returns the errors of a draft by field, as the backend names them:
 * `conditions.2.column`, `conditions.2.values.0`, `sql`. Empty when the
 * draft may run.
 */
export function validateDraft(columns: readonly Pick<TableColumn, 'name' | 'baseType' | 'elementType' | 'operators'>[], d: FilterDraft): Record<string, string> {
  const errors: Record<string, string> = {};
  if (d.mode === 'sql') {
    if (d.sql.includes(';')) errors.sql = 'a condition cannot contain “;”';
    return errors;
  }
  d.conditions.forEach((c, i) => {
    const column = columns.find((x) => x.name === c.column);
    if (!column) {
      errors[`conditions.${i}.column`] = 'choose a column';
      return;
    }
    if (!column.operators.includes(c.op)) {
      errors[`conditions.${i}.op`] = `“${operatorLabels[c.op]}” does not fit this column`;
      return;
    }
    const n = arity(c.op);
    if (n === 0) return;
    const texts = n === 'list' ? listItems(c.values[0] ?? '') : c.values.slice(0, n);
    if (n === 'list' && texts.length === 0) {
      errors[`conditions.${i}.values.0`] = 'give at least one value';
      return;
    }
    for (let j = 0; j < (n === 'list' ? 1 : n); j++) {
      const field = `conditions.${i}.values.${j}`;
      if (n !== 'list' && (c.values[j] ?? '') === '' && !patternOps.has(c.op)) {
        if (column.baseType === 'text' || column.baseType.startsWith('character')) continue; // '' is a text value
        errors[field] = 'give a value';
        continue;
      }
      if (patternOps.has(c.op)) continue; // any text is a pattern
      const check = c.op === 'array_contains' ? { baseType: column.elementType } : column;
      const items = n === 'list' ? texts : [c.values[j] ?? ''];
      for (const t of items) {
        const why = checkValue(check, t);
        if (why) {
          errors[field] = n === 'list' ? `“${t}”: ${why}` : why;
          break;
        }
      }
    }
  });
  return errors;
}

/** The filter the backend takes (condition i stays condition i, so errors name the same fields). */
export function toFilter(d: FilterDraft): TableFilter {
  if (d.mode === 'sql') return { mode: 'sql', match: '', conditions: [], groups: [], sql: d.sql.trim() };
  const conditions = d.conditions.map((c) => {
      const n = arity(c.op);
      const values = n === 0 ? [] : n === 'list' ? listItems(c.values[0] ?? '') : c.values.slice(0, n).map((v) => v ?? '');
      return { column: c.column, op: c.op, values };
    });
  return { mode: '', match: d.match === 'any' ? 'any' : 'all', conditions, groups: [], sql: '' };
}

/** The draft for a filter the backend remembered (nested groups are not shown by the builder and dropped). */
export function fromFilter(f: TableFilter | null | undefined): FilterDraft {
  if (!f) return emptyDraft();
  if (f.mode === 'sql') return { ...emptyDraft(), mode: 'sql', sql: f.sql };
  return {
    mode: 'builder',
    match: f.match === 'any' ? 'any' : 'all',
    conditions: (f.conditions ?? []).map((c) => {
      const op = c.op as Operator;
      return { column: c.column, op, values: arity(op) === 'list' ? [(c.values ?? []).join('\n')] : [...(c.values ?? [])] };
    }),
    sql: '',
  };
}

/** Whether a filter keeps every row. */
export function isEmptyFilter(f: TableFilter): boolean {
  return f.mode === 'sql' ? f.sql.trim() === '' : (f.conditions ?? []).length === 0 && (f.groups ?? []).length === 0;
}

/**
 * Maps a backend Validation field ("filter.conditions.1.values.2") to the
 * draft's field, or null when it is not about the filter. A list
 * operator's items are one field in the builder: values.0.
 */
export function draftField(d: FilterDraft, field: string): string | null {
  const m = /^filter\.(sql|conditions\.(\d+)\.(column|op|values\.\d+))$/.exec(field);
  if (!m) return null;
  if (m[1] === 'sql') return 'sql';
  const i = Number(m[2]);
  const c = d.conditions[i];
  if (c && arity(c.op) === 'list' && m[3]!.startsWith('values.')) return `conditions.${i}.values.0`;
  return `conditions.${i}.${m[3]}`;
}
