package tabledata_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/ident"
	"github.com/tusk-app/tusk/backend/tabledata"
)

func col(t *testing.T, r *tabledata.Relation, name string) *tabledata.Column {
	t.Helper()
	c, ok := r.Column(name)
	if !ok {
		t.Fatalf("%s has no column %q", r.Qualified(), name)
	}
	return c
}

func TestDescribeColumns(t *testing.T) {
	r := describe(t, conn(t), "app", "items")
	if r.Kind != tabledata.KindTable || !r.Editable || !r.CanInsert || !r.CanUpdate || !r.CanDelete {
		t.Fatalf("items: %+v", r)
	}
	if !slices.Equal(r.Key, []string{"id"}) || r.KeySource != "primary key" {
		t.Errorf("key %v (%s)", r.Key, r.KeySource)
	}
	for _, c := range []struct {
		name, typ string
		cat       tabledata.Category
		sortable  bool
	}{
		{"id", "integer", tabledata.CategoryNumber, true},
		{"name", "text", tabledata.CategoryText, true},
		{"price", "numeric(10,2)", tabledata.CategoryNumber, true},
		{"ok", "boolean", tabledata.CategoryBoolean, true},
		{"born", "date", tabledata.CategoryDateTime, true},
		{"span", "interval", tabledata.CategoryDateTime, true},
		{"doc", "json", tabledata.CategoryJSON, false},
		{"docb", "jsonb", tabledata.CategoryJSON, true},
		{"tags", "text[]", tabledata.CategoryArray, true},
		{"r", "int4range", tabledata.CategoryRange, true},
		{"mood", "app.mood", tabledata.CategoryEnum, true},
		{"moods", "app.mood[]", tabledata.CategoryArray, true},
		{"u", "uuid", tabledata.CategoryUUID, true},
		{"b", "bytea", tabledata.CategoryBytea, true},
		{"code", "character varying(5)", tabledata.CategoryText, true},
		{"fixed", "character(3)", tabledata.CategoryText, true},
		{"bits", "bit(3)", tabledata.CategoryOther, true},
		{"pos", "app.positive", tabledata.CategoryNumber, true},
		{"pt", "point", tabledata.CategoryOther, false},
		{"x", "xml", tabledata.CategoryOther, false},
		{"pair", "app.pair", tabledata.CategoryOther, true},
	} {
		got := col(t, r, c.name)
		if got.Type != c.typ || got.Category != c.cat || got.Sortable != c.sortable {
			t.Errorf("%s: type %q category %s sortable %v, want %q %s %v", c.name, got.Type, got.Category, got.Sortable, c.typ, c.cat, c.sortable)
		}
	}
	// Sortable is what the server agrees to order by.
	c := conn(t)
	for _, cl := range r.Columns {
		_, err := c.Exec(testCtx(t), "select from app.items order by "+ident.Quote(cl.Name))
		if (err == nil) != cl.Sortable {
			t.Errorf("%s: Sortable %v, but ORDER BY: %v", cl.Name, cl.Sortable, err)
		}
	}
	mood := col(t, r, "mood")
	if want := []string{"sad", "ok", "happy", `it's "fine"`}; !slices.Equal(mood.EnumLabels, want) {
		t.Errorf("enum labels %q", mood.EnumLabels)
	}
	if moods := col(t, r, "moods"); moods.ElementType != "app.mood" || len(moods.EnumLabels) != 4 {
		t.Errorf("moods: element %q labels %q", moods.ElementType, moods.EnumLabels)
	}
	if pos := col(t, r, "pos"); pos.Domain != "app.positive" || pos.BaseType != "integer" {
		t.Errorf("pos: domain %q base %q", pos.Domain, pos.BaseType)
	}
	qty := col(t, r, "qty")
	if qty.Nullable || qty.Default != "1" || !qty.Writable || !qty.InsertWritable {
		t.Errorf("qty: %+v", qty)
	}
	if id := col(t, r, "id"); !id.InKey || id.Nullable {
		t.Errorf("id: %+v", id)
	}
	total := col(t, r, "total")
	if total.Generated == "" || total.Writable || total.InsertWritable {
		t.Errorf("total: generated %q writable %v/%v", total.Generated, total.Writable, total.InsertWritable)
	}
	if name := col(t, r, "name"); name.Comment != "what it is" || !name.Nullable {
		t.Errorf("name: %+v", name)
	}
	if ops := col(t, r, "doc").Operators; !slices.Contains(ops, tabledata.OpJSONContains) || slices.Contains(ops, tabledata.OpLess) {
		t.Errorf("json operators %v", ops)
	}
	if ops := col(t, r, "tags").Operators; !slices.Contains(ops, tabledata.OpArrayContains) {
		t.Errorf("array operators %v", ops)
	}
}

func TestDescribeIdentity(t *testing.T) {
	c := conn(t)
	always := col(t, describe(t, c, "app", "ident"), "id")
	if always.Identity != "always" || always.Writable || always.InsertWritable {
		t.Errorf("always: %+v", always)
	}
	byDefault := col(t, describe(t, c, "app", "identd"), "id")
	if byDefault.Identity != "by default" || !byDefault.Writable || !byDefault.InsertWritable {
		t.Errorf("by default: %+v", byDefault)
	}
}

func TestDescribeKeys(t *testing.T) {
	c := conn(t)
	for _, k := range []struct {
		schema, name string
		key          []string
		source       string
		editable     bool
		reason       string
	}{
		{"app", "items", []string{"id"}, "primary key", true, ""},
		{"app", "composite", []string{"a", "b"}, "primary key", true, ""},
		{"app", "ukey", []string{"code"}, "unique index ukey_code", true, ""},
		{"app", "unull", []string{}, "", false, "no primary key"},
		{"app", "nokey", []string{}, "", false, "no primary key"},
		{"app", "events", []string{"id", "at"}, "primary key", true, ""},
		{"app", "logs", []string{}, "", false, "no primary key"},
		{"app", "items_v", []string{"id"}, "primary key of app.items", true, ""},
		{"app", "items_vv", []string{"item"}, "primary key of app.items", true, ""},
		{"app", "items_expr", []string{"id"}, "primary key of app.items", true, ""},
		{"app", "items_nokey", []string{}, "", false, "no key reaches the view"},
		{"app", "items_agg", []string{}, "", false, "not automatically updatable"},
		{"app", "items_mv", []string{}, "", false, "materialized view"},
		{"Odd Schema", `My "Table"`, []string{"order"}, "primary key", true, ""},
		{"public", "order", []string{"id"}, "primary key", true, ""},
		{"public", "user", []string{"Id"}, "primary key", true, ""},
	} {
		r := describe(t, c, k.schema, k.name)
		if !slices.Equal(r.Key, k.key) || r.KeySource != k.source || r.Editable != k.editable || !strings.Contains(r.ReadOnlyReason, k.reason) {
			t.Errorf("%s: key %v (%q) editable %v %q; want %v (%q) %v %q", r.Qualified(), r.Key, r.KeySource, r.Editable, r.ReadOnlyReason, k.key, k.source, k.editable, k.reason)
		}
		if !r.Editable && (r.CanInsert || r.CanUpdate || r.CanDelete) {
			t.Errorf("%s: read-only but may change rows", r.Qualified())
		}
	}
	expr := describe(t, c, "app", "items_expr")
	if shout := col(t, expr, "shout"); shout.Writable || shout.InsertWritable {
		t.Errorf("a computed view column is writable: %+v", shout)
	}
	if qty := col(t, expr, "qty"); !qty.Writable {
		t.Errorf("a plain view column is not writable: %+v", qty)
	}
	if kinds := []tabledata.Kind{describe(t, c, "app", "items_v").Kind, describe(t, c, "app", "items_mv").Kind, describe(t, c, "app", "events").Kind}; !slices.Equal(kinds, []tabledata.Kind{tabledata.KindView, tabledata.KindMaterializedView, tabledata.KindPartitionedTable}) {
		t.Errorf("kinds %v", kinds)
	}
}

func TestDescribeByOIDAndMissing(t *testing.T) {
	c := conn(t)
	r := describe(t, c, "public", "order")
	byOID, err := tabledata.Describe(testCtx(t), c, tabledata.Ref{OID: r.OID}, tabledata.DescribeOptions{})
	if err != nil || byOID.Name != "order" || byOID.Schema != "public" {
		t.Fatalf("by OID: %+v, %v", byOID, err)
	}
	_, err = tabledata.Describe(testCtx(t), c, tabledata.Ref{Schema: "public", Name: "Order"}, tabledata.DescribeOptions{})
	if !errors.Is(err, tabledata.ErrNotFound) || apperr.KindOf(err) != apperr.Validation {
		t.Errorf("a missing table: %v (%s)", err, apperr.KindOf(err))
	}
	_, err = tabledata.Describe(testCtx(t), c, tabledata.Ref{Schema: "app", Name: "items_id_seq"}, tabledata.DescribeOptions{})
	if !errors.Is(err, tabledata.ErrNotFound) {
		t.Errorf("a sequence is not a table: %v", err)
	}
}

func TestDescribeReadOnly(t *testing.T) {
	c := conn(t)
	r, err := tabledata.Describe(testCtx(t), c, tabledata.Ref{Schema: "app", Name: "items"}, tabledata.DescribeOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if r.Editable || r.CanUpdate || r.ReadOnlyReason != "the connection is read-only" || col(t, r, "name").Writable {
		t.Errorf("read-only connection: editable %v %q", r.Editable, r.ReadOnlyReason)
	}
	if _, err := r.Plan([]tabledata.Change{{Kind: tabledata.ChangeDelete, Old: tabledata.FromCells(map[string]*string{"id": str("1")})}}); apperr.KindOf(err) != apperr.Validation || !strings.Contains(err.Error(), "read-only") {
		t.Errorf("plan on a read-only connection: %v", err)
	}
	// The server's own read-only default counts too.
	if _, err := c.Exec(testCtx(t), "set default_transaction_read_only = on"); err != nil {
		t.Fatal(err)
	}
	r = describe(t, c, "app", "items")
	if r.Editable || !strings.Contains(r.ReadOnlyReason, "default_transaction_read_only") {
		t.Errorf("server read-only: editable %v %q", r.Editable, r.ReadOnlyReason)
	}
}

func TestDescribePrivileges(t *testing.T) {
	exec(t, `create role tabledata_reader login password 'pw';
		grant usage on schema app to tabledata_reader;
		revoke all on app.checked from public;
		grant select on app.checked to tabledata_reader;
		grant update (n) on app.checked to tabledata_reader`)
	t.Cleanup(func() {
		exec(t, `revoke all on app.checked from tabledata_reader; grant all on app.checked to public;
			revoke usage on schema app from tabledata_reader; drop role tabledata_reader`)
	})
	c := connectAs(t, "tabledata_reader", "pw")
	r := describe(t, c, "app", "checked")
	if !r.Editable || !r.CanUpdate || r.CanInsert || r.CanDelete {
		t.Fatalf("column privilege: editable %v insert %v update %v delete %v (%q)", r.Editable, r.CanInsert, r.CanUpdate, r.CanDelete, r.ReadOnlyReason)
	}
	if !col(t, r, "n").Writable || col(t, r, "u").Writable {
		t.Errorf("per-column UPDATE privilege not honoured")
	}
	exec(t, `revoke update on app.checked from tabledata_reader`)
	if r := describe(t, c, "app", "checked"); r.Editable || !strings.Contains(r.ReadOnlyReason, "privilege") {
		t.Errorf("no write privilege: editable %v %q", r.Editable, r.ReadOnlyReason)
	}
}

func TestDescribeForeignTable(t *testing.T) {
	exec(t, `create extension if not exists file_fdw;
		create server if not exists files foreign data wrapper file_fdw;
		copy (select g as n, 'line ' || g as s from generate_series(1, 25) g) to '`+cluster.Dir+`/lines.csv' with (format csv);
		create foreign table app.lines (n int, s text) server files options (filename '`+cluster.Dir+`/lines.csv', format 'csv');
		grant select on app.lines to public`)
	r := describe(t, conn(t), "app", "lines")
	if r.Kind != tabledata.KindForeignTable || r.Editable || !strings.Contains(r.ReadOnlyReason, "foreign") {
		t.Errorf("foreign table: kind %s editable %v %q", r.Kind, r.Editable, r.ReadOnlyReason)
	}
}
