// Package resultset stores the rows of one query compactly while the query
// runs, serves pages of them to the UI and exports them.
//
// # Filling a set
//
// The query engine reads rows in PostgreSQL text format (pgx's
// QueryResultFormats{TextFormatCode} or the simple protocol) and hands each
// row's RawValues to Append, then calls Done with the query's error:
//
//	set := resultset.New(cols, resultset.Options{})
//	for rows.Next() {
//		if err := set.Append(rows.RawValues()); err != nil { … }
//	}
//	set.Done(rows.Err())
//
// Values are stored as they came: length-prefixed bytes (a uvarint of
// length+1, 0 for NULL) packed into chunks of up to 1 MiB, with a row index
// entry every 16 rows. Storage costs about one byte per value plus a quarter
// byte per row beyond the text itself.
//
// # Memory and the spill file
//
// Chunks stay in RAM up to Options.MemoryBudget; once it is reached every
// further chunk is appended to a temporary file in Options.TempDir and only
// its offset is kept in RAM, so a result of any size needs about the budget
// plus 0.25 byte per row of memory. Close deletes the file; call it when
// the result's tab closes.
//
// A Budget shared through Options.Budget makes the limit hold for all open
// results together (Tusk has one): a result started while others fill the
// budget spills at once. Releasing results gives their bytes back to the
// budget, and after large releases the memory goes back to the operating
// system (debug.FreeOSMemory, ReturnDelay later). SweepSpillFiles removes
// the spill files of a run that crashed.
//
// # Reading while the query runs
//
// A Set has one writer and any number of readers. Page, Value and the
// exports see a consistent prefix of the rows and do not block the writer
// while they decode. Page.Total and Page.Done tell the UI how far the query
// has got.
//
// # Display text
//
// Text format is what psql shows: numeric keeps every digit, timestamptz is
// in the session's TimeZone, bytea is \x… hex, and arrays, ranges, json,
// enums, domains and types unknown to the client arrive already formatted.
// Pages hand the text over unchanged except for cells longer than
// PageOptions.MaxCellBytes, which are cut and flagged in Page.Truncated.
//
// # Sorting and filtering
//
// SetView sorts and filters a finished set in the backend (ViewSpec); pages
// and exports then follow the view. Building it uses GOMAXPROCS
// goroutines. A quick filter with ASCII text searches the stored bytes of
// the chunks without decoding rows and needs memory only for the rows it
// keeps (4 bytes each, 8 while the chunks' lists are joined). A sort
// holds, per row kept, its sort key (twice the text of a text column plus
// 4 bytes, 9 bytes for numbers and times, about the text plus 6 for a
// numeric) and 32 bytes of bookkeeping: about 100 bytes a row for a
// 30-byte text column, 50 for a numeric.
//
// # Exports
//
// ExportCSV, ExportJSON and ExportSQL stream from the store to an
// io.Writer (never re-running the query) and stop when their context is
// cancelled. On a running set they export the rows present when they
// start.
package resultset
