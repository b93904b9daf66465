package storage_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tusk-app/tusk/backend/storage"
)

// TestOpenKeepsAnUnrecognizedStoreAside: a store file that is empty (a crash
// or a full disk cut it to zero bytes) or is another program's database is
// not silently turned into an empty store: it is moved aside and the report
// tells the user, in words, what happened.
func TestOpenKeepsAnUnrecognizedStoreAside(t *testing.T) {
	tests := []struct {
		name    string
		prepare func(t *testing.T, path string)
		says    string
	}{
		{"zero bytes", func(t *testing.T, path string) {
			if err := os.WriteFile(path, nil, 0o600); err != nil {
				t.Fatal(err)
			}
		}, "was empty"},
		{"zero bytes with an empty WAL", func(t *testing.T, path string) {
			if err := os.WriteFile(path, nil, 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path+"-wal", nil, 0o600); err != nil {
				t.Fatal(err)
			}
		}, "was empty"},
		{"another program's database", func(t *testing.T, path string) {
			db := rawDBWritable(t, path)
			if _, err := db.Exec("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('keep me')"); err != nil {
				t.Fatal(err)
			}
			if err := db.Close(); err != nil {
				t.Fatal(err)
			}
		}, "not a Tusk store"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, storage.FileName)
			tt.prepare(t, path)
			before, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			s, rep, err := storage.Open(context.Background(), path)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if !rep.Recovered || rep.InMemory || !rep.Problem() {
				t.Fatalf("report %+v: want a recovered file store the user is told about", rep)
			}
			if !strings.Contains(rep.Message, tt.says) || !strings.Contains(rep.Message, rep.MovedTo) {
				t.Fatalf("message %q should say %q and where the file went", rep.Message, tt.says)
			}
			kept, err := os.ReadFile(rep.MovedTo)
			if err != nil || string(kept) != string(before) {
				t.Fatalf("the file kept aside differs from the original (%v)", err)
			}
			if _, err := s.SaveConnection(context.Background(), sampleConnection("fresh")); err != nil {
				t.Fatalf("the new store does not work: %v", err)
			}
		})
	}
}

// TestOpenOfAFreshStoreSaysNothing: a store that did not exist is created
// without a report, and a store with no tables yet (another process is
// creating it) is adopted, not moved aside.
func TestOpenOfAFreshStoreSaysNothing(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, storage.FileName)
	s, rep, err := storage.Open(context.Background(), path)
	if err != nil || rep.Problem() {
		t.Fatalf("new store: %+v, %v", rep, err)
	}
	s.Close()

	other := filepath.Join(dir, "header-only.db")
	db := rawDBWritable(t, other)
	if _, err := db.Exec("PRAGMA user_version = 0; PRAGMA journal_mode = WAL"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	s, rep, err = storage.Open(context.Background(), other)
	if err != nil || rep.Problem() {
		t.Fatalf("header-only store: %+v, %v", rep, err)
	}
	s.Close()
}
