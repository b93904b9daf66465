package connection_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/connection"
	"github.com/tusk-app/tusk/backend/internal/pgtest"
	"github.com/tusk-app/tusk/backend/secret"
)

// scanOne runs a one-row, one-column query into dst.
func scanOne(ctx context.Context, c *connection.Conn, dst any, sql string, args ...any) error {
	rows, err := c.Query(ctx, sql, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return err
		}
		return errors.New("no row")
	}
	if err := rows.Scan(dst); err != nil {
		return err
	}
	rows.Close()
	return rows.Err()
}

// optionalParams are the startup parameters Tusk sends for a connection with
// every option set; ignoring them is what managed poolers usually do.
var optionalParams = []string{"statement_timeout", "idle_in_transaction_session_timeout", "default_transaction_read_only"}

// bouncerConfig is trustConfig through b.
func bouncerConfig(b *pgtest.Bouncer) connection.Config {
	cfg := trustConfig()
	cfg.Port = b.Port
	return cfg
}

// withOptions sets every session option.
func withOptions(cfg connection.Config) connection.Config {
	cfg.Options.ReadOnly = true
	cfg.Options.StatementTimeout = 30 * time.Second
	cfg.Options.IdleInTransactionTimeout = time.Minute
	return cfg
}

// poolerSetups are the configurations a pooler test runs against.
var poolerSetups = []struct {
	name   string
	mode   string
	ignore bool
}{
	{"session", pgtest.SessionMode, false},
	{"session+ignore", pgtest.SessionMode, true},
	{"transaction", pgtest.TransactionMode, false},
	{"transaction+ignore", pgtest.TransactionMode, true},
}

func startBouncer(t *testing.T, mode string, ignore bool, opts pgtest.BouncerOptions) *pgtest.Bouncer {
	t.Helper()
	opts.Mode = mode
	if ignore {
		opts.IgnoreStartupParameters = optionalParams
	}
	return pgtest.NeedBouncer(t, cluster, opts)
}

// TestRouteDirect: without a pooler the options go in the startup message
// and read-only is verified.
func TestRouteDirect(t *testing.T) {
	p := openPool(t, withOptions(trustConfig()), "", connection.PoolOptions{})
	want := connection.Route{SessionStateKept: true, Settings: connection.SettingsAtStartup, ReadOnly: connection.ReadOnlyEnforced}
	if got := p.Route(); got != want {
		t.Fatalf("Route = %+v, want %+v", got, want)
	}
	c := acquire(t, p)
	pid, ok := c.ServerPID()
	if !ok || pid != c.PgConn().PID() {
		t.Errorf("ServerPID = %d, %v; the protocol says %d", pid, ok, c.PgConn().PID())
	}
}

// TestRouteThroughPgBouncer: Tusk connects through PgBouncer in both modes,
// whether it refuses or ignores the session options, and says what it
// found: a pooler, its mode, options applied per transaction, read-only
// verified.
func TestRouteThroughPgBouncer(t *testing.T) {
	for _, s := range poolerSetups {
		for _, opts := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/options=%v", s.name, opts), func(t *testing.T) {
				b := startBouncer(t, s.mode, s.ignore, pgtest.BouncerOptions{})
				cfg := bouncerConfig(b)
				if opts {
					cfg = withOptions(cfg)
				}
				p := openPool(t, cfg, "", connection.PoolOptions{})
				got := p.Route()
				want := connection.Route{Pooler: true, PoolerMode: connection.PoolerMode(s.mode),
					SessionStateKept: s.mode == pgtest.SessionMode, Settings: connection.SettingsAtStartup, ReadOnly: connection.ReadOnlyOff}
				if s.mode == pgtest.TransactionMode {
					want.Notice = connection.TransactionModeNotice
				}
				if opts {
					want.Settings, want.ReadOnly = connection.SettingsPerTransaction, connection.ReadOnlyEnforced
					if !s.ignore {
						want.PoolerName = connection.PgBouncer // known by its refusal
					}
				}
				if got != want {
					t.Fatalf("Route = %+v, want %+v", got, want)
				}
				if st := p.Status(); st.Route != got {
					t.Errorf("Status().Route = %+v", st.Route)
				}
				// The process ID the protocol reports is the pooler's.
				c := acquire(t, p)
				if pid, _ := c.ServerPID(); pid == c.PgConn().PID() {
					t.Errorf("server PID %d equals the protocol's", pid)
				}
			})
		}
	}
}

// TestNoPreparedStatementsThroughTransactionPooler: queries with and without
// arguments from many goroutines on a small pool through a transaction
// pooler never collide on prepared statements (42P05/26000 with pgx's
// default statement cache).
func TestNoPreparedStatementsThroughTransactionPooler(t *testing.T) {
	b := startBouncer(t, pgtest.TransactionMode, false, pgtest.BouncerOptions{PoolSize: 2})
	p := openPool(t, bouncerConfig(b), "", connection.PoolOptions{MaxConns: 6})
	ctx := testCtx(t)
	var wg sync.WaitGroup
	errs := make(chan error, 600)
	for w := range 6 {
		wg.Go(func() {
			for i := range 100 {
				c, err := p.Acquire(ctx)
				if err != nil {
					errs <- err
					return
				}
				var n int
				var name string
				switch i % 3 {
				case 0:
					err = scanOne(ctx, c, &n, "select count(*)::int from pg_class where relkind = $1", "r")
				case 1:
					err = scanOne(ctx, c, &name, "select current_database()")
				default:
					err = scanOne(ctx, c, &n, "select $1::int + $2::int", w, i)
				}
				c.Release()
				if err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("%v (SQLSTATE %s)", err, pgCode(err))
	}
}

// TestSessionPoolerFullWaitsVisiblyAndCancels: behind a session pooler whose
// pool is smaller than Tusk's, a new connection waits for the pooler; the
// status says so, cancelling the wait returns, and running out of time (not
// before the acquire timeout) is a PoolTimeout that names the pooler.
func TestSessionPoolerFullWaitsVisiblyAndCancels(t *testing.T) {
	b := startBouncer(t, pgtest.SessionMode, false, pgtest.BouncerOptions{PoolSize: 1})
	p := openPool(t, bouncerConfig(b), "", connection.PoolOptions{MaxConns: 3, AcquireTimeout: 3 * time.Second})
	holder := acquire(t, p) // the pooler's only server connection

	ctx, cancel := context.WithCancel(testCtx(t))
	done := make(chan error, 1)
	go func() {
		c, err := p.Acquire(ctx)
		if err == nil {
			c.Release()
		}
		done <- err
	}()
	waitLong(t, "PoolerWaiting", func() bool { return p.Status().PoolerWaiting == 1 })
	cancel()
	select {
	case err := <-done:
		expectKind(t, err, apperr.Cancelled)
	case <-time.After(time.Minute): // only a guard against a hang
		t.Fatal("cancelling the wait for the pooler did not return")
	}

	start := time.Now()
	_, err := p.Acquire(testCtx(t))
	e := expectKind(t, err, apperr.PoolTimeout)
	if d := time.Since(start); d < 3*time.Second {
		t.Errorf("gave up after %v, before the 3 s acquire timeout", d)
	}
	if e.Hint == "" || !strings.Contains(e.Message, "pooler") {
		t.Errorf("the error does not name the pooler: %s / %s", e.Message, e.Hint)
	}
	holder.Release()
	waitLong(t, "no more waiting", func() bool { return p.Status().PoolerWaiting == 0 })
}

// waitLong waits for cond like waitFor, with a limit that only guards
// against a hang: a connection the pooler holds stops counting when its
// probe gives up, which a loaded machine can delay by seconds.
func waitLong(t *testing.T, what string, cond func() bool) {
	t.Helper()
	start := time.Now()
	deadline := start.Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Logf("%s after %v", what, time.Since(start).Round(time.Millisecond))
}

// TestPgBouncerErrorsClassified: the pooler's own errors get their kinds.
func TestPgBouncerErrorsClassified(t *testing.T) {
	ctx := testCtx(t)
	t.Run("unsupported startup parameter", func(t *testing.T) {
		b := startBouncer(t, pgtest.TransactionMode, false, pgtest.BouncerOptions{})
		_, err := pgconn.Connect(ctx, b.ConnString(cluster.TrustUser, "", "", "statement_timeout=1000"))
		e := expectKind(t, err, apperr.Pooler)
		if name, ok := apperr.IsUnsupportedStartupParameter(err); !ok || name != "statement_timeout" {
			t.Errorf("IsUnsupportedStartupParameter = %q, %v", name, ok)
		}
		if !apperr.IsPoolerError(e) {
			t.Error("IsPoolerError = false")
		}
	})
	t.Run("query_wait_timeout", func(t *testing.T) {
		b := startBouncer(t, pgtest.SessionMode, false, pgtest.BouncerOptions{PoolSize: 1, QueryWaitTimeout: time.Second})
		p := openPool(t, bouncerConfig(b), "", connection.PoolOptions{MaxConns: 2})
		holder := acquire(t, p)
		_, err := p.Acquire(ctx)
		e := expectKind(t, err, apperr.PoolTimeout)
		if e.Pg == nil || e.Pg.Message != "query_wait_timeout" {
			t.Errorf("Pg = %+v", e.Pg)
		}
		holder.Release()
	})
	t.Run("max_client_conn", func(t *testing.T) {
		b := startBouncer(t, pgtest.TransactionMode, false, pgtest.BouncerOptions{MaxClientConn: 3})
		// Fill the pooler's client slots (it counts a little more than
		// the clients themselves, so fill until it refuses).
		var err error
		for range 10 {
			var c *pgconn.PgConn
			if c, err = pgconn.Connect(ctx, b.ConnString(cluster.TrustUser, "", "")); err != nil {
				break
			}
			defer c.Close(ctx)
		}
		if err == nil {
			t.Fatal("the pooler accepted 10 clients with max_client_conn = 3")
		}
		_, err = connection.NewPool(ctx, bouncerConfig(b), secret.String{}, connection.PoolOptions{})
		expectKind(t, err, apperr.Pooler)
	})
	t.Run("server down", func(t *testing.T) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		closed := l.Addr().(*net.TCPAddr).Port
		l.Close()
		b := startBouncer(t, pgtest.TransactionMode, false, pgtest.BouncerOptions{ServerPort: closed,
			Settings: map[string]string{"server_login_retry": "5", "client_login_timeout": "1"}})
		cfg := bouncerConfig(b)
		cfg.Options.ConnectTimeout = 5 * time.Second
		// The pooler cannot reach the server: it says so (client_login_timeout
		// "(server down)", or server_login_retry while it waits to retry).
		for i := range 2 {
			_, err := connection.NewPool(ctx, cfg, secret.String{}, connection.PoolOptions{})
			e := expectKind(t, err, apperr.Pooler)
			t.Logf("attempt %d: %s", i+1, e.Pg.Message)
		}
	})
	t.Run("not a pooler", func(t *testing.T) {
		// The server's own 08P01 is not mistaken for the pooler's.
		e := apperr.Classify(&pgconn.PgError{Code: "08P01", Message: "invalid frontend message type 0"})
		if e.Kind != apperr.Connection {
			t.Errorf("kind %s", e.Kind)
		}
		if apperr.IsPoolerError(errors.New("query_wait_timeout")) {
			t.Error("a plain error is a pooler error")
		}
	})
}
