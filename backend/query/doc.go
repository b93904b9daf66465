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
// # Read-only connections and connection poolers
//
// On a read-only connection every statement runs in a transaction the
// server confirmed, in that same transaction, to be READ ONLY; a statement
// whose check fails is not run (apperr.ReadOnly). Options a pooler refused
// at login are applied with SET LOCAL in the transactions the engine opens
// or sees start, and the statement timeout by cancelling outside them.
// Behind a pooler the engine shows and signals only the real server
// process: read in the statement's transaction, or found in
// pg_stat_activity by the statement's text. A query that waits for Tusk's
// pool or for the pooler says so in Progress.Waiting. readonly.go and
// signal.go hold the details; docs/poolers.md the user's view.
package query
