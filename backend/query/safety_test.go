package query_test

import (
	"strings"
	"testing"

	"github.com/tusk-app/tusk/backend/query"
)

// TestDangers is the safe-mode classifier's table: each script with the
// hazards it holds, in order ("" for none). Near misses both ways: what
// looks dangerous and is not, and what hides a dangerous statement.
func TestDangers(t *testing.T) {
	cases := []struct {
		sql  string
		want string // "hazard target; …"
	}{
		// The plain cases.
		{"delete from orders", "delete-without-where orders"},
		{"DELETE FROM ONLY sales.orders", "delete-without-where sales.orders"},
		{`delete from "Order Items" as i`, `delete-without-where "Order Items"`},
		{"update orders set status = 'paid'", "update-without-where orders"},
		{"UPDATE ONLY orders SET a = 1 FROM other", "update-without-where orders"},
		{"truncate orders", "truncate orders"},
		{"TRUNCATE TABLE ONLY a, b.c RESTART IDENTITY CASCADE", "truncate a, b.c"},
		{"drop table orders", "drop orders"},
		{"DROP TABLE IF EXISTS a, b CASCADE", "drop a, b"},
		{"drop schema sales cascade", "drop sales"},
		{"drop index concurrently orders_idx", "drop orders_idx"},
		{"drop materialized view analytics.daily", "drop analytics.daily"},
		{"drop owned by bob", "drop bob"},
		{"alter table orders drop column note", "alter-drop orders"},
		{"ALTER TABLE IF EXISTS ONLY orders DROP CONSTRAINT orders_pk", "alter-drop orders"},
		{"alter table orders drop note", "alter-drop orders"},
		{"alter table orders alter column a drop default, drop column b", "alter-drop orders"},
		{"alter type mood drop attribute happy", "alter-drop mood"},

		// Safe: a WHERE at the statement's level.
		{"delete from orders where id = 1", ""},
		{"update orders set a = 1 where id in (select id from x)", ""},
		{"delete from orders where current of c", ""},
		{"update t set a = 1 where true", ""},

		// Dangerous although a WHERE appears, but not at its level.
		{"update orders set total = (select sum(x) from items where items.o = 1)", "update-without-where orders"},
		{"delete from orders using (select * from x where y) s", "delete-without-where orders"},

		// Keywords that are not statements.
		{"select * from orders for update", ""},
		{"insert into t values (1) on conflict (id) do update set a = 1", ""},
		{"grant delete, update, truncate on orders to bob", ""},
		{"revoke delete on orders from bob", ""},
		{"create trigger tr after delete or update on orders for each row execute function f()", ""},
		{"create table t (a int references o on delete cascade on update set null)", ""},
		{"create policy p on orders for delete using (true)", ""},
		{"create rule r as on delete to orders do instead delete from archive", ""},
		{"alter table orders alter column a drop not null", ""},
		{"alter table orders alter a drop default", ""},
		{"alter table orders alter column id drop identity if exists", ""},
		{"alter table orders alter column g drop expression", ""},
		{"alter domain d drop not null", ""},
		{"alter table orders add column drop_me int", ""},
		{"prepare p as delete from orders", ""},
		{"select 'delete from orders'", ""},
		{`select "drop" from "delete"`, ""},
		{"-- drop table orders\nselect 1", ""},
		{"/* truncate orders; */ select 1", ""},
		{"select $$ delete from orders $$", ""},
		{"create function f() returns void language sql as $$ delete from orders $$", ""},
		{"create function f() returns void begin atomic delete from orders; end", ""},
		{"explain delete from orders", ""},
		{"explain (analyze false) delete from orders", ""},
		{"comment on table orders is 'DROP TABLE orders'", ""},
		{"create table deleted (update int)", ""},

		// Hidden in CTEs, COPY, EXPLAIN ANALYZE and DO.
		{"with d as (delete from orders returning *) select count(*) from d", "delete-without-where orders"},
		{"WITH RECURSIVE a AS (SELECT 1), b (x) AS MATERIALIZED (UPDATE t SET x = 1 RETURNING x) SELECT * FROM a, b", "update-without-where t"},
		{"with d as (delete from orders where id = 1 returning *) delete from items", "delete-without-where items"},
		{"with x as (select 1) delete from orders where id in (select * from x)", ""},
		{"copy (delete from orders returning *) to stdout", "delete-without-where orders"},
		{"explain analyze delete from orders", "delete-without-where orders"},
		{"explain (analyze, buffers) update orders set a = 1", "update-without-where orders"},
		{"do $$ begin delete from orders; end $$", "delete-without-where orders"},
		{"do $body$ declare n int; begin if n > 0 then truncate orders; end if; end $body$", "truncate orders"},
		{"do language plpgsql 'begin update t set a = ''x''; end'", "update-without-where t"},
		{"do $$ begin delete from orders where id = 1; end $$", ""},
		{"do $$ begin raise notice 'drop table orders'; end $$", ""},
		{"do language plperl $$ my $x = 'delete from t'; $$", ""},

		// Scripts: each statement on its own, with its index.
		{"select 1; delete from a; update b set x = 1 where y; drop table c", "delete-without-where a; drop c"},
		{"begin;\n-- clean up\ntruncate log;\ncommit", "truncate log"},
	}
	for _, c := range cases {
		var got []string
		for _, d := range query.Dangers(c.sql) {
			got = append(got, string(d.Hazard)+" "+d.Target)
			if d.Message == "" {
				t.Errorf("%q: no message", c.sql)
			}
		}
		if g := strings.Join(got, "; "); g != c.want {
			t.Errorf("Dangers(%q) = %q, want %q", c.sql, g, c.want)
		}
	}
}

func TestDangerLocatesItsStatement(t *testing.T) {
	script := "select 1;\n  delete from t -- all of it\n;select 2"
	ds := query.Dangers(script)
	if len(ds) != 1 || ds[0].Statement != 1 || script[ds[0].Start:ds[0].End] != "delete from t" {
		t.Fatalf("%+v", ds)
	}
	if ds[0].Message != "DELETE without WHERE deletes every row of t" {
		t.Errorf("message %q", ds[0].Message)
	}
}

func FuzzDangers(f *testing.F) {
	for _, s := range []string{"delete from t", "with a as (delete from t) select", "do $$ begin truncate t; end $$", "alter table t drop", "copy (", "explain (analyze"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, sql string) {
		for _, d := range query.Dangers(sql) {
			if d.Start < 0 || d.End > len(sql) || d.Start > d.End || d.Message == "" {
				t.Fatalf("%q: %+v", sql, d)
			}
		}
	})
}
