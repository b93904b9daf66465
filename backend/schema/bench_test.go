package schema_test

import (
	"context"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/tusk-app/tusk/backend/schema"
)

// bigTables is the number of tables in the benchmark database.
const bigTables = 10000

var (
	bigOnce sync.Once
	bigDB   string
	bigErr  error
)

// bigDatabase creates, once per test binary, a database with bigTables
// tables of 5 columns and a primary key each (about 30 s), and returns its
// name. The cluster is thrown away with the test binary; in a shared cluster
// the database stays until pgtestd stops it.
func bigDatabase(b *testing.B) string {
	b.Helper()
	bigOnce.Do(func() {
		ctx := context.Background()
		bigDB = cluster.Database + "_10k"
		if bigErr = cluster.Exec(ctx, "drop database if exists "+bigDB); bigErr != nil {
			return
		}
		if bigErr = cluster.Exec(ctx, "create database "+bigDB+" owner "+cluster.TrustUser); bigErr != nil {
			return
		}
		// COMMIT every 500 tables keeps the lock table small; a DO block may
		// commit when it is the only statement of its transaction.
		bigErr = cluster.ExecIn(ctx, bigDB, `
do $$
begin
    for i in 1..10000 loop
        execute format('create table public.t%s (id int primary key, name text, amount numeric(10,2), created_at timestamptz default now(), flag boolean)', i);
        if i % 500 = 0 then
            commit;
        end if;
    end loop;
end
$$`)
	})
	if bigErr != nil {
		b.Fatal(bigErr)
	}
	return bigDB
}

// loadBig loads the benchmark database once.
func loadBig(b *testing.B) *schema.Cache {
	b.Helper()
	conn := connect(b, cluster.ConnString(cluster.TrustUser, "", bigDatabase(b)))
	c, err := schema.Load(testCtx(b), conn, "big")
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// BenchmarkLoad10kTables times Load on a database with 10,000 tables (each
// 5 columns and a primary key), over one connection that is reused, as the
// app's pool does (so statements are prepared once).
func BenchmarkLoad10kTables(b *testing.B) {
	conn := connect(b, cluster.ConnString(cluster.TrustUser, "", bigDatabase(b)))
	ctx := testCtx(b)
	if _, err := schema.Load(ctx, conn, "big"); err != nil { // prepare the statements
		b.Fatal(err)
	}
	b.ResetTimer()
	var c *schema.Cache
	for b.Loop() {
		var err error
		if c, err = schema.Load(ctx, conn, "big"); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	s, _ := c.Schema("public")
	if len(s.Tables) != bigTables {
		b.Fatalf("loaded %d tables, want %d", len(s.Tables), bigTables)
	}
}

// BenchmarkLoad10kTablesCold is BenchmarkLoad10kTables on a new connection
// each time: the first Load of a session, which also prepares the queries.
func BenchmarkLoad10kTablesCold(b *testing.B) {
	db := bigDatabase(b)
	ctx := testCtx(b)
	for b.Loop() {
		b.StopTimer()
		conn, err := pgx.Connect(ctx, cluster.ConnString(cluster.TrustUser, "", db))
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if _, err := schema.Load(ctx, conn, "big"); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		_ = conn.Close(ctx)
		b.StartTimer()
	}
}

// BenchmarkSearch times a substring search over the 10,000-table cache
// (about 50,000 columns), after the first search built the index.
func BenchmarkSearch(b *testing.B) {
	c := loadBig(b)
	c.Search("warm", 1)
	for b.Loop() {
		if len(c.Search("t123", 50)) == 0 {
			b.Fatal("no match")
		}
	}
}

// BenchmarkCompletion times building the CodeMirror schema map for the
// 10,000-table cache.
func BenchmarkCompletion(b *testing.B) {
	c := loadBig(b)
	for b.Loop() {
		if len(c.Completion()) < bigTables {
			b.Fatal("short completion")
		}
	}
}
