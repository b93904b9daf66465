package tabledata_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/tabledata"
)

// rowOf reads the row with the given key through a page.
func rowOf(t *testing.T, r *tabledata.Relation, c tabledata.Conn, keyCol, key string) map[string]*string {
	t.Helper()
	p, err := r.Page(testCtx(t), c, tabledata.PageRequest{MaxCellBytes: -1, Filter: tabledata.Filter{Conditions: []tabledata.Condition{{Column: keyCol, Op: tabledata.OpEqual, Values: []string{key}}}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Rows) == 0 {
		return nil
	}
	return asMap(r, p.Rows[0])
}

func asMap(r *tabledata.Relation, row []*string) map[string]*string {
	m := map[string]*string{}
	for i, c := range r.Columns {
		m[c.Name] = row[i]
	}
	return m
}

func sameRow(a, b map[string]*string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		w, ok := b[k]
		if !ok || cell(v) != cell(w) || (v == nil) != (w == nil) {
			return false
		}
	}
	return true
}

func commit(t *testing.T, r *tabledata.Relation, c tabledata.Conn, changes ...tabledata.Change) tabledata.CommitResult {
	t.Helper()
	res, err := r.Commit(testCtx(t), c, changes)
	if err != nil {
		t.Fatalf("commit: %v", err)
	}
	return res
}

func mustCommit(t *testing.T, r *tabledata.Relation, c tabledata.Conn, changes ...tabledata.Change) tabledata.CommitResult {
	t.Helper()
	res := commit(t, r, c, changes...)
	if !res.Committed {
		t.Fatalf("not committed: %+v", res.Failure)
	}
	return res
}

// canonical is the server's text form of v as type typ.
func canonical(t *testing.T, c *pgx.Conn, v, typ string) string {
	t.Helper()
	var out string
	if err := c.QueryRow(testCtx(t), "select $1::"+typ+"::text", v).Scan(&out); err != nil {
		t.Fatalf("%s::%s: %v", v, typ, err)
	}
	return out
}

// typed is a value for every editable column of app.items, as a user
// types it, and what the server then shows when it differs.
var typed = []struct{ col, value, shown string }{
	{"name", "multi\nline ünï 'q' \\ \"dq\" NULL", ""},
	{"qty", "7", ""},
	{"price", "12.5", "12.50"},
	{"ratio", "0.1", ""},
	{"small", "1.5", ""},
	{"ok", "true", "t"},
	{"born", "2024-02-29", ""},
	{"at", "2024-01-01 12:00:00+00", "?"},
	{"clock", "13:14:15", ""},
	{"span", "1 day 2 hours", "1 day 02:00:00"},
	{"doc", `{"b":1,  "a":[1,"x"]}`, ""},
	{"docb", `{"b":1, "a":[1,"x"]}`, `{"a": [1, "x"], "b": 1}`},
	{"tags", `{a,"b c",NULL,"NULL",""}`, ""},
	{"nums", `{1,2,3}`, ""},
	{"r", "[1,5]", "[1,6)"},
	{"tr", "[2024-01-01 00:00+00,2024-02-01 00:00+00)", "?"},
	{"mood", `it's "fine"`, ""},
	{"moods", `{sad,"it's \"fine\""}`, ""},
	{"u", "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"},
	{"b", `\xDEADBEEF00`, `\xdeadbeef00`},
	{"code", "abc", ""},
	{"fixed", "ab", "ab "},
	{"bits", "101", ""},
	{"pos", "5", ""},
	{"pt", "(1.5,2)", ""},
	{"x", "<a>b &amp; c</a>", ""},
	{"pair", `(1,"x y")`, ""},
}

func TestEveryTypeRoundTrips(t *testing.T) {
	c := conn(t)
	r := describe(t, c, "app", "items")
	values := map[string]tabledata.Value{"id": tabledata.Text("100")}
	for _, v := range typed {
		values[v.col] = tabledata.Text(v.value)
	}
	res := mustCommit(t, r, c, tabledata.Change{ID: "new", Kind: tabledata.ChangeInsert, New: values})
	t.Cleanup(func() { exec(t, "delete from app.items where id = 100") })
	got := rowOf(t, r, c, "id", "100")
	if returned := asMap(r, res.Rows[0].Row); !sameRow(returned, got) || res.Rows[0].ChangeID != "new" {
		t.Errorf("RETURNING differs from the re-read row")
	}
	for _, v := range typed {
		want := v.value
		switch v.shown {
		case "":
		case "?":
			want = canonical(t, c, v.value, col(t, r, v.col).Type)
		default:
			want = v.shown
		}
		if got[v.col] == nil || *got[v.col] != want {
			t.Errorf("%s: typed %q, re-read %q, want %q", v.col, v.value, cell(got[v.col]), want)
		}
	}
	if total := got["total"]; total == nil || *total != "87.50" {
		t.Errorf("generated total %q", cell(total))
	}

	// Change every column again, finding the row by the values just read.
	upd := tabledata.Change{ID: "upd", Kind: tabledata.ChangeUpdate, Old: tabledata.FromCells(got), New: map[string]tabledata.Value{}}
	for _, v := range typed {
		upd.New[v.col] = tabledata.Null
	}
	upd.New["qty"] = tabledata.Default
	res = mustCommit(t, r, c, upd)
	after := rowOf(t, r, c, "id", "100")
	for _, v := range typed {
		if v.col != "qty" && after[v.col] != nil {
			t.Errorf("%s: %q after SET NULL", v.col, *after[v.col])
		}
	}
	if cell(after["qty"]) != "1" || cell(after["total"]) != "NULL" || len(res.Rows) != 1 {
		t.Errorf("qty %s total %s after SET DEFAULT", cell(after["qty"]), cell(after["total"]))
	}
}

func TestNullEmptyAndTheTextNULL(t *testing.T) {
	c := conn(t)
	r := describe(t, c, "app", "items")
	mustCommit(t, r, c,
		tabledata.Change{Kind: tabledata.ChangeInsert, New: map[string]tabledata.Value{"id": tabledata.Text("201"), "name": tabledata.Null}},
		tabledata.Change{Kind: tabledata.ChangeInsert, New: map[string]tabledata.Value{"id": tabledata.Text("202"), "name": tabledata.Text("")}},
		tabledata.Change{Kind: tabledata.ChangeInsert, New: map[string]tabledata.Value{"id": tabledata.Text("203"), "name": tabledata.Text("NULL")}},
	)
	t.Cleanup(func() { exec(t, "delete from app.items where id between 201 and 203") })
	if got := ids(t, c, "select coalesce(name, '<null>') from app.items where id between 201 and 203 order by id"); !slices.Equal(got, []string{"<null>", "", "NULL"}) {
		t.Errorf("stored %q", got)
	}
	// And each matches only itself as an old value.
	res := commit(t, r, c, tabledata.Change{Kind: tabledata.ChangeUpdate, Old: tabledata.FromCells(map[string]*string{"id": str("202"), "name": nil}), New: map[string]tabledata.Value{"name": tabledata.Text("x")}})
	if res.Committed || !res.Failure.Conflict {
		t.Errorf("'' matched NULL: %+v", res)
	}
	res = commit(t, r, c, tabledata.Change{Kind: tabledata.ChangeUpdate, Old: tabledata.FromCells(map[string]*string{"id": str("203"), "name": nil}), New: map[string]tabledata.Value{"name": tabledata.Text("x")}})
	if res.Committed || !res.Failure.Conflict || cell(res.Failure.Current[1]) != "NULL" {
		t.Errorf("'NULL' matched NULL: %+v", res)
	}
}

func TestDefaultsIdentityAndTriggersComeBack(t *testing.T) {
	c := conn(t)
	ident := describe(t, c, "app", "ident")
	res := mustCommit(t, ident, c,
		tabledata.Change{ID: "a", Kind: tabledata.ChangeInsert},
		tabledata.Change{ID: "b", Kind: tabledata.ChangeInsert, New: map[string]tabledata.Value{"v": tabledata.Default, "touched": tabledata.Text("yes")}},
	)
	if len(res.Rows) != 2 || cell(res.Rows[0].Row[0]) == "NULL" || cell(res.Rows[0].Row[1]) != "dflt" || cell(res.Rows[1].Row[2]) != "yes" {
		t.Errorf("inserted rows %v %v", res.Rows[0].Row, res.Rows[1].Row)
	}
	p, _ := ident.Plan([]tabledata.Change{{Kind: tabledata.ChangeInsert}})
	if p.Statements[0].SQL != "INSERT INTO app.ident DEFAULT VALUES RETURNING *" {
		t.Errorf("insert of defaults: %s", p.Statements[0].SQL)
	}

	identd := describe(t, c, "app", "identd")
	res = mustCommit(t, identd, c, tabledata.Change{Kind: tabledata.ChangeInsert, New: map[string]tabledata.Value{"id": tabledata.Text("5000"), "v": tabledata.Text("chosen")}})
	if cell(res.Rows[0].Row[0]) != "5000" {
		t.Errorf("identity by default: %v", res.Rows[0].Row)
	}

	trig := describe(t, c, "app", "trig")
	res = mustCommit(t, trig, c, tabledata.Change{Kind: tabledata.ChangeInsert, New: map[string]tabledata.Value{"id": tabledata.Text("1"), "v": tabledata.Text("hello")}})
	if cell(res.Rows[0].Row[2]) != "by trigger: hello" {
		t.Errorf("trigger change not returned: %v", res.Rows[0].Row)
	}
	res = mustCommit(t, trig, c, tabledata.Change{Kind: tabledata.ChangeUpdate, Old: tabledata.FromCells(map[string]*string{"id": str("1"), "v": str("hello")}), New: map[string]tabledata.Value{"v": tabledata.Null}})
	if cell(res.Rows[0].Row[2]) != "by trigger: null" {
		t.Errorf("trigger change not returned: %v", res.Rows[0].Row)
	}
}

// other is a second session, the "someone else" of conflicts.
func other(t *testing.T, sql string) {
	t.Helper()
	c := conn(t)
	if _, err := c.Exec(testCtx(t), sql); err != nil {
		t.Fatal(err)
	}
}

func TestConflicts(t *testing.T) {
	c := conn(t)
	r := describe(t, c, "app", "checked")
	exec(t, "insert into app.checked values (1, 10, 1), (2, 20, 2), (3, 30, 3)")
	t.Cleanup(func() { exec(t, "delete from app.checked") })
	before := ids(t, c, "select id || ':' || coalesce(n::text, 'null') || ':' || coalesce(u::text, 'null') from app.checked order by id")
	loaded := map[string]map[string]*string{}
	for _, id := range []string{"1", "2", "3"} {
		loaded[id] = rowOf(t, r, c, "id", id)
	}
	edits := func() []tabledata.Change {
		return []tabledata.Change{
			{ID: "r1", Kind: tabledata.ChangeUpdate, Old: tabledata.FromCells(loaded["1"]), New: map[string]tabledata.Value{"n": tabledata.Text("11")}},
			{ID: "r2", Kind: tabledata.ChangeUpdate, Old: tabledata.FromCells(loaded["2"]), New: map[string]tabledata.Value{"n": tabledata.Text("21")}},
			{ID: "r3", Kind: tabledata.ChangeDelete, Old: tabledata.FromCells(loaded["3"])},
		}
	}

	// Someone changes a column this edit changes: nothing is applied.
	other(t, "update app.checked set n = 25 where id = 2")
	res := commit(t, r, c, edits()...)
	f := res.Failure
	if res.Committed || f == nil || !f.Conflict || f.ChangeID != "r2" || f.Change != 1 || f.Deleted || cell(f.Current[1]) != "25" {
		t.Fatalf("changed row: %+v / %+v", res, f)
	}
	if got := ids(t, c, "select n::text from app.checked where id = 1"); got[0] != "10" {
		t.Errorf("change r1 was applied: n = %s", got[0])
	}

	// Someone deletes a row this edit deletes.
	other(t, "update app.checked set n = 20 where id = 2; delete from app.checked where id = 3")
	res = commit(t, r, c, edits()...)
	if f := res.Failure; res.Committed || f == nil || !f.Conflict || f.ChangeID != "r3" || !f.Deleted || f.Current != nil || !strings.Contains(f.Message, "deleted") {
		t.Fatalf("deleted row: %+v", f)
	}
	if got := ids(t, c, "select n::text from app.checked order by id"); !slices.Equal(got, []string{"10", "20"}) {
		t.Errorf("applied in part: %v", got)
	}

	// A delete compares every loaded column: a row changed anywhere is kept.
	other(t, "insert into app.checked values (3, 30, 3); update app.checked set u = 33 where id = 3")
	res = commit(t, r, c, tabledata.Change{ID: "r3", Kind: tabledata.ChangeDelete, Old: tabledata.FromCells(loaded["3"])})
	if res.Committed || !res.Failure.Conflict || cell(res.Failure.Current[2]) != "33" {
		t.Errorf("delete of a changed row: %+v", res.Failure)
	}

	// A change to a column this edit does not touch is not a conflict.
	other(t, "update app.checked set u = 3 where id = 3; update app.checked set u = 12 where id = 1")
	res = commit(t, r, c, tabledata.Change{ID: "r1", Kind: tabledata.ChangeUpdate, Old: tabledata.FromCells(loaded["1"]), New: map[string]tabledata.Value{"n": tabledata.Text("11")}})
	if !res.Committed || cell(res.Rows[0].Row[2]) != "12" {
		t.Errorf("an unrelated change blocked the edit: %+v", res)
	}
	_ = before
}

func TestFailureInTheThirdOfFiveAppliesNothing(t *testing.T) {
	c := conn(t)
	r := describe(t, c, "app", "checked")
	exec(t, "insert into app.checked values (1, 1, 1), (2, 2, 2), (3, 3, 3), (4, 4, 4)")
	t.Cleanup(func() { exec(t, "delete from app.checked") })
	snapshot := func() []string {
		return ids(t, c, "select id || ':' || n || ':' || u from app.checked order by id")
	}
	before := snapshot()
	upd := func(id, col, old, v string) tabledata.Change {
		return tabledata.Change{ID: "c" + id, Kind: tabledata.ChangeUpdate, Old: tabledata.FromCells(map[string]*string{"id": str(id), col: str(old)}), New: map[string]tabledata.Value{col: tabledata.Text(v)}}
	}
	for _, tc := range []struct {
		name    string
		third   tabledata.Change
		code    string
		column  string
		message string
	}{
		{"check constraint", upd("3", "n", "3", "500"), "23514", "n", "check"},
		{"unique violation", upd("3", "u", "3", "1"), "23505", "u", "unique"},
		{"duplicate key on insert", tabledata.Change{ID: "c5", Kind: tabledata.ChangeInsert, New: map[string]tabledata.Value{"id": tabledata.Text("1")}}, "23505", "", "unique"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := commit(t, r, c,
				upd("1", "n", "1", "10"),
				tabledata.Change{ID: "c9", Kind: tabledata.ChangeInsert, New: map[string]tabledata.Value{"id": tabledata.Text("9"), "n": tabledata.Text("9"), "u": tabledata.Text("9")}},
				tc.third,
				tabledata.Change{ID: "c4", Kind: tabledata.ChangeDelete, Old: tabledata.FromCells(map[string]*string{"id": str("4")})},
				upd("2", "n", "2", "20"),
			)
			f := res.Failure
			if res.Committed || f == nil || f.Change != 2 || f.ChangeID != tc.third.ID || f.Conflict || f.Error == nil || f.Error.Code != tc.code || f.Column != tc.column {
				t.Fatalf("failure %+v error %+v", f, f.Error)
			}
			if res.Statements != 3 || len(res.Rows) != 0 {
				t.Errorf("statements %d rows %d", res.Statements, len(res.Rows))
			}
			if after := snapshot(); !slices.Equal(after, before) {
				t.Errorf("table changed: %v → %v", before, after)
			}
			// The connection is usable again, out of any transaction.
			if c.PgConn().TxStatus() != 'I' {
				t.Errorf("transaction status %c", c.PgConn().TxStatus())
			}
		})
	}
	// A value the type rejects is refused before anything runs.
	_, err := r.Commit(testCtx(t), c, []tabledata.Change{upd("1", "n", "1", "10"), upd("2", "n", "2", "lots")})
	if got := fieldsOf(err); !slices.Equal(got, []string{"changes.1.new.n"}) {
		t.Errorf("bad value: %v (%v)", got, err)
	}
	if after := snapshot(); !slices.Equal(after, before) {
		t.Errorf("table changed: %v", after)
	}
}

func TestCommitThroughViewsAndPartitions(t *testing.T) {
	c := conn(t)
	v := describe(t, c, "app", "items_v")
	res := mustCommit(t, v, c, tabledata.Change{Kind: tabledata.ChangeInsert, New: map[string]tabledata.Value{"id": tabledata.Text("300"), "name": tabledata.Text("via view")}})
	t.Cleanup(func() { exec(t, "delete from app.items where id between 300 and 301") })
	if cell(asMap(v, res.Rows[0].Row)["qty"]) != "1" {
		t.Errorf("view insert returned %v (base default for qty expected)", res.Rows[0].Row)
	}
	mustCommit(t, v, c, tabledata.Change{Kind: tabledata.ChangeUpdate, Old: tabledata.FromCells(map[string]*string{"id": str("300"), "name": str("via view")}), New: map[string]tabledata.Value{"name": tabledata.Text("renamed")}})
	vv := describe(t, c, "app", "items_vv")
	mustCommit(t, vv, c, tabledata.Change{Kind: tabledata.ChangeUpdate, Old: tabledata.FromCells(map[string]*string{"item": str("300"), "name": str("renamed")}), New: map[string]tabledata.Value{"name": tabledata.Text("twice removed")}})
	if got := ids(t, c, "select name from app.items where id = 300"); got[0] != "twice removed" {
		t.Errorf("through two views: %v", got)
	}
	expr := describe(t, c, "app", "items_expr")
	mustCommit(t, expr, c, tabledata.Change{Kind: tabledata.ChangeUpdate, Old: tabledata.FromCells(map[string]*string{"id": str("300"), "qty": str("1")}), New: map[string]tabledata.Value{"qty": tabledata.Text("4")}})
	if _, err := expr.Plan([]tabledata.Change{{Kind: tabledata.ChangeUpdate, Old: tabledata.FromCells(map[string]*string{"id": str("300"), "shout": nil}), New: map[string]tabledata.Value{"shout": tabledata.Text("X")}}}); err == nil {
		t.Error("a computed view column was written")
	}
	mustCommit(t, v, c, tabledata.Change{Kind: tabledata.ChangeDelete, Old: tabledata.FromCells(map[string]*string{"id": str("300")})})
	if got := ids(t, c, "select count(*) from app.items where id = 300"); got[0] != "0" {
		t.Error("view delete did not delete")
	}
	for _, n := range []string{"items_agg", "items_mv", "nokey", "items_nokey"} {
		if _, err := describe(t, c, "app", n).Plan(nil); apperr.KindOf(err) != apperr.Validation {
			t.Errorf("%s: plan on a read-only relation: %v", n, err)
		}
	}

	ev := describe(t, c, "app", "events")
	mustCommit(t, ev, c,
		tabledata.Change{Kind: tabledata.ChangeInsert, New: map[string]tabledata.Value{"id": tabledata.Text("1"), "at": tabledata.Text("2024-06-01"), "v": tabledata.Text("a")}},
		tabledata.Change{Kind: tabledata.ChangeInsert, New: map[string]tabledata.Value{"id": tabledata.Text("2"), "at": tabledata.Text("2025-06-01"), "v": tabledata.Text("b")}},
	)
	t.Cleanup(func() { exec(t, "delete from app.events") })
	// Moving a row to another partition by changing its key.
	mustCommit(t, ev, c, tabledata.Change{Kind: tabledata.ChangeUpdate, Old: tabledata.FromCells(map[string]*string{"id": str("1"), "at": str("2024-06-01")}), New: map[string]tabledata.Value{"at": tabledata.Text("2025-07-01")}})
	if got := ids(t, c, "select tableoid::regclass::text || ' ' || id from app.events order by id"); !slices.Equal(got, []string{"app.events_2025 1", "app.events_2025 2"}) {
		t.Errorf("partitions: %v", got)
	}
	res = commit(t, ev, c, tabledata.Change{Kind: tabledata.ChangeInsert, New: map[string]tabledata.Value{"id": tabledata.Text("3"), "at": tabledata.Text("2030-01-01")}})
	if res.Committed || res.Failure.Error == nil || res.Failure.Error.Code != "23514" {
		t.Errorf("no partition for the row: %+v", res.Failure)
	}
}

// TestReviewScriptDoesWhatCommitDoes: the reviewed script, values as
// literals, run as it is, leaves the table exactly as Commit does.
func TestReviewScriptDoesWhatCommitDoes(t *testing.T) {
	c := conn(t)
	r := describe(t, c, "app", "items")
	insert := map[string]tabledata.Value{"id": tabledata.Text("400")}
	update := map[string]tabledata.Value{}
	for _, v := range typed {
		insert[v.col] = tabledata.Text(v.value)
	}
	reset := func() {
		exec(t, "delete from app.items where id between 400 and 401; insert into app.items (id, name, ratio, small, doc, pt) values (401, 'x', 0.1, 0.1, '{\"a\" : 1}', '(1,1)')")
	}
	t.Cleanup(func() { exec(t, "delete from app.items where id between 400 and 401") })
	reset()
	loaded := rowOf(t, r, c, "id", "401")
	old := map[string]*string{"id": str("401")}
	for _, n := range []string{"name", "ratio", "small", "doc", "pt"} {
		old[n] = loaded[n]
		update[n] = tabledata.Text(map[string]string{"name": "it's", "ratio": "0.30000000000000004", "small": "0.3", "doc": "[]", "pt": "(2,2)"}[n])
	}
	changes := []tabledata.Change{
		{Kind: tabledata.ChangeInsert, New: insert},
		{Kind: tabledata.ChangeUpdate, Old: tabledata.FromCells(old), New: update},
	}
	snapshot := func() string {
		return strings.Join(ids(t, c, "select row(i.*)::text from app.items i where id between 400 and 401 order by id"), "\n")
	}
	plan, err := r.Review(testCtx(t), c, changes)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.PgConn().Exec(testCtx(t), plan.Script).Close(); err != nil {
		t.Fatalf("the script fails: %v\n%s", err, plan.Script)
	}
	byScript := snapshot()
	reset()
	mustCommit(t, r, c, changes...)
	if byCommit := snapshot(); byCommit != byScript {
		t.Errorf("commit:\n%s\nscript:\n%s", byCommit, byScript)
	}
}

func TestCommitLeavesSessionsAlone(t *testing.T) {
	c := conn(t)
	r := describe(t, c, "app", "checked")
	if _, err := c.Exec(context.Background(), "begin"); err != nil {
		t.Fatal(err)
	}
	res := commit(t, r, c, tabledata.Change{Kind: tabledata.ChangeInsert, New: map[string]tabledata.Value{"id": tabledata.Text("50")}})
	if res.Committed || res.Failure == nil || !strings.Contains(res.Failure.Message, "already in a transaction") {
		t.Errorf("commit inside an open transaction: %+v", res.Failure)
	}
	_, _ = c.Exec(context.Background(), "rollback")
}
