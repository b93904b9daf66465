package storage_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/tusk-app/tusk/backend/storage"
)

func TestHistoryAddAndLoad(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	a, err := s.SaveConnection(ctx, sampleConnection("a"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.SaveConnection(ctx, sampleConnection("b"))
	if err != nil {
		t.Fatal(err)
	}

	at := time.Date(2024, 5, 6, 7, 8, 9, 987_654_321, time.UTC)
	first, err := s.AddHistory(ctx, storage.HistoryEntry{
		ConnectionID: a.ID, SQL: "select 1", ExecutedAt: at, DurationMs: 12, RowCount: ptr(int64(1)),
	})
	if err != nil {
		t.Fatal(err)
	}
	failed, err := s.AddHistory(ctx, storage.HistoryEntry{
		ConnectionID: b.ID, SQL: "selec 1", DurationMs: 3,
		ErrorMessage: `syntax error at or near "selec"`, ErrorCode: "42601",
	})
	if err != nil {
		t.Fatal(err)
	}
	if failed.ID <= first.ID || failed.ExecutedAt.IsZero() {
		t.Fatalf("ids %d, %d; executedAt %v", first.ID, failed.ID, failed.ExecutedAt)
	}
	noConn, err := s.AddHistory(ctx, storage.HistoryEntry{SQL: "show server_version"})
	if err != nil {
		t.Fatal(err)
	}

	all, err := s.LoadHistory(ctx, storage.HistoryFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 3 || all[0].ID != noConn.ID || all[1].ID != failed.ID || all[2].ID != first.ID {
		t.Fatalf("newest first: %+v", all)
	}
	got := all[2]
	if got.ConnectionID != a.ID || got.SQL != "select 1" || got.DurationMs != 12 ||
		got.RowCount == nil || *got.RowCount != 1 || got.ErrorMessage != "" || got.ErrorCode != "" ||
		!got.ExecutedAt.Equal(at.Truncate(time.Millisecond)) {
		t.Fatalf("round trip: %+v", got)
	}
	if e := all[1]; e.RowCount != nil || e.ErrorCode != "42601" || e.ErrorMessage == "" {
		t.Fatalf("failed entry: %+v", e)
	}
	if all[0].ConnectionID != "" {
		t.Fatalf("entry without connection: %+v", all[0])
	}

	onlyB, err := s.LoadHistory(ctx, storage.HistoryFilter{ConnectionID: strings.ToUpper(b.ID)})
	if err != nil || len(onlyB) != 1 || onlyB[0].ID != failed.ID {
		t.Fatalf("filter by connection: %+v %v", onlyB, err)
	}
}

func TestHistoryPaging(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	for i := range 25 {
		if _, err := s.AddHistory(ctx, storage.HistoryEntry{SQL: fmt.Sprintf("select %d from paging", i)}); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		limit, offset int
		wantFirst     string
		wantLen       int
	}{
		{0, 0, "select 24 from paging", 25},
		{10, 0, "select 24 from paging", 10},
		{10, 20, "select 4 from paging", 5},
		{10, 30, "", 0},
		{100000, 0, "select 24 from paging", 25},
	}
	for _, tt := range tests {
		for name, load := range map[string]func(storage.HistoryFilter) ([]storage.HistoryEntry, error){
			"load":   func(f storage.HistoryFilter) ([]storage.HistoryEntry, error) { return s.LoadHistory(ctx, f) },
			"search": func(f storage.HistoryFilter) ([]storage.HistoryEntry, error) { return s.SearchHistory(ctx, "pag", f) },
		} {
			got, err := load(storage.HistoryFilter{Limit: tt.limit, Offset: tt.offset})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != tt.wantLen || (tt.wantLen > 0 && got[0].SQL != tt.wantFirst) {
				t.Errorf("%s limit %d offset %d: %d entries, first %v", name, tt.limit, tt.offset, len(got), got)
			}
		}
	}
	for _, f := range []storage.HistoryFilter{{Limit: -1}, {Offset: -1}} {
		if _, err := s.LoadHistory(ctx, f); !errors.Is(err, storage.ErrInvalid) {
			t.Errorf("%+v: got %v, want a validation error", f, err)
		}
		if _, err := s.SearchHistory(ctx, "x", f); !errors.Is(err, storage.ErrInvalid) {
			t.Errorf("search %+v: got %v, want a validation error", f, err)
		}
	}
}

func TestAddHistoryValidation(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	tests := []struct {
		name  string
		entry storage.HistoryEntry
		field string
	}{
		{"empty sql", storage.HistoryEntry{SQL: " \n\t"}, "sql"},
		{"negative duration", storage.HistoryEntry{SQL: "select 1", DurationMs: -1}, "durationMs"},
		{"connection not a uuid", storage.HistoryEntry{SQL: "select 1", ConnectionID: "c1"}, "connectionId"},
		{"unknown connection", storage.HistoryEntry{SQL: "select 1", ConnectionID: uuid.NewString()}, "connectionId"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.AddHistory(ctx, tt.entry)
			var ve *storage.ValidationError
			if !errors.As(err, &ve) || ve.Field != tt.field {
				t.Fatalf("got %v, want a *ValidationError on %s", err, tt.field)
			}
		})
	}
}

func TestSearchHistory(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	a, err := s.SaveConnection(ctx, sampleConnection("a"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.SaveConnection(ctx, sampleConnection("b"))
	if err != nil {
		t.Fatal(err)
	}
	entries := []struct {
		conn string
		sql  string
	}{
		{a.ID, "SELECT * FROM public.orders WHERE customer_id = 42"},                  // 0
		{a.ID, "select name from customers order by name"},                            // 1
		{b.ID, "UPDATE invoices SET paid = true WHERE id = 7"},                        // 2
		{b.ID, `SELECT "Weird Column" FROM "Café" WHERE note = 'it''s -- fine'`},      // 3
		{a.ID, "DELETE FROM orders_archive WHERE created_at < now() - interval '1y'"}, // 4
		{"", "EXPLAIN ANALYZE SELECT count(*) FROM events NEAR_TABLE"},                // 5
	}
	ids := make([]int64, len(entries))
	for i, e := range entries {
		got, err := s.AddHistory(ctx, storage.HistoryEntry{ConnectionID: e.conn, SQL: e.sql})
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = got.ID
	}
	tests := []struct {
		query string
		conn  string
		want  []int // indexes into entries, newest first
	}{
		{query: "orders", want: []int{4, 0}},
		{query: "ORD", want: []int{4, 1, 0}}, // "order by"
		{query: "orders", conn: b.ID, want: nil},
		{query: "orders", conn: a.ID, want: []int{4, 0}},
		{query: "select from", want: []int{5, 3, 1, 0}},
		{query: "cust", want: []int{1, 0}},
		{query: "customer_id", want: []int{0}},
		{query: "public.ord", want: []int{0}},
		{query: "cafe", want: []int{3}},
		{query: "Café", want: []int{3}},
		{query: "weird col", want: []int{3}},
		{query: `"weird`, want: []int{3}},
		{query: `it's`, want: []int{3}},
		{query: "paid true", want: []int{2}},
		{query: "paid nothing", want: nil},
		{query: "NEAR", want: []int{5}},
		{query: "zzz", want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.query+"/"+tt.conn, func(t *testing.T) {
			got, err := s.SearchHistory(ctx, tt.query, storage.HistoryFilter{ConnectionID: tt.conn})
			if err != nil {
				t.Fatal(err)
			}
			var gotIdx []int
			for _, e := range got {
				for i, id := range ids {
					if e.ID == id {
						gotIdx = append(gotIdx, i)
					}
				}
			}
			if fmt.Sprint(gotIdx) != fmt.Sprint(tt.want) {
				t.Fatalf("got entries %v, want %v", gotIdx, tt.want)
			}
		})
	}
}

// hostileSearches are inputs that are FTS5 syntax errors if passed through.
var hostileSearches = []string{
	`"`, `""`, `"unbalanced`, `unbalanced"`, `'`, `*`, `**`, `-`, `--`, `-orders`, `orders -`,
	`+`, `^`, `^orders`, `(`, `)`, `(orders`, `orders)`, `()`, `{`, `}`, `{sql}: orders`, `sql:orders`,
	`sql:`, `:`, `AND`, `OR`, `NOT`, `orders AND`, `OR orders`, `NOT orders`, `orders NOT`,
	`NEAR`, `NEAR(`, `NEAR(orders customers, 2)`, `NEAR/2`, `orders NEAR/ customers`,
	`a OR b AND NOT c`, `"a" "b`, `a"b"c`, `*orders*`, `orders*`, `o*r*d`, `select * from "x`,
	"\x00", "orders\x00customers", "\xff\xfe", "ord\xffers", "😀", "😀orders", "\u0301", "ᄀ",
	"\t\n\r", "   ", "", `\`, `\"`, `%`, `_`, `[`, `]`, `;`, `'; DROP TABLE query_history; --`,
	strings.Repeat("orders ", 200), strings.Repeat(`"`, 1001), strings.Repeat("(", 500),
}

func TestSearchHistoryNeverFailsOnUserInput(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	if _, err := s.AddHistory(ctx, storage.HistoryEntry{SQL: "select * from orders join customers using (customer_id)"}); err != nil {
		t.Fatal(err)
	}
	for _, q := range hostileSearches {
		if _, err := s.SearchHistory(ctx, q, storage.HistoryFilter{}); err != nil {
			t.Errorf("SearchHistory(%q): %v", q, err)
		}
	}
	// The table survived the injection attempt.
	all, err := s.LoadHistory(ctx, storage.HistoryFilter{})
	if err != nil || len(all) != 1 {
		t.Fatalf("after hostile searches: %v %v", all, err)
	}
	// Operators are words: "-orders" still finds orders, "NOT orders" looks
	// for the words "not" and "orders".
	for q, want := range map[string]int{"-orders": 1, "orders*": 1, `"orders`: 1, "(customers)": 1, "NOT orders": 0, "orders OR zzz": 0} {
		got, err := s.SearchHistory(ctx, q, storage.HistoryFilter{})
		if err != nil || len(got) != want {
			t.Errorf("SearchHistory(%q) = %d entries, %v; want %d", q, len(got), err, want)
		}
	}
}

func FuzzSearchHistory(f *testing.F) {
	for _, q := range hostileSearches {
		f.Add(q)
	}
	s := newStore(f)
	ctx := context.Background()
	if _, err := s.AddHistory(ctx, storage.HistoryEntry{SQL: "select * from orders"}); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, q string) {
		if _, err := s.SearchHistory(ctx, q, storage.HistoryFilter{Limit: 5}); err != nil {
			t.Fatalf("SearchHistory(%q): %v", q, err)
		}
	})
}

func TestFTSQuery(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"orders", `"orders"*`},
		{"  sel   from ", `"sel"* "from"*`},
		{`say "hi"`, `"say"* """hi"""*`},
		{"-x", `"-x"*`},
		{"* - ( ) ^ :", ""},
		{"a\x00b", `"a"* "b"*`},
		{"NOT", `"NOT"*`},
	}
	for _, tt := range tests {
		if got := storage.FTSQuery(tt.in); got != tt.want {
			t.Errorf("FTSQuery(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	many := storage.FTSQuery(strings.Repeat("w ", 100))
	if n := strings.Count(many, `"w"*`); n != 16 {
		t.Errorf("%d terms kept, want 16", n)
	}
}

func TestSearchWithoutWordsListsRecent(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	for _, q := range []string{"select 1", "select 2"} {
		if _, err := s.AddHistory(ctx, storage.HistoryEntry{SQL: q}); err != nil {
			t.Fatal(err)
		}
	}
	for _, q := range []string{"", "   ", "*", `"`, "-()"} {
		got, err := s.SearchHistory(ctx, q, storage.HistoryFilter{})
		if err != nil || len(got) != 2 || got[0].SQL != "select 2" {
			t.Errorf("SearchHistory(%q) = %v, %v; want the recent list", q, got, err)
		}
	}
}

func TestClearHistory(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	a, err := s.SaveConnection(ctx, sampleConnection("a"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.SaveConnection(ctx, sampleConnection("b"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{a.ID, a.ID, b.ID, ""} {
		if _, err := s.AddHistory(ctx, storage.HistoryEntry{ConnectionID: c, SQL: "select * from ledger"}); err != nil {
			t.Fatal(err)
		}
	}
	n, err := s.ClearHistory(ctx, a.ID)
	if err != nil || n != 2 {
		t.Fatalf("clear a: %d %v", n, err)
	}
	n, err = s.ClearHistory(ctx, a.ID)
	if err != nil || n != 0 {
		t.Fatalf("clear a again: %d %v", n, err)
	}
	found, err := s.SearchHistory(ctx, "ledger", storage.HistoryFilter{})
	if err != nil || len(found) != 2 {
		t.Fatalf("after clearing a: %v %v", found, err)
	}
	n, err = s.ClearAllHistory(ctx)
	if err != nil || n != 2 {
		t.Fatalf("clear all: %d %v", n, err)
	}
	found, err = s.SearchHistory(ctx, "ledger", storage.HistoryFilter{})
	if err != nil || len(found) != 0 {
		t.Fatalf("after clearing all: %v %v", found, err)
	}
	// The index stays consistent with its content table.
	w := rawDBWritable(t, s.Path())
	if _, err := w.Exec("INSERT INTO query_history_fts (query_history_fts, rank) VALUES ('integrity-check', 1)"); err != nil {
		t.Fatalf("fts integrity-check: %v", err)
	}
}

// ftsPrefixLengths reads the prefix lengths the history's full-text table
// indexes, from its CREATE statement.
func ftsPrefixLengths(t *testing.T, path string) map[int]bool {
	t.Helper()
	var ddl string
	if err := rawDB(t, path).QueryRow(`SELECT sql FROM sqlite_schema WHERE name = 'query_history_fts'`).Scan(&ddl); err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(ddl, "prefix = '")
	list, _, ok2 := strings.Cut(rest, "'")
	if !ok || !ok2 {
		t.Fatalf("no prefix option in %s", ddl)
	}
	out := map[int]bool{}
	for _, f := range strings.Fields(list) {
		var n int
		if _, err := fmt.Sscan(f, &n); err != nil {
			t.Fatalf("prefix %q: %v", f, err)
		}
		out[n] = true
	}
	return out
}

// Each typed word is a prefix query. A length without a prefix index makes
// FTS5 merge every matching token's full doclist before LIMIT applies (a
// common word like "select" cost 2-4 ms each over 100,000 entries), so the
// lengths people type are all indexed.
func TestHistoryIndexesPrefixesOfTypedWords(t *testing.T) {
	got := ftsPrefixLengths(t, newStore(t).Path())
	for n := 1; n <= 12; n++ {
		if !got[n] {
			t.Errorf("no prefix index for %d-character words (have %v)", n, got)
		}
	}
}

// A store made before the prefix indexes keeps its history searchable: the
// migration rebuilds the full-text table from the entries.
func TestPrefixMigrationRebuildsTheSearchIndex(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), storage.FileName)
	s, _, err := storage.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"select * from invoices", "update customers set vip = true"} {
		if _, err := s.AddHistory(ctx, storage.HistoryEntry{SQL: q, DurationMs: 1}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// Back to schema version 4: its full-text table (prefixes 1-4), empty of
	// the entries above, which the migration alone can bring back.
	db := rawDBWritable(t, path)
	for _, stmt := range []string{
		`DROP TABLE query_history_fts`,
		`CREATE VIRTUAL TABLE query_history_fts USING fts5 (sql, content = 'query_history', content_rowid = 'id',
			tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3 4')`,
		`DELETE FROM schema_migrations WHERE version = 5`,
	} {
		if _, err := db.Exec(stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	db.Close()

	s, rep, err := storage.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if rep.Problem() {
		t.Fatalf("unexpected report %+v", rep)
	}
	for word, want := range map[string]string{"invoi": "select * from invoices", "customers": "update customers set vip = true"} {
		got, err := s.SearchHistory(ctx, word, storage.HistoryFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].SQL != want {
			t.Errorf("search %q after the migration: %+v, want %q", word, got, want)
		}
	}
	if !ftsPrefixLengths(t, path)[12] {
		t.Error("the migration did not add the longer prefix indexes")
	}
	// New entries are indexed too (the triggers were recreated).
	if _, err := s.AddHistory(ctx, storage.HistoryEntry{SQL: "delete from sessions", DurationMs: 1}); err != nil {
		t.Fatal(err)
	}
	if got, err := s.SearchHistory(ctx, "sessions", storage.HistoryFilter{}); err != nil || len(got) != 1 {
		t.Errorf("search for a new entry: %+v, %v", got, err)
	}
}
