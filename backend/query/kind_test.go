package query_test

import (
	"fmt"
	"testing"

	"github.com/tusk-app/tusk/backend/query"
)

func TestDetectKind(t *testing.T) {
	tests := []struct {
		sql  string
		want query.Kind
	}{
		{"SELECT 1", query.Select},
		{"select 1", query.Select},
		{"SeLeCt 1", query.Select},
		{"  \n\tselect 1;", query.Select},
		{"-- leading\nselect 1", query.Select},
		{"/* leading */ select 1", query.Select},
		{"/* outer /* nested */ still comment; delete */ select 1", query.Select},
		{"/* unterminated delete", query.Other},
		{"-- only a comment", query.Other},
		{"", query.Other},
		{"   ", query.Other},
		{";", query.Other},
		{"(select 1) union (select 2)", query.Select},
		{"((select 1))", query.Select},
		{"VALUES (1), (2)", query.Select},
		{"TABLE users", query.Select},
		{"SELECT * INTO new_table FROM t", query.DDL},
		{"select a, (select b into c from d) from e", query.Select},
		{"SELECT 'into' FROM t", query.Select},
		{`SELECT "into" FROM t`, query.Select},
		{"insert into t values (1)", query.Insert},
		{"UPDATE t SET a = 1", query.Update},
		{"delete from t", query.Delete},
		{`"select" from t`, query.Other},
		{`"SELECT" 1`, query.Other},
		{"WITH x AS (SELECT 1) SELECT * FROM x", query.Select},
		{"WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x", query.Insert},
		{"with x as (select 1) update t set a = (select * from x)", query.Update},
		{"WITH x AS (SELECT 1) DELETE FROM t USING x", query.Delete},
		{"WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n+1 FROM r WHERE n < 5) SELECT * FROM r", query.Select},
		{"WITH x AS MATERIALIZED (SELECT 1), y AS NOT MATERIALIZED (SELECT 2) DELETE FROM t", query.Delete},
		{"WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d", query.Select},
		{"WITH d AS (DELETE FROM t RETURNING *), i AS (INSERT INTO u SELECT * FROM d) SELECT 1", query.Select},
		{"WITH x AS (SELECT ')' AS p, $$)$$ AS q /* ) */) UPDATE t SET a = 1", query.Update},
		{`WITH "Weird Name" AS (SELECT 1) INSERT INTO t DEFAULT VALUES`, query.Insert},
		{"WITH x AS (SELECT 1) (SELECT * FROM x)", query.Select},
		{"WITH RECURSIVE t(n) AS (SELECT 1 UNION SELECT n+1 FROM t) SEARCH DEPTH FIRST BY n SET ord DELETE FROM u", query.Delete},
		{"WITH RECURSIVE t(n) AS (SELECT 1) CYCLE n SET is_cycle USING path SELECT * FROM t", query.Select},
		{"WITH x AS (SELECT 1) SELECT * INTO y FROM x", query.DDL},
		{"WITH", query.Other},
		{"WITH x AS", query.Other},
		{"EXPLAIN SELECT 1", query.Explain},
		{"EXPLAIN ANALYZE DELETE FROM t", query.Explain},
		{"explain (analyze, buffers) update t set a = 1", query.Explain},
		{"CREATE TABLE t (a int)", query.DDL},
		{"create or replace function f() returns int as $$ select 1; $$ language sql", query.DDL},
		{"ALTER TABLE t ADD b int", query.DDL},
		{"DROP TABLE t", query.DDL},
		{"TRUNCATE t", query.DDL},
		{"COMMENT ON TABLE t IS 'x'", query.DDL},
		{"GRANT SELECT ON t TO bob", query.DDL},
		{"REVOKE ALL ON t FROM bob", query.DDL},
		{"SECURITY LABEL ON TABLE t IS 'x'", query.DDL},
		{"BEGIN", query.Transaction},
		{"begin isolation level serializable", query.Transaction},
		{"START TRANSACTION", query.Transaction},
		{"COMMIT", query.Transaction},
		{"END", query.Transaction},
		{"ROLLBACK TO SAVEPOINT a", query.Transaction},
		{"SAVEPOINT a", query.Transaction},
		{"RELEASE SAVEPOINT a", query.Transaction},
		{"PREPARE TRANSACTION 'x'", query.Transaction},
		{"COMMIT PREPARED 'x'", query.Transaction},
		{"SET TRANSACTION READ ONLY", query.Transaction},
		{"PREPARE q AS SELECT 1", query.Other},
		{"SET search_path = public", query.Other},
		{"SHOW work_mem", query.Other},
		{"COPY t FROM STDIN", query.Other},
		{"VACUUM ANALYZE t", query.Other},
		{"DO $$ BEGIN DELETE FROM t; END $$", query.Other},
		{"DO $body$ BEGIN RAISE NOTICE '$$'; END $body$", query.Other},
		{"CALL p(1)", query.Other},
		{"MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE", query.Other},
		{"$$select$$", query.Other},
		{"'select'", query.Other},
		{"E'\\'select' ", query.Other},
		{"42", query.Other},
		{"))) select", query.Other},
		{"@#!? garbage", query.Other},
		{"\x00\xff\xfe", query.Other},
		{"selectx 1", query.Other},
		{"select$1", query.Other},
	}
	for _, tt := range tests {
		if got := query.DetectKind(tt.sql); got != tt.want {
			t.Errorf("DetectKind(%q) = %q, want %q", tt.sql, got, tt.want)
		}
	}
}

func TestExplainTarget(t *testing.T) {
	tests := []struct {
		sql     string
		target  query.Kind
		analyze bool
	}{
		{"EXPLAIN SELECT 1", query.Select, false},
		{"EXPLAIN ANALYZE DELETE FROM t", query.Delete, true},
		{"explain analyse verbose update t set a = 1", query.Update, true},
		{"EXPLAIN VERBOSE INSERT INTO t VALUES (1)", query.Insert, false},
		{"EXPLAIN (ANALYZE, BUFFERS) DELETE FROM t", query.Delete, true},
		{"EXPLAIN (ANALYZE false) DELETE FROM t", query.Delete, false},
		{"EXPLAIN (ANALYZE off, COSTS) DELETE FROM t", query.Delete, false},
		{"EXPLAIN (ANALYZE 0) DELETE FROM t", query.Delete, false},
		{"EXPLAIN (FORMAT JSON) WITH x AS (SELECT 1) DELETE FROM t", query.Delete, false},
		{"/* c */ explain /* c */ analyze /* c */ delete from t", query.Delete, true},
		{"EXPLAIN ANALYZE SELECT * INTO t2 FROM t", query.DDL, true},
		{"DELETE FROM t", query.Delete, false},
		{"EXPLAIN", query.Other, false},
		{"", query.Other, false},
	}
	for _, tt := range tests {
		if got := query.ExplainTarget(tt.sql); got != tt.target {
			t.Errorf("ExplainTarget(%q) = %q, want %q", tt.sql, got, tt.target)
		}
		if got := query.ExplainAnalyzes(tt.sql); got != tt.analyze {
			t.Errorf("ExplainAnalyzes(%q) = %v, want %v", tt.sql, got, tt.analyze)
		}
	}
}

func TestKindHints(t *testing.T) {
	for _, k := range []query.Kind{query.Select, query.Insert, query.Update, query.Delete, query.DDL, query.Transaction, query.Explain, query.Other} {
		if got, want := k.ChangesSchema(), k == query.DDL; got != want {
			t.Errorf("%s.ChangesSchema() = %v, want %v", k, got, want)
		}
		if got, want := k.ReturnsRows(), k == query.Select || k == query.Explain || k == query.Other; got != want {
			t.Errorf("%s.ReturnsRows() = %v, want %v", k, got, want)
		}
	}
}

func FuzzDetectKind(f *testing.F) {
	for _, s := range []string{
		"select 1", "WITH x AS (SELECT 1) DELETE FROM t", "EXPLAIN (ANALYZE) DELETE FROM t",
		"((", "WITH RECURSIVE", "$a$ $a", "E'\\", "/* /* */", `U&"x`, "SELECT INTO",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, sql string) {
		k := query.DetectKind(sql)
		switch k {
		case query.Select, query.Insert, query.Update, query.Delete, query.DDL, query.Transaction, query.Explain, query.Other:
		default:
			t.Fatalf("DetectKind(%q) = %q, not a kind", sql, k)
		}
		// Comments and whitespace before a statement never change its kind.
		if got := query.DetectKind("/* x */ -- y\n\t" + sql); got != k {
			t.Fatalf("DetectKind(%q) = %q, but %q behind comments", sql, k, got)
		}
		target := query.ExplainTarget(sql)
		if k != query.Explain && target != k {
			t.Fatalf("ExplainTarget(%q) = %q for a %q statement", sql, target, k)
		}
		if query.ExplainAnalyzes(sql) && k != query.Explain {
			t.Fatalf("ExplainAnalyzes(%q) for a %q statement", sql, k)
		}
	})
}

func ExampleDetectKind() {
	fmt.Println(query.DetectKind("/* report */ (SELECT 1) UNION (SELECT 2)"))
	fmt.Println(query.DetectKind("WITH old AS (DELETE FROM t RETURNING *) INSERT INTO archive SELECT * FROM old"))
	fmt.Println(query.DetectKind(`SELECT * INTO "select" FROM t`))
	// Output:
	// select
	// insert
	// ddl
}

func ExampleExplainTarget() {
	sql := "EXPLAIN (ANALYZE, BUFFERS) DELETE FROM orders"
	if query.ExplainAnalyzes(sql) && query.ExplainTarget(sql) != query.Select {
		fmt.Println("EXPLAIN ANALYZE runs the statement:", query.ExplainTarget(sql))
	}
	// Output: EXPLAIN ANALYZE runs the statement: delete
}
