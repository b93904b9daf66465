package explain_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tusk-app/tusk/backend/explain"
	"github.com/tusk-app/tusk/backend/internal/pgtest"
)

var cluster *pgtest.Cluster

// fixtures are the tables the plans read: big (200k rows, a = b always,
// which the planner does not know), small (1k rows), wide (a 64 MB table,
// larger than a quarter of shared_buffers, so scans of it bypass the cache)
// and meas (partitioned by year).
var fixtures = []string{
	`create table big (id int primary key, grp int not null, a int not null, b int not null, val text not null)`,
	`insert into big select g, g % 1000, g % 100, g % 100, md5(g::text) from generate_series(1, 200000) g`,
	`create table small (id int primary key, name text)`,
	`insert into small select g, 'n' || g from generate_series(1, 1000) g`,
	`create table wide as select g as id, repeat('x', 500) as pad from generate_series(1, 120000) g`,
	`create table meas (id int, ts date not null, v int) partition by range (ts)`,
	`create table meas_2023 partition of meas for values from ('2023-01-01') to ('2024-01-01')`,
	`create table meas_2024 partition of meas for values from ('2024-01-01') to ('2025-01-01')`,
	`create table meas_2025 partition of meas for values from ('2025-01-01') to ('2026-01-01')`,
	`insert into meas select g, date '2023-01-01' + (g % 1000), g from generate_series(1, 30000) g`,
	`vacuum analyze`,
}

func TestMain(m *testing.M) {
	pgtest.Main(m, func(c *pgtest.Cluster) error {
		cluster = c
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		conn, err := pgx.Connect(ctx, c.ConnString(c.TrustUser, "", ""))
		if err != nil {
			return err
		}
		defer conn.Close(ctx)
		for _, s := range fixtures {
			if _, err := conn.Exec(ctx, s); err != nil {
				return err
			}
		}
		return nil
	})
}

// connect opens a session of its own: the plans' SET commands stay in it.
func connect(t testing.TB) *pgx.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, cluster.ConnString(cluster.TrustUser, "", ""))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// explainJSON runs the setup statements, then query (an EXPLAIN … FORMAT
// JSON), and returns its output.
func explainJSON(t testing.TB, conn *pgx.Conn, query string, setup ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, s := range setup {
		if _, err := conn.Exec(ctx, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	var out string
	if err := conn.QueryRow(ctx, query, pgx.QueryExecModeSimpleProtocol).Scan(&out); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return []byte(out)
}

// plan runs EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) of sql and parses it.
func plan(t testing.TB, conn *pgx.Conn, sql string, setup ...string) *explain.Plan {
	t.Helper()
	p, err := explain.Parse(explainJSON(t, conn, "explain (analyze, buffers, format json) "+sql, setup...))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// find returns the first node of p whose label starts with prefix.
func find(t testing.TB, p *explain.Plan, prefix string) *explain.Node {
	t.Helper()
	for i := range p.Nodes {
		if len(p.Nodes[i].Label) >= len(prefix) && p.Nodes[i].Label[:len(prefix)] == prefix {
			return &p.Nodes[i]
		}
	}
	t.Fatalf("no node %q in\n%s", prefix, p.Text())
	return nil
}

// findings returns p's findings of kind.
func findings(p *explain.Plan, kind explain.FindingKind) []explain.Finding {
	var out []explain.Finding
	for _, f := range p.Findings {
		if f.Kind == kind {
			out = append(out, f)
		}
	}
	return out
}
