package schema_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/tusk-app/tusk/backend/internal/pgtest"
	"github.com/tusk-app/tusk/backend/schema"
)

func findTable(t *testing.T, c *schema.Cache, schemaName, name string) schema.Table {
	t.Helper()
	s, ok := c.Schema(schemaName)
	if !ok {
		t.Fatalf("schema %q missing; have %v", schemaName, c.SchemaNames())
	}
	for _, list := range [][]schema.Table{s.Tables, s.Views} {
		for _, tb := range list {
			if tb.Name == name {
				return tb
			}
		}
	}
	t.Fatalf("%s.%s missing", schemaName, name)
	return schema.Table{}
}

func findColumn(t *testing.T, tb schema.Table, name string) schema.Column {
	t.Helper()
	for _, c := range tb.Columns {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("column %q of %s missing", name, tb.Name)
	return schema.Column{}
}

func TestLoadSchemas(t *testing.T) {
	pgtest.Need(t)
	c := load(t)
	if c.ConnectionID != "conn-1" || c.LoadedAt.IsZero() || c.ServerVersion < schema.MinServerVersion {
		t.Errorf("header = %q %v %d", c.ConnectionID, c.LoadedAt, c.ServerVersion)
	}
	names := c.SchemaNames()
	for _, want := range []string{"Sales", "app", "public", "pg_catalog", "information_schema"} {
		if !slices.Contains(names, want) {
			t.Errorf("schemas %v lack %q", names, want)
		}
	}
	for _, s := range c.Schemas {
		if strings.HasPrefix(s.Name, "pg_toast") || strings.HasPrefix(s.Name, "pg_temp") {
			t.Errorf("schema %q listed", s.Name)
		}
		wantSystem := s.Name == "pg_catalog" || s.Name == "information_schema"
		if s.System != wantSystem {
			t.Errorf("schema %q system = %v", s.Name, s.System)
		}
	}
	app, _ := c.Schema("app")
	if app.Comment != "application schema" {
		t.Errorf("app comment = %q", app.Comment)
	}
	if _, ok := c.Schema("APP"); ok {
		t.Error(`Schema("APP") found a schema; names are case-sensitive`)
	}
	if !slices.ContainsFunc(c.Extensions, func(e schema.Extension) bool { return e.Name == "plpgsql" }) {
		t.Errorf("extensions = %v, want plpgsql", c.Extensions)
	}
}

func TestLoadRelations(t *testing.T) {
	pgtest.Need(t)
	c := load(t)
	kinds := map[[2]string]string{
		{"app", "customers"}:       schema.KindTable,
		{"app", "events"}:          schema.KindPartitionedTable,
		{"app", "events_2024"}:     schema.KindTable,
		{"app", "customer_names"}:  schema.KindView,
		{"Sales", "orders"}:        schema.KindTable,
		{"Sales", "Order Items"}:   schema.KindTable,
		{"Sales", "order_totals"}:  schema.KindMaterializedView,
		{"pg_catalog", "pg_class"}: schema.KindTable,
	}
	for k, want := range kinds {
		if got := findTable(t, c, k[0], k[1]).Kind; got != want {
			t.Errorf("%s.%s kind = %q, want %q", k[0], k[1], got, want)
		}
	}
	app, _ := c.Schema("app")
	for _, v := range app.Views {
		if v.Kind != schema.KindView && v.Kind != schema.KindMaterializedView {
			t.Errorf("view list holds %s %q", v.Kind, v.Name)
		}
	}
	if p := findTable(t, c, "app", "events_2024").PartitionOf; p != "app.events" {
		t.Errorf("events_2024 partition of %q", p)
	}
	if got := findTable(t, c, "app", "customers"); got.Comment != "people who buy" || got.RowEstimate > 0 {
		t.Errorf("customers comment %q, rows %d", got.Comment, got.RowEstimate)
	}
	if got := findTable(t, c, "Sales", "Order Items").Comment; got != "line's items" {
		t.Errorf("Order Items comment = %q", got)
	}

	seqs := map[string]schema.Sequence{}
	for _, s := range app.Sequences {
		seqs[s.Name] = s
	}
	if s := seqs["invoice_no"]; s.OwnedBy != "" || s.Comment != "invoice numbers" {
		t.Errorf("invoice_no = %+v", s)
	}
	if s := seqs["customers_id_seq"]; s.OwnedBy != "customers.id" || !s.Identity {
		t.Errorf("customers_id_seq = %+v", s)
	}
	sales, _ := c.Schema("Sales")
	if len(sales.Sequences) != 1 || sales.Sequences[0].OwnedBy != "orders.id" || sales.Sequences[0].Identity {
		t.Errorf("Sales sequences = %+v", sales.Sequences)
	}
}

func TestLoadColumns(t *testing.T) {
	pgtest.Need(t)
	c := load(t)
	cust := findTable(t, c, "app", "customers")
	var names []string
	for _, col := range cust.Columns {
		names = append(names, col.Name)
	}
	if want := []string{"id", "email", "name", "select", "mood", "address", "email_lower"}; !slices.Equal(names, want) {
		t.Errorf("customers columns = %v, want %v", names, want)
	}
	if id := findColumn(t, cust, "id"); id.Identity != "always" || !id.NotNull || !id.PrimaryKey || id.Type != "integer" || id.Ordinal != 1 {
		t.Errorf("id = %+v", id)
	}
	if e := findColumn(t, cust, "email"); !e.NotNull || e.Comment != "login e-mail" {
		t.Errorf("email = %+v", e)
	}
	if g := findColumn(t, cust, "email_lower"); !g.Generated || g.Default != "lower(email)" {
		t.Errorf("email_lower = %+v", g)
	}
	if m := findColumn(t, cust, "mood"); m.Type != "app.mood" || m.Default != "'ok'::app.mood" {
		t.Errorf("mood = %+v", m)
	}

	items := findTable(t, c, "Sales", "Order Items")
	if p := findColumn(t, items, "Unit Price"); p.Type != "numeric(10,2)" || !p.NotNull || p.Comment != `price in \ cents` {
		t.Errorf("Unit Price = %+v", p)
	}
	if o := findColumn(t, items, "order_id"); !o.PrimaryKey || !o.ForeignKey {
		t.Errorf("order_id = %+v", o)
	}
	if q := findColumn(t, items, "qty"); q.Type != "app.positive" || q.PrimaryKey || q.ForeignKey {
		t.Errorf("qty = %+v", q)
	}
	orders := findTable(t, c, "Sales", "orders")
	if id := findColumn(t, orders, "id"); id.Default != `nextval('"Sales".orders_id_seq'::regclass)` {
		t.Errorf("orders.id default = %q", id.Default)
	}
	view := findTable(t, c, "app", "customer_names")
	if len(view.Columns) != 2 || view.Columns[1].Name != "name" || view.Columns[1].Type != "text" {
		t.Errorf("view columns = %+v", view.Columns)
	}
}

func TestLoadConstraintsAndIndexes(t *testing.T) {
	pgtest.Need(t)
	c := load(t)
	items := findTable(t, c, "Sales", "Order Items")
	if !slices.Equal(items.PrimaryKey, []string{"order_id", "line"}) {
		t.Errorf("primary key = %v", items.PrimaryKey)
	}
	wantFK := schema.ForeignKey{
		Name: "Order Items_order_id_fkey", Columns: []string{"order_id"},
		RefSchema: "Sales", RefTable: "orders", RefColumns: []string{"id"},
	}
	if len(items.ForeignKeys) != 1 || !fkEqual(items.ForeignKeys[0], wantFK) {
		t.Errorf("foreign keys = %+v", items.ForeignKeys)
	}
	var kinds []string
	for _, k := range items.Constraints {
		kinds = append(kinds, k.Kind+" "+k.Name+" "+strings.Join(k.Columns, ","))
	}
	want := []string{
		"primary key Order Items_pkey order_id,line",
		`unique Order Items "select" uq order_id,select`,
		"foreign key Order Items_order_id_fkey order_id",
		"check Order Items_Unit Price_check Unit Price",
	}
	if !slices.Equal(kinds, want) {
		t.Errorf("constraints =\n%q\nwant\n%q", kinds, want)
	}
	if def := items.Constraints[3].Definition; def != `CHECK ("Unit Price" >= 0::numeric)` {
		t.Errorf("check definition = %q", def)
	}
	if items.Constraints[1].Comment != "one select per order" {
		t.Errorf("unique comment = %q", items.Constraints[1].Comment)
	}

	ix := map[string]schema.Index{}
	for _, i := range findTable(t, c, "app", "customers").Indexes {
		ix[i.Name] = i
	}
	if i := ix["customers_lower_name"]; !slices.Equal(i.Columns, []string{"lower(name)"}) || i.Unique || i.Constraint || i.Method != "btree" {
		t.Errorf("expression index = %+v", i)
	}
	if i := ix["customers_named"]; !slices.Equal(i.Columns, []string{"name"}) || i.Predicate != "name IS NOT NULL" {
		t.Errorf("partial index = %+v", i)
	}
	if i := ix["customers_pkey"]; !i.Primary || !i.Unique || !i.Constraint || !slices.Equal(i.Columns, []string{"id"}) {
		t.Errorf("primary key index = %+v", i)
	}
	if i := ix["customers_email_key"]; i.Primary || !i.Unique || !i.Constraint {
		t.Errorf("unique index = %+v", i)
	}
	for _, i := range items.Indexes {
		if i.Name == "Order Items qty" && (i.Comment != "big lines" || i.Predicate == "") {
			t.Errorf("Order Items qty = %+v", i)
		}
	}
	mv := findTable(t, c, "Sales", "order_totals")
	if len(mv.Indexes) != 1 || !mv.Indexes[0].Unique {
		t.Errorf("materialized view indexes = %+v", mv.Indexes)
	}
}

func fkEqual(a, b schema.ForeignKey) bool {
	return a.Name == b.Name && a.RefSchema == b.RefSchema && a.RefTable == b.RefTable &&
		slices.Equal(a.Columns, b.Columns) && slices.Equal(a.RefColumns, b.RefColumns)
}

func TestLoadFunctionsAndTypes(t *testing.T) {
	pgtest.Need(t)
	c := load(t)
	app, _ := c.Schema("app")
	var got []string
	for _, f := range app.Functions {
		got = append(got, f.Kind+" "+f.Name+"("+f.Arguments+") "+f.Result+" "+f.Language)
	}
	want := []string{
		"function add(a integer, b integer) integer sql",
		"function add(a text, b text) text sql",
		"procedure reset(IN n integer)  plpgsql",
		"function touch() trigger plpgsql",
	}
	if !slices.Equal(got, want) {
		t.Errorf("functions =\n%q\nwant\n%q", got, want)
	}
	if app.Functions[0].Comment != "adds numbers" {
		t.Errorf("add comment = %q", app.Functions[0].Comment)
	}
	pgc, _ := c.Schema("pg_catalog")
	if !slices.ContainsFunc(pgc.Functions, func(f schema.Function) bool { return f.Name == "count" && f.Kind == schema.KindAggregate }) {
		t.Error("pg_catalog lacks the count aggregate")
	}

	types := map[string]schema.Type{}
	for _, ty := range app.Types {
		types[ty.Name] = ty
	}
	if len(types) != 3 {
		t.Errorf("types = %+v", app.Types)
	}
	if e := types["mood"]; e.Kind != schema.TypeEnum || !slices.Equal(e.Labels, []string{"sad", "ok", "happy"}) || e.Comment != "how it went" {
		t.Errorf("enum = %+v", e)
	}
	if d := types["positive"]; d.Kind != schema.TypeDomain || d.BaseType != "integer" || !d.NotNull || d.Default != "1" ||
		!slices.Equal(d.Checks, []string{"CHECK (VALUE > 0)"}) {
		t.Errorf("domain = %+v", d)
	}
	if a := types["address"]; a.Kind != schema.TypeComposite || len(a.Attributes) != 2 ||
		a.Attributes[1].Name != "city" || a.Attributes[1].Type != "text" {
		t.Errorf("composite = %+v", a)
	}
	if !slices.ContainsFunc(pgc.Types, func(ty schema.Type) bool { return ty.Name == "int4" && ty.Kind == schema.TypeBase }) {
		t.Error("pg_catalog lacks int4")
	}
	if slices.ContainsFunc(pgc.Types, func(ty schema.Type) bool { return ty.Name == "_int4" }) {
		t.Error("array type _int4 listed")
	}
}

// TestLoadLimitedRole: a role without USAGE on schema secret loads the rest
// and sees nothing of secret; the superuser sees it.
func TestLoadLimitedRole(t *testing.T) {
	pgtest.Need(t)
	ctx := testCtx(t)
	limited, err := schema.Load(ctx, connect(t, cluster.ConnString(limitedRole, limitedPassword, "")), "limited")
	if err != nil {
		t.Fatalf("load as %s: %v", limitedRole, err)
	}
	if slices.Contains(limited.SchemaNames(), "secret") {
		t.Error("limited role sees schema secret")
	}
	if got := limited.Search("keys", 0); slices.ContainsFunc(got, func(m schema.Match) bool { return m.Schema == "secret" }) {
		t.Errorf("limited role finds %+v", got)
	}
	findTable(t, limited, "Sales", "Order Items")

	// Definitions read the catalogs too, so they work without rights on
	// the objects themselves.
	conn := connect(t, cluster.ConnString(limitedRole, limitedPassword, ""))
	for _, obj := range []schema.Object{
		{Kind: schema.KindSequence, Schema: "app", Name: "invoice_no"},
		{Kind: schema.KindTable, Schema: "Sales", Name: "Order Items"},
		{Kind: schema.KindFunction, Schema: "app", Name: "touch"},
	} {
		if _, err := schema.Definition(ctx, conn, obj); err != nil {
			t.Errorf("definition of %s %s as %s: %v", obj.Kind, obj.Name, limitedRole, err)
		}
	}

	super, err := schema.Load(ctx, connect(t, cluster.SuperConnString("")), "super")
	if err != nil {
		t.Fatal(err)
	}
	findTable(t, super, "secret", "keys")
}

func TestLoadCancelled(t *testing.T) {
	pgtest.Need(t)
	conn := trustConn(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := schema.Load(ctx, conn, "x"); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

// TestCacheJSON: the cache marshals with camelCase names and empty lists
// as [], which the TypeScript side relies on.
func TestCacheJSON(t *testing.T) {
	pgtest.Need(t)
	c := load(t)
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, want := range []string{`"connectionId":"conn-1"`, `"loadMs":`, `"primaryKey":[]`, `"foreignKeys":[]`, `"partitionOf":"app.events"`} {
		if !strings.Contains(s, want) {
			t.Errorf("JSON lacks %s", want)
		}
	}
	if strings.Contains(s, ":null") {
		t.Error("JSON holds null")
	}
}

func TestUnsupportedServerError(t *testing.T) {
	err := error(&schema.UnsupportedServerError{Version: 110022})
	if got := err.Error(); !strings.Contains(got, "11.22") || !strings.Contains(got, "PostgreSQL 12") {
		t.Errorf("Error() = %q", got)
	}
	var u *schema.UnsupportedServerError
	if !errors.As(fmt.Errorf("load: %w", err), &u) || u.Version != 110022 {
		t.Error("errors.As does not find the version")
	}
	if got := (&schema.UnsupportedServerError{Version: 90624}).Error(); !strings.Contains(got, "9.6.24") {
		t.Errorf("Error() = %q", got)
	}
}
