// Pure formatters for copying grid selections (the clipboard itself is
// lib/shared/clipboard).
//
// TSV: one line per row, cells separated by tabs. A tab, newline, carriage
// return or backslash inside a value is escaped as \t, \n, \r, \\ (the
// PostgreSQL COPY text convention) so the shape of the table survives a paste;
// NULL is \N, as in COPY, so it stays distinct from the empty string when the
// block is pasted back into a data tab (lib/tabledata/clipblock.ts).
// CSV: the rules of the CSV export (backend/resultset/export.go, ExportCSV
// with a header, as the app writes files), so a copy and a file agree — a
// field holding a comma, a quote, CR or LF, or starting with a space, is
// quoted with quotes doubled; NULL is an empty unquoted field and an empty
// string is "" so the two stay distinguishable; every record ends with "\n".
// JSON: an array of objects keyed by column name; NULL → null. Duplicate
// column names (SELECT 1 AS a, 2 AS a) get a suffix: a, a_2, a_3.

export type Cell = string | null;

export function escapeTSV(v: Cell): string {
  if (v === null) return '\\N';
  return v.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

export function toTSV(rows: readonly (readonly Cell[])[], header?: readonly string[]): string {
  const lines: string[] = [];
  if (header) lines.push(header.map(escapeTSV).join('\t'));
  for (const r of rows) lines.push(r.map(escapeTSV).join('\t'));
  return lines.join('\n');
}

export function escapeCSV(v: Cell): string {
  if (v === null) return '';
  if (v === '' || v.startsWith(' ') || /[",\r\n]/.test(v)) return '"' + v.replace(/"/g, '""') + '"';
  return v;
}

export function toCSV(rows: readonly (readonly Cell[])[], header?: readonly string[]): string {
  let out = '';
  if (header) out += header.map((h) => escapeCSV(h)).join(',') + '\n';
  for (const r of rows) out += r.map(escapeCSV).join(',') + '\n';
  return out;
}

/** Unique object keys for column names. */
export function jsonKeys(names: readonly string[]): string[] {
  const seen = new Map<string, number>();
  const used = new Set<string>();
  return names.map((n) => {
    let key = n;
    if (used.has(key)) {
      let k = seen.get(n) ?? 1;
      do {
        k++;
        key = `${n}_${k}`;
      } while (used.has(key));
      seen.set(n, k);
    }
    used.add(key);
    return key;
  });
}

export function toJSON(rows: readonly (readonly Cell[])[], names: readonly string[], indent = 2): string {
  const keys = jsonKeys(names);
  const objects = rows.map((r) => {
    const o: Record<string, Cell> = {};
    keys.forEach((k, i) => {
      o[k] = r[i] ?? null;
    });
    return o;
  });
  return JSON.stringify(objects, null, indent);
}
