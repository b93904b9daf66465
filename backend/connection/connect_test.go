package connection_test

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/connection"
	"github.com/tusk-app/tusk/backend/internal/pgtest"
	"github.com/tusk-app/tusk/backend/secret"
)

func TestNewPool(t *testing.T) {
	pgtest.Need(t)
	cfg := trustConfig()
	start := time.Now()
	p := openPool(t, cfg, "", connection.PoolOptions{})
	t.Logf("pool creation incl. test connection (plain TCP): %v", time.Since(start))

	if p.ID() != cfg.ID || p.Config() != cfg {
		t.Errorf("ID/Config = %q/%+v", p.ID(), p.Config())
	}
	// The test connection stays in the pool.
	want := connection.PoolStatus{ConnectionID: cfg.ID, MaxSize: connection.DefaultMaxConns, Size: 1, Available: 1, Route: directRoute, SafeMode: connection.SafeModeOff}
	if st := p.Status(); st != want {
		t.Fatalf("Status() = %+v, want %+v", st, want)
	}
	c := acquire(t, p)
	if got := queryString(t, c, "select current_user"); got != cluster.TrustUser {
		t.Errorf("current_user = %q", got)
	}
	if got := queryString(t, c, "select current_database()"); got != cluster.Database {
		t.Errorf("current_database = %q", got)
	}
	if got := queryString(t, c, "select current_setting('application_name')"); got != "Tusk" {
		t.Errorf("application_name = %q", got)
	}
	if st := p.Status(); st.Size != 1 || st.Available != 0 {
		t.Errorf("after Acquire: %+v", st)
	}
}

func TestNewPoolScram(t *testing.T) {
	pgtest.Need(t)
	p := openPool(t, scramConfig(), cluster.ScramPassword, connection.PoolOptions{})
	if got := queryString(t, acquire(t, p), "select current_user"); got != cluster.ScramUser {
		t.Errorf("current_user = %q", got)
	}
}

// TestSSLModes connects with every SSL mode to the TLS-enabled cluster,
// whose certificate names DNS:localhost and IP:127.0.0.1.
func TestSSLModes(t *testing.T) {
	pgtest.Need(t)
	// A name the certificate does not carry, resolved to the server.
	const wrongName = "tusk-db.invalid"
	lookup := func(ctx context.Context, host string) ([]string, error) {
		if host == wrongName {
			return []string{cluster.Host}, nil
		}
		return net.DefaultResolver.LookupHost(ctx, host)
	}
	tests := []struct {
		name     string
		mode     connection.SSLMode
		host     string
		rootCert string
		wantTLS  bool
		wantErr  apperr.Kind // "" = success
	}{
		{name: "disable", mode: connection.SSLDisable},
		{name: "allow tries plain first", mode: connection.SSLAllow},
		{name: "prefer", mode: connection.SSLPrefer, wantTLS: true},
		{name: "require", mode: connection.SSLRequire, wantTLS: true},
		{name: "require with the wrong CA verifies like verify-ca", mode: connection.SSLRequire, rootCert: cluster.OtherCACertPath, wantErr: apperr.SSL},
		{name: "verify-ca", mode: connection.SSLVerifyCA, rootCert: cluster.CACertPath, wantTLS: true},
		{name: "verify-ca ignores the host name", mode: connection.SSLVerifyCA, host: wrongName, rootCert: cluster.CACertPath, wantTLS: true},
		{name: "verify-ca with the wrong CA", mode: connection.SSLVerifyCA, rootCert: cluster.OtherCACertPath, wantErr: apperr.SSL},
		{name: "verify-ca against the system store", mode: connection.SSLVerifyCA, wantErr: apperr.SSL},
		{name: "verify-full localhost", mode: connection.SSLVerifyFull, host: "localhost", rootCert: cluster.CACertPath, wantTLS: true},
		{name: "verify-full 127.0.0.1 (IP SAN)", mode: connection.SSLVerifyFull, host: "127.0.0.1", rootCert: cluster.CACertPath, wantTLS: true},
		{name: "verify-full wrong host name", mode: connection.SSLVerifyFull, host: wrongName, rootCert: cluster.CACertPath, wantErr: apperr.SSL},
		{name: "verify-full with the wrong CA", mode: connection.SSLVerifyFull, host: "localhost", rootCert: cluster.OtherCACertPath, wantErr: apperr.SSL},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := scramConfig()
			cfg.SSLMode, cfg.SSLRootCert = tt.mode, tt.rootCert
			if tt.host != "" {
				cfg.Host = tt.host
			}
			start := time.Now()
			p, err := connection.NewPool(testCtx(t), cfg, secret.New(cluster.ScramPassword), connection.PoolOptions{Lookup: lookup})
			elapsed := time.Since(start)
			if tt.wantErr != "" {
				expectKind(t, err, tt.wantErr)
				return
			}
			if err != nil {
				t.Fatalf("NewPool: %v", err)
			}
			defer p.Close()
			t.Logf("pool creation incl. test connection: %v", elapsed)
			c := acquire(t, p)
			got := queryString(t, c, "select ssl::text from pg_stat_ssl where pid = pg_backend_pid()")
			if got != strconv.FormatBool(tt.wantTLS) {
				t.Errorf("ssl = %s, want %v", got, tt.wantTLS)
			}
			c.Release()
		})
	}
}

// TestSSLRequireAgainstPlainServer: a server with ssl=off refuses TLS.
func TestSSLRequireAgainstPlainServer(t *testing.T) {
	pgtest.Need(t)
	plain := startPlainCluster(t)
	cfg := trustConfig()
	cfg.Host, cfg.Port, cfg.Database = plain.Host, plain.Port, plain.Database
	cfg.SSLMode = connection.SSLRequire
	_, err := connection.NewPool(testCtx(t), cfg, secret.String{}, connection.PoolOptions{})
	expectKind(t, err, apperr.SSL)

	cfg.SSLMode = connection.SSLPrefer // falls back to plain
	p := openPool(t, cfg, "", connection.PoolOptions{})
	if got := queryString(t, acquire(t, p), "select ssl::text from pg_stat_ssl where pid = pg_backend_pid()"); got != "false" {
		t.Errorf("ssl = %s", got)
	}
}

// TestEnvironmentIgnored: PG* variables, ~/.pgpass and ~/.postgresql change
// nothing about a connection.
func TestEnvironmentIgnored(t *testing.T) {
	pgtest.Need(t)
	home := t.TempDir()
	pgdir := filepath.Join(home, ".postgresql")
	if err := os.Mkdir(pgdir, 0o700); err != nil {
		t.Fatal(err)
	}
	// A root.crt of an unrelated CA would turn require into verify-ca and fail.
	other, err := os.ReadFile(cluster.OtherCACertPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(pgdir, "root.crt"), other, 0o600); err != nil {
		t.Fatal(err)
	}
	// A .pgpass with the right password must not be read.
	pgpass := filepath.Join(home, ".pgpass")
	if err := os.WriteFile(pgpass, []byte("*:*:*:*:"+cluster.ScramPassword+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("HOME", home)
	t.Setenv("PGPASSFILE", pgpass)
	for k, v := range map[string]string{
		"PGHOST": "192.0.2.1", "PGPORT": "1", "PGDATABASE": "nope", "PGUSER": "nobody", "PGPASSWORD": "wrong",
		"PGSSLMODE": "verify-full", "PGSSLROOTCERT": cluster.OtherCACertPath, "PGAPPNAME": "from-env",
		"PGOPTIONS": "-c statement_timeout=1", "PGCONNECT_TIMEOUT": "garbage", "PGTARGETSESSIONATTRS": "standby",
		"PGSSLCERTMODE": "require", "PGCHANNELBINDING": "bogus", "PGTZ": "Pacific/Chatham", "PGREQUIREAUTH": "gss",
	} {
		t.Setenv(k, v)
	}

	cfg := scramConfig()
	cfg.SSLMode = connection.SSLRequire
	p := openPool(t, cfg, cluster.ScramPassword, connection.PoolOptions{})
	c := acquire(t, p)
	for sql, want := range map[string]string{
		"select current_setting('application_name')":                     "Tusk",
		"select current_setting('statement_timeout')":                    "0",
		"select ssl::text from pg_stat_ssl where pid = pg_backend_pid()": "true",
		"select current_user":                                            cluster.ScramUser,
	} {
		if got := queryString(t, c, sql); got != want {
			t.Errorf("%s = %q, want %q", sql, got, want)
		}
	}
	if got := queryString(t, c, "select current_setting('TimeZone')"); got == "Pacific/Chatham" {
		t.Errorf("PGTZ reached the session")
	}

	// No password: ~/.pgpass and PGPASSWORD are not consulted.
	_, err = connection.NewPool(testCtx(t), cfg, secret.String{}, connection.PoolOptions{})
	expectKind(t, err, apperr.Authentication)

	// PGSERVICE is the one variable a connection string cannot switch off:
	// naming a service that does not exist is a settings error.
	t.Setenv("PGSERVICE", "no_such_service")
	_, err = connection.NewPool(testCtx(t), cfg, secret.New(cluster.ScramPassword), connection.PoolOptions{})
	expectKind(t, err, apperr.Validation)
}

func TestConnectErrors(t *testing.T) {
	pgtest.Need(t)
	closedPort := func() int {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := ln.Addr().(*net.TCPAddr).Port
		ln.Close()
		return port
	}()
	tests := []struct {
		name     string
		mutate   func(*connection.Config)
		password string
		kind     apperr.Kind
		code     string
	}{
		{"wrong password", func(*connection.Config) {}, "not-the-password", apperr.Authentication, "28P01"},
		{"missing password", func(*connection.Config) {}, "", apperr.Authentication, "28P01"},
		{"unknown user", func(c *connection.Config) { c.User = "no_such_role" }, "x", apperr.Authentication, "28P01"},
		{"rejected by pg_hba", func(c *connection.Config) { c.User = cluster.RejectedUser }, "x", apperr.Authentication, "28000"},
		{"unknown database", func(c *connection.Config) { c.Database = "no_such_db" }, cluster.ScramPassword, apperr.Connection, "3D000"},
		{"closed port", func(c *connection.Config) { c.Port = closedPort }, cluster.ScramPassword, apperr.Connection, ""},
		{"closed port with prefer", func(c *connection.Config) { c.Port, c.SSLMode = closedPort, connection.SSLPrefer }, cluster.ScramPassword, apperr.Connection, ""},
		{"unresolvable host", func(c *connection.Config) { c.Host = "no-such-host.invalid" }, cluster.ScramPassword, apperr.Connection, ""},
		{"invalid config", func(c *connection.Config) { c.Port = 0 }, "", apperr.Validation, ""},
		{"missing CA file", func(c *connection.Config) { c.SSLRootCert = "/nonexistent/ca.pem" }, "", apperr.Validation, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := scramConfig()
			tt.mutate(&cfg)
			p, err := connection.NewPool(testCtx(t), cfg, secret.New(tt.password), connection.PoolOptions{})
			if p != nil {
				p.Close()
				t.Fatal("got a pool")
			}
			expectKind(t, err, tt.kind)
			if got := pgCode(err); got != tt.code {
				t.Errorf("SQLSTATE = %q, want %q", got, tt.code)
			}
			if tt.kind != apperr.Validation && !strings.Contains(err.Error(), "connect to "+cfg.Address()) {
				t.Errorf("error lacks the target: %v", err)
			}
		})
	}
}

// silentServer accepts TCP connections and never says a word.
func silentServer(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu    sync.Mutex
		conns []net.Conn
	)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return ln.Addr().(*net.TCPAddr).Port
}

// TestConnectTimeout: against a server that never answers, NewPool gives up
// after ConnectTimeout (SC-003), whatever the SSL mode's number of attempts.
func TestConnectTimeout(t *testing.T) {
	pgtest.Need(t)
	port := silentServer(t)
	const timeout = 500 * time.Millisecond
	for _, mode := range []connection.SSLMode{connection.SSLDisable, connection.SSLPrefer, connection.SSLAllow, connection.SSLRequire} {
		t.Run(string(mode), func(t *testing.T) {
			cfg := trustConfig()
			cfg.Port, cfg.SSLMode, cfg.Options.ConnectTimeout = port, mode, timeout
			start := time.Now()
			_, err := connection.NewPool(testCtx(t), cfg, secret.String{}, connection.PoolOptions{})
			elapsed := time.Since(start)
			expectKind(t, err, apperr.Connection)
			t.Logf("gave up after %v (connect timeout %v)", elapsed, timeout)
			if elapsed < timeout || elapsed > timeout+time.Second {
				t.Errorf("gave up after %v, want about %v", elapsed, timeout)
			}
		})
	}
}

// TestNewPoolCancelled: the caller's ctx ends the attempt early.
func TestNewPoolCancelled(t *testing.T) {
	pgtest.Need(t)
	port := silentServer(t)
	cfg := trustConfig()
	cfg.Port = port
	ctx, cancel := context.WithCancel(testCtx(t))
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	_, err := connection.NewPool(ctx, cfg, secret.String{}, connection.PoolOptions{})
	expectKind(t, err, apperr.Cancelled)
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("returned after %v", d)
	}
}

// TestUnixSocket connects through the server's socket directory.
func TestUnixSocket(t *testing.T) {
	pgtest.Need(t)
	cfg := trustConfig()
	cfg.Host, cfg.User, cfg.SSLMode = cluster.SocketDir, cluster.SuperUser, connection.SSLRequire // ignored for sockets
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	p := openPool(t, cfg, "", connection.PoolOptions{})
	if got := queryString(t, acquire(t, p), "select coalesce(inet_client_addr()::text, 'local')"); got != "local" {
		t.Errorf("client address = %s", got)
	}
}

// TestDialAndLookup plugs in a dialer and a resolver the way an SSH tunnel
// does: the host name is passed through unresolved and the dialer reaches
// the server. Cancel requests travel through the same dialer, to the same
// address (an SSH channel's RemoteAddr is 0.0.0.0:0, so pgx's default of
// dialling RemoteAddr would fail).
func TestDialAndLookup(t *testing.T) {
	pgtest.Need(t)
	const tunnelHost = "db.behind.tunnel"
	var dials atomic.Int32
	var addrs sync.Map
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		dials.Add(1)
		addrs.Store(addr, true)
		if addr != net.JoinHostPort(tunnelHost, "5432") {
			return nil, errors.New("unexpected address " + addr)
		}
		var d net.Dialer
		c, err := d.DialContext(ctx, "tcp", net.JoinHostPort(cluster.Host, strconv.Itoa(cluster.Port)))
		if err != nil {
			return nil, err
		}
		return zeroAddrConn{c}, nil
	}
	lookup := func(_ context.Context, host string) ([]string, error) { return []string{host}, nil }

	cfg := trustConfig()
	cfg.Host, cfg.Port = tunnelHost, 5432
	p := openPool(t, cfg, "", connection.PoolOptions{Dial: dial, Lookup: lookup})
	c := acquire(t, p)
	if got := queryString(t, c, "select 'through the tunnel'"); got != "through the tunnel" {
		t.Fatal(got)
	}
	before := dials.Load()
	ctx, cancel := context.WithTimeout(testCtx(t), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.Exec(ctx, "select pg_sleep(5)")
	if pgCode(err) != "57014" || time.Since(start) > time.Second {
		t.Fatalf("Exec: %v after %v, want 57014 at once", err, time.Since(start))
	}
	if dials.Load() == before {
		t.Errorf("the cancel request did not use the dialer")
	}
	addrs.Range(func(k, _ any) bool { t.Logf("dialled %s", k); return true })
}

// startPlainCluster starts a second cluster with ssl=off for this test.
func startPlainCluster(t *testing.T) *pgtest.Cluster {
	t.Helper()
	c, err := pgtest.StartWith(testCtx(t), pgtest.Options{NoSSL: true})
	if err != nil {
		t.Fatalf("start a cluster with ssl=off: %v", err)
	}
	t.Cleanup(func() {
		if err := c.Stop(); err != nil {
			t.Error(err)
		}
	})
	return c
}

// zeroAddrConn reports the remote address an SSH channel reports.
type zeroAddrConn struct{ net.Conn }

func (zeroAddrConn) RemoteAddr() net.Addr { return &net.TCPAddr{IP: net.IPv4zero} }

// The status says which safe mode Execute enforces, the default applied: the
// UI skips its safety check before a run only when it is off.
func TestPoolStatusNamesTheSafeModeInForce(t *testing.T) {
	pgtest.Need(t)
	for _, tc := range []struct {
		name   string
		mode   connection.SafeMode
		marker string
		want   connection.SafeMode
	}{
		{"default", connection.SafeModeDefault, "", connection.SafeModeOff},
		{"default on a marked connection", connection.SafeModeDefault, "PROD", connection.SafeModeConfirm},
		{"block", connection.SafeModeBlock, "", connection.SafeModeBlock},
		{"off on a marked connection", connection.SafeModeOff, "PROD", connection.SafeModeOff},
	} {
		cfg := trustConfig()
		cfg.Options.SafeMode = tc.mode
		cfg.Options.Marker.Name = tc.marker
		if got := openPool(t, cfg, "", connection.PoolOptions{}).Status().SafeMode; got != tc.want {
			t.Errorf("%s: Status().SafeMode = %q, want %q", tc.name, got, tc.want)
		}
	}
}
