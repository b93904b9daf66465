package query_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/tusk-app/tusk/backend/query"
)

// checkStatements fails unless stmts are well-formed pieces of script:
// script[Start:End] == SQL, trimmed, non-empty, in order, not overlapping.
func checkStatements(t *testing.T, script string, stmts []query.Statement) {
	t.Helper()
	prevEnd := 0
	for i, s := range stmts {
		if s.Start < prevEnd || s.End <= s.Start || s.End > len(script) {
			t.Fatalf("statement %d has offsets [%d,%d) after %d in %q", i, s.Start, s.End, prevEnd, script)
		}
		if script[s.Start:s.End] != s.SQL {
			t.Fatalf("statement %d: script[%d:%d] = %q, SQL = %q", i, s.Start, s.End, script[s.Start:s.End], s.SQL)
		}
		// Only an unterminated token, running to the end, can end in space.
		const space = " \t\n\r\f\v"
		if strings.TrimLeft(s.SQL, space) != s.SQL || strings.TrimRight(s.SQL, space) != s.SQL && s.End != len(script) {
			t.Fatalf("statement %d not trimmed: %q", i, s.SQL)
		}
		if s.Kind != query.DetectKind(s.SQL) {
			t.Fatalf("statement %d: Kind %q, DetectKind %q", i, s.Kind, query.DetectKind(s.SQL))
		}
		prevEnd = s.End
	}
}

func TestSplit(t *testing.T) {
	tests := []struct {
		name   string
		script string
		want   []string
	}{
		{"empty", "", nil},
		{"only whitespace", " \n\t ", nil},
		{"only semicolons", ";;; ;\n;", nil},
		{"only comments", "-- a\n/* b */;\n-- c", nil},
		{"one without semicolon", "  select 1  ", []string{"select 1"}},
		{"one with semicolon", "select 1;", []string{"select 1"}},
		{"several", "select 1; select 2;\n\nselect 3", []string{"select 1", "select 2", "select 3"}},
		{"empty statements", "select 1;;  ;select 2;;", []string{"select 1", "select 2"}},
		{"leading comment belongs", "select 1;\n-- drop it\nDROP TABLE t;", []string{"select 1", "-- drop it\nDROP TABLE t"}},
		{"trailing comment trimmed", "select 1 -- one\n; select 2 /* two */", []string{"select 1", "select 2"}},
		{"comment inside kept", "select /* ; */ 1 -- ;\n+ 2; select 3", []string{"select /* ; */ 1 -- ;\n+ 2", "select 3"}},
		{"nested comment", "select /* a /* ; */ ; */ 1; select 2", []string{"select /* a /* ; */ ; */ 1", "select 2"}},
		{"string", "select ';', 'it''s;'; select 2", []string{"select ';', 'it''s;'", "select 2"}},
		{"escape string", `select E'\';'; select 2`, []string{`select E'\';'`, "select 2"}},
		{"standard string backslash", `select '\'; select 2`, []string{`select '\'`, "select 2"}},
		{"quoted identifier", `select 1 as "a;""b"; select 2`, []string{`select 1 as "a;""b"`, "select 2"}},
		{"dollar quote", "select $$;$$; select $x$ $$; $x$; select 3", []string{"select $$;$$", "select $x$ $$; $x$", "select 3"}},
		{"parameter is not a dollar quote", "select $1; select $2", []string{"select $1", "select $2"}},
		{"parentheses", "create rule r as on insert to t do also (insert into u values (1); insert into v values (2)); select 1",
			[]string{"create rule r as on insert to t do also (insert into u values (1); insert into v values (2))", "select 1"}},
		{"DO block", "DO $$\nBEGIN\n  PERFORM 1;\nEND\n$$;\nselect 1;",
			[]string{"DO $$\nBEGIN\n  PERFORM 1;\nEND\n$$", "select 1"}},
		{"DO block with tag", "do $do$ begin raise notice '$$;'; end $do$ language plpgsql; select 1",
			[]string{"do $do$ begin raise notice '$$;'; end $do$ language plpgsql", "select 1"}},
		{"begin atomic", "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END; SELECT f();",
			[]string{"CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END", "SELECT f()"}},
		{"begin atomic with case", "create or replace procedure p() begin atomic select case when true then 1 end; insert into t values (1); end; call p();",
			[]string{"create or replace procedure p() begin atomic select case when true then 1 end; insert into t values (1); end", "call p()"}},
		{"transaction begin is a statement", "BEGIN; UPDATE t SET a = 1; END;", []string{"BEGIN", "UPDATE t SET a = 1", "END"}},
		{"create table then begin", "CREATE TABLE t (a int); BEGIN; COMMIT;", []string{"CREATE TABLE t (a int)", "BEGIN", "COMMIT"}},
		{"unterminated string", "select 1; select 'abc; select 2", []string{"select 1", "select 'abc; select 2"}},
		{"unterminated comment", "select 1; /* select 2;", []string{"select 1"}},
		{"unbalanced close paren", "select 1); select 2", []string{"select 1)", "select 2"}},
		{"unicode", "select 'ä';\nselect '€'", []string{"select 'ä'", "select '€'"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stmts := query.Split(tt.script)
			checkStatements(t, tt.script, stmts)
			var got []string
			for _, s := range stmts {
				got = append(got, s.SQL)
			}
			if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", tt.want) {
				t.Errorf("Split(%q)\n got %q\nwant %q", tt.script, got, tt.want)
			}
		})
	}
}

func TestSplitOffsetsAndKinds(t *testing.T) {
	script := "-- setup\nCREATE TABLE t (a int);\n\nINSERT INTO t VALUES (1);\nSELECT * FROM t"
	stmts := query.Split(script)
	want := []struct {
		start int
		kind  query.Kind
	}{{0, query.DDL}, {34, query.Insert}, {60, query.Select}}
	if len(stmts) != len(want) {
		t.Fatalf("got %d statements: %+v", len(stmts), stmts)
	}
	for i, w := range want {
		if stmts[i].Start != w.start || stmts[i].Kind != w.kind {
			t.Errorf("statement %d = %+v, want start %d kind %q", i, stmts[i], w.start, w.kind)
		}
	}
	checkStatements(t, script, stmts)
}

func TestStatementAt(t *testing.T) {
	script := "\n  select 1;  \n\nselect 2 ; -- note\n\nselect 3"
	tests := []struct {
		offset int
		want   string
	}{
		{0, "select 1"},  // before the first statement
		{3, "select 1"},  // start
		{10, "select 1"}, // last byte
		{11, "select 1"}, // just after the last byte, on the semicolon
		{14, "select 1"}, // in the blank lines
		{16, "select 2"},
		{25, "select 2"}, // on the semicolon
		{26, "select 2"},
		{29, "-- note\n\nselect 3"}, // a comment belongs to the statement after it
		{len(script), "-- note\n\nselect 3"},
		{len(script) + 10, "-- note\n\nselect 3"},
		{-1, "select 1"},
	}
	for _, tt := range tests {
		got, ok := query.StatementAt(script, tt.offset)
		if !ok || got.SQL != tt.want {
			t.Errorf("StatementAt(%d) = %q, %v; want %q", tt.offset, got.SQL, ok, tt.want)
		}
	}
	if _, ok := query.StatementAt("  -- nothing\n;", 3); ok {
		t.Errorf("StatementAt on an empty script reported a statement")
	}
}

func ExampleSplit() {
	script := "-- setup\nCREATE TABLE t (a text);\nINSERT INTO t VALUES ('a;b');\nSELECT * FROM t"
	for _, s := range query.Split(script) {
		fmt.Printf("%d-%d %s: %q\n", s.Start, s.End, s.Kind, s.SQL)
	}
	// Output:
	// 0-32 ddl: "-- setup\nCREATE TABLE t (a text)"
	// 34-62 insert: "INSERT INTO t VALUES ('a;b')"
	// 64-79 select: "SELECT * FROM t"
}

func FuzzSplit(f *testing.F) {
	for _, s := range []string{
		"select 1; select 2", "select ';'; $$;$$; /* ; /* ; */ */ ;", `E'\';'; "a;b"`,
		"create function f() begin atomic select 1; end; select 2", "DO $x$ ; $x$;", "((;", ")) ; ((",
		"-- c\n;", "$1;$a", "U&'a;' ; U&\"b;\"",
	} {
		f.Add(s, 0)
	}
	f.Fuzz(func(t *testing.T, script string, offset int) {
		stmts := query.Split(script)
		checkStatements(t, script, stmts)

		// Splitting the statements joined again gives the same statements.
		// (The last may be unterminated, so nothing may follow it.)
		var b strings.Builder
		for i, s := range stmts {
			if i > 0 {
				b.WriteString(";\n")
			}
			b.WriteString(s.SQL)
		}
		again := query.Split(b.String())
		if len(again) != len(stmts) {
			t.Fatalf("re-split of %q: %d statements, want %d", b.String(), len(again), len(stmts))
		}
		for i := range stmts {
			if again[i].SQL != stmts[i].SQL || again[i].Kind != stmts[i].Kind {
				t.Fatalf("re-split statement %d = %q (%s), want %q (%s)", i, again[i].SQL, again[i].Kind, stmts[i].SQL, stmts[i].Kind)
			}
		}

		s, ok := query.StatementAt(script, offset)
		if ok != (len(stmts) > 0) {
			t.Fatalf("StatementAt(%d) ok = %v with %d statements", offset, ok, len(stmts))
		}
		if ok && offset >= s.Start && offset <= s.End {
			return // inside
		}
		if ok && s != stmts[0] && s.End > offset {
			t.Fatalf("StatementAt(%d) = %+v, which ends after the offset", offset, s)
		}
	})
}

func BenchmarkSplit(b *testing.B) {
	chunk := "-- a comment\nSELECT a, b, 'x;y' AS s FROM t WHERE id = $1 AND note <> E'\\';';\n" +
		"INSERT INTO t (a, b) VALUES (1, /* two */ 2);\n" +
		"DO $$ BEGIN PERFORM 1; END $$;\n" +
		"CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END;\n"
	script := strings.Repeat(chunk, (1<<20)/len(chunk)+1)
	b.SetBytes(int64(len(script)))
	b.ReportAllocs()
	for b.Loop() {
		query.Split(script)
	}
}

func ExampleStatementAt() {
	script := "SELECT 1;\n\nUPDATE t SET a = 2;\n"
	cursor := strings.Index(script, "SET")
	if s, ok := query.StatementAt(script, cursor); ok {
		fmt.Println(s.Kind, script[s.Start:s.End])
	}
	// Output: update UPDATE t SET a = 2
}
