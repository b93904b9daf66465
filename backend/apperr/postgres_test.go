package apperr_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgconn/ctxwatch"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/internal/pgtest"
)

// connect opens a connection (closed at the end of the test) or returns the
// connect error.
func connect(t *testing.T, dsn string) (*pgx.Conn, error) {
	t.Helper()
	conn, err := pgx.Connect(testCtx(t), dsn)
	if err == nil {
		t.Cleanup(func() { conn.Close(context.Background()) })
	}
	return conn, err
}

func mustConnect(t *testing.T, dsn string) *pgx.Conn {
	t.Helper()
	conn, err := connect(t, dsn)
	if err != nil {
		t.Fatal(err)
	}
	return conn
}

func TestWrongPassword(t *testing.T) {
	pgtest.Need(t)
	c := cluster
	_, err := connect(t, c.ConnString(c.ScramUser, "not-the-password", ""))
	e := expect(t, err, apperr.Authentication)
	pg := wantPg(t, e, "28P01")
	if pg.Severity != "FATAL" {
		t.Errorf("severity = %q", pg.Severity)
	}
	wantContains(t, "hint", e.Hint, "password")
}

func TestPgHbaReject(t *testing.T) {
	pgtest.Need(t)
	c := cluster
	_, err := connect(t, c.ConnString(c.RejectedUser, "", ""))
	e := expect(t, err, apperr.Authentication)
	wantPg(t, e, "28000")
	wantContains(t, "hint", e.Hint, "pg_hba.conf")
}

func TestUnknownDatabase(t *testing.T) {
	pgtest.Need(t)
	c := cluster
	_, err := connect(t, c.ConnString(c.TrustUser, "", "no_such_db"))
	e := expect(t, err, apperr.Connection)
	wantPg(t, e, "3D000")
	wantContains(t, "message", e.Message, "no_such_db")
	wantContains(t, "hint", e.Hint, "CREATE DATABASE")
}

func TestClosedPort(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	_, err = connect(t, fmt.Sprintf("host=127.0.0.1 port=%d user=x dbname=x sslmode=prefer connect_timeout=2", port))
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("premise: want ECONNREFUSED, got %v", err)
	}
	e := expect(t, err, apperr.Connection)
	wantContains(t, "message", e.Message, "refused", strconv.Itoa(port))
	wantContains(t, "hint", e.Hint, "running")
}

func TestSilentServer(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex // guards conns
	var conns []net.Conn
	go func() {
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, conn) // accept and never answer
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	port := l.Addr().(*net.TCPAddr).Port
	begin := time.Now()
	_, err = connect(t, fmt.Sprintf("host=127.0.0.1 port=%d user=x dbname=x sslmode=disable connect_timeout=1", port))
	if d := time.Since(begin); d > 5*time.Second {
		t.Fatalf("connect_timeout=1 took %s", d)
	}
	e := expect(t, err, apperr.Connection)
	wantContains(t, "message", e.Message, "timed out")
	wantContains(t, "hint", e.Hint, "timeout")
}

func TestUnresolvableHost(t *testing.T) {
	// A real resolver failure without depending on the machine's DNS: the
	// resolver's server is a closed local UDP port.
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dnsAddr := pc.LocalAddr().String()
	pc.Close()
	resolver := &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, "udp", dnsAddr)
	}}
	cfg, err := pgx.ParseConfig("host=db.tusk-test.invalid port=5432 user=x dbname=x sslmode=disable connect_timeout=5")
	if err != nil {
		t.Fatal(err)
	}
	cfg.LookupFunc = resolver.LookupHost
	_, err = pgx.ConnectConfig(testCtx(t), cfg)
	e := expect(t, err, apperr.Connection)
	wantContains(t, "message", e.Message, "db.tusk-test.invalid")
}

func TestQueryErrors(t *testing.T) {
	pgtest.Need(t)
	c := cluster
	conn := mustConnect(t, c.ConnString(c.TrustUser, "", ""))
	scram := mustConnect(t, c.ConnString(c.ScramUser, c.ScramPassword, "", "sslmode=require"))
	tests := []struct {
		name, sql, code string
		conn            *pgx.Conn
		check           func(t *testing.T, sql string, e *apperr.Error)
	}{
		{name: "syntax", sql: "select id, from users", code: "42601", check: func(t *testing.T, sql string, e *apperr.Error) {
			want := strings.Index(sql, "from") + 1 // 1-based character offset
			if e.Pg.Position != want {
				t.Errorf("position = %d, want %d (%q)", e.Pg.Position, want, sql[e.Pg.Position-1:])
			}
			wantContains(t, "hint", e.Hint, fmt.Sprintf("position %d", want))
			if info := apperr.Info(e); info.Position != want || info.Code != "42601" {
				t.Errorf("info position/code = %d/%s", info.Position, info.Code)
			}
		}},
		{name: "undefined table", sql: "select * from no_such_table", code: "42P01", check: func(t *testing.T, _ string, e *apperr.Error) {
			wantContains(t, "hint", e.Hint, "search_path", "double-quoted")
		}},
		{name: "undefined column", sql: "select nope from users", code: "42703"},
		{name: "undefined function", sql: "select no_such_fn(1)", code: "42883", check: func(t *testing.T, _ string, e *apperr.Error) {
			if e.Hint != e.Pg.Hint || e.Hint == "" {
				t.Errorf("hint %q should be the server's %q", e.Hint, e.Pg.Hint)
			}
		}},
		{name: "unique violation", sql: "insert into users values (2, 'a@example.com')", code: "23505", check: func(t *testing.T, _ string, e *apperr.Error) {
			pg := e.Pg
			if pg.Constraint != "users_email_key" || pg.Table != "users" || pg.Schema != "public" ||
				pg.Detail != "Key (email)=(a@example.com) already exists." {
				t.Errorf("pg fields = %+v", pg)
			}
			if e.Detail != pg.Detail {
				t.Errorf("detail = %q", e.Detail)
			}
			wantContains(t, "hint", e.Hint, "users_email_key", "Key (email)=(a@example.com)")
		}},
		{name: "foreign key", sql: "insert into orders values (1, 42)", code: "23503", check: func(t *testing.T, _ string, e *apperr.Error) {
			wantContains(t, "hint", e.Hint, "orders_user_id_fkey")
		}},
		{name: "not null", sql: "insert into users values (3, null)", code: "23502", check: func(t *testing.T, _ string, e *apperr.Error) {
			if e.Pg.Column != "email" {
				t.Errorf("column = %q", e.Pg.Column)
			}
			wantContains(t, "hint", e.Hint, `"email"`)
		}},
		{name: "division by zero", sql: "select 1/0", code: "22012"},
		{name: "permission denied", sql: "select * from secret_t", code: "42501", conn: scram, check: func(t *testing.T, _ string, e *apperr.Error) {
			wantContains(t, "hint", e.Hint, "GRANT")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cn := conn
			if tt.conn != nil {
				cn = tt.conn
			}
			_, err := cn.Exec(testCtx(t), tt.sql)
			e := expect(t, err, apperr.Query)
			wantPg(t, e, tt.code)
			if tt.check != nil {
				tt.check(t, tt.sql, e)
			}
		})
	}
}

func TestFailedTransaction(t *testing.T) {
	pgtest.Need(t)
	conn := mustConnect(t, cluster.ConnString(cluster.TrustUser, "", ""))
	tx, err := conn.Begin(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(context.Background())
	if _, err := tx.Exec(testCtx(t), "select 1/0"); err == nil {
		t.Fatal("premise: 1/0 succeeded")
	}
	_, err = tx.Exec(testCtx(t), "select 1")
	e := expect(t, err, apperr.Query)
	wantPg(t, e, "25P02")
	wantContains(t, "hint", e.Hint, "ROLLBACK")
}

func TestStatementTimeout(t *testing.T) {
	pgtest.Need(t)
	conn := mustConnect(t, cluster.ConnString(cluster.TrustUser, "", ""))
	if _, err := conn.Exec(testCtx(t), "set statement_timeout = 100"); err != nil {
		t.Fatal(err)
	}
	ctx := testCtx(t)
	_, err := conn.Exec(ctx, "select pg_sleep(5)")
	e := expect(t, err, apperr.Query)
	wantPg(t, e, "57014")
	wantContains(t, "hint", e.Hint, "statement_timeout")
	if k := apperr.ClassifyContext(ctx, err).Kind; k != apperr.Query {
		t.Errorf("ClassifyContext with a live context = %s, want query", k)
	}
}

func TestUserCancel(t *testing.T) {
	pgtest.Need(t)
	run := func(t *testing.T, dsn string, handler bool) (context.Context, error) {
		cfg, err := pgx.ParseConfig(dsn)
		if err != nil {
			t.Fatal(err)
		}
		if handler {
			// What Tusk uses: a cancelled context sends a CancelRequest and
			// keeps the connection; the server answers 57014.
			cfg.BuildContextWatcherHandler = func(pgConn *pgconn.PgConn) ctxwatch.Handler {
				return &pgconn.CancelRequestContextWatcherHandler{Conn: pgConn, CancelRequestDelay: 0, DeadlineDelay: time.Second}
			}
		}
		conn, err := pgx.ConnectConfig(testCtx(t), cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { conn.Close(context.Background()) })
		ctx, cancel := context.WithCancel(testCtx(t))
		time.AfterFunc(100*time.Millisecond, cancel)
		_, err = conn.Exec(ctx, "select pg_sleep(5)")
		return ctx, err
	}
	dsn := cluster.ConnString(cluster.TrustUser, "", "")
	t.Run("default handler", func(t *testing.T) {
		ctx, err := run(t, dsn, false)
		e := expect(t, err, apperr.Cancelled)
		if e.Hint != "" {
			t.Errorf("cancelled hint = %q, want none", e.Hint)
		}
		if k := apperr.ClassifyContext(ctx, err).Kind; k != apperr.Cancelled {
			t.Errorf("ClassifyContext = %s", k)
		}
	})
	t.Run("cancel request handler", func(t *testing.T) {
		ctx, err := run(t, dsn, true)
		if err == nil {
			t.Fatal("want an error")
		}
		e := apperr.ClassifyContext(ctx, err)
		if e.Kind != apperr.Cancelled {
			t.Fatalf("ClassifyContext(%v) = %s, want cancelled", err, e.Kind)
		}
		t.Logf("%v → Classify %s, ClassifyContext %s", err, apperr.KindOf(err), e.Kind)
	})
}

func TestQueryDeadline(t *testing.T) {
	pgtest.Need(t)
	conn := mustConnect(t, cluster.ConnString(cluster.TrustUser, "", ""))
	ctx, cancel := context.WithTimeout(testCtx(t), 100*time.Millisecond)
	defer cancel()
	_, err := conn.Exec(ctx, "select pg_sleep(5)")
	e := expect(t, err, apperr.Connection)
	wantContains(t, "message", e.Message, "timed out")
}

func TestTerminatedSession(t *testing.T) {
	pgtest.Need(t)
	c := cluster
	conn := mustConnect(t, c.ConnString(c.TrustUser, "", ""))
	pid := conn.PgConn().PID()
	if err := c.Exec(testCtx(t), fmt.Sprintf("select pg_terminate_backend(%d)", pid)); err != nil {
		t.Fatal(err)
	}
	var err error
	for range 50 { // the FATAL arrives asynchronously
		if _, err = conn.Exec(testCtx(t), "select 1"); err != nil {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	e := expect(t, err, apperr.Connection)
	if e.Pg != nil && e.Pg.Code != "57P01" {
		t.Errorf("code = %s", e.Pg.Code)
	}
}

func TestTLSFailures(t *testing.T) {
	pgtest.Need(t)
	c := cluster
	t.Run("verify-ca with the wrong CA", func(t *testing.T) {
		_, err := connect(t, c.ConnString(c.TrustUser, "", "", "sslmode=verify-ca", "sslrootcert="+c.OtherCACertPath))
		e := expect(t, err, apperr.SSL)
		wantContains(t, "message", e.Message, "not signed by a trusted")
		wantContains(t, "hint", e.Hint, "sslrootcert", "sslmode=require")
	})
	t.Run("require with a root certificate acts as verify-ca", func(t *testing.T) {
		_, err := connect(t, c.ConnString(c.TrustUser, "", "", "sslmode=require", "sslrootcert="+c.OtherCACertPath))
		expect(t, err, apperr.SSL)
	})
	t.Run("verify-full with the wrong CA", func(t *testing.T) {
		_, err := connect(t, c.ConnString(c.TrustUser, "", "", "sslmode=verify-full", "sslrootcert="+c.OtherCACertPath))
		expect(t, err, apperr.SSL)
	})
	t.Run("verify-full host name mismatch", func(t *testing.T) {
		// Reach the server under a name its certificate does not list.
		cfg, err := pgx.ParseConfig(c.ConnString(c.TrustUser, "", "", "host=db.tusk-test.invalid", "sslmode=verify-full", "sslrootcert="+c.CACertPath))
		if err != nil {
			t.Fatal(err)
		}
		cfg.LookupFunc = func(context.Context, string) ([]string, error) { return []string{c.Host}, nil }
		_, err = pgx.ConnectConfig(testCtx(t), cfg)
		e := expect(t, err, apperr.SSL)
		wantContains(t, "message", e.Message, "db.tusk-test.invalid")
		wantContains(t, "hint", e.Hint, "localhost", "verify-ca")
	})
	t.Run("verify-full by a listed name succeeds", func(t *testing.T) {
		if _, err := connect(t, c.ConnString(c.TrustUser, "", "", "host=localhost", "sslmode=verify-full", "sslrootcert="+c.CACertPath)); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("missing CA file", func(t *testing.T) {
		missing := t.TempDir() + "/no-such-ca.crt"
		_, err := connect(t, c.ConnString(c.TrustUser, "", "", "sslmode=verify-ca", "sslrootcert="+missing))
		var pce *pgconn.ParseConfigError
		if !errors.As(err, &pce) {
			t.Fatalf("premise: want a ParseConfigError, got %T %v", err, err)
		}
		e := expect(t, err, apperr.SSL)
		if e.Detail != missing {
			t.Errorf("detail = %q, want the path", e.Detail)
		}
	})
}

func TestServerWithoutSSL(t *testing.T) {
	pgtest.Need(t)
	c, err := pgtest.StartWith(testCtx(t), pgtest.Options{NoSSL: true, Settings: map[string]string{
		"max_connections": "3", "superuser_reserved_connections": "0",
	}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Stop() })
	t.Run("sslmode=require", func(t *testing.T) {
		_, err := connect(t, c.ConnString(c.TrustUser, "", "", "sslmode=require"))
		e := expect(t, err, apperr.SSL)
		wantContains(t, "message", e.Message, "does not support SSL")
		wantContains(t, "hint", e.Hint, "sslmode=prefer")
	})
	t.Run("too many connections", func(t *testing.T) {
		var err error
		for range 4 {
			if _, err = connect(t, c.ConnString(c.TrustUser, "", "")); err != nil {
				break
			}
		}
		e := expect(t, err, apperr.Connection)
		wantPg(t, e, "53300")
		wantContains(t, "hint", e.Hint, "max_connections")
	})
}

func TestParseConfigValidation(t *testing.T) {
	_, err := pgx.ParseConfig("host=localhost sslmode=sometimes")
	e := expect(t, err, apperr.Validation)
	wantContains(t, "detail", e.Detail, "sslmode")
}
