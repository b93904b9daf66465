package ident_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tusk-app/tusk/backend/ident"
	"github.com/tusk-app/tusk/backend/internal/pgtest"
)

var cluster *pgtest.Cluster

func TestMain(m *testing.M) {
	pgtest.Main(m, func(c *pgtest.Cluster) error {
		cluster = c
		return nil
	})
}

func connect(t *testing.T) (context.Context, *pgx.Conn) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	c, err := pgx.Connect(ctx, cluster.ConnString(cluster.TrustUser, "", ""))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close(context.Background()) })
	return ctx, c
}

// names covers every kind of identifier the app meets.
var names = []string{
	"id", "orders", "a1", "_x", "order", "user", "select", "table", "group", "limit",
	"json_table", "name", "value", "type", "MixedCase", "UPPER", "with space", ` lead`,
	`My "Table"`, `"`, `""`, "1abc", "a-b", "a.b", "a$b", "ünïcödé", "日本語", "emoji😀",
	"semi;colon", "back\\slash", "tab\there", "new\nline", "x'y",
}

func TestQuoteExamples(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"orders", "orders"},
		{"order", `"order"`},
		{"user", `"user"`},
		{"name", "name"},
		{"MixedCase", `"MixedCase"`},
		{`My "Table"`, `"My ""Table"""`},
		{"with space", `"with space"`},
		{"1abc", `"1abc"`},
		{"a$b", `"a$b"`},
		{"ünïcödé", `"ünïcödé"`},
		{"", `""`},
	} {
		if got := ident.Quote(c.in); got != c.want {
			t.Errorf("Quote(%q) = %s, want %s", c.in, got, c.want)
		}
	}
	if got := ident.Qualified("Sales", "order"); got != `"Sales"."order"` {
		t.Errorf("Qualified = %s", got)
	}
}

// TestServerReadsQuotedNamesBack: every name, quoted by Quote, names a
// column and a table the server reads back exactly.
func TestServerReadsQuotedNamesBack(t *testing.T) {
	ctx, c := connect(t)
	for _, n := range names {
		rows, err := c.Query(ctx, "select 1 as "+ident.Quote(n))
		if err != nil {
			t.Errorf("alias %q: %v", n, err)
			continue
		}
		got := rows.FieldDescriptions()[0].Name
		rows.Close()
		if got != n {
			t.Errorf("alias %q came back as %q", n, got)
		}
		tx, err := c.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		q := ident.Qualified("public", n)
		if _, err := tx.Exec(ctx, "create table "+q+" ("+ident.Quote(n)+" int primary key)"); err != nil {
			t.Errorf("create table %s: %v", q, err)
		} else if _, err := tx.Exec(ctx, "insert into "+q+" ("+ident.Quote(n)+") values (1)"); err != nil {
			t.Errorf("insert into %s: %v", q, err)
		} else {
			var relname string
			if err := tx.QueryRow(ctx, "select relname from pg_class where oid = $1::regclass", q).Scan(&relname); err != nil || relname != n {
				t.Errorf("table %s is %q (%v)", q, relname, err)
			}
		}
		_ = tx.Rollback(ctx)
	}
}

// TestKeywordsCoverServer: every keyword the server needs quoted is in the
// list, and Quote agrees with quote_ident wherever quote_ident quotes.
func TestKeywordsCoverServer(t *testing.T) {
	ctx, c := connect(t)
	rows, err := c.Query(ctx, "select word from pg_get_keywords() where catcode <> 'U'")
	if err != nil {
		t.Fatal(err)
	}
	words, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	if len(words) < 100 {
		t.Fatalf("only %d keywords from the server", len(words))
	}
	for _, w := range words {
		if !ident.IsKeyword(w) {
			t.Errorf("server keyword %q is not quoted", w)
		}
	}
	all := append(append([]string{}, names...), words...)
	all = append(all, ident.Keywords()...)
	for _, n := range all {
		var server string
		if err := c.QueryRow(ctx, "select quote_ident($1)", n).Scan(&server); err != nil {
			t.Fatal(err)
		}
		if server != n && ident.Quote(n) != server {
			t.Errorf("quote_ident(%q) = %s, Quote = %s", n, server, ident.Quote(n))
		}
	}
}

func ExampleQuote() {
	fmt.Println(ident.Quote("orders"), ident.Quote("order"), ident.Quote(`My "Table"`), ident.Qualified("Sales", "Order Items"))
	// Output: orders "order" "My ""Table""" "Sales"."Order Items"
}
