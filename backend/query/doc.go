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
// # Running queries
//
// Engine runs a tab's SQL in the tab's server session, one query at a time,
// storing rows in resultset.Sets and reporting through query:* events; the
// session is free again before query:done is emitted. COPY … FROM STDIN is
// refused before anything runs; COPY … TO STDOUT shows its lines as rows.
//
// # Sessions
//
// Between runs a tab keeps a pooled connection only while its server
// session holds something a fresh one lacks (Holdings: an open transaction,
// SET values, temporary tables, LISTEN, prepared statements, held cursors,
// advisory locks); otherwise the connection goes back to the pool, so idle
// tabs never starve the others. When a query waits for a connection, an
// idle tab's kept session without a transaction is given up for it
// (reclaimed). A pinned connection idle for a while is pinged before use.
// Whenever a session ends — broken, terminated, reclaimed — session:lost
// names what went with it, the tab's next run says so, and the run after
// starts on a fresh session. A statement whose connection was dead before
// it reached the server runs once more on a fresh connection.
//
// # Cancelling
//
// Cancel sends a CancelRequest; if the server ignores it, pg_cancel_backend
// follows from a connection outside the pool (so an exhausted pool cannot
// block it), then query:stuck, after which Terminate or Drop end it.
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
