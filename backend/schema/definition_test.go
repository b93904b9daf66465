package schema_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/tusk-app/tusk/backend/internal/pgtest"
	"github.com/tusk-app/tusk/backend/schema"
)

func TestDefinition(t *testing.T) {
	pgtest.Need(t)
	conn := trustConn(t)
	tests := []struct {
		obj  schema.Object
		want []string // substrings, in order
	}{
		{schema.Object{Kind: schema.KindTable, Schema: "Sales", Name: "Order Items"}, []string{
			`CREATE TABLE "Sales"."Order Items" (`,
			`    "Unit Price" numeric(10,2) NOT NULL,`,
			`    qty app.positive,`,
			`    "select" text,`,
			`    CONSTRAINT "Order Items_pkey" PRIMARY KEY (order_id, line),`,
			`    CONSTRAINT "Order Items ""select"" uq" UNIQUE (order_id, "select"),`,
			`    CONSTRAINT "Order Items_Unit Price_check" CHECK`,
			`ALTER TABLE "Sales"."Order Items" ADD CONSTRAINT "Order Items_order_id_fkey" FOREIGN KEY (order_id) REFERENCES "Sales".orders(id) ON DELETE CASCADE;`,
			`CREATE INDEX "Order Items qty" ON "Sales"."Order Items" USING btree (qty) WHERE`,
			`COMMENT ON TABLE "Sales"."Order Items" IS 'line''s items';`,
			`COMMENT ON COLUMN "Sales"."Order Items"."Unit Price" IS E'price in \\ cents';`,
			`COMMENT ON CONSTRAINT "Order Items ""select"" uq" ON "Sales"."Order Items" IS 'one select per order';`,
			`COMMENT ON INDEX "Sales"."Order Items qty" IS 'big lines';`,
		}},
		{schema.Object{Kind: schema.KindTable, Schema: "app", Name: "customers"}, []string{
			`CREATE TABLE app.customers (`,
			`    id integer GENERATED ALWAYS AS IDENTITY NOT NULL,`,
			`    name text COLLATE pg_catalog."C",`,
			`    mood app.mood DEFAULT 'ok'::app.mood,`,
			`    email_lower text GENERATED ALWAYS AS (lower(email)) STORED`,
			`CREATE INDEX customers_lower_name ON app.customers USING btree (lower(name));`,
			`CREATE INDEX customers_named ON app.customers USING btree (name) WHERE (name IS NOT NULL);`,
		}},
		{schema.Object{Kind: schema.KindPartitionedTable, Schema: "app", Name: "events"}, []string{
			"CREATE TABLE app.events (", "CONSTRAINT events_pkey PRIMARY KEY (id, at)", "PARTITION BY RANGE (at);",
		}},
		{schema.Object{Kind: schema.KindTable, Schema: "app", Name: "events_2024"}, []string{
			"CREATE TABLE app.events_2024 PARTITION OF app.events\nFOR VALUES FROM ('2024-01-01') TO ('2025-01-01');",
		}},
		{schema.Object{Kind: schema.KindView, Schema: "app", Name: "customer_names"}, []string{
			"CREATE OR REPLACE VIEW app.customer_names AS\n", "FROM app.customers;", "COMMENT ON VIEW app.customer_names IS 'names only';",
		}},
		{schema.Object{Kind: schema.KindMaterializedView, Schema: "Sales", Name: "order_totals"}, []string{
			`CREATE MATERIALIZED VIEW "Sales".order_totals AS`, `FROM "Sales"."Order Items"`, "WITH DATA;",
			`CREATE UNIQUE INDEX order_totals_order ON "Sales".order_totals USING btree (order_id);`,
		}},
		{schema.Object{Kind: schema.KindFunction, Schema: "app", Name: "add"}, []string{
			"CREATE OR REPLACE FUNCTION app.add(a integer, b integer)", "COMMENT ON FUNCTION app.add(a integer, b integer) IS 'adds numbers';",
			"CREATE OR REPLACE FUNCTION app.add(a text, b text)",
		}},
		{schema.Object{Kind: schema.KindFunction, Schema: "app", Name: "touch"}, []string{
			"CREATE OR REPLACE FUNCTION app.touch()", "RETURNS trigger", "LANGUAGE plpgsql", "new.placed_at := now();",
		}},
		{schema.Object{Kind: schema.KindProcedure, Schema: "app", Name: "reset"}, []string{
			"CREATE OR REPLACE PROCEDURE app.reset(IN n integer)", "LANGUAGE plpgsql",
		}},
		{schema.Object{Kind: schema.KindIndex, Schema: "Sales", Name: "Order Items qty"}, []string{
			`CREATE INDEX "Order Items qty" ON "Sales"."Order Items" USING btree (qty) WHERE ((qty)::integer > 1);`,
			`COMMENT ON INDEX "Sales"."Order Items qty" IS 'big lines';`,
		}},
		{schema.Object{Kind: schema.KindConstraint, Schema: "Sales", Table: "Order Items", Name: `Order Items "select" uq`}, []string{
			`ALTER TABLE "Sales"."Order Items" ADD CONSTRAINT "Order Items ""select"" uq" UNIQUE (order_id, "select");`,
		}},
		{schema.Object{Kind: schema.KindConstraint, Schema: "app", Name: "positive_check"}, []string{
			"ALTER DOMAIN app.positive ADD CONSTRAINT positive_check CHECK ((VALUE > 0));",
		}},
		{schema.Object{Kind: schema.KindSequence, Schema: "app", Name: "invoice_no"}, []string{
			"CREATE SEQUENCE app.invoice_no AS bigint INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1000 CACHE 1 NO CYCLE;",
			"COMMENT ON SEQUENCE app.invoice_no IS 'invoice numbers';",
		}},
		{schema.Object{Kind: schema.KindSequence, Schema: "Sales", Name: "orders_id_seq"}, []string{
			`CREATE SEQUENCE "Sales".orders_id_seq AS bigint`, `ALTER SEQUENCE "Sales".orders_id_seq OWNED BY "Sales".orders.id;`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.obj.Kind+" "+tt.obj.Name, func(t *testing.T) {
			got, err := schema.Definition(testCtx(t), conn, tt.obj)
			if err != nil {
				t.Fatal(err)
			}
			rest := got
			for _, w := range tt.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("definition lacks (or misorders) %q:\n%s", w, got)
				}
				rest = rest[i+len(w):]
			}
			if strings.Contains(got, "IS NULL;") {
				t.Errorf("definition comments a missing comment:\n%s", got)
			}
		})
	}
}

func TestDefinitionOneOverload(t *testing.T) {
	pgtest.Need(t)
	got, err := schema.Definition(testCtx(t), trustConn(t),
		schema.Object{Kind: schema.KindFunction, Schema: "app", Name: "add", Arguments: "a text, b text"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(got, "app.add(a text, b text)") || strings.Contains(got, "integer") {
		t.Errorf("definition =\n%s", got)
	}
}

func TestDefinitionErrors(t *testing.T) {
	pgtest.Need(t)
	conn := trustConn(t)
	_, err := schema.Definition(testCtx(t), conn, schema.Object{Kind: schema.KindTable, Schema: "app", Name: "nope"})
	if !errors.Is(err, schema.ErrNotFound) {
		t.Errorf("missing table: %v", err)
	}
	_, err = schema.Definition(testCtx(t), conn, schema.Object{Kind: schema.KindView, Schema: "app", Name: "customers"})
	if !errors.Is(err, schema.ErrNotFound) {
		t.Errorf("table as view: %v", err)
	}
	_, err = schema.Definition(testCtx(t), conn, schema.Object{Kind: "trigger", Schema: "app", Name: "x"})
	if !errors.Is(err, schema.ErrUnsupportedKind) {
		t.Errorf("trigger: %v", err)
	}
}

// TestTableDefinitionReplays runs the reconstructed CREATE TABLE of
// "Sales"."Order Items" in a scratch schema and checks that the copy has the
// same columns, constraints and indexes: the quoting is right.
func TestTableDefinitionReplays(t *testing.T) {
	pgtest.Need(t)
	ctx := testCtx(t)
	conn := trustConn(t)
	ddl, err := schema.Definition(ctx, conn, schema.Object{Kind: schema.KindTable, Schema: "Sales", Name: "Order Items"})
	if err != nil {
		t.Fatal(err)
	}
	scratch := `"Scratch ` + randomHex(4) + `"`
	copyDDL := strings.NewReplacer(
		`"Sales"."Order Items"`, scratch+`."Order Items"`,
		`"Sales"."Order Items qty"`, scratch+`."Order Items qty"`, // COMMENT ON INDEX
	).Replace(ddl)
	if err := cluster.Exec(ctx, "create schema "+scratch+";\n"+copyDDL); err != nil {
		t.Fatalf("replay:\n%s\n%v", copyDDL, err)
	}
	t.Cleanup(func() { _ = cluster.Exec(testCtx(t), "drop schema "+scratch+" cascade") })

	c, err := schema.Load(ctx, connect(t, cluster.SuperConnString("")), "super")
	if err != nil {
		t.Fatal(err)
	}
	orig := findTable(t, c, "Sales", "Order Items")
	cp := findTable(t, c, strings.Trim(scratch, `"`), "Order Items")
	if got, want := describe(cp), describe(orig); got != want {
		t.Errorf("copy =\n%s\nwant\n%s", got, want)
	}
	again, err := schema.Definition(ctx, conn, schema.Object{Kind: schema.KindTable, Schema: strings.Trim(scratch, `"`), Name: "Order Items"})
	if err != nil {
		t.Fatal(err)
	}
	if again != copyDDL {
		t.Errorf("definition of the copy =\n%s\nwant\n%s", again, copyDDL)
	}
}

// describe renders what a table's definition determines.
func describe(tb schema.Table) string {
	var b strings.Builder
	for _, c := range tb.Columns {
		b.WriteString(strings.Join([]string{c.Name, c.Type, c.Default, c.Identity, c.Comment}, "|"))
		b.WriteString("\n")
	}
	for _, k := range tb.Constraints {
		b.WriteString(k.Kind + "|" + k.Name + "|" + k.Definition + "|" + k.Comment + "\n")
	}
	for _, i := range tb.Indexes {
		b.WriteString(i.Name + "|" + strings.Join(i.Columns, ",") + "|" + i.Predicate + "|" + i.Comment + "\n")
	}
	return b.String() + tb.Comment
}
