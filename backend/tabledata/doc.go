// Package tabledata is the data tab's backend: it opens any table, view,
// materialized view, partitioned or foreign table, pages through it in a
// stable order with the filter and sort run on the server, and applies
// pending edits in one transaction that never overwrites a row someone
// else changed.
//
// # Describing a relation
//
// Describe reads from the catalog (queries/*.sql, embedded) what the grid
// needs: the columns (declared type, domain and base type, enum labels,
// array element type, nullability, DEFAULT, generated expression, identity,
// whether each may be written and sorted), the key, and whether and why not
// the relation can be edited.
//
// The key is the primary key, else the first unique index that is
// immediate, not partial, over plain columns that are all NOT NULL. A view
// has a key when it is automatically updatable (pg_relation_is_updatable,
// the same test information_schema.views.is_updatable makes) and shows
// every column of its base relation's key unchanged: Describe prepares the
// view's defining query without running it and reads, from the field
// descriptions, which base column each view column is; views over views are
// followed. Materialized views, views that are not automatically
// updatable, foreign tables whose wrapper refuses changes, relations
// without a key, a read-only connection (connection.Options.ReadOnly), a
// server that makes sessions read-only (a standby, or
// default_transaction_read_only) and missing privileges each make the
// relation read-only, and Relation.ReadOnlyReason says which.
//
// # Browsing
//
// Page reads one page in the order "the user's sort, then the key" (a
// table without a key is ordered by its row address, ctid; a view or
// foreign table without one reads pages by OFFSET). Pages never count: the
// row count shown on open is the planner's estimate (EXPLAIN of the
// filtered SELECT, which scales pg_class.reltuples as the planner does);
// Count gives the exact number on request and stops when its context is
// cancelled.
//
// Scrolling uses keyset pagination: a page carries cursors (the order
// values of its first and last rows), and the next page is "rows after
// the last cursor", a condition an index on the order serves:
//
//	WHERE (grp, id) > ($1, $2) ORDER BY grp, id LIMIT 200
//
// so page 50,000 costs what page 1 costs. Mixed directions and nullable
// sort columns get the equivalent OR-expanded condition, with NULLs last
// in ascending and first in descending order; a nullable leading column is
// read in two blocks (its values, then its NULLs) so its condition stays
// indexable. The last page is the first page of the reversed order.
//
// Random access — a scrollbar dragged to the middle of ten million rows —
// is served by fraction, not by position: Seek{To: fraction} finds the
// value of the leading order column at that fraction from the planner's
// statistics (most common values and histogram, as pg_stats shows them),
// or interpolates between the column's minimum and maximum for numbers and
// times, and reads the page starting at that value. Its Position is then
// an estimate (Exact false), and scrolling on from it is exact relative to
// it; a page that reaches the first row re-anchors positions exactly.
// Positions from the start are exact; positions of the last page are
// counted back from the total (exact once the user asked for a count).
// Exact positions in the middle would need every row before them counted,
// which is what makes other clients freeze on big tables.
//
// Every page runs in a read-only transaction (BEGIN READ ONLY, the
// statement, COMMIT, one round trip), so browsing never writes.
//
// # Filtering
//
// A Filter is conditions per column, with operators that fit the type (see
// Column.Operators), and nested groups joined by AND or OR; or, in SQL
// mode, a raw condition written after WHERE. Values are always bound
// parameters. Before anything runs, every value is checked against the
// type it must have by the server itself (`SELECT $1::type` per value,
// pipelined in one round trip, each in its own implicit transaction), so
// enums, domains, ranges, arrays and extension types are judged exactly as
// the statement would judge them; a bad value fails with a Validation
// error whose field names it ("filter.conditions.2.values.0"). A raw
// condition is lexed first: it may not end the statement or close a
// parenthesis it did not open, and a server error inside it points into
// the text the user typed ("filter.sql").
//
// # Editing
//
// A Change updates, inserts or deletes one row; Plan turns changes into
// statements in the order given, each value a parameter:
//
//	UPDATE s.t SET c = $1 WHERE k = $2 AND c IS NOT DISTINCT FROM $3 RETURNING *
//	INSERT INTO s.t (a) VALUES ($1) RETURNING *      -- other columns get their DEFAULT
//	DELETE FROM s.t WHERE k = $1 AND a IS NOT DISTINCT FROM $2 AND …
//
// An UPDATE finds its row by the key and changes it only if the cells it
// changes still hold the values that were loaded; a DELETE compares every
// loaded column it is given. Columns without an ordering (json, xml,
// point…) compare by their text. NULL, the empty string and the text
// 'NULL' are three different values; SET DEFAULT is explicit; generated and
// identity-always columns are never written. Plan.Script is the whole
// transaction with values as literals, for the user to review: run as it
// is, it does what Commit does.
//
// Commit checks the values like a filter's, then runs BEGIN, the
// statements (pipelined, 256 per round trip) and COMMIT on a connection of
// its own — never an editor tab's session. A statement that fails or
// touches a number of rows other than one rolls everything back: nothing
// is applied, and Failure names the change and, when the server or the
// statement tells, the cell; a conflict (no row touched: someone changed or
// deleted it) carries the row's current values. After a commit the touched
// rows come back from RETURNING, with defaults, generated columns and
// trigger changes.
//
// # Query results
//
// DescribeResult decides whether a query's result can be edited: every
// column must come unchanged from one table or view (the field
// descriptions' table OID and column number), no column twice, with the
// key among them. The same Plan and Commit then apply.
//
// # Identifiers
//
// Every name is quoted by package ident: bare only when it is lower-case,
// plain and not a keyword on any supported server version.
//
// # Concurrency
//
// A Relation is immutable and safe to share; its methods take the
// connection to use, which like any connection serves one goroutine at a
// time. Tables, the registry of open relations, is safe for concurrent use.
package tabledata
