package connection_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/connection"
	"github.com/tusk-app/tusk/backend/internal/pgtest"
	"github.com/tusk-app/tusk/backend/secret"
)

// cluster is the package's throwaway PostgreSQL server (see TestMain).
var cluster *pgtest.Cluster

const fixtures = `
create table items (id int primary key, name text not null);
`

func TestMain(m *testing.M) {
	pgtest.Main(m, func(c *pgtest.Cluster) error {
		cluster = c
		return c.Exec(context.Background(), fixtures)
	})
}

func testCtx(t testing.TB) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// directRoute is the Route of a pool connected straight to the server with
// no read-only option.
var directRoute = connection.Route{SessionStateKept: true, Settings: connection.SettingsAtStartup, ReadOnly: connection.ReadOnlyOff}

// trustConfig is a valid Config for the cluster's password-less user over
// plain TCP.
func trustConfig() connection.Config {
	c := connection.NewConfig("test", cluster.Host, cluster.Port, cluster.Database, cluster.TrustUser)
	c.ID = "6b1f3c0e-0000-4000-8000-000000000001"
	c.SSLMode = connection.SSLDisable
	return c
}

// scramConfig is a valid Config for the cluster's password user; its
// password is cluster.ScramPassword.
func scramConfig() connection.Config {
	c := trustConfig()
	c.User = cluster.ScramUser
	return c
}

// openPool opens a pool that the test closes when it ends.
func openPool(t testing.TB, cfg connection.Config, password string, opts connection.PoolOptions) *connection.Pool {
	t.Helper()
	p, err := connection.NewPool(testCtx(t), cfg, secret.New(password), opts)
	if err != nil {
		t.Fatalf("NewPool(%s): %v", cfg.Address(), err)
	}
	t.Cleanup(p.Close)
	return p
}

// acquire takes a connection that the test releases when it ends.
func acquire(t testing.TB, p *connection.Pool) *connection.Conn {
	t.Helper()
	c, err := p.Acquire(testCtx(t))
	if err != nil {
		t.Fatalf("Acquire: %v", err)
	}
	t.Cleanup(c.Release)
	return c
}

// queryString runs a one-value query.
func queryString(t testing.TB, c *connection.Conn, sql string, args ...any) string {
	t.Helper()
	rows, err := c.Query(testCtx(t), sql, args...)
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	defer rows.Close()
	var s string
	if !rows.Next() {
		t.Fatalf("%s: no row (err %v)", sql, rows.Err())
	}
	if err := rows.Scan(&s); err != nil {
		t.Fatalf("%s: scan: %v", sql, err)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return s
}

// expectKind classifies err and checks the kind, that the UI gets a message
// (and a hint where one applies), and that no password leaked.
func expectKind(t testing.TB, err error, kind apperr.Kind) *apperr.Error {
	t.Helper()
	if err == nil {
		t.Fatalf("want a %s error, got nil", kind)
	}
	e := apperr.Classify(err)
	if e.Kind != kind {
		t.Fatalf("Classify(%v) kind = %s, want %s", err, e.Kind, kind)
	}
	info := apperr.Info(err)
	if info.Message == "" {
		t.Errorf("no message for %v", err)
	}
	if info.Hint == "" && kind != apperr.Cancelled {
		t.Errorf("no hint for %v", err)
	}
	js, _ := json.Marshal(info)
	if cluster != nil && strings.Contains(string(js)+err.Error(), cluster.ScramPassword) {
		t.Errorf("password leaked: %s / %s", js, err)
	}
	t.Logf("%v\n  info: %s", err, js)
	return e
}

// pgCode returns the SQLSTATE in err's chain, "" when there is none.
func pgCode(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}
