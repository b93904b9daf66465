package storage_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tusk-app/tusk/backend/storage"
)

var (
	benchSchemas = []string{"public", "analytics", "billing", "auth", "inventory"}
	benchTables  = []string{
		"orders", "customers", "invoices", "line_items", "users", "sessions", "events", "products",
		"inventory_levels", "payments", "refunds", "shipments", "warehouses", "suppliers", "purchase_orders",
		"subscriptions", "plans", "coupons", "audit_log", "api_keys", "page_views", "signups", "carts",
		"cart_items", "reviews", "categories", "tags", "product_tags", "addresses", "tax_rates",
	}
	benchColumns = []string{
		"id", "customer_id", "order_id", "user_id", "product_id", "created_at", "updated_at", "status",
		"total", "amount", "currency", "email", "name", "quantity", "price", "sku", "country", "city",
		"deleted_at", "paid_at", "plan_id", "session_id", "ip_address", "user_agent", "score", "rating",
	}
	benchStatuses = []string{"pending", "paid", "shipped", "cancelled", "refunded", "active", "trial"}
)

// randomSQL returns one of a dozen shapes of statement people run in a SQL
// client, with varied tables, columns and literals.
func randomSQL(r *rand.Rand, i int) string {
	pick := func(list []string) string { return list[r.IntN(len(list))] }
	cols := func(n int) string {
		out := make([]string, n)
		for j := range out {
			out[j] = pick(benchColumns)
		}
		return strings.Join(out, ", ")
	}
	t1, t2 := pick(benchTables), pick(benchTables)
	var sql string
	switch r.IntN(12) {
	case 0, 1, 2:
		sql = fmt.Sprintf("SELECT %s FROM %s.%s WHERE %s = %d ORDER BY %s DESC LIMIT %d",
			cols(1+r.IntN(5)), pick(benchSchemas), t1, pick(benchColumns), r.IntN(100000), pick(benchColumns), 10*(1+r.IntN(50)))
	case 3, 4:
		sql = fmt.Sprintf("SELECT a.%s, b.%s, count(*)\nFROM %s a\nJOIN %s b ON b.%s = a.id\nWHERE a.%s = '%s'\nGROUP BY 1, 2\nORDER BY 3 DESC",
			pick(benchColumns), pick(benchColumns), t1, t2, pick(benchColumns), "status", pick(benchStatuses))
	case 5:
		sql = fmt.Sprintf("INSERT INTO %s (%s) VALUES (%d, '%s', now())", t1, cols(3), r.IntN(1e6), pick(benchStatuses))
	case 6:
		sql = fmt.Sprintf("UPDATE %s SET %s = '%s', updated_at = now() WHERE id = %d", t1, "status", pick(benchStatuses), r.IntN(1e6))
	case 7:
		sql = fmt.Sprintf("DELETE FROM %s WHERE %s < now() - interval '%d days'", t1, pick(benchColumns), 1+r.IntN(365))
	case 8:
		sql = fmt.Sprintf("WITH recent AS (\n  SELECT * FROM %s WHERE created_at > now() - interval '7 days'\n)\nSELECT %s, sum(%s) FROM recent GROUP BY 1",
			t1, pick(benchColumns), pick(benchColumns))
	case 9:
		sql = fmt.Sprintf("EXPLAIN ANALYZE SELECT * FROM %s WHERE %s = %d", t1, pick(benchColumns), r.IntN(1000))
	case 10:
		sql = fmt.Sprintf("CREATE INDEX CONCURRENTLY idx_%s_%s ON %s (%s)", t1, pick(benchColumns), t1, pick(benchColumns))
	default:
		sql = fmt.Sprintf("-- how many %s?\nselect count(*) from %s where %s is not null;", t1, t1, pick(benchColumns))
	}
	if i%10000 == 0 {
		sql += " -- needle_xyz"
	}
	return sql
}

// fillHistory adds n varied entries spread over connections and returns
// the connection IDs.
func fillHistory(tb testing.TB, s *storage.Store, n int) []string {
	tb.Helper()
	ctx := context.Background()
	var conns []string
	for i := range 5 {
		c, err := s.SaveConnection(ctx, storage.ConnectionRecord{Name: fmt.Sprintf("db%d", i), Host: "h", Port: 5432})
		if err != nil {
			tb.Fatal(err)
		}
		conns = append(conns, c.ID)
	}
	r := rand.New(rand.NewPCG(1, 2))
	start := time.Now().Add(-time.Duration(n) * time.Minute)
	for i := range n {
		e := storage.HistoryEntry{
			ConnectionID: conns[r.IntN(len(conns))],
			SQL:          randomSQL(r, i),
			ExecutedAt:   start.Add(time.Duration(i) * time.Minute),
			DurationMs:   int64(r.IntN(5000)),
			RowCount:     ptr(int64(r.IntN(10000))),
		}
		if r.IntN(20) == 0 {
			e.RowCount, e.ErrorMessage, e.ErrorCode = nil, "relation does not exist", "42P01"
		}
		if _, err := s.AddHistory(ctx, e); err != nil {
			tb.Fatal(err)
		}
	}
	return conns
}

// BenchmarkHistorySearch100k measures SearchHistory (a page of 100, the
// default) over 100,000 entries. Target: at most 10 ms per search.
func BenchmarkHistorySearch100k(b *testing.B) {
	ctx := context.Background()
	s := newStore(b)
	start := time.Now()
	conns := fillHistory(b, s, 100_000)
	b.Logf("filled 100k entries through AddHistory in %v", time.Since(start))

	cases := []struct {
		name, query, conn string
	}{
		{"common word", "select", ""},
		{"prefix", "cust", ""},
		{"two words", "orders customer_id", ""},
		{"phrase", "public.orders", ""},
		{"rare word", "needle_xyz", ""},
		{"no match", "nonexistent_zzz", ""},
		{"common words never together", "insert explain", ""},
		{"connection filter", "select", conns[0]},
		{"connection filter rare", "needle", conns[1]},
		{"hostile input", `"(orders* NEAR -`, ""},
		{"one letter", "s", ""},
		{"five common words", "select from where order by", ""},
	}
	var total time.Duration
	var searches int
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			var hits int
			begin := time.Now()
			for b.Loop() {
				got, err := s.SearchHistory(ctx, c.query, storage.HistoryFilter{ConnectionID: c.conn})
				if err != nil {
					b.Fatal(err)
				}
				hits = len(got)
				searches++
			}
			total += time.Since(begin)
			b.ReportMetric(float64(hits), "hits")
		})
	}
	b.Run("load recent", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.LoadHistory(ctx, storage.HistoryFilter{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	if searches > 0 {
		b.Logf("mean over all search cases: %v per search", total/time.Duration(searches))
	}
	begin := time.Now()
	n, err := s.ClearAllHistory(ctx)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("ClearAllHistory of %d entries: %v", n, time.Since(begin))
}

// BenchmarkAddHistory measures appending one entry.
func BenchmarkAddHistory(b *testing.B) {
	ctx := context.Background()
	s := newStore(b)
	r := rand.New(rand.NewPCG(3, 4))
	i := 0
	for b.Loop() {
		if _, err := s.AddHistory(ctx, storage.HistoryEntry{SQL: randomSQL(r, i), DurationMs: 5}); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkOpenFresh measures InitDataDir + Open (creation and migrations)
// on a new directory: the store's share of state initialisation (SC-002:
// under 100 ms in total).
func BenchmarkOpenFresh(b *testing.B) {
	ctx := context.Background()
	root := b.TempDir()
	n := 0
	for b.Loop() {
		dir := filepath.Join(root, fmt.Sprint(n))
		n++
		if err := storage.InitDataDir(dir); err != nil {
			b.Fatal(err)
		}
		s, rep, err := storage.Open(ctx, filepath.Join(dir, storage.FileName))
		if err != nil || rep.Problem() {
			b.Fatal(err, rep)
		}
		b.StopTimer()
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}

// BenchmarkOpenExisting measures InitDataDir + Open of an existing,
// up-to-date store, empty and with 100,000 history entries (the integrity
// check reads the whole file).
func BenchmarkOpenExisting(b *testing.B) {
	ctx := context.Background()
	for _, entries := range []int{0, 100_000} {
		b.Run(fmt.Sprintf("%d history entries", entries), func(b *testing.B) {
			dir := b.TempDir()
			path := filepath.Join(dir, storage.FileName)
			s, _, err := storage.Open(ctx, path)
			if err != nil {
				b.Fatal(err)
			}
			fillHistory(b, s, entries)
			if err := s.Close(); err != nil {
				b.Fatal(err)
			}
			if info, err := os.Stat(path); err == nil {
				b.ReportMetric(float64(info.Size())/(1<<20), "MiB")
			}
			for b.Loop() {
				if err := storage.InitDataDir(dir); err != nil {
					b.Fatal(err)
				}
				s, rep, err := storage.Open(ctx, path)
				if err != nil || rep.Problem() {
					b.Fatal(err, rep)
				}
				b.StopTimer()
				if err := s.Close(); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
		})
	}
}
