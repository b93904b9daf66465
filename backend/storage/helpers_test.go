package storage_test

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/tusk-app/tusk/backend/storage"
)

// newStore opens a fresh file store in a temporary directory and closes it
// when the test ends.
func newStore(t testing.TB) *storage.Store {
	t.Helper()
	s, rep, err := storage.Open(context.Background(), filepath.Join(t.TempDir(), storage.FileName))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if rep.Problem() || s.InMemory() {
		t.Fatalf("Open reported a problem on a fresh file: %+v", rep)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

// rawDB opens the store file directly, read-only, for inspecting the schema.
func rawDB(t testing.TB, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatalf("open raw db: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func ptr[T any](v T) *T { return &v }

// rawDBWritable opens the store file directly for writing (the store must be
// closed).
func rawDBWritable(t testing.TB, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path)
	if err != nil {
		t.Fatalf("open raw db: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func errorsIs(err, target error) bool { return errors.Is(err, target) }

func timeNow() time.Time { return time.Now() }

// migrationCount is the number of migration files in the package.
func migrationCount(t testing.TB) int {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("migrations", "*.sql"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no migrations found: %v", err)
	}
	return len(files)
}
