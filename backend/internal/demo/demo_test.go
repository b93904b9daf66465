package main

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/tusk-app/tusk/backend/internal/pgtest"
	"github.com/tusk-app/tusk/backend/query"
	"github.com/tusk-app/tusk/backend/storage"
)

var cluster *pgtest.Cluster

func TestMain(m *testing.M) {
	pgtest.Main(m, func(c *pgtest.Cluster) error {
		cluster = c
		return nil
	})
}

// testEvents keeps the test fast; the demo uses DefaultEvents.
const testEvents = 10_000

func ctx(t *testing.T) context.Context {
	t.Helper()
	c, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return c
}

// seed runs Seed into a database of its own and drops it afterwards (the
// cluster may be shared with other packages).
func seed(t *testing.T, dataDir string) Result {
	t.Helper()
	db := "shop_" + strings.ReplaceAll(strings.ToLower(t.Name()), "/", "_")
	res, err := Seed(ctx(t), Config{
		SuperDSN:  cluster.SuperConnString("postgres"),
		Host:      cluster.Host,
		Port:      cluster.Port,
		User:      cluster.TrustUser,
		Database:  db,
		DataDir:   dataDir,
		Events:    testEvents,
		Overwrite: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := cluster.ExecIn(context.Background(), "postgres", "DROP DATABASE IF EXISTS "+pgx.Identifier{db}.Sanitize()+" WITH (FORCE)"); err != nil {
			t.Error(err)
		}
	})
	return res
}

// connectAsSaved connects the way the app will: with the saved record's
// address, user and database, and no password.
func connectAsSaved(t *testing.T, rec storage.ConnectionRecord) *pgx.Conn {
	t.Helper()
	cfg, err := pgx.ParseConfig("sslmode=disable")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Host, cfg.Port, cfg.User, cfg.Database = rec.Host, uint16(rec.Port), rec.Username, rec.Database
	conn, err := pgx.ConnectConfig(ctx(t), cfg)
	if err != nil {
		t.Fatalf("connect as the saved connection: %v", err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

func TestSeedCreatesSampleDatabase(t *testing.T) {
	pgtest.Need(t)
	res := seed(t, t.TempDir())
	conn := connectAsSaved(t, res.Connection)
	c := ctx(t)

	relations := map[string]string{ // name → relkind
		"sales.customers": "r", "sales.orders": "r", "sales.order_items": "r",
		"inventory.products": "r", "inventory.warehouses": "r", "inventory.stock": "r",
		"analytics.events": "r", "sales.order_totals": "v", "analytics.daily_revenue": "m",
	}
	for name, kind := range relations {
		var got, owner string
		var comment *string
		err := conn.QueryRow(c, `select c.relkind::text, pg_get_userbyid(c.relowner), obj_description(c.oid, 'pg_class')
			from pg_class c where c.oid = to_regclass($1)`, name).Scan(&got, &owner, &comment)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if got != kind || owner != cluster.TrustUser || comment == nil || *comment == "" {
			t.Errorf("%s: relkind %s owner %s comment %v, want %s, %s and a comment", name, got, owner, comment, kind, cluster.TrustUser)
		}
	}

	var n int
	check := func(what, sql string, want int) {
		t.Helper()
		if err := conn.QueryRow(c, sql).Scan(&n); err != nil {
			t.Errorf("%s: %v", what, err)
		} else if n != want {
			t.Errorf("%s: got %d, want %d", what, n, want)
		}
	}
	check("analytics.events rows", "select count(*) from analytics.events", testEvents)
	check("foreign keys", "select count(*) from pg_constraint where contype = 'f' and connamespace::regnamespace::text in ('sales','inventory','analytics')", 6)
	check("enum sales.order_status", "select count(*) from pg_enum where enumtypid = 'sales.order_status'::regtype", 6)
	check("domains", "select count(*) from pg_type where typtype = 'd' and typnamespace::regnamespace::text in ('sales','inventory')", 2)
	check("sql function", "select count(*) from pg_proc p join pg_language l on l.oid = p.prolang where p.oid = 'sales.customer_lifetime_value'::regproc and l.lanname = 'sql'", 1)
	check("plpgsql function", "select count(*) from pg_proc p join pg_language l on l.oid = p.prolang where p.oid = 'inventory.restock'::regproc and l.lanname = 'plpgsql'", 1)
	check("column comments", "select count(*) from pg_description d join pg_class c on c.oid = d.objoid where d.objsubid > 0 and c.relnamespace::regnamespace::text in ('sales','inventory','analytics')", 8)
	check("secondary indexes", "select count(*) from pg_indexes where schemaname in ('sales','inventory','analytics') and indexname like '%_idx'", 9)
	check("nested JSON", "select count(*) from inventory.products where attributes #>> '{dimensions,width_cm}' is null or attributes #>> '{supplier,name}' is null", 0)
	check("customers", "select count(*) from sales.customers", 5000)
	check("orphan order lines", "select count(*) from sales.order_items i left join sales.orders o on o.id = i.order_id where o.id is null", 0)
	check("materialized view populated", "select (count(*) > 100)::int from analytics.daily_revenue", 1)
}

func TestSeedSavesConnectionAndWelcomeTab(t *testing.T) {
	pgtest.Need(t)
	dir := t.TempDir()
	res := seed(t, dir)
	c := ctx(t)
	st, rep, err := storage.Open(c, res.StorePath)
	if err != nil || rep.Problem() {
		t.Fatalf("open store: %v %+v", err, rep)
	}
	defer st.Close()

	conns, err := st.LoadConnections(c)
	if err != nil {
		t.Fatal(err)
	}
	if len(conns) != 1 {
		t.Fatalf("saved connections: %+v, want one", conns)
	}
	got := conns[0]
	if got.ID != res.Connection.ID || got.Name != ConnectionName || got.Host != cluster.Host || got.Port != cluster.Port ||
		got.Username != cluster.TrustUser || got.Database != res.Connection.Database || got.SSLMode != "disable" ||
		got.Options.ConnectTimeoutMs != 10_000 || got.Options.ApplicationName != "Tusk" || got.Color == "" {
		t.Errorf("saved connection: %+v", got)
	}

	raw, err := st.LoadUIState(c, WorkspaceKey)
	if err != nil {
		t.Fatal(err)
	}
	var ws Workspace
	if err := json.Unmarshal(raw, &ws); err != nil {
		t.Fatal(err)
	}
	if len(ws.Tabs) != 1 || ws.ActiveID != ws.Tabs[0].ID || ws.Tabs[0].ID == "" {
		t.Fatalf("workspace: %s", raw)
	}
	tab := ws.Tabs[0]
	if tab.Title != WelcomeTitle || tab.ConnectionID != got.ID || tab.SQL != WelcomeSQL {
		t.Errorf("welcome tab: %+v", tab)
	}
	for _, want := range []string{"Ctrl+Enter", "Shift+Ctrl+Enter", "Esc", "pg_sleep", "select * from analytics.events"} {
		if !strings.Contains(tab.SQL, want) {
			t.Errorf("welcome SQL does not mention %q", want)
		}
	}
}

// TestWelcomeQueriesRun runs every statement of the Welcome tab as the demo
// user: all succeed except the intentional mistake, which fails with a
// position the editor can mark.
func TestWelcomeQueriesRun(t *testing.T) {
	pgtest.Need(t)
	res := seed(t, t.TempDir())
	conn := connectAsSaved(t, res.Connection)
	stmts := query.Split(WelcomeSQL)
	if len(stmts) < 8 {
		t.Fatalf("the welcome SQL splits into %d statements, want at least 8", len(stmts))
	}
	for i, s := range stmts {
		if strings.Contains(s.SQL, "pg_sleep") {
			continue // the cancellation example
		}
		c, cancel := context.WithTimeout(ctx(t), 30*time.Second)
		_, err := conn.Exec(c, s.SQL)
		cancel()
		last := i == len(stmts)-1
		var pgErr *pgconn.PgError
		switch {
		case last && errors.As(err, &pgErr) && pgErr.Code == "42703" && pgErr.Position > 0:
		case last:
			t.Errorf("the last statement should fail with undefined_column and a position, got %v", err)
		case err != nil:
			t.Errorf("statement %d failed: %v\n%s", i+1, err, s.SQL)
		}
	}
}

func TestSeedTwiceUpdatesTheSameConnection(t *testing.T) {
	pgtest.Need(t)
	dir := t.TempDir()
	first := seed(t, dir)
	second := seed(t, dir)
	if first.Connection.ID != second.Connection.ID {
		t.Errorf("second run saved connection %s, want the first one's %s", second.Connection.ID, first.Connection.ID)
	}
	st, _, err := storage.Open(ctx(t), second.StorePath)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	conns, err := st.LoadConnections(ctx(t))
	if err != nil || len(conns) != 1 {
		t.Errorf("connections after two runs: %d (%v), want 1", len(conns), err)
	}
}
