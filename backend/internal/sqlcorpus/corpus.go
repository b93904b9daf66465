// Package sqlcorpus makes realistic SQL for benchmarks: a query history of
// any size with the mix of statements people run in a SQL client.
package sqlcorpus

import (
	"fmt"
	"math/rand/v2"
	"strings"
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

// Statement returns the i-th statement of a realistic query history: a dozen
// shapes of statement people run in a SQL client, drawn with r. Every
// 10,000th statement (i%10000 == 0) carries the rare word "needle_xyz".
func Statement(r *rand.Rand, i int) string {
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

// Search is one history search of the benchmark set. Conn picks the
// connection filter: -1 for none, else an index into the caller's
// connections.
type Search struct {
	Name, Query string
	Conn        int
}

// Searches are the history searches both benchmarks time: common, rare,
// prefix, phrase and hostile input, with and without a connection filter.
var Searches = []Search{
	{"common word", "select", -1},
	{"prefix", "cust", -1},
	{"two words", "orders customer_id", -1},
	{"phrase", "public.orders", -1},
	{"rare word", "needle_xyz", -1},
	{"no match", "nonexistent_zzz", -1},
	{"common words never together", "insert explain", -1},
	{"connection filter", "select", 0},
	{"connection filter rare", "needle", 1},
	{"hostile input", `"(orders* NEAR -`, -1},
	{"one letter", "s", -1},
	{"five common words", "select from where order by", -1},
}
