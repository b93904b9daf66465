package storage_test

import (
	"context"
	"errors"
	"testing"

	"github.com/tusk-app/tusk/backend/storage"
)

func TestConnectionGroups(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	prod, err := s.SaveConnectionGroup(ctx, storage.ConnectionGroup{Name: " Production ", Color: "#e5484d"})
	if err != nil || prod.ID == "" || prod.Name != "Production" || prod.Position != 1 {
		t.Fatalf("save = %+v, %v", prod, err)
	}
	staging, _ := s.SaveConnectionGroup(ctx, storage.ConnectionGroup{Name: "Staging"})
	if staging.Position != 2 {
		t.Fatalf("a new group goes last: %+v", staging)
	}
	if _, err := s.SaveConnectionGroup(ctx, storage.ConnectionGroup{Name: "  "}); !errors.As(err, new(*storage.ValidationError)) {
		t.Fatalf("a blank name: %v", err)
	}

	a, _ := s.SaveConnection(ctx, storage.ConnectionRecord{Name: "a", Host: "h", Port: 5432, GroupID: prod.ID})
	b, _ := s.SaveConnection(ctx, storage.ConnectionRecord{Name: "b", Host: "h", Port: 5432, GroupID: prod.ID})
	c, _ := s.SaveConnection(ctx, storage.ConnectionRecord{Name: "c", Host: "h", Port: 5432})
	if a.GroupID != prod.ID {
		t.Fatalf("group not kept: %+v", a)
	}
	if _, err := s.SaveConnection(ctx, storage.ConnectionRecord{Name: "x", Host: "h", Port: 5432, GroupID: "6f1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4b"}); !errors.As(err, new(*storage.ValidationError)) {
		t.Fatalf("an unknown group: %v", err)
	}

	// b before a, and c moved into staging; in one transaction.
	err = s.ArrangeConnections(ctx, []storage.Placement{{ID: b.ID, GroupID: prod.ID, Position: 1}, {ID: a.ID, GroupID: prod.ID, Position: 2}, {ID: c.ID, GroupID: staging.ID, Position: 1}})
	if err != nil {
		t.Fatal(err)
	}
	list, _ := s.LoadConnections(ctx)
	got := map[string]storage.ConnectionRecord{}
	order := []string{}
	for _, r := range list {
		got[r.Name] = r
		if r.GroupID == prod.ID {
			order = append(order, r.Name)
		}
	}
	if len(order) != 2 || order[0] != "b" || order[1] != "a" || got["c"].GroupID != staging.ID {
		t.Fatalf("after arranging: order %v, c in %q", order, got["c"].GroupID)
	}
	// Saving from the dialog keeps the position.
	b.Host = "other"
	if b2, _ := s.SaveConnection(ctx, b); b2.Position != 1 {
		t.Fatalf("save lost the position: %+v", b2)
	}

	// A placement naming an unknown connection changes nothing.
	err = s.ArrangeConnections(ctx, []storage.Placement{{ID: a.ID, Position: 9}, {ID: "6f1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4b", Position: 1}})
	if !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("unknown connection: %v", err)
	}
	if r, _ := s.LoadConnection(ctx, a.ID); r.Position != 2 || r.GroupID != prod.ID {
		t.Fatalf("a failed arrangement was partly applied: %+v", r)
	}

	if err := s.ArrangeConnectionGroups(ctx, []string{staging.ID, prod.ID}); err != nil {
		t.Fatal(err)
	}
	groups, _ := s.LoadConnectionGroups(ctx)
	if len(groups) != 2 || groups[0].ID != staging.ID {
		t.Fatalf("groups = %+v", groups)
	}

	// Deleting a group keeps its connections, in no group.
	if err := s.DeleteConnectionGroup(ctx, prod.ID); err != nil {
		t.Fatal(err)
	}
	if r, err := s.LoadConnection(ctx, a.ID); err != nil || r.GroupID != "" {
		t.Fatalf("after deleting its group: %+v, %v", r, err)
	}
	if err := s.DeleteConnectionGroup(ctx, prod.ID); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("deleting twice: %v", err)
	}
}
