package main

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/tusk-app/tusk/backend/internal/pgtest"
	"github.com/tusk-app/tusk/backend/storage"
)

// seed creates the two results the scenario opens: million (rows × 10
// columns of mixed types, the shape `make bench` fetches) and wide1600
// (wideRows × wideCols int4 columns; PostgreSQL allows at most 1,600).
func seed(ctx context.Context, c *pgtest.Cluster, rows, wideRows, wideCols int) error {
	cols := make([]string, wideCols)
	vals := make([]string, wideCols)
	for i := range cols {
		cols[i] = fmt.Sprintf("c%04d int4", i+1)
		vals[i] = fmt.Sprintf("g * %d", i+1)
	}
	stmts := []string{
		`create unlogged table million (id int8, n int4, t text, amount numeric(12,2), f float8, b bool,
			ts timestamptz, d date, u uuid, j jsonb)`,
		fmt.Sprintf(`insert into million
			select g,
				(g * 7919) %% 1000000,
				case when g %% 997 = 0 then null else 'row ' || left(md5(g::text), (16 + g %% 20)::int4) end,
				(g %% 1000000)::numeric / 100,
				case when g %% 1009 = 0 then null else g * 1.000123 / 7 end,
				case when g %% 101 = 0 then null else g %% 3 = 0 end,
				timestamptz '2024-01-01 00:00:00+00' + g * interval '1 second',
				date '2020-01-01' + (g %% 3000)::int4,
				md5(g::text)::uuid,
				case when g %% 499 = 0 then null else jsonb_build_object('k', g %% 1000, 'tag', 't' || (g %% 10)) end
			from generate_series(1::int8, %d) g`, rows),
		fmt.Sprintf(`create unlogged table wide1600 (%s)`, strings.Join(cols, ", ")),
		fmt.Sprintf(`insert into wide1600 select %s from generate_series(1, %d) g`, strings.Join(vals, ", "), wideRows),
		`vacuum (freeze, analyze) million`,
		`vacuum (freeze, analyze) wide1600`,
	}
	for _, s := range stmts {
		if err := c.Exec(ctx, s); err != nil {
			return err
		}
	}
	return nil
}

// workspaceTab and workspace are the ui_state value the frontend restores
// its tabs from (frontend/src/lib/tabs/workspace.svelte.ts, key "workspace").
type workspaceTab struct {
	ID           string `json:"id"`
	Title        string `json:"title"`
	ConnectionID string `json:"connectionId"`
	SQL          string `json:"sql"`
}

type workspace struct {
	Tabs     []workspaceTab `json:"tabs"`
	ActiveID string         `json:"activeId"`
}

// prepareDataDir makes a data directory as a returning user has it: the
// bench connection saved (trust login, no password) and one editor tab on
// it restored at start. It returns the connection's ID.
func prepareDataDir(ctx context.Context, dir string, c *pgtest.Cluster) (string, error) {
	if err := storage.InitDataDir(dir); err != nil {
		return "", err
	}
	st, rep, err := storage.Open(ctx, filepath.Join(dir, storage.FileName))
	if err != nil {
		return "", err
	}
	defer st.Close()
	if rep.Problem() {
		return "", fmt.Errorf("store in %s: %s", dir, rep.Message)
	}
	rec, err := st.SaveConnection(ctx, storage.ConnectionRecord{
		Name:     "Bench",
		Host:     c.Host,
		Port:     c.Port,
		Database: c.Database,
		Username: c.TrustUser,
		SSLMode:  "disable",
		Options:  storage.ConnectionOptions{ConnectTimeoutMs: 10_000, ApplicationName: "Tusk bench"},
	})
	if err != nil {
		return "", err
	}
	tab := workspaceTab{ID: "bench-welcome", Title: "Welcome", ConnectionID: rec.ID, SQL: "-- Tusk bench\nselect now();\n"}
	ws, err := json.Marshal(workspace{Tabs: []workspaceTab{tab}, ActiveID: tab.ID})
	if err != nil {
		return "", err
	}
	if err := st.SaveUIState(ctx, "workspace", ws); err != nil {
		return "", err
	}
	return rec.ID, st.Close()
}
