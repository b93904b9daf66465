package storage_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/tusk-app/tusk/backend/storage"
)

// writeValidStore creates a closed store at path with enough data to span
// many pages, and returns its size in bytes.
func writeValidStore(t *testing.T, path string) int64 {
	t.Helper()
	ctx := context.Background()
	s, _, err := storage.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 400 {
		sql := fmt.Sprintf("SELECT id, name, %s FROM orders_%d WHERE total > %d ORDER BY created_at DESC", strings.Repeat("col, ", 20), i, i)
		if _, err := s.AddHistory(ctx, storage.HistoryEntry{SQL: sql, DurationMs: int64(i)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path + "-wal"); err == nil {
		t.Fatal("WAL was not checkpointed on close")
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Size() < 20*4096 {
		t.Fatalf("test store is only %d bytes", info.Size())
	}
	return info.Size()
}

// garble overwrites n bytes of the file at off with seeded random bytes.
func garble(t *testing.T, path string, off, n int64) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	junk := make([]byte, n)
	r := rand.New(rand.NewPCG(uint64(off), uint64(n)))
	for i := range junk {
		junk[i] = byte(r.Uint32())
	}
	if _, err := f.WriteAt(junk, off); err != nil {
		t.Fatal(err)
	}
}

var corruptName = regexp.MustCompile(`^tusk\.db\.corrupt-\d{8}-\d{6}(-\d+)?$`)

func TestOpenRecoversDamagedStore(t *testing.T) {
	const page = 4096
	tests := []struct {
		name   string
		damage func(t *testing.T, path string)
	}{
		{"garbage header", func(t *testing.T, path string) {
			writeValidStore(t, path)
			garble(t, path, 0, 100)
		}},
		{"garbage schema page", func(t *testing.T, path string) {
			writeValidStore(t, path)
			garble(t, path, 100, page-100)
		}},
		{"garbage pages in the middle", func(t *testing.T, path string) {
			size := writeValidStore(t, path)
			mid := (size / page / 2) * page
			garble(t, path, mid, 4*page)
		}},
		{"truncated to half", func(t *testing.T, path string) {
			size := writeValidStore(t, path)
			if err := os.Truncate(path, (size/page/2)*page); err != nil {
				t.Fatal(err)
			}
		}},
		{"row breaking a check constraint (found by quick_check)", func(t *testing.T, path string) {
			writeValidStore(t, path)
			db := rawDBWritable(t, path)
			if _, err := db.Exec(`PRAGMA ignore_check_constraints = ON;
				INSERT INTO ssh_tunnels (id, name, host, port, username, auth_method, created_at, updated_at)
				VALUES ('x', 'bad', 'h', 0, 'u', 'agent', 0, 0)`); err != nil {
				t.Fatal(err)
			}
			if err := db.Close(); err != nil {
				t.Fatal(err)
			}
		}},
		{"pure garbage file", func(t *testing.T, path string) {
			if err := os.WriteFile(path, bytes.Repeat([]byte("this is not a database\n"), 1000), 0o600); err != nil {
				t.Fatal(err)
			}
		}},
		{"garbage with a stale wal", func(t *testing.T, path string) {
			if err := os.WriteFile(path, bytes.Repeat([]byte{0xde, 0xad, 0xbe, 0xef}, 2048), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path+"-wal", []byte("stale wal"), 0o600); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			dir := t.TempDir()
			path := filepath.Join(dir, storage.FileName)
			tt.damage(t, path)
			damaged, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}

			s, rep, err := storage.Open(ctx, path)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			defer s.Close()

			if !rep.Recovered || rep.InMemory || s.InMemory() {
				t.Fatalf("want a recovered file store, got %+v", rep)
			}
			t.Logf("cause: %v", rep.Cause)
			if !storage.IsCorrupt(rep.Cause) {
				t.Fatalf("cause %v is not classified as corruption", rep.Cause)
			}
			if rep.Message == "" || !strings.Contains(rep.Message, rep.MovedTo) {
				t.Fatalf("message %q does not tell where the file went", rep.Message)
			}
			if filepath.Dir(rep.MovedTo) != dir || !corruptName.MatchString(filepath.Base(rep.MovedTo)) {
				t.Fatalf("moved to %q", rep.MovedTo)
			}
			kept, err := os.ReadFile(rep.MovedTo)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(kept, damaged) {
				t.Fatal("the moved file is not the damaged file")
			}
			if _, err := os.Stat(path + "-wal"); err == nil {
				// A live WAL belongs to the new store; it must not be the stale one.
				if b, _ := os.ReadFile(path + "-wal"); string(b) == "stale wal" {
					t.Fatal("stale WAL left next to the new store")
				}
			}

			// The fresh store is empty and works.
			h, err := s.LoadHistory(ctx, storage.HistoryFilter{})
			if err != nil {
				t.Fatal(err)
			}
			if len(h) != 0 {
				t.Fatalf("fresh store has %d history entries", len(h))
			}
			if _, err := s.AddHistory(ctx, storage.HistoryEntry{SQL: "select 1"}); err != nil {
				t.Fatal(err)
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}

			// And it opens cleanly afterwards.
			s2, rep2, err := storage.Open(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			defer s2.Close()
			if rep2.Problem() {
				t.Fatalf("reopen after recovery: %+v", rep2)
			}
		})
	}
}

func TestOpenMovesAsideWithoutOverwritingEarlierCopies(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, storage.FileName)
	var moved []string
	for range 3 {
		if err := os.WriteFile(path, bytes.Repeat([]byte("junk"), 4096), 0o600); err != nil {
			t.Fatal(err)
		}
		s, rep, err := storage.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if !rep.Recovered {
			t.Fatalf("not recovered: %+v", rep)
		}
		moved = append(moved, rep.MovedTo)
	}
	seen := map[string]bool{}
	for _, m := range moved {
		if seen[m] {
			t.Fatalf("moved twice to %s: %v", m, moved)
		}
		seen[m] = true
		if _, err := os.Stat(m); err != nil {
			t.Fatal(err)
		}
	}
}

func TestOpenFallsBackToMemory(t *testing.T) {
	ctx := context.Background()
	notADir := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(notADir, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		path string
	}{
		{"directory is a regular file", filepath.Join(notADir, storage.FileName)},
		{"directory does not exist", filepath.Join(t.TempDir(), "missing", "deeper", storage.FileName)},
		{"path is a directory", t.TempDir()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, rep, err := storage.Open(ctx, tt.path)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			defer s.Close()
			if !rep.InMemory || !s.InMemory() || s.Path() != "" {
				t.Fatalf("want in-memory fallback, got %+v", rep)
			}
			if rep.Message == "" || rep.Detail == "" || rep.Cause == nil {
				t.Fatalf("report does not explain: %+v", rep)
			}
			if rep.Path != tt.path {
				t.Fatalf("report path %q, want %q", rep.Path, tt.path)
			}
			// Fully usable.
			c, err := s.SaveConnection(ctx, storage.ConnectionRecord{Name: "mem", Host: "h", Port: 5432})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.AddHistory(ctx, storage.HistoryEntry{ConnectionID: c.ID, SQL: "select * from widgets"}); err != nil {
				t.Fatal(err)
			}
			got, err := s.SearchHistory(ctx, "widg", storage.HistoryFilter{ConnectionID: c.ID})
			if err != nil || len(got) != 1 {
				t.Fatalf("search in memory: %v %v", got, err)
			}
		})
	}
}

func TestCheck(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), storage.FileName)
	writeValidStore(t, path)
	s, rep, err := storage.Open(ctx, path)
	if err != nil || rep.Problem() {
		t.Fatalf("open: %v %+v", err, rep)
	}
	if err := s.Check(ctx); err != nil {
		t.Fatalf("healthy store: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	// Garble the search index's own data (not the b-tree that holds it).
	// Check reports it; Open does not move the file for it, because every
	// b-tree is sound and the history itself is intact.
	db := rawDBWritable(t, path)
	if _, err := db.Exec(`UPDATE query_history_fts_data SET block = unhex(replace(hex(zeroblob(length(block))), '00', 'A7'))
		WHERE id = (SELECT max(id) FROM query_history_fts_data)`); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	s, rep, err = storage.Open(ctx, path)
	if err != nil || rep.Problem() {
		t.Fatalf("open: %v %+v", err, rep)
	}
	defer s.Close()
	err = s.Check(ctx)
	if err == nil || !storage.IsCorrupt(err) {
		t.Fatalf("Check = %v, want an error IsCorrupt recognises", err)
	}
	t.Logf("Check: %v", err)

	// Rebuilding the index repairs it.
	if err := s.RebuildHistoryIndex(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.Check(ctx); err != nil {
		t.Fatalf("after rebuild: %v", err)
	}
	got, err := s.SearchHistory(ctx, "orders_399", storage.HistoryFilter{})
	if err != nil || len(got) != 1 {
		t.Fatalf("search after rebuild: %v %v", got, err)
	}
}
