package tabledata_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/connection"
	"github.com/tusk-app/tusk/backend/tabledata"
)

func resultColumns(t *testing.T, sql string) []tabledata.ResultColumn {
	t.Helper()
	rows, err := conn(t).Query(testCtx(t), sql)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []tabledata.ResultColumn
	for _, fd := range rows.FieldDescriptions() {
		out = append(out, tabledata.ResultColumn{Name: fd.Name, TableOID: fd.TableOID, Number: int16(fd.TableAttributeNumber)})
	}
	return out
}

func TestDescribeResult(t *testing.T) {
	c := conn(t)
	for _, tc := range []struct {
		sql     string
		columns []string
		reason  string
	}{
		{"select id, name, qty from app.items", []string{"id", "name", "qty"}, ""},
		{"select name as label, id from app.items where qty > 1", []string{"name", "id"}, ""},
		{`select "order", "User Name" from "Odd Schema"."My ""Table"""`, []string{"order", "User Name"}, ""},
		{"select item, name from app.items_vv", []string{"item", "name"}, ""},
		{"select * from app.items_v where qty > 0", []string{"id", "name", "qty"}, ""},
		// A view's computed column is the view's: the result edits, that column does not.
		{"select shout, id from app.items_expr", []string{"shout", "id"}, ""},
		{"select name from app.items", nil, "the key of app.items (id) is not in the result"},
		{"select name, qty from app.items_nokey", nil, "no key reaches the view"},
		{"select id, upper(name) from app.items", nil, "column upper is computed, not read from a table"},
		{"select id, qty * 2 as total from app.items", nil, "column total is computed"},
		{"select i.id, c.id from app.items i, app.checked c", nil, "columns come from 2 tables (app.items, app.checked)"},
		{"select i.id, i.name, c.n from app.items i join app.checked c using (id)", nil, "columns come from 2 tables (app.items, app.checked)"},
		{"select id, id from app.items", nil, "appears twice"},
		{"select ctid, id from app.items", nil, "system column"},
		{"select * from app.items_agg", nil, "not automatically updatable"},
		{"select 1", nil, "computed"},
	} {
		got, err := tabledata.DescribeResult(testCtx(t), c, resultColumns(t, tc.sql), tabledata.DescribeOptions{})
		if err != nil {
			t.Errorf("%s: %v", tc.sql, err)
			continue
		}
		if tc.reason == "" {
			if !got.Editable || !slices.Equal(got.Columns, tc.columns) {
				t.Errorf("%s: editable %v columns %v (%s)", tc.sql, got.Editable, got.Columns, got.Reason)
			}
		} else if got.Editable || !strings.Contains(got.Reason, tc.reason) {
			t.Errorf("%s: editable %v, reason %q, want %q", tc.sql, got.Editable, got.Reason, tc.reason)
		}
	}
	// On a read-only connection no result is editable, and that is the reason given.
	got, err := tabledata.DescribeResult(testCtx(t), c, resultColumns(t, "select id, name from app.items"), tabledata.DescribeOptions{ReadOnly: true})
	if err != nil || got.Editable || got.Reason != "the connection is read-only" {
		t.Errorf("read-only connection: %+v, %v", got, err)
	}
}

func TestTables(t *testing.T) {
	p := pool(t, false)
	ro := pool(t, true)
	pools := map[string]*connection.Pool{"rw": p, "ro": ro}
	tables := tabledata.NewTables(tabledata.Deps{Pool: func(id string) (*connection.Pool, bool) { pl, ok := pools[id]; return pl, ok }})
	ctx := testCtx(t)

	tb, err := tables.Open(ctx, "rw", tabledata.Ref{Schema: "app", Name: "checked"})
	if err != nil || !tb.Relation.Editable || tb.Handle == "" {
		t.Fatalf("open: %+v, %v", tb, err)
	}
	t.Cleanup(func() { exec(t, "delete from app.checked") })
	res, err := tables.Commit(ctx, tb.Handle, []tabledata.Change{{Kind: tabledata.ChangeInsert, New: map[string]tabledata.Value{"id": tabledata.Text("77"), "n": tabledata.Text("7")}}})
	if err != nil || !res.Committed || res.RoundTrips != 2 || res.Statements != 1 {
		t.Fatalf("commit: %+v, %v", res, err)
	}
	page, err := tables.Page(ctx, tb.Handle, tabledata.PageRequest{})
	if err != nil || len(page.Rows) != 1 || cell(page.Rows[0][1]) != "7" {
		t.Fatalf("page: %+v, %v", page, err)
	}
	if n, err := tables.Count(ctx, tb.Handle, tabledata.Filter{}); n != 1 || err != nil {
		t.Errorf("count %d, %v", n, err)
	}
	if plan, err := tables.Review(ctx, tb.Handle, []tabledata.Change{{Kind: tabledata.ChangeDelete, Old: tabledata.FromCells(map[string]*string{"id": str("77")})}}); err != nil || plan.Script != "BEGIN;\nDELETE FROM app.checked WHERE id = 77;\nCOMMIT;\n" {
		t.Errorf("review: %+v, %v", plan, err)
	}
	if _, err := tables.Refresh(ctx, tb.Handle); err != nil {
		t.Errorf("refresh: %v", err)
	}
	tables.Close(tb.Handle)
	if _, err := tables.Page(ctx, tb.Handle, tabledata.PageRequest{}); apperr.KindOf(err) != apperr.Validation {
		t.Errorf("page of a closed table: %v", err)
	}

	// A read-only connection opens tables read-only and commits nothing.
	rtb, err := tables.Open(ctx, "ro", tabledata.Ref{Schema: "app", Name: "checked"})
	if err != nil || rtb.Relation.Editable || rtb.Relation.ReadOnlyReason != "the connection is read-only" {
		t.Fatalf("read-only open: %+v, %v", rtb.Relation, err)
	}
	if _, err := tables.Commit(ctx, rtb.Handle, []tabledata.Change{{Kind: tabledata.ChangeDelete, Old: tabledata.FromCells(map[string]*string{"id": str("77")})}}); apperr.KindOf(err) != apperr.Validation {
		t.Errorf("commit on a read-only connection: %v", err)
	}
	if n := ids(t, conn(t), "select count(*) from app.checked"); n[0] != "1" {
		t.Errorf("read-only commit changed the table")
	}
	if _, err := tables.Page(ctx, rtb.Handle, tabledata.PageRequest{}); err != nil {
		t.Errorf("browsing on a read-only connection: %v", err)
	}
	tables.Disconnected("ro")
	if _, err := tables.Get(rtb.Handle); err == nil {
		t.Error("a table outlived its connection")
	}
	if _, err := tables.Open(ctx, "gone", tabledata.Ref{Schema: "app", Name: "checked"}); apperr.KindOf(err) != apperr.Connection {
		t.Errorf("open on a closed connection: %v", err)
	}

	rt, err := tables.OpenResult(ctx, "rw", resultColumns(t, "select n, id from app.checked"))
	if err != nil || !rt.Editable || rt.Table == nil || !slices.Equal(rt.Columns, []string{"n", "id"}) {
		t.Fatalf("result: %+v, %v", rt, err)
	}
	res, err = tables.Commit(ctx, rt.Table.Handle, []tabledata.Change{{Kind: tabledata.ChangeUpdate, Old: tabledata.FromCells(map[string]*string{"id": str("77"), "n": str("7")}), New: map[string]tabledata.Value{"n": tabledata.Text("8")}}})
	if err != nil || !res.Committed {
		t.Errorf("edit through a result: %+v, %v", res, err)
	}
	if rt, err := tables.OpenResult(ctx, "rw", resultColumns(t, "select n from app.checked")); err != nil || rt.Editable || rt.Table != nil || rt.Reason == "" {
		t.Errorf("result without key: %+v, %v", rt, err)
	}
	if rt, err := tables.OpenResult(ctx, "ro", resultColumns(t, "select n, id from app.checked")); err != nil || rt.Editable || rt.Table != nil || rt.Reason != "the connection is read-only" {
		t.Errorf("result on a read-only connection: %+v, %v", rt, err)
	}
}

// TestCountCancels: cancelling an exact count stops it on the server and
// keeps the connection.
func TestCountCancels(t *testing.T) {
	c, err := pool(t, false).Acquire(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Release()
	r := describe(t, c, "app", "pages")
	ctx, cancel := context.WithCancel(testCtx(t))
	go func() { time.Sleep(100 * time.Millisecond); cancel() }()
	start := time.Now()
	_, err = r.Count(ctx, c, tabledata.Filter{Mode: "sql", SQL: "pg_sleep(0.01) is not null"})
	if apperr.ClassifyContext(ctx, err).Kind != apperr.Cancelled || time.Since(start) > 5*time.Second {
		t.Fatalf("cancelled count: %v after %s", err, time.Since(start))
	}
	if n, err := r.Count(testCtx(t), c, tabledata.Filter{}); err != nil || n < pagesRows {
		t.Errorf("the connection after a cancel: %d, %v", n, err)
	}
}
