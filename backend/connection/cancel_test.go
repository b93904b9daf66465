package connection_test

import (
	"context"
	"slices"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/connection"
	"github.com/tusk-app/tusk/backend/internal/pgtest"
)

// TestCancelKeepsConnection: cancelling a statement's ctx cancels it on the
// server (57014, classified Cancelled) within well under a second, and the
// same connection — same backend, same session state — runs the next
// statements without a stray cancel.
func TestCancelKeepsConnection(t *testing.T) {
	pgtest.Need(t)
	const (
		runs      = 15
		followUps = 5
	)
	p := openPool(t, trustConfig(), "", connection.PoolOptions{MaxConns: 1})
	c := acquire(t, p)
	ctx := testCtx(t)
	pid := c.PgConn().PID()
	if _, err := c.Exec(ctx, "set my.var = 'x'"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Exec(ctx, "create temporary table scratch (n int)"); err != nil {
		t.Fatal(err)
	}
	monitor, err := pgconn.Connect(ctx, cluster.SuperConnString(""))
	if err != nil {
		t.Fatal(err)
	}
	defer monitor.Close(context.Background())

	var returns, reach []time.Duration
	stray := 0
	for i := range runs {
		qctx, cancel := context.WithCancel(ctx)
		var cancelledAt atomic.Int64
		reached := make(chan time.Duration, 1)
		time.AfterFunc(100*time.Millisecond, func() {
			cancelledAt.Store(time.Now().UnixNano())
			cancel()
			reached <- serverStops(ctx, monitor, pid)
		})
		_, err := c.Exec(qctx, "select pg_sleep(10)")
		back := time.Now()
		if pgCode(err) != "57014" {
			t.Fatalf("run %d: %v, want 57014", i, err)
		}
		if k := apperr.ClassifyContext(qctx, err).Kind; k != apperr.Cancelled {
			t.Errorf("run %d: ClassifyContext kind = %s, want cancelled", i, k)
		}
		returns = append(returns, back.Sub(time.Unix(0, cancelledAt.Load())))
		reach = append(reach, <-reached)
		cancel()

		if got := c.PgConn().PID(); got != pid {
			t.Fatalf("run %d: backend %d, want %d (the connection was replaced)", i, got, pid)
		}
		for j := range followUps {
			rows, err := c.Query(ctx, "select current_setting('my.var'), (select count(*) from scratch)")
			if err != nil {
				if pgCode(err) == "57014" {
					stray++
					continue
				}
				t.Fatalf("run %d, follow-up %d: %v", i, j, err)
			}
			var v string
			var n int64
			for rows.Next() {
				if err := rows.Scan(&v, &n); err != nil {
					t.Fatal(err)
				}
			}
			if err := rows.Err(); err != nil {
				if pgCode(err) == "57014" {
					stray++
					continue
				}
				t.Fatal(err)
			}
			if v != "x" {
				t.Fatalf("session state lost: my.var = %q", v)
			}
		}
	}
	slices.Sort(returns)
	slices.Sort(reach)
	t.Logf("cancel → Exec returns: p50 %v, max %v; cancel → server stops the statement: p50 %v, max %v; stray cancels: %d in %d follow-up statements",
		returns[len(returns)/2], returns[len(returns)-1], reach[len(reach)/2], reach[len(reach)-1], stray, runs*followUps)
	if max := returns[len(returns)-1]; max > time.Second {
		t.Errorf("slowest cancel took %v to return", max)
	}
	if stray > 0 {
		t.Errorf("%d stray cancels", stray)
	}

	// The pool keeps the connection after a cancel.
	c.Release()
	c2 := acquire(t, p)
	if c2.PgConn().PID() != pid {
		t.Error("the pool replaced the connection after a cancel")
	}
	if st := p.Status(); st.Size != 1 {
		t.Errorf("status %+v", st)
	}
}

// serverStops polls pg_stat_activity until backend pid no longer runs a
// statement and returns how long that took.
func serverStops(ctx context.Context, monitor *pgconn.PgConn, pid uint32) time.Duration {
	start := time.Now()
	for time.Since(start) < 5*time.Second {
		res := monitor.ExecParams(ctx, "select state from pg_stat_activity where pid = $1",
			[][]byte{[]byte(strconv.FormatUint(uint64(pid), 10))}, nil, nil, nil).Read()
		if res.Err != nil || len(res.Rows) == 0 || string(res.Rows[0][0]) != "active" {
			return time.Since(start)
		}
		time.Sleep(200 * time.Microsecond)
	}
	return time.Since(start)
}

// TestCancelRacesCompletion: a cancel that arrives as the statement
// finishes returns either its result or 57014, and never leaks into the
// next statement.
func TestCancelRacesCompletion(t *testing.T) {
	pgtest.Need(t)
	c := acquire(t, openPool(t, trustConfig(), "", connection.PoolOptions{MaxConns: 1}))
	ctx := testCtx(t)
	completed, cancelled := 0, 0
	for i := range 20 {
		qctx, cancel := context.WithCancel(ctx)
		time.AfterFunc(time.Duration(i%5)*time.Millisecond, cancel)
		_, err := c.Exec(qctx, "select pg_sleep(0.002)")
		switch {
		case err == nil:
			completed++
		case pgCode(err) == "57014" || qctx.Err() != nil:
			cancelled++
		default:
			t.Fatalf("run %d: %v", i, err)
		}
		cancel()
		if got := queryString(t, c, "select 'next'"); got != "next" {
			t.Fatalf("run %d: next statement: %q", i, got)
		}
	}
	t.Logf("completed %d, cancelled %d", completed, cancelled)
}
