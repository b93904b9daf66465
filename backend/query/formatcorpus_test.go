package query_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/tusk-app/tusk/backend/query"
)

// goldenEntry is one formatting of the corpus, written by the frontend's
// formatter test (frontend/src/lib/editor/format.test.ts).
type goldenEntry struct {
	Source  string `json:"source"`
	Options struct {
		KeywordCase string `json:"keywordCase"`
		Indent      any    `json:"indent"`
	} `json:"options"`
	Original  string `json:"original"`
	Formatted string `json:"formatted"`
}

// TestFormattedCorpus proves that the SQL formatter changes nothing the
// server cares about: every statement of the corpus (the demo database's
// seed and Welcome tab, the hard cases, the lexer's fuzz corpus) that the
// server accepts before formatting it also accepts after, with the same
// command tag. The original script runs in one fresh database and the
// formatted one in another, statement by statement, so each formatted
// statement meets exactly the data its original met (sequences and
// setseed included).
func TestFormattedCorpus(t *testing.T) {
	b, err := os.ReadFile("testdata/format/golden.json")
	if err != nil {
		t.Fatal(err)
	}
	var entries []goldenEntry
	if err := json.Unmarshal(b, &entries); err != nil {
		t.Fatal(err)
	}
	variants := map[string][]goldenEntry{}
	var order []string
	for _, e := range entries {
		v := fmt.Sprintf("%s-%v", e.Options.KeywordCase, e.Options.Indent)
		if variants[v] == nil {
			order = append(order, v)
		}
		variants[v] = append(variants[v], e)
	}
	if len(order) != 2 || len(entries) < 30 {
		t.Fatalf("the golden file has %d entries in %d variants", len(entries), len(order))
	}
	for i, v := range order {
		t.Run(v, func(t *testing.T) {
			var original, formatted []query.Statement
			var sources []string
			for _, e := range variants[v] {
				o, f := query.Split(testable(e.Original)), query.Split(testable(e.Formatted))
				if len(o) != len(f) {
					t.Fatalf("%s: %d statements before formatting, %d after", e.Source, len(o), len(f))
				}
				original, formatted = append(original, o...), append(formatted, f...)
				for range o {
					sources = append(sources, e.Source)
				}
			}
			before := runAll(t, fmt.Sprintf("fmt_corpus_%d_a", i), original)
			after := runAll(t, fmt.Sprintf("fmt_corpus_%d_b", i), formatted)
			accepted, changed := 0, 0
			for k := range original {
				if original[k].SQL != formatted[k].SQL {
					changed++
				}
				if before[k].err != nil {
					continue // the server rejects it anyway
				}
				accepted++
				switch {
				case after[k].err != nil:
					t.Errorf("%s: the server accepts\n%s\nbut rejects its formatting\n%s\n%v", sources[k], original[k].SQL, formatted[k].SQL, after[k].err)
				case after[k].tag != before[k].tag:
					t.Errorf("%s: %q became %q after formatting\n%s", sources[k], before[k].tag, after[k].tag, formatted[k].SQL)
				}
			}
			if accepted < 80 || changed < 50 {
				t.Errorf("only %d statements ran and %d were changed by formatting: too thin a corpus to prove much", accepted, changed)
			}
			t.Logf("%d statements the server accepts, %d of them changed by formatting", accepted, changed)
		})
	}
}

// testable fills the seed's placeholder and shortens the Welcome tab's
// deliberately slow query.
func testable(sql string) string {
	return strings.NewReplacer("{{events}}", "1000", "pg_sleep(10)", "pg_sleep(0.01)").Replace(sql)
}

type outcome struct {
	tag string
	err error
}

// runAll runs stmts one by one (each in its own transaction) in a fresh
// database db.
func runAll(t *testing.T, db string, stmts []query.Statement) []outcome {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if err := cluster.ExecIn(ctx, "postgres", fmt.Sprintf("create database %s owner %s", db, cluster.TrustUser)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cluster.ExecIn(context.Background(), "postgres", "drop database "+db+" with (force)") })
	conn, err := pgconn.Connect(ctx, cluster.ConnString(cluster.TrustUser, "", db))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	out := make([]outcome, len(stmts))
	for k, st := range stmts {
		rs, err := conn.Exec(ctx, st.SQL).ReadAll()
		out[k].err = err
		if err == nil && len(rs) > 0 {
			out[k].tag = rs[len(rs)-1].CommandTag.String()
		}
	}
	return out
}
