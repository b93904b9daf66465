package storage_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/tusk-app/tusk/backend/storage"
)

func sampleConnection(name string) storage.ConnectionRecord {
	return storage.ConnectionRecord{
		Name:              name,
		Host:              "db.example.com",
		Port:              5432,
		Database:          "app",
		Username:          "alice",
		SSLMode:           "verify-full",
		SSLRootCertPath:   "/etc/ssl/root.crt",
		SSLClientCertPath: "/home/alice/client.crt",
		SSLClientKeyPath:  "/home/alice/client.key",
		Options: storage.ConnectionOptions{
			ConnectTimeoutMs:           10_000,
			StatementTimeoutMs:         30_000,
			IdleInTransactionTimeoutMs: 60_000,
			ReadOnly:                   true,
			ApplicationName:            "tusk",
		},
		Color: "#e5484d",
	}
}

func TestConnectionRoundTrip(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)

	before := time.Now().Add(-time.Millisecond)
	saved, err := s.SaveConnection(ctx, sampleConnection("prod"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := uuid.Parse(saved.ID); err != nil {
		t.Fatalf("assigned id %q is not a UUID", saved.ID)
	}
	if saved.CreatedAt.Before(before) || !saved.CreatedAt.Equal(saved.UpdatedAt) || saved.LastConnectedAt != nil {
		t.Fatalf("timestamps: %+v", saved)
	}
	got, err := s.LoadConnection(ctx, saved.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !connEqual(got, saved) {
		t.Fatalf("loaded %+v\nsaved  %+v", got, saved)
	}
	// Upper-case IDs find the same record.
	if _, err := s.LoadConnection(ctx, strings.ToUpper(saved.ID)); err != nil {
		t.Fatalf("upper-case id: %v", err)
	}

	at := time.Date(2025, 3, 1, 12, 30, 45, 123_456_789, time.FixedZone("x", 3600))
	if err := s.SetLastConnected(ctx, saved.ID, at); err != nil {
		t.Fatal(err)
	}

	// Upsert keeps CreatedAt and LastConnectedAt, moves UpdatedAt.
	time.Sleep(2 * time.Millisecond)
	edit := saved
	edit.Name, edit.Port, edit.Options.ReadOnly = "production", 6432, false
	edit.CreatedAt = time.Time{}
	updated, err := s.SaveConnection(ctx, edit)
	if err != nil {
		t.Fatal(err)
	}
	if !updated.CreatedAt.Equal(saved.CreatedAt) || !updated.UpdatedAt.After(saved.UpdatedAt) {
		t.Fatalf("upsert timestamps: created %v→%v updated %v→%v", saved.CreatedAt, updated.CreatedAt, saved.UpdatedAt, updated.UpdatedAt)
	}
	wantLast := at.UTC().Truncate(time.Millisecond)
	if updated.LastConnectedAt == nil || !updated.LastConnectedAt.Equal(wantLast) {
		t.Fatalf("last connected %v, want %v", updated.LastConnectedAt, wantLast)
	}
	got, err = s.LoadConnection(ctx, saved.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !connEqual(got, updated) || got.Name != "production" || got.Port != 6432 || got.Options.ReadOnly {
		t.Fatalf("after update: %+v", got)
	}
	all, err := s.LoadConnections(ctx)
	if err != nil || len(all) != 1 {
		t.Fatalf("load all: %v %v", all, err)
	}
}

// connEqual compares records, times by instant.
func connEqual(a, b storage.ConnectionRecord) bool {
	if !a.CreatedAt.Equal(b.CreatedAt) || !a.UpdatedAt.Equal(b.UpdatedAt) {
		return false
	}
	if (a.LastConnectedAt == nil) != (b.LastConnectedAt == nil) ||
		(a.LastConnectedAt != nil && !a.LastConnectedAt.Equal(*b.LastConnectedAt)) {
		return false
	}
	a.CreatedAt, a.UpdatedAt, a.LastConnectedAt = time.Time{}, time.Time{}, nil
	b.CreatedAt, b.UpdatedAt, b.LastConnectedAt = time.Time{}, time.Time{}, nil
	return a == b
}

func TestLoadConnectionsOrderedByName(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	for _, name := range []string{"zeta", "Alpha", "beta", "alpha", "Gamma"} {
		if _, err := s.SaveConnection(ctx, storage.ConnectionRecord{Name: name, Host: "h", Port: 5432}); err != nil {
			t.Fatal(err)
		}
	}
	all, err := s.LoadConnections(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range all {
		names = append(names, c.Name)
	}
	if got, want := strings.Join(names, ","), "Alpha,alpha,beta,Gamma,zeta"; got != want {
		t.Fatalf("order %s, want %s", got, want)
	}

	empty := newStore(t)
	none, err := empty.LoadConnections(ctx)
	if err != nil || none == nil || len(none) != 0 {
		t.Fatalf("empty store: %#v %v", none, err)
	}
}

func TestSaveConnectionValidation(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	tests := []struct {
		name  string
		edit  func(*storage.ConnectionRecord)
		field string
	}{
		{"empty name", func(c *storage.ConnectionRecord) { c.Name = "  " }, "name"},
		{"port zero", func(c *storage.ConnectionRecord) { c.Port = 0 }, "port"},
		{"port too big", func(c *storage.ConnectionRecord) { c.Port = 70000 }, "port"},
		{"unknown ssl mode", func(c *storage.ConnectionRecord) { c.SSLMode = "sometimes" }, "sslMode"},
		{"id not a uuid", func(c *storage.ConnectionRecord) { c.ID = "conn-1" }, "id"},
		{"tunnel id not a uuid", func(c *storage.ConnectionRecord) { c.SSHTunnelID = "tunnel" }, "sshTunnelId"},
		{"unknown tunnel", func(c *storage.ConnectionRecord) { c.SSHTunnelID = uuid.NewString() }, "sshTunnelId"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := sampleConnection("x")
			tt.edit(&c)
			_, err := s.SaveConnection(ctx, c)
			var ve *storage.ValidationError
			if !errors.As(err, &ve) || !errors.Is(err, storage.ErrInvalid) {
				t.Fatalf("got %v, want a *ValidationError", err)
			}
			if ve.Field != tt.field {
				t.Fatalf("field %q, want %q", ve.Field, tt.field)
			}
		})
	}
	all, err := s.LoadConnections(ctx)
	if err != nil || len(all) != 0 {
		t.Fatalf("rejected connections were stored: %v %v", all, err)
	}

	// The empty SSL mode is libpq's default.
	c := sampleConnection("default ssl")
	c.SSLMode = ""
	saved, err := s.SaveConnection(ctx, c)
	if err != nil || saved.SSLMode != "prefer" {
		t.Fatalf("got %q %v, want prefer", saved.SSLMode, err)
	}
}

func TestConnectionNotFound(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	missing := uuid.NewString()
	checks := map[string]error{
		"load":           func() error { _, err := s.LoadConnection(ctx, missing); return err }(),
		"delete":         s.DeleteConnection(ctx, missing),
		"last connected": s.SetLastConnected(ctx, missing, time.Now()),
		"load non-uuid":  func() error { _, err := s.LoadConnection(ctx, "nope"); return err }(),
	}
	for name, err := range checks {
		if !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("%s: got %v, want ErrNotFound", name, err)
		}
	}
}

func TestDeleteConnectionCascades(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	keep, err := s.SaveConnection(ctx, sampleConnection("keep"))
	if err != nil {
		t.Fatal(err)
	}
	gone, err := s.SaveConnection(ctx, sampleConnection("gone"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []storage.ConnectionRecord{keep, gone} {
		if _, err := s.AddHistory(ctx, storage.HistoryEntry{ConnectionID: c.ID, SQL: "select * from shipments"}); err != nil {
			t.Fatal(err)
		}
	}
	q, err := s.CreateSavedQuery(ctx, storage.SavedQuery{ConnectionID: gone.ID, Name: "report", SQL: "select 1"})
	if err != nil {
		t.Fatal(err)
	}

	if err := s.DeleteConnection(ctx, gone.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.LoadConnection(ctx, gone.ID); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("deleted connection still loads: %v", err)
	}
	// Its history went with it, from the table and the full-text index.
	h, err := s.LoadHistory(ctx, storage.HistoryFilter{ConnectionID: gone.ID})
	if err != nil || len(h) != 0 {
		t.Fatalf("history of deleted connection: %v %v", h, err)
	}
	found, err := s.SearchHistory(ctx, "shipments", storage.HistoryFilter{})
	if err != nil || len(found) != 1 || found[0].ConnectionID != keep.ID {
		t.Fatalf("search after delete: %+v %v", found, err)
	}
	// The saved query stays, without a connection.
	got, err := s.LoadSavedQuery(ctx, q.ID)
	if err != nil || got.ConnectionID != "" {
		t.Fatalf("saved query after delete: %+v %v", got, err)
	}
}
