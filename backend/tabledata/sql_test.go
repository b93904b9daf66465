package tabledata_test

import (
	"strings"
	"testing"

	"github.com/tusk-app/tusk/backend/tabledata"
)

func TestStatementsQuoteEveryKindOfName(t *testing.T) {
	c := conn(t)
	odd := describe(t, c, "Odd Schema", `My "Table"`)
	plan, err := odd.Plan([]tabledata.Change{
		{ID: "u", Kind: tabledata.ChangeUpdate, Old: tabledata.FromCells(map[string]*string{"order": str("1"), "User Name": nil, "ünï": str("x")}),
			New: map[string]tabledata.Value{"User Name": tabledata.Text("O'Brien"), "ünï": tabledata.Null}},
		{ID: "i", Kind: tabledata.ChangeInsert, New: map[string]tabledata.Value{"order": tabledata.Text("2"), "select": tabledata.Default, "a$1": tabledata.Text(`$1 \n`)}},
		{ID: "d", Kind: tabledata.ChangeDelete, Old: tabledata.FromCells(map[string]*string{"order": str("3"), "select": str("7")})},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct{ sql, review string }{
		{`UPDATE "Odd Schema"."My ""Table""" SET "User Name" = $1, "ünï" = NULL WHERE "order" = $2 AND "User Name" IS NOT DISTINCT FROM $3 AND "ünï" IS NOT DISTINCT FROM $4 RETURNING *`,
			`UPDATE "Odd Schema"."My ""Table""" SET "User Name" = 'O''Brien', "ünï" = NULL WHERE "order" = 1 AND "User Name" IS NOT DISTINCT FROM NULL AND "ünï" IS NOT DISTINCT FROM 'x' RETURNING *`},
		{`INSERT INTO "Odd Schema"."My ""Table""" ("order", "select", "a$1") VALUES ($1, DEFAULT, $2) RETURNING *`,
			`INSERT INTO "Odd Schema"."My ""Table""" ("order", "select", "a$1") VALUES (2, DEFAULT, '$1 \n') RETURNING *`},
		{`DELETE FROM "Odd Schema"."My ""Table""" WHERE "order" = $1 AND "select" IS NOT DISTINCT FROM $2`,
			`DELETE FROM "Odd Schema"."My ""Table""" WHERE "order" = 3 AND "select" IS NOT DISTINCT FROM 7`},
	}
	for i, w := range want {
		if got := plan.Statements[i]; got.SQL != w.sql || got.Review != w.review {
			t.Errorf("statement %d:\n got %s\n     %s\nwant %s\n     %s", i, got.SQL, got.Review, w.sql, w.review)
		}
	}
	if !strings.HasPrefix(plan.Script, "BEGIN;\nUPDATE ") || !strings.HasSuffix(plan.Script, " RETURNING *;\nDELETE FROM \"Odd Schema\".\"My \"\"Table\"\"\" WHERE \"order\" = 3 AND \"select\" IS NOT DISTINCT FROM 7;\nCOMMIT;\n") {
		t.Errorf("script:\n%s", plan.Script)
	}
	order := describe(t, c, "public", "order")
	sql, err := order.SelectSQL(tabledata.Filter{Conditions: []tabledata.Condition{{Column: "user", Op: tabledata.OpIContains, Values: []string{"50%_off"}}}},
		[]tabledata.SortKey{{Column: "group", Desc: true}}, 1000)
	if want := `SELECT id, "user", "group" FROM public."order" WHERE ("user" ILIKE '%50\%\_off%') ORDER BY "group" DESC, id LIMIT 1000;`; err != nil || sql != want {
		t.Errorf("select:\n got %s (%v)\nwant %s", sql, err, want)
	}
	user := describe(t, c, "public", "user")
	sql, err = user.SelectSQL(tabledata.Filter{}, nil, 0)
	if want := `SELECT "Id", "from" FROM public."user" ORDER BY "Id";`; err != nil || sql != want {
		t.Errorf("select:\n got %s (%v)\nwant %s", sql, err, want)
	}
	// The generated SQL runs.
	for _, s := range []string{sql} {
		if _, err := c.Exec(testCtx(t), s); err != nil {
			t.Errorf("%s: %v", s, err)
		}
	}
}

// TestStatementsForEveryType: one update per type, how values are bound
// and reviewed.
func TestStatementsForEveryType(t *testing.T) {
	r := describe(t, conn(t), "app", "items")
	for _, tc := range []struct {
		col, value, set, where string
	}{
		{"name", "it's", `name = 'it''s'`, `name IS NOT DISTINCT FROM 'old'`},
		{"qty", "7", `qty = 7`, `qty IS NOT DISTINCT FROM 'old'`},
		{"price", "12.50", `price = 12.50`, `price IS NOT DISTINCT FROM 'old'`},
		{"ratio", "0.1", `ratio = '0.1'`, `ratio IS NOT DISTINCT FROM 'old'`},
		{"small", "1e-3", `small = '1e-3'`, `small IS NOT DISTINCT FROM 'old'`},
		{"ok", "true", `ok = 'true'`, `ok IS NOT DISTINCT FROM 'old'`},
		{"born", "2024-02-29", `born = '2024-02-29'`, `born IS NOT DISTINCT FROM 'old'`},
		{"at", "2024-01-01 12:00:00+02", `at = '2024-01-01 12:00:00+02'`, `at IS NOT DISTINCT FROM 'old'`},
		{"span", "1 day 02:00:00", `span = '1 day 02:00:00'`, `span IS NOT DISTINCT FROM 'old'`},
		{"doc", `{"a": [1, "x"]}`, `doc = '{"a": [1, "x"]}'`, `doc::text IS NOT DISTINCT FROM 'old'`},
		{"docb", `{"a": 1}`, `docb = '{"a": 1}'`, `docb IS NOT DISTINCT FROM 'old'`},
		{"tags", `{a,"b c",NULL}`, `tags = '{a,"b c",NULL}'`, `tags IS NOT DISTINCT FROM 'old'`},
		{"r", "[1,5)", `r = '[1,5)'`, `r IS NOT DISTINCT FROM 'old'`},
		{"mood", `it's "fine"`, `mood = 'it''s "fine"'`, `mood IS NOT DISTINCT FROM 'old'`},
		{"u", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", `u = 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'`, `u IS NOT DISTINCT FROM 'old'`},
		{"b", `\xdeadbeef`, `b = '\xdeadbeef'`, `b IS NOT DISTINCT FROM 'old'`},
		{"pt", "(1,2)", `pt = '(1,2)'`, `pt::text IS NOT DISTINCT FROM 'old'`},
		{"pair", "(1,x)", `pair = '(1,x)'`, `pair IS NOT DISTINCT FROM 'old'::app.pair`},
	} {
		plan, err := r.Plan([]tabledata.Change{{Kind: tabledata.ChangeUpdate, Old: tabledata.FromCells(map[string]*string{"id": str("1"), tc.col: str("old")}), New: map[string]tabledata.Value{tc.col: tabledata.Text(tc.value)}}})
		if err != nil {
			t.Errorf("%s: %v", tc.col, err)
			continue
		}
		want := "UPDATE app.items SET " + tc.set + " WHERE id = 1 AND " + tc.where + " RETURNING *"
		if got := plan.Statements[0].Review; got != want {
			t.Errorf("%s:\n got %s\nwant %s", tc.col, got, want)
		}
		if got := plan.Statements[0].Args[0]; string(got) != tc.value {
			t.Errorf("%s: bound %q", tc.col, got)
		}
	}
}

func TestPlanRefusesWhatCannotBeWritten(t *testing.T) {
	c := conn(t)
	items := describe(t, c, "app", "items")
	ident := describe(t, c, "app", "ident")
	for _, tc := range []struct {
		r      *tabledata.Relation
		ch     tabledata.Change
		fields []string
	}{
		{items, tabledata.Change{Kind: tabledata.ChangeUpdate, Old: tabledata.FromCells(map[string]*string{"id": str("1"), "total": nil}), New: map[string]tabledata.Value{"total": tabledata.Text("5")}}, []string{"changes.0.new.total"}},
		{ident, tabledata.Change{Kind: tabledata.ChangeInsert, New: map[string]tabledata.Value{"id": tabledata.Text("5")}}, []string{"changes.0.new.id"}},
		{items, tabledata.Change{Kind: tabledata.ChangeUpdate, Old: tabledata.FromCells(map[string]*string{"name": nil}), New: map[string]tabledata.Value{"name": tabledata.Text("x")}}, []string{"changes.0.old.id"}},
		{items, tabledata.Change{Kind: tabledata.ChangeUpdate, Old: tabledata.FromCells(map[string]*string{"id": str("1")}), New: map[string]tabledata.Value{"name": tabledata.Text("x")}}, []string{"changes.0.old.name"}},
		{items, tabledata.Change{Kind: tabledata.ChangeUpdate, Old: tabledata.FromCells(map[string]*string{"id": str("1"), "qty": str("1")}), New: map[string]tabledata.Value{"qty": tabledata.Null}}, []string{"changes.0.new.qty"}},
		{items, tabledata.Change{Kind: tabledata.ChangeUpdate, Old: tabledata.FromCells(map[string]*string{"id": str("1"), "code": nil}), New: map[string]tabledata.Value{"code": tabledata.Text("toolong")}}, []string{"changes.0.new.code"}},
		{items, tabledata.Change{Kind: tabledata.ChangeUpdate, Old: tabledata.FromCells(map[string]*string{"id": str("1"), "bits": nil}), New: map[string]tabledata.Value{"bits": tabledata.Text("10")}}, []string{"changes.0.new.bits"}},
		{items, tabledata.Change{Kind: tabledata.ChangeUpdate, Old: tabledata.FromCells(map[string]*string{"id": str("1")}), New: map[string]tabledata.Value{"nope": tabledata.Text("1")}}, []string{"changes.0.new.nope"}},
		{items, tabledata.Change{Kind: "upsert"}, []string{"changes.0.kind"}},
		{items, tabledata.Change{Kind: tabledata.ChangeUpdate, Old: tabledata.FromCells(map[string]*string{"id": str("1")})}, []string{"changes.0.new"}},
	} {
		_, err := tc.r.Plan([]tabledata.Change{tc.ch})
		if got := fieldsOf(err); strings.Join(got, ",") != strings.Join(tc.fields, ",") {
			t.Errorf("%+v: fields %v, want %v (%v)", tc.ch, got, tc.fields, err)
		}
	}
	// Trailing spaces beyond char(n) and varchar(n) are dropped, not refused.
	if _, err := items.Plan([]tabledata.Change{{Kind: tabledata.ChangeUpdate, Old: tabledata.FromCells(map[string]*string{"id": str("1"), "code": nil}), New: map[string]tabledata.Value{"code": tabledata.Text("abcde   ")}}}); err != nil {
		t.Errorf("trailing spaces: %v", err)
	}
	_, err := items.Plan([]tabledata.Change{
		{Kind: tabledata.ChangeUpdate, Old: tabledata.FromCells(map[string]*string{"id": str("1"), "name": nil}), New: map[string]tabledata.Value{"name": tabledata.Text("x")}},
		{Kind: tabledata.ChangeDelete, Old: tabledata.FromCells(map[string]*string{"id": str("1")})},
	})
	if got := fieldsOf(err); strings.Join(got, ",") != "changes.1" {
		t.Errorf("two changes of one row: %v (%v)", got, err)
	}
}
