package storage_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"github.com/tusk-app/tusk/backend/storage"
)

func TestConcurrentUse(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	shared, err := s.SaveConnection(ctx, sampleConnection("shared"))
	if err != nil {
		t.Fatal(err)
	}
	const workers, rounds = 64, 40
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Go(func() {
			errs <- func() error {
				own, err := s.SaveConnection(ctx, sampleConnection(fmt.Sprintf("worker %02d", w)))
				if err != nil {
					return err
				}
				key := fmt.Sprintf("worker.%d", w)
				for i := range rounds {
					conn := shared.ID
					if i%2 == 0 {
						conn = own.ID
					}
					if _, err := s.AddHistory(ctx, storage.HistoryEntry{ConnectionID: conn, SQL: fmt.Sprintf("select %d from worker_%d", i, w), DurationMs: int64(i)}); err != nil {
						return fmt.Errorf("add history: %w", err)
					}
					if _, err := s.SearchHistory(ctx, fmt.Sprintf("worker_%d", w), storage.HistoryFilter{Limit: 10}); err != nil {
						return fmt.Errorf("search: %w", err)
					}
					if _, err := s.LoadHistory(ctx, storage.HistoryFilter{ConnectionID: shared.ID, Limit: 10}); err != nil {
						return fmt.Errorf("load history: %w", err)
					}
					if err := s.SaveUIState(ctx, key, json.RawMessage(fmt.Sprint(i))); err != nil {
						return fmt.Errorf("save ui state: %w", err)
					}
					if i%10 == 0 {
						if _, err := s.CreateSavedQuery(ctx, storage.SavedQuery{Name: key, SQL: "select 1", FolderPath: fmt.Sprintf("/w/%d", w)}); err != nil {
							return fmt.Errorf("create saved query: %w", err)
						}
						if err := s.SetLastConnected(ctx, shared.ID, timeNow()); err != nil {
							return fmt.Errorf("set last connected: %w", err)
						}
						if _, err := s.LoadConnections(ctx); err != nil {
							return fmt.Errorf("load connections: %w", err)
						}
					}
				}
				return nil
			}()
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}

	conns, err := s.LoadConnections(ctx)
	if err != nil || len(conns) != workers+1 {
		t.Fatalf("connections: %d %v", len(conns), err)
	}
	hist, err := s.LoadHistory(ctx, storage.HistoryFilter{Limit: storage.MaxHistoryLimit, Offset: workers*rounds - 1})
	if err != nil || len(hist) != 1 {
		t.Fatalf("want exactly %d history entries: %d beyond the last offset, %v", workers*rounds, len(hist), err)
	}
	state, err := s.LoadAllUIState(ctx)
	if err != nil || len(state) != workers {
		t.Fatalf("ui state: %d %v", len(state), err)
	}
	for k, v := range state {
		if string(v) != fmt.Sprint(rounds-1) {
			t.Errorf("%s = %s, want %d", k, v, rounds-1)
		}
	}
	saved, err := s.LoadSavedQueriesInFolder(ctx, "/w")
	if err != nil || len(saved) != workers*rounds/10 {
		t.Fatalf("saved queries: %d %v", len(saved), err)
	}
}

// Several Tusk processes (here: stores) may open and share one file, even a
// new one they all create at once.
func TestStoresShareAFile(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), storage.FileName)
	var stores [4]*storage.Store
	var wg sync.WaitGroup
	openErrs := make([]error, len(stores))
	for i := range stores {
		wg.Go(func() {
			var rep storage.Report
			stores[i], rep, openErrs[i] = storage.Open(ctx, path)
			if openErrs[i] == nil && rep.Problem() {
				openErrs[i] = fmt.Errorf("report %+v", rep)
			}
		})
	}
	wg.Wait()
	for i, err := range openErrs {
		if err != nil {
			t.Fatalf("store %d: %v", i, err)
		}
		defer stores[i].Close()
	}

	const perStore = 200
	errs := make(chan error, len(stores))
	for i, s := range stores {
		wg.Go(func() {
			for j := range perStore {
				if _, err := s.AddHistory(ctx, storage.HistoryEntry{SQL: fmt.Sprintf("select %d, %d from pair", i, j)}); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for i, s := range stores {
		got, err := s.SearchHistory(ctx, "pair", storage.HistoryFilter{Limit: storage.MaxHistoryLimit})
		if err != nil || len(got) != len(stores)*perStore {
			t.Fatalf("store %d sees %d entries, %v", i, len(got), err)
		}
	}

	db := rawDB(t, path)
	var n int
	if err := db.QueryRow("SELECT count(*) FROM schema_migrations").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if want := migrationCount(t); n != want {
		t.Fatalf("schema_migrations has %d rows after a concurrent first open, want %d", n, want)
	}
}
