package storage_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tusk-app/tusk/backend/storage"
)

func TestOpenFresh(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, storage.FileName)
	start := time.Now()
	s, rep, err := storage.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("open+migrate fresh store: %v", time.Since(start))
	defer s.Close()
	if rep.Problem() || rep.Message != "" || rep.Cause != nil {
		t.Fatalf("unexpected report %+v", rep)
	}
	if rep.SchemaVersion < 1 {
		t.Fatalf("schema version %d", rep.SchemaVersion)
	}
	if s.InMemory() || s.Path() != path {
		t.Fatalf("InMemory %v Path %q, want file %q", s.InMemory(), s.Path(), path)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("store file: %v", err)
	}

	db := rawDB(t, path)
	var mode string
	if err := db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil {
		t.Fatal(err)
	}
	if mode != "wal" {
		t.Fatalf("journal_mode %q, want wal", mode)
	}
}

func TestReopenKeepsDataAndMigratesOnce(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), storage.FileName)
	s, _, err := storage.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.SaveConnection(ctx, storage.ConnectionRecord{Name: "local", Host: "localhost", Port: 5432})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}

	for i := range 3 {
		start := time.Now()
		s, rep, err := storage.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("open existing store (%d): %v", i, time.Since(start))
		if rep.Problem() {
			t.Fatalf("unexpected report %+v", rep)
		}
		got, err := s.LoadConnection(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != "local" {
			t.Fatalf("got %+v", got)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}

	db := rawDB(t, path)
	var n, distinct int
	if err := db.QueryRow("SELECT count(*), count(DISTINCT version) FROM schema_migrations").Scan(&n, &distinct); err != nil {
		t.Fatal(err)
	}
	if want := migrationCount(t); n != want || distinct != n {
		t.Fatalf("schema_migrations has %d rows (%d distinct), want %d", n, distinct, want)
	}
}

// tables returns the ordinary tables of the store (no FTS shadow, virtual or
// sqlite_ internal tables) with their STRICT flag.
func tables(t *testing.T, path string) map[string]bool {
	t.Helper()
	rows, err := rawDB(t, path).Query(`SELECT name, strict FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite_%'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var name string
		var strict bool
		if err := rows.Scan(&name, &strict); err != nil {
			t.Fatal(err)
		}
		out[name] = strict
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestSchemaTablesAreStrict(t *testing.T) {
	s := newStore(t)
	got := tables(t, s.Path())
	for _, want := range []string{"schema_migrations", "connections", "ssh_tunnels", "query_history", "saved_queries", "ui_state"} {
		strict, ok := got[want]
		if !ok {
			t.Errorf("table %s missing", want)
		} else if !strict {
			t.Errorf("table %s is not STRICT", want)
		}
	}
	for name, strict := range got {
		if !strict {
			t.Errorf("table %s is not STRICT", name)
		}
	}
}

func TestSchemaHasNoSecretColumns(t *testing.T) {
	s := newStore(t)
	db := rawDB(t, s.Path())
	rows, err := db.Query(`SELECT m.name, p.name FROM sqlite_schema m, pragma_table_info(m.name) p WHERE m.type = 'table'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var table, column string
		if err := rows.Scan(&table, &column); err != nil {
			t.Fatal(err)
		}
		n++
		lower := strings.ToLower(column)
		for _, bad := range []string{"password", "secret", "passphrase", "passwd", "pwd", "token"} {
			if strings.Contains(lower, bad) {
				t.Errorf("column %s.%s looks like it holds a secret", table, column)
			}
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if n < 30 {
		t.Fatalf("only %d columns inspected; the query is wrong", n)
	}
}

func TestSchemaTooNewFallsBackWithoutTouchingFile(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), storage.FileName)
	s, _, err := storage.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SaveUIState(ctx, "k", []byte(`1`)); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	db := rawDBWritable(t, path)
	if _, err := db.Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'future', 0)"); err != nil {
		t.Fatal(err)
	}
	db.Close()

	s, rep, err := storage.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if !rep.InMemory || !s.InMemory() || rep.Recovered || rep.MovedTo != "" {
		t.Fatalf("want in-memory fallback without moving the file, got %+v", rep)
	}
	if rep.Message == "" || rep.Cause == nil {
		t.Fatalf("report does not explain: %+v", rep)
	}
	if !errorsIs(rep.Cause, storage.ErrSchemaTooNew) {
		t.Fatalf("cause %v, want ErrSchemaTooNew", rep.Cause)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("file was touched: %v", err)
	}
}

func TestOpenHonoursCancelledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s, _, err := storage.Open(ctx, filepath.Join(t.TempDir(), storage.FileName))
	if err == nil {
		s.Close()
		t.Fatal("Open with a cancelled context succeeded")
	}
	if !errorsIs(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
}

func TestOpenInMemory(t *testing.T) {
	ctx := context.Background()
	a, err := storage.OpenInMemory(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := storage.OpenInMemory(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if !a.InMemory() || a.Path() != "" {
		t.Fatalf("InMemory %v Path %q", a.InMemory(), a.Path())
	}
	if err := a.SaveUIState(ctx, "only-in-a", []byte(`true`)); err != nil {
		t.Fatal(err)
	}
	if _, err := b.LoadUIState(ctx, "only-in-a"); !errorsIs(err, storage.ErrNotFound) {
		t.Fatalf("in-memory stores share data: %v", err)
	}
}
