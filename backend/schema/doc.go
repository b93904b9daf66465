// Package schema introspects a PostgreSQL database's objects and keeps them
// as a per-connection Cache (seed T033) for the browser tree, the filter box,
// "Show definition" and the editor's autocomplete.
//
// # Loading
//
// Load reads the system catalogs with a fixed handful of set-based queries
// (queries/*.sql, embedded; one round trip each, whatever the number of
// objects) and builds the Cache in memory: schemas, tables (with row estimate
// and size), partitioned and foreign tables, views, materialized views,
// columns, constraints, indexes, functions and procedures, sequences, types
// and extensions. A catalog of 10,000 tables loads in about 0.35 s (0.45 s on
// a new connection; BenchmarkLoad10kTables). Load needs PostgreSQL 12 or
// newer and returns *UnsupportedServerError otherwise.
//
// Deparsing an expression that refers to a table's columns (a generated
// column, a CHECK constraint, an expression or partial index) makes the
// server open and lock that table (AccessShareLock, until the query ends),
// as pg_dump does; column defaults are deparsed without it. A catalog with
// tens of thousands of such tables may need a larger
// max_locks_per_transaction.
//
// # Visibility
//
// The catalogs are readable by every role, so Load reads them directly and
// keeps only the schemas on which the user has USAGE
// (has_schema_privilege): a schema the user may not use is left out with
// everything in it — not even its name is listed — rather than failing the
// load. TOAST and temporary schemas are never listed; pg_catalog and
// information_schema are, flagged System.
//
// # Serving the UI
//
// A Cache is immutable once built and safe for concurrent use. SchemaNames
// and Schema serve the tree one schema at a time; Search finds objects by
// name (case-insensitive substring, exact and prefix matches first);
// Completion builds the {"schema.table": [columns]} map that CodeMirror's
// sql({schema}) takes. ChangesSchema tells from a command tag whether a
// statement run in the editor calls for a reload.
//
// # Definitions
//
// Definition returns the SQL that creates one object: the pg_get_*def
// functions for views, functions, indexes and constraints, pg_sequence for
// sequences, and a CREATE TABLE reconstructed from the catalog for tables.
//
// Every query is tested against a real server (see the package tests).
package schema
