package connection

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/sirupsen/logrus"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/secret"
)

// Pool defaults.
const (
	// DefaultMaxConns is the pool size when PoolOptions.MaxConns is 0.
	DefaultMaxConns = 10
	// DefaultAcquireTimeout is how long Acquire waits for a free connection
	// when PoolOptions.AcquireTimeout is 0 (FR-013a).
	DefaultAcquireTimeout = 30 * time.Second
)

// DialFunc opens the network connection to the server, e.g. through an SSH
// tunnel. network is "tcp" or "unix"; addr is what PoolOptions.Lookup
// returned joined with the port.
type DialFunc func(ctx context.Context, network, addr string) (net.Conn, error)

// PoolOptions tune NewPool (T044). The zero value is a pool of 10 direct TCP
// connections with keepalive, a 30 s acquire timeout and no status callback.
type PoolOptions struct {
	// MaxConns is the most connections the pool opens; 0 means
	// DefaultMaxConns.
	MaxConns int32
	// MinConns is how many connections the pool keeps open (opened in the
	// background); 0 opens them on demand only. Capped at MaxConns.
	MinConns int32
	// AcquireTimeout is the longest Acquire waits for a connection before
	// failing with a PoolTimeout error; 0 means DefaultAcquireTimeout.
	AcquireTimeout time.Duration
	// Dial opens connections; nil dials TCP (or a unix socket) directly with
	// keepalive (see KeepAliveIdle) and the connect timeout. An SSH tunnel
	// passes its client's DialContext. Cancel requests use it too, so they
	// travel the same way as the connection they cancel.
	Dial DialFunc
	// Lookup resolves Host to the addresses to dial; nil uses the system
	// resolver. With an SSH tunnel return host unchanged, so the name is
	// resolved on the far side. Its context is bounded by the connect
	// timeout.
	Lookup func(ctx context.Context, host string) ([]string, error)
	// OnStatus receives the pool's status whenever it differs from the one
	// last delivered: connections opened, acquired, released and closed,
	// callers starting and ending a wait, and the pool closing (the last
	// call has Closed set). Calls come one at a time, in order, from one
	// goroutine the pool owns, never after Close returns; statuses that
	// follow each other quickly may be coalesced into the latest. It must
	// not block for long (a slow callback delays later statuses, never the
	// pool), and must not call Close.
	OnStatus func(PoolStatus)
	// OnNotice receives the server's notices (RAISE NOTICE, warnings) with
	// the connection that got them; nil drops them. It runs on the goroutine
	// reading that connection and must not block.
	OnNotice func(*pgconn.PgConn, *pgconn.Notice)
	// Log receives pool life-cycle lines (open, failure, close) without
	// secrets; nil discards them.
	Log *logrus.Logger
	// OnBroken is told, on a goroutine of its own, whenever a connection of
	// the pool turned out broken (the server ended it, the network dropped
	// it, or it was closed on purpose): the caller may check whether the
	// server is still reachable. nil ignores it.
	OnBroken func()
}

// Pool is a pool of connections to one PostgreSQL server (FR-010, T042),
// built on pgxpool. It is safe for concurrent use. Create it with NewPool;
// Close it when done.
type Pool struct {
	cfg            Config
	pool           *pgxpool.Pool
	acquireTimeout time.Duration
	log            *logrus.Logger

	waiting atomic.Int32 // callers inside Acquire without a connection yet
	held    atomic.Int32 // connections acquired and not yet released
	closed  atomic.Bool
	notify  *notifier // nil without PoolOptions.OnStatus
	router  *router   // what sits between Tusk and the server (route.go)
	health  *health

	closeOnce sync.Once
	closeDone chan struct{} // closed when the pgxpool has closed
}

// NewPool validates cfg, builds the pool and opens one test connection
// (FR-011, T043): it returns only once the server has accepted the
// credentials and answered a ping, so a pool that is returned works. The
// test connection stays in the pool for the first Acquire.
//
// The whole check is bounded by cfg.Options.ConnectTimeout (default 10 s,
// SC-003) and by ctx. A failure comes back wrapped with the target
// ("connect to host:port/db: …") and classifies with apperr.Classify: bad
// input → Validation, refused or silent server → Connection, wrong
// password → Authentication, certificate trouble → SSL, ctx cancelled →
// Cancelled. password is handed to the driver only; it appears in no error
// and no log line.
func NewPool(ctx context.Context, cfg Config, password secret.String, opts PoolOptions) (*Pool, error) {
	log := opts.Log
	if log == nil {
		log = logrus.New()
		log.SetOutput(io.Discard)
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	fields := logrus.Fields{
		"connection_id": cfg.ID, "address": cfg.Address(), "database": cfg.Database,
		"user": cfg.User, "sslmode": string(cfg.SSLMode), "tunnel": opts.Dial != nil,
	}
	pc, err := pgxPoolConfig(cfg, password, opts)
	if err != nil {
		log.WithFields(fields).WithFields(logrus.Fields{
			"kind": apperr.KindOf(err), "error": secret.Redact(err.Error()),
		}).Warn("connection settings rejected")
		return nil, err
	}

	p := &Pool{cfg: cfg, acquireTimeout: opts.AcquireTimeout, log: log,
		health: newHealth(opts.OnBroken), closeDone: make(chan struct{})}
	if p.acquireTimeout <= 0 {
		p.acquireTimeout = DefaultAcquireTimeout
	}
	if opts.OnStatus != nil {
		p.notify = newNotifier(p.statusNow, opts.OnStatus)
	}
	p.router = newRouter(cfg.Options, p.notify.kick)
	p.setHooks(pc)

	p.health.install(pc)

	start := time.Now()
	pool, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil { // only for a config pgxpool itself rejects
		p.stopNotifier()
		return nil, fmt.Errorf("connect to %s: %w", cfg.target(), err)
	}
	p.pool = pool
	err = p.check(ctx, cfg.Options.connectTimeout())
	if err != nil && p.router.refused(err) {
		// A pooler refused a session option at login: connect without
		// them; the query engine applies them per transaction.
		log.WithFields(fields).WithField("error", secret.Redact(err.Error())).Info("the pooler refused the session options at login; applying them per transaction")
		err = p.check(ctx, cfg.Options.connectTimeout())
	}
	if err == nil {
		dctx, cancel := context.WithTimeout(ctx, cfg.Options.connectTimeout())
		p.detectMode(dctx)
		cancel()
	}
	if err != nil {
		p.closed.Store(true)
		pool.Close()
		close(p.closeDone)
		p.stopNotifier()
		log.WithFields(fields).WithFields(logrus.Fields{
			"kind": apperr.KindOf(err), "elapsed_ms": time.Since(start).Milliseconds(),
			"error": secret.Redact(err.Error()),
		}).Warn("connection failed: " + apperr.Info(err).Message)
		return nil, err
	}
	// Start delivering only now: the goroutine reads p.pool, and a pool that
	// failed its check never reports a status.
	p.notify.start()
	p.notify.kick()
	rt := p.router.get()
	log.WithFields(fields).WithFields(logrus.Fields{
		"elapsed_ms": float64(time.Since(start).Microseconds()) / 1000,
		"pooler":     rt.Pooler, "pooler_mode": string(rt.PoolerMode), "settings": string(rt.Settings), "read_only": string(rt.ReadOnly),
	}).Info("connection pool open")
	return p, nil
}

// setHooks installs the pool's connection hooks: the route probe of every
// new connection (route.go) and the status re-checks.
func (p *Pool) setHooks(pc *pgxpool.Config) {
	pc.BeforeConnect = p.router.beforeConnect
	// Acquire and Conn.Release report their own changes. pgxpool changes
	// its accounting by itself right after these two hooks (a new
	// connection joins, a closing one leaves), so they ask for re-checks.
	// AfterRelease is deliberately not used: setting it makes pgxpool
	// return connections from a goroutine, so Status would lag behind a
	// Release that has returned.
	pc.AfterConnect = func(ctx context.Context, c *pgx.Conn) error {
		defer p.notify.settle()
		return p.router.afterConnect(ctx, c, p.acquireTimeout)
	}
	pc.BeforeClose = func(c *pgx.Conn) {
		p.router.forget(c.PgConn())
		if p.notify == nil {
			return
		}
		p.notify.settle()
		go func() {
			select {
			case <-c.PgConn().CleanupDone():
			case <-time.After(20 * time.Second):
			}
			p.notify.settle()
		}()
	}
}

// poolerFullHint explains a wait for a pooler's server connection.
const poolerFullHint = "Every server connection of the pooler's pool is in use — behind a session-mode pooler each open Tusk connection (tab, schema browser) keeps one. Close idle tabs or other clients, lower this connection's pool size, or ask the pooler's administrator to raise its pool size."

// check opens (or takes) a connection and pings the server within timeout.
func (p *Pool) check(parent context.Context, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(parent, timeout)
	defer cancel()
	err := func() error {
		c, err := p.pool.Acquire(ctx)
		if err != nil {
			return err
		}
		defer c.Release()
		if err := c.Ping(ctx); err != nil {
			return fmt.Errorf("ping: %w", err)
		}
		return nil
	}()
	switch {
	case err == nil:
		return nil
	case parent.Err() == nil && errors.Is(ctx.Err(), context.DeadlineExceeded) && p.router.waiting.Load() > 0:
		// The server answered the login but the first query waited: a
		// pooler with no free server connection.
		e := apperr.Wrap(apperr.PoolTimeout,
			fmt.Sprintf("the connection pooler at %s had no free server connection within %s", p.cfg.Address(), timeout),
			fmt.Errorf("connect to %s: %w", p.cfg.target(), err))
		return e.WithHint(poolerFullHint)
	case parent.Err() == nil && errors.Is(ctx.Err(), context.DeadlineExceeded) && errors.Is(err, context.DeadlineExceeded):
		// Our connect timeout, not the caller's: say so, with the target.
		e := apperr.Wrap(apperr.Connection,
			fmt.Sprintf("the server at %s did not answer within %s", p.cfg.Address(), timeout),
			fmt.Errorf("connect to %s: %w", p.cfg.target(), err))
		e.Reason = apperr.ReasonTimeout
		return e.WithHint("Check the host and port and the network (VPN, firewall, SSH tunnel), or raise the connect timeout in the connection options.")
	}
	return fmt.Errorf("connect to %s: %w", p.cfg.target(), err)
}

// ID returns the ID of the connection the pool serves (Config.ID).
func (p *Pool) ID() string { return p.cfg.ID }

// Config returns a copy of the configuration the pool was built from.
func (p *Pool) Config() Config { return p.cfg }

// Acquire takes a connection from the pool, opening one if the pool has
// room (T047). When all MaxConns connections are in use it waits at most
// PoolOptions.AcquireTimeout (default 30 s) and then fails with an apperr
// PoolTimeout error naming the wait and the number of callers waiting,
// itself included (FR-013a). Cancelling ctx ends the wait with ctx's error
// (classified Cancelled). On a closed pool it fails at once with an error
// matching ErrClosed. Failing to open a new connection returns the connect
// error, classified like NewPool's.
//
// The caller must Release the connection. Acquire is safe for concurrent
// use; while it waits, it counts in PoolStatus.Waiting.
func (p *Pool) Acquire(ctx context.Context) (*Conn, error) {
	if p.closed.Load() {
		return nil, closedError(p.cfg)
	}
	p.waiting.Add(1)
	p.notify.kick()
	actx, cancel := context.WithTimeout(ctx, p.acquireTimeout)
	pc, err := p.acquire(actx)
	cancel()
	waiting := p.waiting.Add(-1) + 1
	p.notify.kick()
	if err == nil {
		p.health.proved(pc.Conn())
		p.held.Add(1)
		return &Conn{pc: pc, pool: p}, nil
	}
	switch {
	case p.closed.Load():
		return nil, closedError(p.cfg)
	case ctx.Err() != nil:
		return nil, fmt.Errorf("acquire connection to %s: %w", p.cfg.target(), ctx.Err())
	case errors.Is(err, context.DeadlineExceeded) && errors.Is(actx.Err(), context.DeadlineExceeded) && p.router.waiting.Load() > 0:
		e := apperr.Wrap(apperr.PoolTimeout,
			fmt.Sprintf("the connection pooler had no free server connection within %s", p.acquireTimeout), err)
		return nil, e.WithHint(poolerFullHint)
	case errors.Is(err, context.DeadlineExceeded) && errors.Is(actx.Err(), context.DeadlineExceeded):
		e := apperr.PoolTimeoutError(p.acquireTimeout, int(waiting))
		e.Err = err
		return nil, e
	}
	return nil, fmt.Errorf("connect to %s: %w", p.cfg.target(), err)
}

// releasing is called by Conn.Release before pgxpool takes the connection
// back; broken tells whether the connection is closed.
func (p *Pool) releasing(broken bool) {
	p.held.Add(-1)
	if broken && !p.closed.Load() {
		p.health.broke()
	}
}

// released is called by Conn.Release after pgxpool took the connection back.
func (p *Pool) released() { p.notify.kick() }

// Status returns the pool's status at this moment (T048, FR-013, SC-010):
// the counts come from one locked snapshot of pgxpool's accounting, Waiting
// from the pool's own counter. Safe for concurrent use; cheap (a mutex and a
// loop over at most MaxConns connections).
func (p *Pool) Status() PoolStatus { return p.statusNow() }

func (p *Pool) statusNow() PoolStatus {
	st := p.pool.Stat()
	return PoolStatus{
		ConnectionID:  p.cfg.ID,
		MaxSize:       int(st.MaxConns()),
		Size:          int(st.TotalConns()),
		Available:     int(st.IdleConns()),
		Waiting:       int(p.waiting.Load()),
		Closed:        p.closed.Load(),
		PoolerWaiting: int(p.router.waiting.Load()),
		Route:         p.router.get(),
		SafeMode:      p.cfg.Options.EffectiveSafeMode(),
	}
}

// How Close bounds its wait for connections in use.
const (
	// CloseGrace is how long Close lets connections in use finish before
	// it closes their sockets, so their holders fail at once instead of
	// waiting on a server or network that does not answer.
	CloseGrace = 500 * time.Millisecond
	// CloseTimeout is the longest Close waits; a holder that still has not
	// released its connection then finishes closing in the background.
	CloseTimeout = 1500 * time.Millisecond
)

// Close closes the pool (T049): new Acquires fail at once with ErrClosed,
// idle connections are closed, and Close waits until every acquired
// connection has been released and closed — cancel running statements
// first, and never call Close while holding a Conn on the same goroutine.
//
// The wait is bounded, whatever the server or the network does: after
// CloseGrace the sockets of every connection still open are closed (their
// statements fail as a closed connection), Close returns once every holder
// has released its connection or at the latest after CloseTimeout, and what
// remains finishes closing in the background (the last OnStatus call then
// comes later; Closed tells when it is over).
//
// When every connection was released in time, the last OnStatus call
// (Closed set, Size 0) happens before Close returns. Close is idempotent and
// safe for concurrent use; later calls return at once (possibly before the
// first has finished).
func (p *Pool) Close() {
	p.closeOnce.Do(func() {
		p.closed.Store(true)
		p.notify.kick()
		go func() {
			p.pool.Close()
			p.stopNotifier()
			close(p.closeDone)
		}()
		grace := time.NewTimer(CloseGrace)
		defer grace.Stop()
		limit := time.NewTimer(CloseTimeout)
		defer limit.Stop()
		select {
		case <-p.closeDone:
		case <-grace.C:
			p.closeSocketsInUse()
			// Every holder has given its connection back once held is 0;
			// pgx may still be saying goodbye to a server that does not
			// answer (up to 15 s), which need not hold the caller.
			tick := time.NewTicker(5 * time.Millisecond)
			defer tick.Stop()
		wait:
			for {
				select {
				case <-p.closeDone:
					break wait
				case <-tick.C:
					if p.held.Load() == 0 {
						p.log.WithField("connection_id", p.cfg.ID).Info("connections close in the background")
						break wait
					}
				case <-limit.C:
					p.log.WithField("connection_id", p.cfg.ID).Warn("connections still in use after the pool was closed; they close in the background")
					break wait
				}
			}
		}
		p.log.WithFields(logrus.Fields{"connection_id": p.cfg.ID, "address": p.cfg.Address()}).Info("connection pool closed")
	})
}

// closeSocketsInUse closes the network connection of every connection of
// the pool, in use or being closed: whatever waits on one fails at once.
func (p *Pool) closeSocketsInUse() {
	if n := p.health.closeSockets(); n > 0 {
		p.log.WithFields(logrus.Fields{"connection_id": p.cfg.ID, "connections": n}).Info("closed the sockets of connections that did not close in time")
	}
}

// Closed is closed once Close has finished closing every connection,
// including any it left to the background.
func (p *Pool) Closed() <-chan struct{} { return p.closeDone }

// IsClosed reports whether Close has been called.
func (p *Pool) IsClosed() bool { return p.closed.Load() }

func (p *Pool) stopNotifier() { p.notify.stop() }

// ErrClosed is matched (errors.Is) by the error Acquire returns on a closed
// pool.
var ErrClosed = errors.New("connection pool is closed")

func closedError(cfg Config) error {
	e := apperr.Wrap(apperr.Connection, "the connection to "+cfg.Address()+" is closed", ErrClosed)
	return e.WithHint("Connect again to run statements on this server.")
}
