package storage

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// ConnectionGroup is a folder of saved connections in the sidebar.
type ConnectionGroup struct {
	// ID is a UUID; leave it empty on save to have one assigned.
	ID   string `json:"id"`
	Name string `json:"name"`
	// Color tints the group's connections that have no colour of their
	// own, e.g. "#e5484d"; "" for none.
	Color string `json:"color"`
	// Position orders the groups (ties by name).
	Position  int       `json:"position"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
}

// Placement puts a connection in a group (GroupID "" for none) at a
// position among the group's connections.
type Placement struct {
	ID       string `json:"id"`
	GroupID  string `json:"groupId"`
	Position int    `json:"position"`
}

// SaveConnectionGroup inserts g, or renames/recolours the group with the same
// ID. An empty ID gets a new UUID; a new group goes after the others.
func (s *Store) SaveConnectionGroup(ctx context.Context, g ConnectionGroup) (ConnectionGroup, error) {
	var err error
	if g.ID, err = normaliseID("id", g.ID); err != nil {
		return ConnectionGroup{}, fmt.Errorf("save connection group: %w", err)
	}
	g.Name = strings.TrimSpace(g.Name)
	if g.Name == "" {
		return ConnectionGroup{}, fmt.Errorf("save connection group: %w", invalid("name", "a name is required"))
	}
	t := ms(now())
	var created int64
	err = s.w.QueryRowContext(ctx, `
INSERT INTO connection_groups (id, name, color, position, created_at, updated_at)
VALUES (?, ?, ?, (SELECT coalesce(max(position), 0) + 1 FROM connection_groups), ?, ?)
ON CONFLICT (id) DO UPDATE SET name = excluded.name, color = excluded.color, updated_at = excluded.updated_at
RETURNING position, created_at`, g.ID, g.Name, g.Color, t, t).Scan(&g.Position, &created)
	if err != nil {
		return ConnectionGroup{}, fmt.Errorf("save connection group %s: %w", g.ID, err)
	}
	g.CreatedAt, g.UpdatedAt = fromMS(created), fromMS(t)
	return g, nil
}

// LoadConnectionGroups returns every group in the user's order. It returns
// an empty, non-nil slice when there are none.
func (s *Store) LoadConnectionGroups(ctx context.Context) ([]ConnectionGroup, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, name, color, position, created_at, updated_at
FROM connection_groups ORDER BY position, name COLLATE NOCASE, id`)
	if err != nil {
		return nil, fmt.Errorf("load connection groups: %w", err)
	}
	defer rows.Close()
	out := []ConnectionGroup{}
	for rows.Next() {
		var g ConnectionGroup
		var created, updated int64
		if err := rows.Scan(&g.ID, &g.Name, &g.Color, &g.Position, &created, &updated); err != nil {
			return nil, fmt.Errorf("load connection groups: %w", err)
		}
		g.CreatedAt, g.UpdatedAt = fromMS(created), fromMS(updated)
		out = append(out, g)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load connection groups: %w", err)
	}
	return out, nil
}

// DeleteConnectionGroup deletes a group; its connections stay, in no group.
// It returns an error matching ErrNotFound if there was no such group.
func (s *Store) DeleteConnectionGroup(ctx context.Context, id string) error {
	res, err := s.w.ExecContext(ctx, "DELETE FROM connection_groups WHERE id = ?", canonicalID(id))
	if err != nil {
		return fmt.Errorf("delete connection group %s: %w", id, err)
	}
	return expectOne(res, "connection group", id)
}

// ArrangeConnections applies placements in one transaction: a drag in the
// sidebar moves one connection and renumbers its neighbours, and either all
// of that is saved or none. Unknown connections or groups fail the whole
// call with an error matching ErrNotFound or a *ValidationError.
func (s *Store) ArrangeConnections(ctx context.Context, placements []Placement) error {
	return s.inTx(ctx, "arrange connections", func(tx *sql.Tx) error {
		for _, p := range placements {
			res, err := tx.ExecContext(ctx, "UPDATE connections SET group_id = ?, position = ? WHERE id = ?",
				nullString(canonicalID(p.GroupID)), p.Position, canonicalID(p.ID))
			if err != nil {
				if isForeignKeyViolation(err) {
					return invalid("groupId", "connection group %s does not exist", p.GroupID)
				}
				return err
			}
			if err := expectOne(res, "connection", p.ID); err != nil {
				return err
			}
		}
		return nil
	})
}

// ArrangeConnectionGroups orders the groups as ids lists them.
func (s *Store) ArrangeConnectionGroups(ctx context.Context, ids []string) error {
	return s.inTx(ctx, "arrange connection groups", func(tx *sql.Tx) error {
		for i, id := range ids {
			res, err := tx.ExecContext(ctx, "UPDATE connection_groups SET position = ? WHERE id = ?", i+1, canonicalID(id))
			if err != nil {
				return err
			}
			if err := expectOne(res, "connection group", id); err != nil {
				return err
			}
		}
		return nil
	})
}

// inTx runs fn in a write transaction, committed when fn returns nil.
func (s *Store) inTx(ctx context.Context, what string, fn func(tx *sql.Tx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return fmt.Errorf("%s: %w", what, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}
