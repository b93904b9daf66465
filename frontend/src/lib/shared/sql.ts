// SQL text the UI generates: identifiers are always quoted when they must be.

/** PostgreSQL's reserved key words (and those reserved except as function or type names). */
const reserved = new Set(
  (
    'all analyse analyze and any array as asc asymmetric authorization binary both case cast check collate collation ' +
    'column concurrently constraint create cross current_catalog current_date current_role current_schema current_time ' +
    'current_timestamp current_user default deferrable desc distinct do else end except false fetch for foreign freeze ' +
    'from full grant group having ilike in initially inner intersect into is isnull join lateral leading left like limit ' +
    'localtime localtimestamp natural not notnull null offset on only or order outer overlaps placing primary references ' +
    'returning right select session_user similar some symmetric system_user table tablesample then to trailing true union ' +
    'unique user using variadic verbose when where window with'
  ).split(' '),
);

/**
 * quoteIdent returns name as an SQL identifier: bare when PostgreSQL would
 * read it back unchanged (lower case, no special characters, not a reserved
 * word), double-quoted otherwise, with embedded quotes doubled.
 */
export function quoteIdent(name: string): string {
  if (/^[a-z_][a-z0-9_$]*$/.test(name) && !reserved.has(name)) return name;
  return `"${name.replaceAll('"', '""')}"`;
}

/** qualified is schema.name, each part quoted as needed. */
export function qualified(schema: string, name: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(name)}`;
}
