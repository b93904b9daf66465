package schema_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/tusk-app/tusk/backend/internal/pgtest"
	"github.com/tusk-app/tusk/backend/schema"
)

// handCache is a small cache built without a server, for ranking tests.
func handCache() *schema.Cache {
	return &schema.Cache{ConnectionID: "hand", Schemas: []schema.Schema{
		{Name: "public", Tables: []schema.Table{
			{Name: "orders", Kind: schema.KindTable, Columns: []schema.Column{{Name: "id"}, {Name: "order_no"}}},
			{Name: "customer_orders", Kind: schema.KindTable, Columns: []schema.Column{{Name: "Order"}}},
		}, Views: []schema.Table{
			{Name: "Order", Kind: schema.KindView},
		}, Functions: []schema.Function{
			{Name: "reorder", Kind: schema.KindFunction, Arguments: "n integer"},
		}},
		{Name: "orders_archive", Types: []schema.Type{{Name: "order_state", Kind: schema.TypeEnum}}},
		{Name: "v1.2", Tables: []schema.Table{{Name: "a.b", Kind: schema.KindTable, Columns: []schema.Column{{Name: "x.y"}}}}},
	}}
}

func TestSearchRanking(t *testing.T) {
	c := handCache()
	var got []string
	for _, m := range c.Search("ORDER", 0) {
		got = append(got, fmt.Sprintf("%s %s.%s.%s", m.Kind, m.Schema, m.Table, m.Name))
	}
	want := []string{
		// exact, case-insensitive: tables/views before columns
		"view public..Order",
		"column public.customer_orders.Order",
		// prefix: schema first, then relations, types, columns; shorter first
		"schema orders_archive..orders_archive",
		"table public..orders",
		"type orders_archive..order_state",
		"column public.orders.order_no",
		// substring
		"table public..customer_orders",
		"function public..reorder",
	}
	if !slices.Equal(got, want) {
		t.Errorf("Search =\n%q\nwant\n%q", got, want)
	}
	if n := len(c.Search("order", 3)); n != 3 {
		t.Errorf("limit 3 gave %d", n)
	}
	if got := c.Search("  ", 10); len(got) != 0 {
		t.Errorf("blank search = %v", got)
	}
	if got := c.Search("zzz", 10); got == nil || len(got) != 0 {
		t.Errorf("no match = %#v, want empty non-nil", got)
	}
	if m := c.Search("reord", 1); m[0].Detail != "n integer" {
		t.Errorf("function detail = %q", m[0].Detail)
	}
}

func TestSearchLoaded(t *testing.T) {
	pgtest.Need(t)
	c := load(t)
	got := c.Search("unit price", 5)
	if len(got) == 0 || got[0] != (schema.Match{Kind: schema.KindColumn, Schema: "Sales", Table: "Order Items", Name: "Unit Price", Detail: "numeric(10,2)"}) {
		t.Errorf("Search(unit price) = %+v", got)
	}
	got = c.Search("order items", 5)
	if len(got) == 0 || got[0].Kind != schema.KindTable || got[0].Name != "Order Items" {
		t.Errorf("Search(order items) = %+v", got)
	}
	for _, q := range []string{"mood", "invoice_no", "reset", "customer_names", "order_totals", "sales"} {
		if len(c.Search(q, 1)) == 0 {
			t.Errorf("Search(%q) found nothing", q)
		}
	}
}

func TestCompletion(t *testing.T) {
	pgtest.Need(t)
	c := load(t)
	comp := c.Completion()
	if got := comp["Sales.Order Items"]; !slices.Equal(got, []string{"order_id", "line", "Unit Price", "qty", "select"}) {
		t.Errorf(`"Sales.Order Items" = %v`, got)
	}
	for _, k := range []string{"app.customers", "app.customer_names", "Sales.order_totals", "app.events", "pg_catalog.pg_class", "information_schema.tables"} {
		if _, ok := comp[k]; !ok {
			t.Errorf("completion lacks %q", k)
		}
	}
	if _, ok := comp["customers"]; ok {
		t.Error("app.customers listed unqualified; only public's tables are")
	}

	hand := handCache().Completion()
	if got := hand["orders"]; !slices.Equal(got, []string{"id", "order_no"}) {
		t.Errorf("unqualified public table = %v", got)
	}
	if got := hand["public.orders"]; !slices.Equal(got, []string{"id", "order_no"}) {
		t.Errorf("qualified public table = %v", got)
	}
	if got, ok := hand["Order"]; !ok || len(got) != 0 {
		t.Errorf("view without columns = %v, %v", got, ok)
	}
	b, _ := json.Marshal(hand)
	if got := hand[`v1\.2.a\.b`]; !slices.Equal(got, []string{"x.y"}) {
		t.Errorf("dotted names: %v", hand)
	}
	if !json.Valid(b) || len(hand) != 7 {
		t.Errorf("completion = %s", b)
	}
}

func ExampleCache_Completion() {
	c := &schema.Cache{Schemas: []schema.Schema{
		{Name: "public", Tables: []schema.Table{{Name: "users", Columns: []schema.Column{{Name: "id"}, {Name: "email"}}}}},
		{Name: "Sales", Tables: []schema.Table{{Name: "Order Items", Columns: []schema.Column{{Name: "Unit Price"}}}}},
	}}
	b, _ := json.Marshal(c.Completion())
	fmt.Println(string(b))
	// Output: {"Sales.Order Items":["Unit Price"],"public.users":["id","email"],"users":["id","email"]}
}

func TestSchemaLookup(t *testing.T) {
	c := handCache()
	if got := c.SchemaNames(); !slices.Equal(got, []string{"public", "orders_archive", "v1.2"}) {
		t.Errorf("SchemaNames = %v", got)
	}
	if s, ok := c.Schema("orders_archive"); !ok || len(s.Types) != 1 {
		t.Errorf("Schema = %+v, %v", s, ok)
	}
	if _, ok := c.Schema("nope"); ok {
		t.Error("Schema(nope) found")
	}
}

// TestSearchConcurrent: the first searches race to build the index.
func TestSearchConcurrent(t *testing.T) {
	c := handCache()
	done := make(chan int)
	for range 8 {
		go func() { done <- len(c.Search("order", 0)) }()
	}
	for range 8 {
		if n := <-done; n != 8 {
			t.Errorf("Search found %d, want 8", n)
		}
	}
}

// TestSearchAbbreviation: the letters of a name in order find it, after
// every name that contains the text as typed.
func TestSearchAbbreviation(t *testing.T) {
	c := handCache()
	var got []string
	for _, m := range c.Search("ordarch", 0) {
		got = append(got, m.Name)
	}
	if want := []string{"orders_archive"}; !slices.Equal(got, want) {
		t.Errorf("Search(ordarch) = %q, want %q", got, want)
	}
	got = got[:0]
	for _, m := range c.Search("ors", 0) {
		got = append(got, m.Name)
	}
	// No name contains "ors": the schema, the tables, then the type.
	if want := []string{"orders_archive", "orders", "customer_orders", "order_state"}; !slices.Equal(got, want) {
		t.Errorf("Search(ors) = %q, want %q", got, want)
	}
}
