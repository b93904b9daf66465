package storage_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/tusk-app/tusk/backend/storage"
)

func TestCleanFolderPath(t *testing.T) {
	tests := []struct {
		in, want string
		bad      bool
	}{
		{in: "", want: "/"},
		{in: "/", want: "/"},
		{in: "///", want: "/"},
		{in: "reports", want: "/reports"},
		{in: "/reports/monthly/", want: "/reports/monthly"},
		{in: " reports// monthly / ", want: "/reports/monthly"},
		{in: "/Reports/Q1 2025", want: "/Reports/Q1 2025"},
		{in: `/back\slash`, want: `/back\slash`},
		{in: "/a/./b", bad: true},
		{in: "/a/../b", bad: true},
		{in: "..", bad: true},
		{in: "/tab\there", bad: true},
		{in: "/" + strings.Repeat("x", 1100), bad: true},
	}
	for _, tt := range tests {
		got, err := storage.CleanFolderPath(tt.in)
		if tt.bad {
			var ve *storage.ValidationError
			if !errors.As(err, &ve) || ve.Field != "folderPath" {
				t.Errorf("CleanFolderPath(%q) = %q, %v; want a folderPath validation error", tt.in, got, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("CleanFolderPath(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestSavedQueryLifecycle(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	conn, err := s.SaveConnection(ctx, sampleConnection("warehouse"))
	if err != nil {
		t.Fatal(err)
	}
	created, err := s.CreateSavedQuery(ctx, storage.SavedQuery{
		ConnectionID: conn.ID, Name: " Monthly revenue ", SQL: "select sum(total) from orders",
		FolderPath: "reports/monthly/", Description: "for the board",
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := uuid.Parse(created.ID); err != nil || created.Name != "Monthly revenue" ||
		created.FolderPath != "/reports/monthly" || created.CreatedAt.IsZero() {
		t.Fatalf("created %+v", created)
	}
	got, err := s.LoadSavedQuery(ctx, created.ID)
	if err != nil || got != created {
		t.Fatalf("loaded %+v, %v\nwant   %+v", got, err, created)
	}

	time.Sleep(2 * time.Millisecond)
	edit := got
	edit.SQL, edit.ConnectionID, edit.Description = "select sum(total) from paid_orders", "", ""
	updated, err := s.UpdateSavedQuery(ctx, edit)
	if err != nil {
		t.Fatal(err)
	}
	if !updated.CreatedAt.Equal(created.CreatedAt) || !updated.UpdatedAt.After(created.UpdatedAt) {
		t.Fatalf("update timestamps %+v", updated)
	}
	got, err = s.LoadSavedQuery(ctx, created.ID)
	if err != nil || got != updated || got.ConnectionID != "" {
		t.Fatalf("after update %+v, %v", got, err)
	}

	moved, err := s.MoveSavedQuery(ctx, created.ID, "/archive/")
	if err != nil || moved.FolderPath != "/archive" || moved.SQL != updated.SQL {
		t.Fatalf("moved %+v, %v", moved, err)
	}
	if err := s.DeleteSavedQuery(ctx, created.ID); err != nil {
		t.Fatal(err)
	}
	missing := map[string]error{
		"load":   func() error { _, err := s.LoadSavedQuery(ctx, created.ID); return err }(),
		"update": func() error { _, err := s.UpdateSavedQuery(ctx, updated); return err }(),
		"move":   func() error { _, err := s.MoveSavedQuery(ctx, created.ID, "/x"); return err }(),
		"delete": s.DeleteSavedQuery(ctx, created.ID),
	}
	for name, err := range missing {
		if !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("%s after delete: %v, want ErrNotFound", name, err)
		}
	}
}

func TestSavedQueryValidation(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	dup, err := s.CreateSavedQuery(ctx, storage.SavedQuery{Name: "taken", SQL: "select 1"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		q     storage.SavedQuery
		field string
	}{
		{"empty name", storage.SavedQuery{Name: " "}, "name"},
		{"bad folder", storage.SavedQuery{Name: "n", FolderPath: "/a/../b"}, "folderPath"},
		{"bad id", storage.SavedQuery{ID: "q1", Name: "n"}, "id"},
		{"unknown connection", storage.SavedQuery{Name: "n", ConnectionID: uuid.NewString()}, "connectionId"},
		{"id taken", storage.SavedQuery{ID: dup.ID, Name: "n"}, "id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.CreateSavedQuery(ctx, tt.q)
			var ve *storage.ValidationError
			if !errors.As(err, &ve) || ve.Field != tt.field {
				t.Fatalf("got %v, want a *ValidationError on %s", err, tt.field)
			}
		})
	}
	if _, err := s.UpdateSavedQuery(ctx, storage.SavedQuery{Name: "no id"}); !errors.Is(err, storage.ErrInvalid) {
		t.Fatalf("update without id: %v", err)
	}
	if _, err := s.MoveSavedQuery(ctx, dup.ID, "/a/./b"); !errors.Is(err, storage.ErrInvalid) {
		t.Fatalf("move to bad folder: %v", err)
	}
}

func TestSavedQueryFolders(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	layout := []struct{ folder, name string }{
		{"/", "scratch"},
		{"/reports", "b overview"},
		{"/reports", "A summary"},
		{"/reports/monthly", "revenue"},
		{"/reports/monthly/2025", "january"},
		{"/reports-old", "legacy"},
		{"/Reports", "capitalised"},
		{"/ops/vacuum", "bloat"},
	}
	for _, l := range layout {
		if _, err := s.CreateSavedQuery(ctx, storage.SavedQuery{Name: l.name, SQL: "select 1", FolderPath: l.folder}); err != nil {
			t.Fatal(err)
		}
	}
	names := func(qs []storage.SavedQuery) string {
		var out []string
		for _, q := range qs {
			out = append(out, q.FolderPath+":"+q.Name)
		}
		return strings.Join(out, ",")
	}
	tests := []struct{ folder, want string }{
		{"/reports", "/reports:A summary,/reports:b overview,/reports/monthly:revenue,/reports/monthly/2025:january"},
		{"reports/monthly/", "/reports/monthly:revenue,/reports/monthly/2025:january"},
		{"/Reports", "/Reports:capitalised"},
		{"/ops", "/ops/vacuum:bloat"},
		{"/nothing", ""},
	}
	for _, tt := range tests {
		got, err := s.LoadSavedQueriesInFolder(ctx, tt.folder)
		if err != nil {
			t.Fatal(err)
		}
		if names(got) != tt.want {
			t.Errorf("folder %s:\n got %s\nwant %s", tt.folder, names(got), tt.want)
		}
	}
	all, err := s.LoadSavedQueries(ctx)
	if err != nil || len(all) != len(layout) || all[0].FolderPath != "/" {
		t.Fatalf("all: %s %v", names(all), err)
	}

	folders, err := s.LoadFolders(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := "[/ /Reports /ops /ops/vacuum /reports /reports-old /reports/monthly /reports/monthly/2025]"
	if fmt.Sprint(folders) != want {
		t.Fatalf("folders %v\n want %s", folders, want)
	}

	empty := newStore(t)
	folders, err = empty.LoadFolders(ctx)
	if err != nil || fmt.Sprint(folders) != "[/]" {
		t.Fatalf("folders of empty store: %v %v", folders, err)
	}
	none, err := empty.LoadSavedQueries(ctx)
	if err != nil || none == nil || len(none) != 0 {
		t.Fatalf("saved queries of empty store: %#v %v", none, err)
	}
}
