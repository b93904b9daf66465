package tabledata_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/connection"
	"github.com/tusk-app/tusk/backend/internal/pgtest"
	"github.com/tusk-app/tusk/backend/secret"
	"github.com/tusk-app/tusk/backend/tabledata"
)

// TestDataTabThroughPoolers: the data tab's catalog reads, pages, counts,
// reviews and commits work through PgBouncer in both modes, with the
// session options refused or silently dropped at login, also from several
// goroutines at once (a named prepared statement would collide on the
// server connections a transaction pooler shares); a read-only connection
// behind the pooler commits nothing.
func TestDataTabThroughPoolers(t *testing.T) {
	for _, mode := range []string{pgtest.TransactionMode, pgtest.SessionMode} {
		for _, ignore := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/ignore=%v", mode, ignore), func(t *testing.T) {
				opts := pgtest.BouncerOptions{Mode: mode, PoolSize: 3}
				if ignore {
					opts.IgnoreStartupParameters = []string{"statement_timeout", "idle_in_transaction_session_timeout", "default_transaction_read_only"}
				}
				if mode == pgtest.SessionMode {
					opts.PoolSize = 12 // one server connection per connection of the two pools
				}
				b := pgtest.NeedBouncer(t, cluster, opts)
				pools := map[string]*connection.Pool{"rw": pooledPool(t, b, false), "ro": pooledPool(t, b, true)}
				tables := tabledata.NewTables(tabledata.Deps{Pool: func(id string) (*connection.Pool, bool) { p, ok := pools[id]; return p, ok }})
				ctx := testCtx(t)
				t.Cleanup(func() { exec(t, "delete from app.checked where id >= 500") })

				var wg sync.WaitGroup
				errs := make(chan error, 40)
				for g := range 4 {
					wg.Go(func() {
						for i := range 5 {
							id := 500 + g*10 + i
							tb, err := tables.Open(ctx, "rw", tabledata.Ref{Schema: "app", Name: "checked"})
							if err != nil {
								errs <- fmt.Errorf("open: %w", err)
								return
							}
							res, err := tables.Commit(ctx, tb.Handle, []tabledata.Change{{Kind: tabledata.ChangeInsert,
								New: map[string]tabledata.Value{"id": tabledata.Text(fmt.Sprint(id)), "n": tabledata.Text("1")}}})
							if err != nil || !res.Committed {
								errs <- fmt.Errorf("commit %d: %+v, %w", id, res.Failure, err)
								return
							}
							if _, err := tables.Page(ctx, tb.Handle, tabledata.PageRequest{}); err != nil {
								errs <- fmt.Errorf("page: %w", err)
								return
							}
							if _, err := tables.Count(ctx, tb.Handle, tabledata.Filter{}); err != nil {
								errs <- fmt.Errorf("count: %w", err)
								return
							}
							if _, err := tables.Refresh(ctx, tb.Handle); err != nil {
								errs <- fmt.Errorf("refresh: %w", err)
								return
							}
							tables.Close(tb.Handle)
						}
					})
				}
				wg.Wait()
				close(errs)
				for err := range errs {
					t.Error(err)
				}
				if n := ids(t, conn(t), "select count(*) from app.checked where id >= 500"); n[0] != "20" {
					t.Errorf("%s rows committed, want 20", n[0])
				}

				rtb, err := tables.Open(ctx, "ro", tabledata.Ref{Schema: "app", Name: "checked"})
				if err != nil || rtb.Relation.Editable {
					t.Fatalf("read-only open: %+v, %v", rtb.Relation, err)
				}
				_, err = tables.Commit(ctx, rtb.Handle, []tabledata.Change{{Kind: tabledata.ChangeDelete, Old: tabledata.FromCells(map[string]*string{"id": str("500")})}})
				if apperr.KindOf(err) != apperr.Validation {
					t.Errorf("commit on a read-only connection: %v", err)
				}
				if n := ids(t, conn(t), "select count(*) from app.checked where id = 500"); n[0] != "1" {
					t.Error("a read-only commit through the pooler changed the table")
				}
			})
		}
	}
}

// pooledPool opens a pool through the pooler b.
func pooledPool(t *testing.T, b *pgtest.Bouncer, readOnly bool) *connection.Pool {
	t.Helper()
	cfg := connection.NewConfig("tabledata-pooled", cluster.Host, b.Port, cluster.Database, cluster.TrustUser)
	cfg.SSLMode = connection.SSLDisable
	cfg.Options.ReadOnly = readOnly
	p, err := connection.NewPool(testCtx(t), cfg, secret.String{}, connection.PoolOptions{MaxConns: 4})
	if err != nil {
		t.Fatalf("%v\n%s", err, b.Log())
	}
	t.Cleanup(p.Close)
	return p
}
