package connection_test

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/connection"
	"github.com/tusk-app/tusk/backend/internal/netproxy"
	"github.com/tusk-app/tusk/backend/internal/pgtest"
	"github.com/tusk-app/tusk/backend/secret"
)

// TestBrokenConnectionMakesThePoolCheckTheOthers: when the server ends
// every session at once (a restart does), the first broken connection makes
// the pool ping every other idle connection before handing it out — even
// one idle for less than PingAfterIdle — so no caller gets a dead one.
func TestBrokenConnectionMakesThePoolCheckTheOthers(t *testing.T) {
	pgtest.Need(t)
	var broken atomic.Int32
	p := openPool(t, trustConfig(), "", connection.PoolOptions{MaxConns: 4, OnBroken: func() { broken.Add(1) }})
	ctx := testCtx(t)
	var conns []*connection.Conn
	var pids []string
	for range 4 {
		c, err := p.Acquire(ctx)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		pids = append(pids, fmt.Sprint(c.PgConn().PID()))
	}
	for _, c := range conns {
		c.Release()
	}
	// The server ends all four sessions; one of them is noticed.
	if err := cluster.Exec(ctx, "select pg_terminate_backend(pid) from pg_stat_activity where pid in ("+strings.Join(pids, ",")+")"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond) // the FATALs reach the sockets
	first, err := p.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	_, err = first.Exec(ctx, "select 1")
	if err == nil {
		// The pool already discarded the dead ones: also fine.
		first.Release()
	} else {
		if !apperr.SessionGone(err) {
			t.Fatalf("a terminated session: %v", err)
		}
		first.Release()
	}
	// Within PingAfterIdle of their release: every connection handed out
	// now must work.
	for i := range 4 {
		c, err := p.Acquire(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Exec(ctx, "select 1"); err != nil {
			t.Fatalf("acquire %d after the sessions ended got a dead connection: %v", i, err)
		}
		defer c.Release()
	}
	if broken.Load() == 0 {
		t.Error("OnBroken was never told")
	}
}

// TestCloseIsBoundedOnASilentNetwork: a statement waits on a network that
// went silent; Close still returns within CloseTimeout, and the statement
// fails as a connection error, not a hang.
func TestCloseIsBoundedOnASilentNetwork(t *testing.T) {
	pgtest.Need(t)
	proxy, err := netproxy.Start(fmt.Sprintf("%s:%d", cluster.Host, cluster.Port))
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	cfg := trustConfig()
	cfg.Host, cfg.Port = proxy.Host(), proxy.Port()
	p, err := connection.NewPool(testCtx(t), cfg, secret.String{}, connection.PoolOptions{MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	c, err := p.Acquire(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	failed := make(chan error, 1)
	go func() {
		proxy.Silence()
		_, err := c.Exec(context.Background(), "select 1")
		c.Release()
		failed <- err
	}()
	time.Sleep(100 * time.Millisecond)
	start := time.Now()
	p.Close()
	took := time.Since(start)
	t.Logf("Close on a silent network took %v", took)
	// Close is bounded by CloseTimeout by design; the figure is logged, and
	// only a Close that hung (pgx's goodbye to a silent server waits for
	// minutes) fails, with room for a loaded machine.
	if took > connection.CloseTimeout+10*time.Second {
		t.Fatalf("Close on a silent network hung: %v", took)
	}
	select {
	case err := <-failed:
		if apperr.KindOf(err) != apperr.Connection {
			t.Fatalf("the statement failed with %v", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("the statement still waits on the silent network")
	}
}

// TestDedicatedConnection: a connection outside the pool works while every
// pooled connection is in use.
func TestDedicatedConnection(t *testing.T) {
	pgtest.Need(t)
	p := openPool(t, trustConfig(), "", connection.PoolOptions{MaxConns: 1, AcquireTimeout: 100 * time.Millisecond})
	held := acquire(t, p)
	_ = held
	if _, err := p.Acquire(testCtx(t)); apperr.KindOf(err) != apperr.PoolTimeout {
		t.Fatalf("pool not exhausted: %v", err)
	}
	d, err := p.Dedicated(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close(context.Background())
	if _, err := d.Exec(testCtx(t), "select 1").ReadAll(); err != nil {
		t.Fatal(err)
	}
	if st := p.Status(); st.Size != 1 {
		t.Fatalf("the dedicated connection counts in the pool: %+v", st)
	}
}
