package state_test

import (
	"context"
	"slices"
	"testing"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/connection"
	"github.com/tusk-app/tusk/backend/event"
	"github.com/tusk-app/tusk/backend/query"
	"github.com/tusk-app/tusk/backend/state"
	"github.com/tusk-app/tusk/backend/tabledata"
)

// TestTables drives the data tab through the state against a real server:
// open, page, the remembered view, commit and table:changed, editing a
// query's result, and the tables going away with their connection.
func TestTables(t *testing.T) {
	ctx := context.Background()
	var events event.Recorder
	st := newStateWith(t, &events)
	if err := cluster.Exec(ctx, `create table public."order" (id int primary key, "user" text, qty int default 1);
		insert into public."order" select g, 'u' || g, g from generate_series(1, 50) g;
		grant all on public."order" to public`); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cluster.Exec(context.Background(), `drop table public."order"`) })
	cfg := connection.NewConfig("tables", cluster.Host, cluster.Port, cluster.Database, cluster.TrustUser)
	cfg.SSLMode = connection.SSLDisable
	rec, err := st.Store().SaveConnection(ctx, cfg.Record())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Connect(ctx, rec.ID, state.ConnectOptions{}); err != nil {
		t.Fatal(err)
	}

	tb, view, err := st.OpenTable(ctx, rec.ID, tabledata.Ref{Schema: "public", Name: "order"})
	if err != nil || view != nil || !tb.Relation.Editable {
		t.Fatalf("open: %+v %v, %v", tb, view, err)
	}
	want := tabledata.View{Sort: []tabledata.SortKey{{Column: "user", Desc: true}},
		Filter: tabledata.Filter{Conditions: []tabledata.Condition{{Column: "qty", Op: tabledata.OpLess, Values: []string{"10"}}}}}
	page, err := st.Tables().Page(ctx, tb.Handle, tabledata.PageRequest{Filter: want.Filter, Sort: want.Sort, Limit: 3})
	if err != nil || len(page.Rows) != 3 || *page.Rows[0][1] != "u9" {
		t.Fatalf("page: %+v, %v", page, err)
	}
	if err := st.SaveTableView(ctx, tb.Handle, want); err != nil {
		t.Fatal(err)
	}
	again, view, err := st.OpenTable(ctx, rec.ID, tabledata.Ref{Schema: "public", Name: "order"})
	if err != nil || view == nil || view.Sort[0].Column != "user" || view.Filter.Conditions[0].Values[0] != "10" || again.Handle == tb.Handle {
		t.Fatalf("reopen: %+v, %v", view, err)
	}

	changes := []tabledata.Change{{ID: "r1", Kind: tabledata.ChangeUpdate, Old: tabledata.FromCells(map[string]*string{"id": page.Rows[0][0], "user": page.Rows[0][1]}),
		New: map[string]tabledata.Value{"user": tabledata.Text("renamed")}}}
	res, err := st.CommitTable(ctx, tb.Handle, changes)
	if err != nil || !res.Committed || *res.Rows[0].Row[1] != "renamed" {
		t.Fatalf("commit: %+v, %v", res, err)
	}
	// The same edit again is a conflict, and says nothing changed.
	if res, err := st.CommitTable(ctx, tb.Handle, changes); err != nil || res.Committed || !res.Failure.Conflict {
		t.Fatalf("second commit: %+v, %v", res, err)
	}
	var changed []state.TableChanged
	for _, e := range events.Events() {
		if e.Name == event.TableChanged {
			changed = append(changed, e.Payload.(state.TableChanged))
		}
	}
	if len(changed) != 1 || changed[0].Name != "order" || changed[0].ConnectionID != rec.ID || changed[0].Rows != 1 || changed[0].OID != tb.Relation.OID {
		t.Errorf("table:changed events %+v", changed)
	}

	// A query's result from one table, key included, edits like the table.
	run := func(sql string) string {
		started, err := st.Queries().Execute(query.Request{SessionID: "tab", ConnectionID: rec.ID, SQL: sql})
		if err != nil {
			t.Fatal(err)
		}
		if sum, err := st.Queries().Wait(ctx, started.QueryID); err != nil || sum.Status != query.StatusDone {
			t.Fatalf("%s: %+v, %v", sql, sum, err)
		}
		return started.QueryID
	}
	rt, err := st.OpenResultTable(ctx, run(`select qty, id from public."order" where id < 5`), 0)
	if err != nil || !rt.Editable || !slices.Equal(rt.Columns, []string{"qty", "id"}) || rt.Table == nil {
		t.Fatalf("result table: %+v, %v", rt, err)
	}
	res, err = st.CommitTable(ctx, rt.Table.Handle, []tabledata.Change{{Kind: tabledata.ChangeUpdate,
		Old: tabledata.FromCells(map[string]*string{"id": strp("2"), "qty": strp("2")}), New: map[string]tabledata.Value{"qty": tabledata.Text("20")}}})
	if err != nil || !res.Committed {
		t.Fatalf("edit through a result: %+v, %v", res, err)
	}
	if rt, err := st.OpenResultTable(ctx, run(`select qty * 2 as double, id from public."order"`), 0); err != nil || rt.Editable || rt.Reason == "" {
		t.Errorf("computed result: %+v, %v", rt, err)
	}

	st.Queries().CloseSession("tab")
	st.Disconnect(rec.ID)
	if _, err := st.Tables().Page(ctx, tb.Handle, tabledata.PageRequest{}); apperr.KindOf(err) != apperr.Validation {
		t.Errorf("page after disconnect: %v", err)
	}
}

func strp(s string) *string { return &s }
