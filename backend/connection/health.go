package connection

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgconn/ctxwatch"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/tusk-app/tusk/backend/apperr"
)

// Health checks of pooled connections.
const (
	// PingAfterIdle is how long a pooled connection may sit idle before
	// Acquire checks it with a ping before handing it out.
	PingAfterIdle = time.Second
	// PingTimeout bounds that ping: a connection that does not answer in
	// time is discarded and another one is tried.
	PingTimeout = 2 * time.Second
)

// health tracks which pooled connections are known to be alive. Whenever
// one connection of the pool breaks (the server restarted, an
// administrator ended sessions, the network dropped), the pool's failure
// epoch moves on, and every connection that last proved healthy in an
// earlier epoch is pinged before it is handed out — even one idle for less
// than PingAfterIdle. A dead connection is discarded and Acquire tries the
// next one, so dead connections never reach a caller. Safe for concurrent
// use.
type health struct {
	epoch    atomic.Uint64 // bumped by broke
	onBroken func()        // nil: nobody listens

	mu     sync.Mutex             // guards the maps below
	proven map[*pgx.Conn]uint64   // epoch in which each connection last proved healthy
	live   map[*pgx.Conn]struct{} // every open connection of the pool
}

func newHealth(onBroken func()) *health {
	return &health{proven: map[*pgx.Conn]uint64{}, live: map[*pgx.Conn]struct{}{}, onBroken: onBroken}
}

// install sets the pool hooks that use h.
func (h *health) install(pc *pgxpool.Config) {
	pc.ShouldPing = h.shouldPing
	pc.PingTimeout = PingTimeout
	before := pc.BeforeClose
	pc.BeforeClose = func(c *pgx.Conn) {
		h.forget(c)
		if before != nil {
			before(c)
		}
	}
	after := pc.AfterConnect
	pc.AfterConnect = func(ctx context.Context, c *pgx.Conn) error {
		h.mu.Lock()
		h.live[c] = struct{}{}
		h.mu.Unlock()
		if after != nil {
			return after(ctx, c)
		}
		return nil
	}
}

// closeSockets closes the network connection of every open connection,
// idle or in use: whoever waits on one — a statement, or pgxpool saying
// goodbye to a server that no longer answers — fails at once.
func (h *health) closeSockets() int {
	h.mu.Lock()
	conns := make([]*pgx.Conn, 0, len(h.live))
	for c := range h.live {
		conns = append(conns, c)
	}
	h.mu.Unlock()
	for _, c := range conns {
		_ = c.PgConn().Conn().Close()
	}
	return len(conns)
}

// shouldPing is pgxpool's ShouldPing hook.
func (h *health) shouldPing(_ context.Context, p pgxpool.ShouldPingParams) bool {
	if p.IdleDuration > PingAfterIdle {
		return true
	}
	h.mu.Lock()
	at, ok := h.proven[p.Conn]
	h.mu.Unlock()
	return !ok || at < h.epoch.Load()
}

// proved records that c works now (it was just handed out, after a ping
// if one was due).
func (h *health) proved(c *pgx.Conn) {
	h.mu.Lock()
	h.proven[c] = h.epoch.Load()
	h.mu.Unlock()
}

func (h *health) forget(c *pgx.Conn) {
	h.mu.Lock()
	delete(h.proven, c)
	delete(h.live, c)
	h.mu.Unlock()
}

// broke records that a connection of the pool broke.
func (h *health) broke() {
	h.epoch.Add(1)
	if h.onBroken != nil {
		go h.onBroken()
	}
}

// Broken counts the connections of the pool that have turned out broken so
// far. A holder of a connection idle since the count changed should check
// it before use (a server restart ends every session at once).
func (p *Pool) Broken() uint64 { return p.health.epoch.Load() }

// Dedicated opens a connection to the pool's server outside the pool, with
// the same settings, dialer (an SSH tunnel too) and credentials, within the
// connect timeout and ctx. It serves control statements that must not wait
// for a pooled connection — pg_cancel_backend and pg_terminate_backend of a
// query whose session holds one, when every other is in use — and probes of
// a server that may be down. The caller closes it.
func (p *Pool) Dedicated(ctx context.Context) (*pgconn.PgConn, error) {
	if p.closed.Load() {
		return nil, closedError(p.cfg)
	}
	ctx, cancel := context.WithTimeout(ctx, p.cfg.Options.connectTimeout())
	defer cancel()
	cfg := p.pool.Config().ConnConfig.Config.Copy()
	p.router.stripParams(cfg.RuntimeParams)
	// A throwaway connection: when its ctx ends, break it at once rather
	// than ask the server to cancel and wait (a silent network never
	// answers).
	cfg.BuildContextWatcherHandler = func(c *pgconn.PgConn) ctxwatch.Handler {
		return &pgconn.DeadlineContextWatcherHandler{Conn: c.Conn()}
	}
	c, err := pgconn.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, p.connectErr(ctx, err)
	}
	return c, nil
}

// connectErr wraps a failure to open a connection like NewPool's check.
func (p *Pool) connectErr(ctx context.Context, err error) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) && errors.Is(err, context.DeadlineExceeded) {
		e := apperr.Wrap(apperr.Connection, fmt.Sprintf("the server at %s did not answer within %s", p.cfg.Address(), p.cfg.Options.connectTimeout()),
			fmt.Errorf("connect to %s: %w", p.cfg.target(), err))
		e.Reason = apperr.ReasonTimeout
		return e.WithHint("Check the host and port and the network (VPN, firewall, SSH tunnel), or raise the connect timeout in the connection options.")
	}
	return fmt.Errorf("connect to %s: %w", p.cfg.target(), err)
}
