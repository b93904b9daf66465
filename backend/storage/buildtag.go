//go:build !sqlite_fts5

package storage

// The history search uses SQLite's full-text index (FTS5), which go-sqlite3
// compiles in only with the sqlite_fts5 build tag. Without it the store
// would fail at run time ("no such module: fts5"); this file turns that
// into a compile error whose text names the flag to add:
//
//	go test -tags 'sqlite_fts5 webkit2_41' ./...   (make test does this)
var _ = add_build_tags__go_test_dash_tags_sqlite_fts5_webkit2_41
