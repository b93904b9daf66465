// Package query executes SQL for Tusk: statement kinds, script splitting, …
//
// # Reading SQL
//
// Lexer tokenizes PostgreSQL SQL without a server: strings in all their
// forms, dollar quotes, nested comments, quoted identifiers. It never fails;
// malformed input (an unterminated string, say) becomes a token that runs to
// the end of the input.
//
// # Statement kinds
//
// DetectKind classifies a statement (Select, Insert, DDL, …) for the UI:
// confirmation prompts, icons, refreshing the schema tree after DDL. Kinds
// are hints; execution reads the result's field descriptions and command
// tag instead of trusting them.
//
// # Scripts
//
// Split cuts a script into statements at top-level semicolons, the way psql
// does, and StatementAt finds the statement under the editor's cursor.
// Offsets are bytes; ByteOffsetOfCharPosition maps PostgreSQL's 1-based
// character positions in error reports to them.
//
// # Result columns
//
// Columns carry their type's name as format_type prints it and its
// pg_type.typcategory, so the grid can label and align them. Built-in types
// are named from a table; any other OID (enums, composites, extension types
// such as citext, arrays of them) is looked up in one round trip on the
// session's own connection once the statement's rows are read, then cached
// for the connection profile. Until then the column's TypeName is empty: a
// statement's first query:progress may lack names its query:done has.
package query
