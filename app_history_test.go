package main

import (
	"context"
	"testing"
	"time"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/storage"
)

func TestHistoryAndSavedQueriesAPI(t *testing.T) {
	app, _ := newTestApp(t)
	st, _ := app.state()
	ctx := context.Background()
	for _, sql := range []string{"select * from customers", "update orders set paid = true", "select count(*) from orders"} {
		if _, err := st.Store().AddHistory(ctx, storage.HistoryEntry{SQL: sql, ExecutedAt: time.Now(), DurationMs: 3}); err != nil {
			t.Fatal(err)
		}
	}
	all, err := app.History(HistoryRequest{})
	if err != nil || len(all) != 3 || all[0].SQL != "select count(*) from orders" {
		t.Fatalf("History = %+v, %v", all, err)
	}
	found, err := app.History(HistoryRequest{Search: "ord"})
	if err != nil || len(found) != 2 {
		t.Fatalf("search ord = %+v, %v", found, err)
	}
	if n, err := app.ClearHistory(ConnectionRef{}); err != nil || n != 3 {
		t.Fatalf("ClearHistory = %d, %v", n, err)
	}

	q, err := app.SaveQuery(SaveQueryRequest{SavedQuery: storage.SavedQuery{Name: "unpaid", SQL: "select 1", FolderPath: "/reports"}})
	if err != nil || q.ID == "" {
		t.Fatalf("SaveQuery = %+v, %v", q, err)
	}
	q.SQL = "select 2"
	if q, err = app.SaveQuery(SaveQueryRequest{SavedQuery: q}); err != nil || q.SQL != "select 2" {
		t.Fatalf("update = %+v, %v", q, err)
	}
	if q, err = app.MoveSavedQuery(MoveSavedQueryRequest{ID: q.ID, Folder: "/reports/monthly"}); err != nil || q.FolderPath != "/reports/monthly" {
		t.Fatalf("move = %+v, %v", q, err)
	}
	if in, err := app.SavedQueries(FolderRequest{Folder: "/reports"}); err != nil || len(in) != 1 {
		t.Fatalf("SavedQueries(/reports) = %+v, %v", in, err)
	}
	if f, err := app.SavedQueryFolders(); err != nil || len(f) != 3 {
		t.Fatalf("folders = %v, %v", f, err)
	}
	if err := app.DeleteSavedQuery(IDRequest{ID: q.ID}); err != nil {
		t.Fatal(err)
	}
	if err := app.DeleteSavedQuery(IDRequest{ID: q.ID}); apperr.KindOf(err) != apperr.Storage {
		t.Fatalf("second delete: %v", err)
	}
	if _, err := app.SaveQuery(SaveQueryRequest{SavedQuery: storage.SavedQuery{SQL: "select 1"}}); apperr.KindOf(err) != apperr.Validation {
		t.Fatalf("nameless query: %v", err)
	}
}
