// Package storage is Tusk's local store: the data directory and the SQLite
// database in it that keeps saved connections, SSH tunnels, query history,
// saved queries and UI state.
//
// # Where the files live
//
// DefaultDataDir picks the directory: $TUSK_DATA_DIR if set; ./.tusk-dev in
// dev builds (build tag dev, which `wails dev` sets); otherwise the platform's
// per-user data directory (~/.local/share/tusk or $XDG_DATA_HOME/tusk,
// ~/Library/Application Support/Tusk, %AppData%\Tusk). InitDataDir creates it
// (0700) and proves it writable; its *DataDirError carries the path and cause
// for the dialog that offers another location. The database is FileName
// inside it.
//
//	dir, err := storage.DefaultDataDir()
//	...
//	if err := storage.InitDataDir(dir); err != nil { ... offer another dir ... }
//	st, report, err := storage.Open(ctx, filepath.Join(dir, storage.FileName))
//	if report.Problem() { ... show report.Message ... }
//
// # Opening, damage and the fallback
//
// Open applies the embedded migrations (migrations/NNNN_name.sql, each in its
// own transaction, recorded in schema_migrations) and checks every table's
// b-tree with PRAGMA quick_check. A damaged file (SQLITE_CORRUPT,
// SQLITE_NOTADB, failed check) is moved aside to
// tusk.db.corrupt-YYYYMMDD-HHMMSS with its -wal and -shm files and replaced by
// a fresh store; if no file store can be opened at all, Open returns an
// in-memory one (OpenInMemory) so the app still runs. The Report says what
// happened in words the user can read. Check runs the slower full check (free
// lists, the search index's own structure) for a background job, and
// RebuildHistoryIndex repairs the search index.
//
// Opening takes ~1–2 ms for an existing store with little history, ~45 ms
// with 100,000 history entries (the check reads every table), and ~5–10 ms to
// create a new one (see BenchmarkOpenExisting and BenchmarkOpenFresh).
//
// # Concurrency
//
// A *Store is safe for concurrent use. The file runs in WAL mode: one writer
// connection (writes queue in Go and honour ctx; transactions begin
// IMMEDIATE so they never fail upgrading a lock) beside a pool of read-only
// connections, so reads never wait for writes. Several processes may share a
// file; SQLite's busy timeout (5 s) serialises their writers. Every method
// takes a context first.
//
// # Records
//
// ConnectionRecord, SSHTunnelRecord, HistoryEntry, SavedQuery and UI state
// values (JSON) are plain storage records with camelCase JSON tags for the
// frontend; the connection package converts them to its richer types. No
// record and no column holds a password or passphrase: those live in the OS
// keychain (accounts db:<connection id> and ssh:<tunnel id>).
//
// IDs are UUIDs in canonical lowercase form, assigned on save when empty.
// Timestamps are stored as INTEGER Unix milliseconds (UTC) and surface as
// time.Time in UTC with millisecond precision (RFC 3339 strings in JSON).
//
// Deleting a connection deletes its query history (ON DELETE CASCADE: the
// history belongs to the connection, may hold data the user wants gone with
// it, and cannot be re-run without it) but keeps its saved queries, which
// are the user's own work (ON DELETE SET NULL). Deleting an SSH tunnel turns
// the connections that used it into direct ones.
//
// # Searching history
//
// SearchHistory runs an FTS5 full-text search (an external-content index over
// query_history.sql, kept in step by triggers, with prefix indexes for 1–4
// characters). Every word the user types is a case- and accent-insensitive
// prefix; all must match. The input is quoted word by word, so no input is
// ever FTS5 syntax. Results come newest first, in pages (HistoryFilter).
// Searches over 100,000 entries take 0.05–8 ms (BenchmarkHistorySearch100k).
//
// # Errors
//
// Errors are wrapped with context and %w. A missing record matches
// ErrNotFound; rejected input is a *ValidationError naming the JSON field and
// matches ErrInvalid; IsCorrupt recognises a damaged file; ErrSchemaTooNew
// marks a store written by a newer Tusk. Everything else comes from SQLite
// (sqlite3.Error) or the file system, for apperr to classify.
package storage
