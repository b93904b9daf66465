package state_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/tusk-app/tusk/backend/connection"
	"github.com/tusk-app/tusk/backend/event"
	"github.com/tusk-app/tusk/backend/internal/pgtest"
	"github.com/tusk-app/tusk/backend/query"
	"github.com/tusk-app/tusk/backend/schema"
	"github.com/tusk-app/tusk/backend/state"
)

func tableNames(c *schema.Cache, sch string) []string {
	s, ok := c.Schema(sch)
	if !ok {
		return nil
	}
	var out []string
	for _, t := range s.Tables {
		out = append(out, t.Name)
	}
	return out
}

// waitCache waits until the connection's schema cache satisfies ok.
func waitCache(t *testing.T, st *state.State, id string, ok func(*schema.Cache) bool) *schema.Cache {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if c, found := st.SchemaCache(id); found && ok(c) {
			return c
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("the schema cache never showed what was expected")
	return nil
}

// TestSchemaLoadsOnConnectAndAfterDDL: connecting reads the catalog in the
// background; DDL run from Tusk refreshes it; disconnecting drops it (T029).
func TestSchemaLoadsOnConnectAndAfterDDL(t *testing.T) {
	pgtest.Need(t)
	ctx := context.Background()
	var events event.Recorder
	st := newStateWith(t, &events)
	cfg := connection.NewConfig("schema", cluster.Host, cluster.Port, cluster.Database, cluster.TrustUser)
	cfg.SSLMode = connection.SSLDisable
	rec, err := st.Store().SaveConnection(ctx, cfg.Record())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Connect(ctx, rec.ID, state.ConnectOptions{}); err != nil {
		t.Fatal(err)
	}
	waitCache(t, st, rec.ID, func(c *schema.Cache) bool { return len(c.SchemaNames()) > 0 })

	table := "made_in_tusk_" + time.Now().Format("150405")
	started, err := st.Queries().Execute(query.Request{SessionID: "s", ConnectionID: rec.ID, SQL: "create table " + table + " (id int primary key)"})
	if err != nil {
		t.Fatal(err)
	}
	if sum, _ := st.Queries().Wait(ctx, started.QueryID); sum.Status != query.StatusDone {
		t.Fatalf("create table: %+v", sum)
	}
	c := waitCache(t, st, rec.ID, func(c *schema.Cache) bool { return slices.Contains(tableNames(c, "public"), table) })
	if len(c.Completion()) == 0 {
		t.Fatal("no completion entries")
	}
	var loaded int
	for _, ev := range events.Events() {
		if ev.Name == event.SchemaLoaded {
			loaded++
		}
	}
	if loaded < 2 {
		t.Fatalf("%d schema:loaded events, want one per load", loaded)
	}
	st.Queries().CloseSession("s")
	st.Disconnect(rec.ID)
	if _, ok := st.SchemaCache(rec.ID); ok {
		t.Fatal("the schema cache outlived the connection")
	}
	if _, err := st.RefreshSchema(ctx, rec.ID); err == nil {
		t.Fatal("refresh of a closed connection succeeded")
	}
}
