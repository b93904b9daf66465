package storage_test

import (
	"context"
	"errors"
	"testing"

	"github.com/tusk-app/tusk/backend/storage"
)

func TestHistoryKeepsPlans(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	plan := `[{"Plan": {"Node Type": "Result", "Actual Rows": 1}, "Execution Time": 0.01}]`
	withPlan, err := s.AddHistory(ctx, storage.HistoryEntry{SQL: "explain (analyze, format json) select 1", Plan: plan})
	if err != nil {
		t.Fatal(err)
	}
	without, err := s.AddHistory(ctx, storage.HistoryEntry{SQL: "select 1"})
	if err != nil {
		t.Fatal(err)
	}
	broken, err := s.AddHistory(ctx, storage.HistoryEntry{SQL: "explain select 1", Plan: "Seq Scan on t"})
	if err != nil {
		t.Fatal(err)
	}
	if !withPlan.HasPlan || without.HasPlan || broken.HasPlan {
		t.Errorf("HasPlan after AddHistory: %v %v %v", withPlan.HasPlan, without.HasPlan, broken.HasPlan)
	}
	page, err := s.LoadHistory(ctx, storage.HistoryFilter{})
	if err != nil {
		t.Fatal(err)
	}
	has := map[int64]bool{}
	for _, e := range page {
		has[e.ID] = e.HasPlan
		if e.Plan != "" {
			t.Errorf("a page of history carries the plan of %d", e.ID)
		}
	}
	if !has[withPlan.ID] || has[without.ID] || has[broken.ID] {
		t.Errorf("HasPlan in the page: %v", has)
	}
	found, err := s.SearchHistory(ctx, "explain", storage.HistoryFilter{})
	if err != nil || len(found) != 2 || !found[1].HasPlan {
		t.Errorf("search: %+v, %v", found, err)
	}
	got, err := s.LoadHistoryPlan(ctx, withPlan.ID)
	if err != nil || got != plan {
		t.Errorf("LoadHistoryPlan = %q, %v", got, err)
	}
	for _, id := range []int64{without.ID, broken.ID, 999} {
		if _, err := s.LoadHistoryPlan(ctx, id); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("entry %d: %v, want ErrNotFound", id, err)
		}
	}
}
