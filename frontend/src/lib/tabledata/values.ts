// Pure helpers for the data tab's editors. The server is the judge of every
// value (the backend checks each one with a cast before anything runs);
// checkValue only catches, as the user types, what is certainly wrong, and
// accepts whatever it is unsure about.
import type { CellText, TableChange, TableColumn, TableRelation, TableValue } from '../api';

/** The value a loaded cell is in TableChange.old (and as a key value). */
export function cellValue(cell: CellText): TableValue {
  return cell === null ? { kind: 'null' } : { kind: 'text', text: cell };
}

const intRanges: Record<string, [bigint, bigint]> = {
  smallint: [-32768n, 32767n],
  integer: [-2147483648n, 2147483647n],
  bigint: [-9223372036854775808n, 9223372036854775807n],
};
const boolWords = ['true', 'false', 'yes', 'no', 'on', 'off', '1', '0'];
const number = /^[+-]?(\d[\d_]*(\.[\d_]*)?|\.\d[\d_]*)(e[+-]?\d+)?$/i;

/**
 * Returns why text cannot be a value of the column's type, or null when it
 * may be. Only integers, numeric, floats, booleans, uuid, json/jsonb and
 * hex bytea are checked; every other type is left to the server.
 */
export function checkValue(column: Pick<TableColumn, 'baseType'>, text: string): string | null {
  const t = text.trim();
  const type = column.baseType;
  if (type in intRanges) {
    if (!/^[+-]?\d[\d_]*$/.test(t)) return /^[+-]?0[xob]/i.test(t) ? null : `not a whole number`;
    const n = BigInt(t.replaceAll('_', ''));
    const [lo, hi] = intRanges[type] as [bigint, bigint];
    return n < lo || n > hi ? `out of range for ${type} (${lo} to ${hi})` : null;
  }
  if (type === 'numeric' || type.startsWith('numeric(')) {
    return number.test(t) || /^[+-]?(nan|inf|infinity)$/i.test(t) ? null : 'not a number';
  }
  if (type === 'real' || type === 'double precision') {
    return number.test(t) || /^[+-]?(nan|inf|infinity)$/i.test(t) ? null : 'not a number';
  }
  if (type === 'boolean') {
    const w = t.toLowerCase();
    const ok = w !== '' && boolWords.some((b) => b.startsWith(w)) && w !== 'o';
    return ok ? null : 'not a boolean (true, false, yes, no, on, off, 1 or 0)';
  }
  if (type === 'uuid') {
    const hex = t.replace(/^\{/, '').replace(/\}$/, '').replaceAll('-', '');
    return /^[0-9a-f]{32}$/i.test(hex) ? null : 'not a UUID (32 hexadecimal digits)';
  }
  if (type === 'json' || type === 'jsonb') {
    try {
      JSON.parse(text);
      return null;
    } catch (e) {
      return `not valid JSON: ${(e as Error).message}`;
    }
  }
  if (type === 'bytea' && t.startsWith('\\x')) {
    const hex = t.slice(2).replace(/\s/g, '');
    return /^([0-9a-f]{2})*$/i.test(hex) ? null : 'not hexadecimal bytes (\\x followed by pairs of hex digits)';
  }
  return null;
}

/**
 * Returns the insert that duplicates a row: every column that can be
 * inserted is copied, except key columns that have a DEFAULT (a serial or
 * identity key gets a fresh value); generated and identity-always columns
 * are left to the server. A key without a default is copied: the user must
 * change it before committing.
 */
export function duplicateRow(relation: Pick<TableRelation, 'columns'>, row: CellText[], id: string): TableChange {
  const values: NonNullable<TableChange['new']> = {};
  relation.columns.forEach((c, i) => {
    if (!c.insertWritable || (c.inKey && c.default !== '')) return;
    values[c.name] = cellValue(row[i] ?? null);
  });
  return { id, kind: 'insert', new: values };
}

/**
 * Returns why a value cannot go into the column, or null when it may: a
 * NULL in a NOT NULL column, a label that is not one of an enum's, or
 * whatever checkValue refuses. A pasted value is checked with it (and
 * marked on its cell when refused), as the cell editor checks what is
 * typed.
 */
export function valueProblem(column: Pick<TableColumn, 'baseType' | 'category' | 'enumLabels' | 'nullable'>, v: TableValue): string | null {
  if (v.kind === 'default') return null;
  if (v.kind === 'null') return column.nullable ? null : 'NULL in a NOT NULL column';
  const text = v.text ?? '';
  if (column.category === 'enum' && column.enumLabels?.length && !column.enumLabels.includes(text)) {
    return `not one of the labels (${column.enumLabels.join(', ')})`;
  }
  return checkValue(column, text);
}
