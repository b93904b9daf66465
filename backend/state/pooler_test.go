package state_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/connection"
	"github.com/tusk-app/tusk/backend/internal/pgtest"
	"github.com/tusk-app/tusk/backend/query"
	"github.com/tusk-app/tusk/backend/schema"
	"github.com/tusk-app/tusk/backend/state"
)

const poolerFixtures = `
create schema if not exists pool_shop;
create table if not exists pool_shop.orders (id int primary key, note text, placed timestamptz default now());
create index if not exists orders_note on pool_shop.orders (note);
create or replace view pool_shop.recent as select * from pool_shop.orders where placed > now() - interval '1 day';
create sequence if not exists pool_shop.tickets;
create or replace function pool_shop.total(a int, b int) returns int language sql as 'select a + b';
grant usage on schema pool_shop to public;
`

// TestCatalogThroughPoolers: schema refreshes and "Show definition" from
// several goroutines, while several tabs run queries, never fail through
// PgBouncer — in transaction mode the catalog queries' prepared statements
// used to collide on the server connections the pooler shares (42P05,
// 26000), intermittently, from 0 to 100 % of calls.
func TestCatalogThroughPoolers(t *testing.T) {
	if err := cluster.Exec(context.Background(), poolerFixtures); err != nil {
		t.Fatal(err)
	}
	setups := []struct {
		name    string
		mode    string
		ignore  bool
		options bool
	}{
		{"transaction", pgtest.TransactionMode, false, false},
		{"transaction+options", pgtest.TransactionMode, false, true},
		{"transaction+ignore+options", pgtest.TransactionMode, true, true},
		{"session", pgtest.SessionMode, false, false},
		{"session+ignore+options", pgtest.SessionMode, true, true},
	}
	objects := []schema.Object{
		{Kind: schema.KindTable, Schema: "pool_shop", Name: "orders"},
		{Kind: schema.KindView, Schema: "pool_shop", Name: "recent"},
		{Kind: schema.KindSequence, Schema: "pool_shop", Name: "tickets"},
		{Kind: schema.KindIndex, Schema: "pool_shop", Name: "orders_note"},
		{Kind: schema.KindFunction, Schema: "pool_shop", Name: "total"},
	}
	for _, s := range setups {
		t.Run(s.name, func(t *testing.T) {
			opts := pgtest.BouncerOptions{Mode: s.mode, PoolSize: 3}
			if s.ignore {
				opts.IgnoreStartupParameters = []string{"statement_timeout", "idle_in_transaction_session_timeout", "default_transaction_read_only"}
			}
			if s.mode == pgtest.SessionMode {
				opts.PoolSize = 12 // one server connection per Tusk connection
			}
			b := pgtest.NeedBouncer(t, cluster, opts)
			ctx := context.Background()
			st := newStateWith(t, nil)
			cfg := connection.NewConfig("pooled", cluster.Host, b.Port, cluster.Database, cluster.TrustUser)
			cfg.SSLMode = connection.SSLDisable
			if s.options {
				cfg.Options.ReadOnly = true
				cfg.Options.StatementTimeout = time.Minute
				cfg.Options.IdleInTransactionTimeout = time.Minute
			}
			rep, err := st.TestConnection(ctx, cfg, state.ConnectOptions{})
			if err != nil || !rep.OK || rep.Route == nil || string(rep.Route.PoolerMode) != s.mode {
				t.Fatalf("TestConnection = %+v, %v", rep, err)
			}
			rec, err := st.Store().SaveConnection(ctx, cfg.Record())
			if err != nil {
				t.Fatal(err)
			}
			status, err := st.Connect(ctx, rec.ID, state.ConnectOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if !status.Route.Pooler || string(status.Route.PoolerMode) != s.mode {
				t.Fatalf("route = %+v", status.Route)
			}

			const workers, rounds = 4, 25
			var (
				wg       sync.WaitGroup
				mu       sync.Mutex
				failures = map[string]int{}
				calls    int
			)
			fail := func(what string, err error) {
				mu.Lock()
				defer mu.Unlock()
				calls++
				if err != nil {
					code := ""
					if e := apperr.Classify(err); e.Pg != nil {
						code = e.Pg.Code
					}
					failures[fmt.Sprintf("%s: %s (SQLSTATE %s; %v)", what, apperr.Info(err).Message, code, err)]++
				}
			}
			for w := range workers {
				wg.Go(func() {
					for i := range rounds {
						if i%5 == w%5 {
							_, err := st.RefreshSchema(ctx, rec.ID)
							fail("refresh", err)
						}
						obj := objects[(w+i)%len(objects)]
						_, err := st.Definition(ctx, rec.ID, obj)
						fail("definition of "+obj.Kind, err)
					}
				})
				wg.Go(func() {
					tab := fmt.Sprintf("tab-%d", w)
					for i := range rounds {
						started, err := st.Queries().Execute(query.Request{SessionID: tab, ConnectionID: rec.ID,
							SQL: "select count(*) from pool_shop.orders where id > $1", Params: []*string{ptr(fmt.Sprint(i))}})
						if err != nil {
							fail("execute", err)
							continue
						}
						sum, err := st.Queries().Wait(ctx, started.QueryID)
						if err == nil && sum.Status != query.StatusDone {
							err = fmt.Errorf("%s: %+v", sum.Status, sum.Error)
							if len(sum.Statements) > 0 && sum.Statements[0].Error != nil {
								err = fmt.Errorf("%s: %s (%s)", sum.Status, sum.Statements[0].Error.Message, sum.Statements[0].Error.Code)
							}
						}
						fail("query", err)
					}
					st.Queries().CloseSession(tab)
				})
			}
			wg.Wait()
			for f, n := range failures {
				t.Errorf("%d× %s", n, f)
			}
			t.Logf("%d catalog, definition and query calls", calls)
		})
	}
}
