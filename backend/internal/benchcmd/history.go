package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/tusk-app/tusk/backend/storage"
)

var (
	histSchemas = []string{"public", "analytics", "billing", "auth", "inventory"}
	histTables  = []string{
		"orders", "customers", "invoices", "line_items", "users", "sessions", "events", "products",
		"inventory_levels", "payments", "refunds", "shipments", "warehouses", "suppliers", "purchase_orders",
		"subscriptions", "plans", "coupons", "audit_log", "api_keys", "page_views", "signups", "carts",
		"cart_items", "reviews", "categories", "tags", "product_tags", "addresses", "tax_rates",
	}
	histColumns = []string{
		"id", "customer_id", "order_id", "user_id", "product_id", "created_at", "updated_at", "status",
		"total", "amount", "currency", "email", "name", "quantity", "price", "sku", "country", "city",
		"deleted_at", "paid_at", "plan_id", "session_id", "ip_address", "user_agent", "score", "rating",
	}
	histStatuses = []string{"pending", "paid", "shipped", "cancelled", "refunded", "active", "trial"}
)

// randomSQL mirrors backend/storage/bench_test.go: a dozen shapes of
// statement people run in a SQL client.
func randomSQL(r *rand.Rand, i int) string {
	pick := func(list []string) string { return list[r.IntN(len(list))] }
	cols := func(n int) string {
		out := make([]string, n)
		for j := range out {
			out[j] = pick(histColumns)
		}
		return strings.Join(out, ", ")
	}
	t1, t2 := pick(histTables), pick(histTables)
	var sql string
	switch r.IntN(12) {
	case 0, 1, 2:
		sql = fmt.Sprintf("SELECT %s FROM %s.%s WHERE %s = %d ORDER BY %s DESC LIMIT %d",
			cols(1+r.IntN(5)), pick(histSchemas), t1, pick(histColumns), r.IntN(100000), pick(histColumns), 10*(1+r.IntN(50)))
	case 3, 4:
		sql = fmt.Sprintf("SELECT a.%s, b.%s, count(*)\nFROM %s a\nJOIN %s b ON b.%s = a.id\nWHERE a.%s = '%s'\nGROUP BY 1, 2\nORDER BY 3 DESC",
			pick(histColumns), pick(histColumns), t1, t2, pick(histColumns), "status", pick(histStatuses))
	case 5:
		sql = fmt.Sprintf("INSERT INTO %s (%s) VALUES (%d, '%s', now())", t1, cols(3), r.IntN(1e6), pick(histStatuses))
	case 6:
		sql = fmt.Sprintf("UPDATE %s SET %s = '%s', updated_at = now() WHERE id = %d", t1, "status", pick(histStatuses), r.IntN(1e6))
	case 7:
		sql = fmt.Sprintf("DELETE FROM %s WHERE %s < now() - interval '%d days'", t1, pick(histColumns), 1+r.IntN(365))
	case 8:
		sql = fmt.Sprintf("WITH recent AS (\n  SELECT * FROM %s WHERE created_at > now() - interval '7 days'\n)\nSELECT %s, sum(%s) FROM recent GROUP BY 1",
			t1, pick(histColumns), pick(histColumns))
	case 9:
		sql = fmt.Sprintf("EXPLAIN ANALYZE SELECT * FROM %s WHERE %s = %d", t1, pick(histColumns), r.IntN(1000))
	case 10:
		sql = fmt.Sprintf("CREATE INDEX CONCURRENTLY idx_%s_%s ON %s (%s)", t1, pick(histColumns), t1, pick(histColumns))
	default:
		sql = fmt.Sprintf("-- how many %s?\nselect count(*) from %s where %s is not null;", t1, t1, pick(histColumns))
	}
	if i%10000 == 0 {
		sql += " -- needle_xyz"
	}
	return sql
}

type historyResult struct {
	fill          time.Duration
	all           []time.Duration
	worstName     string
	worstP50      time.Duration
	queries, runs int
}

// benchHistory fills a fresh store with n entries and times SearchHistory.
func benchHistory(ctx context.Context, n, runs int) (historyResult, error) {
	var res historyResult
	dir, err := os.MkdirTemp("", "tusk-bench-history-")
	if err != nil {
		return res, err
	}
	defer os.RemoveAll(dir)
	if err := storage.InitDataDir(dir); err != nil {
		return res, err
	}
	s, _, err := storage.Open(ctx, filepath.Join(dir, storage.FileName))
	if err != nil {
		return res, err
	}
	defer s.Close()
	var conns []string
	for i := range 5 {
		c, err := s.SaveConnection(ctx, storage.ConnectionRecord{Name: fmt.Sprintf("db%d", i), Host: "h", Port: 5432})
		if err != nil {
			return res, err
		}
		conns = append(conns, c.ID)
	}
	r := rand.New(rand.NewPCG(1, 2))
	start := time.Now()
	first := start.Add(-time.Duration(n) * time.Minute)
	for i := range n {
		rows := int64(r.IntN(10000))
		e := storage.HistoryEntry{
			ConnectionID: conns[r.IntN(len(conns))],
			SQL:          randomSQL(r, i),
			ExecutedAt:   first.Add(time.Duration(i) * time.Minute),
			DurationMs:   int64(r.IntN(5000)),
			RowCount:     &rows,
		}
		if r.IntN(20) == 0 {
			e.RowCount, e.ErrorMessage, e.ErrorCode = nil, "relation does not exist", "42P01"
		}
		if _, err := s.AddHistory(ctx, e); err != nil {
			return res, err
		}
	}
	res.fill = time.Since(start)
	cases := []struct{ name, query, conn string }{
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
	res.queries, res.runs = len(cases), runs
	for _, c := range cases {
		var ds []time.Duration
		for range runs {
			t0 := time.Now()
			if _, err := s.SearchHistory(ctx, c.query, storage.HistoryFilter{ConnectionID: c.conn}); err != nil {
				return res, fmt.Errorf("search %q: %w", c.query, err)
			}
			ds = append(ds, time.Since(t0))
		}
		if p := percentile(ds, 50); p > res.worstP50 {
			res.worstP50, res.worstName = p, c.name
		}
		res.all = append(res.all, ds...)
	}
	return res, nil
}
