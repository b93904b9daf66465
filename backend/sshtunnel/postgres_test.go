package sshtunnel_test

import (
	"context"
	"errors"
	"net"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgconn/ctxwatch"

	"github.com/tusk-app/tusk/backend/internal/pgtest"
	"github.com/tusk-app/tusk/backend/sshtunnel"
)

// startPostgres starts a throwaway cluster for one test; it skips without
// server binaries (fails in CI).
func startPostgres(t *testing.T) *pgtest.Cluster {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c, err := pgtest.Start(ctx)
	if errors.Is(err, pgtest.ErrNoServer) {
		if os.Getenv("CI") == "true" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Stop() })
	return c
}

func TestPostgresThroughTunnel(t *testing.T) {
	t.Parallel()
	cluster := startPostgres(t)
	e := newEnv(t)
	tun := mustOpen(t, e.config(), e.deps())

	connect := func(t *testing.T, extra ...string) *pgx.Conn {
		t.Helper()
		// "localhost" is resolved by the SSH server (LookupPassthrough),
		// and the TLS handshake runs inside the tunnel.
		cfg, err := pgx.ParseConfig(cluster.ConnString(cluster.TrustUser, "", "", append([]string{"host=localhost", "sslmode=require"}, extra...)...))
		if err != nil {
			t.Fatal(err)
		}
		var dialled []string
		var mu sync.Mutex
		cfg.DialFunc = func(ctx context.Context, network, addr string) (net.Conn, error) {
			mu.Lock()
			dialled = append(dialled, addr)
			mu.Unlock()
			return tun.DialContext(ctx, network, addr)
		}
		cfg.LookupFunc = sshtunnel.LookupPassthrough
		cfg.BuildContextWatcherHandler = func(pc *pgconn.PgConn) ctxwatch.Handler {
			return &pgconn.CancelRequestContextWatcherHandler{Conn: pc, CancelRequestDelay: 0, DeadlineDelay: 2 * time.Second}
		}
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		conn, err := pgx.ConnectConfig(ctx, cfg)
		if err != nil {
			t.Fatalf("connect through the tunnel: %v", err)
		}
		t.Cleanup(func() { _ = conn.Close(context.Background()) })
		mu.Lock()
		defer mu.Unlock()
		if want := "localhost:" + strconv.Itoa(cluster.Port); len(dialled) == 0 || dialled[0] != want {
			t.Fatalf("dialled %q, want %s", dialled, want)
		}
		return conn
	}

	ctx := context.Background()
	conn := connect(t)
	var one int
	var ssl bool
	if err := conn.QueryRow(ctx, "select 1, ssl from pg_stat_ssl where pid = pg_backend_pid()").Scan(&one, &ssl); err != nil || one != 1 || !ssl {
		t.Fatalf("select 1: %d ssl=%v %v", one, ssl, err)
	}

	// A cancelled query is cancelled on the server (CancelRequest through
	// the tunnel) and the connection survives.
	qctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	start := time.Now()
	_, err := conn.Exec(qctx, "select pg_sleep(30)")
	cancel()
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "57014" || time.Since(start) > 5*time.Second {
		t.Fatalf("cancelled query after %s: %v", time.Since(start), err)
	}
	if err := conn.QueryRow(ctx, "select 2").Scan(&one); err != nil || one != 2 {
		t.Fatalf("after the cancel: %d %v", one, err)
	}

	// Many connections share the tunnel (one channel each).
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		c := connect(t)
		go func() {
			defer wg.Done()
			var got int
			if err := c.QueryRow(ctx, "select $1::int from pg_sleep(0.05)", i).Scan(&got); err != nil || got != i {
				t.Errorf("conn %d: %d %v", i, got, err)
			}
		}()
	}
	wg.Wait()

	// A database error is not a tunnel error.
	_, err = conn.Exec(ctx, "select * from no_such_table")
	if err == nil || sshtunnel.IsTunnelError(err) {
		t.Fatalf("database error %v reported as a tunnel error", err)
	}

	// After the tunnel dies, connecting fails with a tunnel error that
	// pgx's ConnectError wraps.
	_ = tun.Close()
	cfg, _ := pgx.ParseConfig(cluster.ConnString(cluster.TrustUser, "", ""))
	cfg.DialFunc, cfg.LookupFunc = tun.DialContext, sshtunnel.LookupPassthrough
	_, err = pgx.ConnectConfig(ctx, cfg)
	var ce *pgconn.ConnectError
	if !errors.As(err, &ce) || !sshtunnel.IsTunnelError(err) || !errors.Is(err, sshtunnel.ErrClosed) {
		t.Fatalf("connect through a closed tunnel: %v", err)
	}
}
