package connection

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgconn/ctxwatch"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/tusk-app/tusk/backend/secret"
)

// Cancellation of a running statement (see "Cancelling a statement" in the
// package documentation).
const (
	// CancelRequestDelay is how long after its context is cancelled a
	// statement's CancelRequest is sent: at once.
	CancelRequestDelay = 0
	// CancelDeadlineDelay is how long the server gets to honour a
	// CancelRequest before the connection's socket is given a deadline and
	// the statement fails with a broken connection (which the pool then
	// discards). It also bounds sending the CancelRequest itself.
	CancelDeadlineDelay = 2 * time.Second
)

// TCP keepalive of direct connections (PoolOptions.Dial nil): a peer that
// vanished without closing is detected after about KeepAliveIdle +
// KeepAliveCount × KeepAliveInterval (60 s) of silence.
const (
	KeepAliveIdle     = 30 * time.Second
	KeepAliveInterval = 10 * time.Second
	KeepAliveCount    = 3
)

// pgxPoolConfig builds the pgxpool configuration for cfg.
//
// pgx's ParseConfig merges PG* environment variables, ~/.pgpass, service
// files and the files under ~/.postgresql into whatever it parses. The
// keyword/value string built here names every setting those sources could
// supply (empty where Tusk wants none), so the connection string wins; the
// password, dialer, resolver, run-time parameters and cancellation handler
// are then set directly. What remains is PGSERVICE, which no string can
// switch off; its settings are overridden key by key all the same.
func pgxPoolConfig(cfg Config, password secret.String, opts PoolOptions) (*pgxpool.Config, error) {
	pc, err := pgxpool.ParseConfig(keywordDSN(cfg))
	if err != nil {
		return nil, fmt.Errorf("connection settings for %s: %w", cfg.target(), err)
	}
	cc := pc.ConnConfig
	timeout := cfg.Options.connectTimeout()
	cc.Password = password.Reveal()
	cc.ConnectTimeout = timeout

	if opts.Dial != nil {
		cc.DialFunc = rememberAddress(opts.Dial)
	} else {
		d := &net.Dialer{
			Timeout: timeout,
			KeepAliveConfig: net.KeepAliveConfig{
				Enable:   true,
				Idle:     KeepAliveIdle,
				Interval: KeepAliveInterval,
				Count:    KeepAliveCount,
			},
		}
		cc.DialFunc = d.DialContext
	}
	lookup := opts.Lookup
	if lookup == nil {
		lookup = net.DefaultResolver.LookupHost
	}
	// pgx resolves outside its connect timeout; bound the lookup too.
	cc.LookupFunc = func(ctx context.Context, host string) ([]string, error) {
		ctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		return lookup(ctx, host)
	}

	cc.RuntimeParams = runtimeParams(cfg.Options)
	// No named prepared statements, no cached descriptions: a pooler in
	// transaction mode may run each statement on another server
	// connection, where a statement prepared earlier does not exist (26000)
	// or another client's does (42P05). Exec sends every query as one
	// Parse/Bind/Execute of the unnamed statement in a single round trip,
	// which every pooler mode relays whole. Text results; parameter types
	// are inferred by the server.
	cc.DefaultQueryExecMode = pgx.QueryExecModeExec
	cc.StatementCacheCapacity = 0
	cc.DescriptionCacheCapacity = 0
	if opts.OnNotice != nil {
		cc.OnNotice = opts.OnNotice
	}
	cc.BuildContextWatcherHandler = func(c *pgconn.PgConn) ctxwatch.Handler {
		return &pgconn.CancelRequestContextWatcherHandler{
			Conn:               c,
			CancelRequestDelay: CancelRequestDelay,
			DeadlineDelay:      CancelDeadlineDelay,
		}
	}

	pc.MaxConns = opts.MaxConns
	if pc.MaxConns <= 0 {
		pc.MaxConns = DefaultMaxConns
	}
	pc.MinConns = min(max(opts.MinConns, 0), pc.MaxConns)
	return pc, nil
}

// runtimeParams are the session settings sent in the startup message.
func runtimeParams(o Options) map[string]string {
	p := map[string]string{"application_name": o.applicationName()}
	if o.StatementTimeout > 0 {
		p["statement_timeout"] = serverMillis(o.StatementTimeout)
	}
	if o.IdleInTransactionTimeout > 0 {
		p["idle_in_transaction_session_timeout"] = serverMillis(o.IdleInTransactionTimeout)
	}
	if o.ReadOnly {
		p["default_transaction_read_only"] = "on"
	}
	return p
}

// serverMillis formats a positive duration as whole milliseconds, at least
// 1 (0 would switch the timeout off).
func serverMillis(d time.Duration) string {
	return strconv.FormatInt(max(d.Milliseconds(), 1), 10)
}

// keywordDSN renders cfg as a libpq keyword/value string without a password,
// every value quoted. See pgxPoolConfig for why the empty settings are there.
func keywordDSN(cfg Config) string {
	settings := []struct{ k, v string }{
		{"host", cfg.Host},
		{"port", strconv.Itoa(cfg.Port)},
		{"dbname", cfg.Database},
		{"user", cfg.User},
		{"password", ""},
		{"passfile", ""},
		{"sslmode", string(cfg.SSLMode)},
		{"sslrootcert", cfg.SSLRootCert},
		{"sslcert", cfg.SSLCert},
		{"sslkey", cfg.SSLKey},
		{"sslpassword", ""},
		{"sslcertmode", "allow"},
		{"sslsni", "1"},
		{"sslnegotiation", "postgres"},
		{"connect_timeout", "0"},
		{"target_session_attrs", "any"},
		{"channel_binding", "prefer"},
		{"require_auth", ""},
		{"min_protocol_version", ""},
		{"max_protocol_version", ""},
		{"krbsrvname", ""},
		{"krbspn", ""},
	}
	var b strings.Builder
	for i, s := range settings {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(s.k)
		b.WriteByte('=')
		b.WriteString(quoteDSN(s.v))
	}
	return b.String()
}

// quoteDSN quotes a keyword/value value: single quotes, with backslash and
// quote escaped.
func quoteDSN(v string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(v) + "'"
}

// rememberAddress wraps a custom dialer so that each connection's RemoteAddr
// is the address it was dialled with. pgx sends a CancelRequest to
// RemoteAddr through the same dialer; a tunnel's connection reports no
// useful remote address (an SSH channel says 0.0.0.0:0), so without this
// the cancel request would go nowhere and the statement would run on.
func rememberAddress(dial DialFunc) pgconn.DialFunc {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dial(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return dialedConn{Conn: c, remote: dialedAddr{network: network, address: addr}}, nil
	}
}

// dialedConn is a net.Conn whose RemoteAddr is the dialled address.
type dialedConn struct {
	net.Conn
	remote dialedAddr
}

// RemoteAddr returns the address the connection was dialled with.
func (c dialedConn) RemoteAddr() net.Addr { return c.remote }

// dialedAddr is a net.Addr made of a dialler's network and address.
type dialedAddr struct{ network, address string }

func (a dialedAddr) Network() string { return a.network }
func (a dialedAddr) String() string  { return a.address }
