package connection

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/tusk-app/tusk/backend/apperr"
)

// PoolerMode is how a connection pooler between Tusk and the server hands
// out server connections.
type PoolerMode string

const (
	// NoPooler: Tusk talks to PostgreSQL itself.
	NoPooler PoolerMode = ""
	// SessionPooling: each client connection keeps one server connection
	// for as long as it is open, so session state (SET, temporary tables,
	// prepared statements) persists. Reported for a pooler that showed no
	// sign of sharing server connections between Tusk's connections.
	SessionPooling PoolerMode = "session"
	// TransactionPooling: a client connection holds a server connection
	// only for the length of a transaction; between transactions it may
	// get another one, and others get its. Seen when two of Tusk's
	// connections were served by the same server process, or one
	// connection by two.
	TransactionPooling PoolerMode = "transaction"
)

// SettingsPath says how a connection's session options
// (Options.StatementTimeout, IdleInTransactionTimeout, ReadOnly) reach the
// server.
type SettingsPath string

const (
	// SettingsAtStartup: sent in the startup message, applied by the server
	// to the whole session (also when there is nothing to send).
	SettingsAtStartup SettingsPath = "startup"
	// SettingsPerTransaction: a pooler refused or dropped them at startup;
	// the query engine applies them itself inside every transaction it
	// runs (SET LOCAL) and enforces the statement timeout by cancelling.
	SettingsPerTransaction SettingsPath = "per_transaction"
)

// ReadOnlyState is what Tusk verified about a read-only connection.
type ReadOnlyState string

const (
	// ReadOnlyOff: the connection is not marked read-only.
	ReadOnlyOff ReadOnlyState = "off"
	// ReadOnlyEnforced: the server ran a transaction READ ONLY when asked
	// to. The query engine still checks it in every transaction it opens.
	ReadOnlyEnforced ReadOnlyState = "enforced"
	// ReadOnlyUnverified: the server (or what sits in front of it) did not
	// run a transaction READ ONLY; ReadOnlyProblem says why. The query
	// engine refuses to run statements on such a connection.
	ReadOnlyUnverified ReadOnlyState = "unverified"
)

// Route is what sits between Tusk and the server, and how the connection's
// options reach it. It is learnt while connecting (and refined while
// queries run) and travels in every PoolStatus. A plain comparable value.
type Route struct {
	// Pooler is set when a connection pooler relays the connection: the
	// process ID the protocol reported differs from the server's
	// pg_backend_pid(), or the pooler refused a startup parameter. The
	// process IDs the protocol reports are then the pooler's inventions.
	Pooler bool `json:"pooler"`
	// PoolerName is "PgBouncer" when the pooler identified itself through
	// one of PgBouncer's own errors, "" when it is not known.
	PoolerName string `json:"poolerName"`
	// PoolerMode is NoPooler, SessionPooling or TransactionPooling.
	PoolerMode PoolerMode `json:"poolerMode"`
	// SessionStateKept is false in transaction mode: SET, temporary
	// tables, PREPARE, LISTEN and advisory locks do not persist from one
	// run to the next outside an explicit transaction. BEGIN … COMMIT
	// across runs still works: a tab keeps its server connection while a
	// transaction is open.
	SessionStateKept bool `json:"sessionStateKept"`
	// Notice is the sentence to show the user once when SessionStateKept is
	// false; empty otherwise.
	Notice string `json:"notice,omitempty"`
	// Settings says how the connection's options reach the server.
	Settings SettingsPath `json:"settings"`
	// ReadOnly is what Tusk verified about read-only.
	ReadOnly ReadOnlyState `json:"readOnly"`
	// ReadOnlyProblem says why read-only could not be verified.
	ReadOnlyProblem string `json:"readOnlyProblem,omitempty"`
}

// Enum pairs a value of one of the Route's string types with its
// TypeScript name, for options.App.EnumBind.
type Enum[T ~string] struct {
	Value  T
	TSName string
}

// PoolerModes, SettingsPaths and ReadOnlyStates list the values of the
// Route's string types for options.App.EnumBind.
func PoolerModes() []Enum[PoolerMode] {
	return []Enum[PoolerMode]{{NoPooler, "NoPooler"}, {SessionPooling, "Session"}, {TransactionPooling, "Transaction"}}
}

// SettingsPaths: see PoolerModes.
func SettingsPaths() []Enum[SettingsPath] {
	return []Enum[SettingsPath]{{SettingsAtStartup, "AtStartup"}, {SettingsPerTransaction, "PerTransaction"}}
}

// ReadOnlyStates: see PoolerModes.
func ReadOnlyStates() []Enum[ReadOnlyState] {
	return []Enum[ReadOnlyState]{{ReadOnlyOff, "Off"}, {ReadOnlyEnforced, "Enforced"}, {ReadOnlyUnverified, "Unverified"}}
}

// TransactionModeNotice is Route.Notice in transaction mode.
const TransactionModeNotice = "This connection goes through a connection pooler in transaction mode: SET, temporary tables, PREPARE and LISTEN do not persist from one run to the next, and a SET may show up in other tabs. Inside BEGIN … COMMIT everything works as usual."

// PoolerWaitNotice is how long the first query of a new connection may wait
// before the pool counts it in PoolStatus.PoolerWaiting: a pooler with no
// free server connection holds a client's first query until one is free.
const PoolerWaitNotice = time.Second

// PoolerName values.
const PgBouncer = "PgBouncer"

// optionalParams are the startup parameters a pooler may refuse; when it
// does they are left out of every later connection and applied per
// transaction instead.
var optionalParams = []string{"statement_timeout", "idle_in_transaction_session_timeout", "default_transaction_read_only"}

// router learns and holds a pool's Route. Safe for concurrent use.
type router struct {
	wanted map[string]string // optional startup parameters Options asks for
	ro     bool              // Options.ReadOnly

	strip   atomic.Bool  // leave the optional parameters out of new connections
	waiting atomic.Int32 // first queries of new connections waiting > PoolerWaitNotice
	changed func()       // route or waiting changed (a status kick); may be nil

	pids sync.Map // *pgconn.PgConn → uint32: pg_backend_pid() seen on that connection

	mu    sync.Mutex // guards route
	route Route
}

func newRouter(o Options, changed func()) *router {
	r := &router{wanted: map[string]string{}, ro: o.ReadOnly, changed: changed}
	all := runtimeParams(o)
	for _, k := range optionalParams {
		if v, ok := all[k]; ok {
			r.wanted[k] = v
		}
	}
	r.route = Route{SessionStateKept: true, Settings: SettingsAtStartup, ReadOnly: ReadOnlyOff}
	if o.ReadOnly {
		r.route.ReadOnly = ReadOnlyEnforced // confirmed or revoked by the first probe
	}
	return r
}

func (r *router) get() Route {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.route
}

// update applies f to the route and reports a change.
func (r *router) update(f func(*Route)) {
	r.mu.Lock()
	before := r.route
	f(&r.route)
	if r.route.PoolerMode == TransactionPooling {
		r.route.Pooler, r.route.SessionStateKept, r.route.Notice = true, false, TransactionModeNotice
	}
	changed := r.route != before
	r.mu.Unlock()
	if changed && r.changed != nil {
		r.changed()
	}
}

// beforeConnect leaves out the startup parameters a pooler refused or
// ignored.
func (r *router) beforeConnect(_ context.Context, cc *pgx.ConnConfig) error {
	r.stripParams(cc.RuntimeParams)
	return nil
}

// stripParams deletes from params the startup parameters a pooler refused
// or ignored (a connection opened outside the pool needs the same).
func (r *router) stripParams(params map[string]string) {
	if r.strip.Load() {
		for _, k := range optionalParams {
			delete(params, k)
		}
	}
}

// refused handles a connect error: when a pooler refused one of the
// optional startup parameters it remembers to leave them out and reports
// true, so the caller can try again.
func (r *router) refused(err error) bool {
	if len(r.wanted) == 0 || r.strip.Load() {
		return false
	}
	if _, ok := apperr.IsUnsupportedStartupParameter(err); !ok {
		return false
	}
	r.strip.Store(true)
	r.update(func(rt *Route) {
		rt.Pooler, rt.PoolerName, rt.Settings = true, PgBouncer, SettingsPerTransaction
		if rt.PoolerMode == NoPooler {
			rt.PoolerMode = SessionPooling
		}
	})
	return true
}

// probeSQL reads, in one round trip, the server process behind the
// connection and where the optional settings came from (pg_settings.source
// is "client" for a startup parameter the server applied).
const probeSQL = `select pg_backend_pid();
select name, setting, source from pg_settings
 where name in ('statement_timeout', 'idle_in_transaction_session_timeout', 'default_transaction_read_only')`

// readOnlyProbeSQL asks for a read-only transaction and reads back whether
// the server runs it so.
const readOnlyProbeSQL = `begin read only; select current_setting('transaction_read_only'); rollback`

// afterConnect probes every new connection: is a pooler in front, did the
// startup parameters take effect, is read-only enforced. A pooler with no
// free server connection holds this first query; after PoolerWaitNotice it
// counts in PoolStatus.PoolerWaiting, and after timeout the connection is
// given up.
func (r *router) afterConnect(ctx context.Context, c *pgx.Conn, timeout time.Duration) error {
	pg := c.PgConn()
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	// A pooler ignores a cancel request for a client still waiting for a
	// server connection: break the socket instead. The connection is new
	// and holds no state.
	stop := context.AfterFunc(ctx, func() { _ = pg.Conn().SetDeadline(time.Now()) })
	defer stop()
	var counted atomic.Bool
	notice := time.AfterFunc(PoolerWaitNotice, func() {
		counted.Store(true)
		r.waiting.Add(1)
		r.kick()
	})
	defer func() {
		if !notice.Stop() && counted.Load() {
			r.waiting.Add(-1)
			r.kick()
		}
	}()

	res, err := pg.Exec(ctx, probeSQL).ReadAll()
	if err != nil {
		return fmt.Errorf("probe the new connection: %w", err)
	}
	if len(res) != 2 || len(res[0].Rows) != 1 {
		return errors.New("probe the new connection: unexpected answer")
	}
	pid64, err := strconv.ParseUint(string(res[0].Rows[0][0]), 10, 32)
	if err != nil {
		return fmt.Errorf("probe the new connection: pg_backend_pid: %w", err)
	}
	pid := uint32(pid64)
	r.pids.Store(pg, pid)
	applied := 0
	for _, row := range res[1].Rows {
		if want, ok := r.wanted[string(row[0])]; ok && string(row[1]) == want && string(row[2]) == "client" {
			applied++
		}
	}
	pooled := pid != pg.PID()
	perTx := !r.strip.Load() && applied < len(r.wanted)
	if perTx {
		r.strip.Store(true) // dropped silently (ignore_startup_parameters): stop sending them
	}
	r.update(func(rt *Route) {
		if pooled {
			rt.Pooler = true
			if rt.PoolerMode == NoPooler {
				rt.PoolerMode = SessionPooling
			}
		}
		if perTx {
			rt.Settings = SettingsPerTransaction
		}
	})
	if r.ro {
		r.probeReadOnly(ctx, pg)
	}
	return ctx.Err()
}

// probeReadOnly checks that the server runs a transaction READ ONLY.
func (r *router) probeReadOnly(ctx context.Context, pg *pgconn.PgConn) {
	res, err := pg.Exec(ctx, readOnlyProbeSQL).ReadAll()
	problem := ""
	switch {
	case err != nil:
		problem = "the server refused a read-only transaction: " + apperr.Info(err).Message
		if pg.TxStatus() != 'I' && !pg.IsClosed() {
			_, _ = pg.Exec(ctx, "rollback").ReadAll()
		}
	case len(res) != 3 || len(res[1].Rows) != 1:
		problem = "the server did not report whether the transaction is read-only"
	case string(res[1].Rows[0][0]) != "on":
		problem = "the server ran a transaction begun READ ONLY as read-write"
	}
	if err != nil && ctx.Err() != nil {
		return // the probe was cut short; that says nothing about read-only
	}
	r.update(func(rt *Route) {
		if problem == "" {
			rt.ReadOnly, rt.ReadOnlyProblem = ReadOnlyEnforced, ""
		} else {
			rt.ReadOnly, rt.ReadOnlyProblem = ReadOnlyUnverified, problem
		}
	})
}

func (r *router) kick() {
	if r.changed != nil {
		r.changed()
	}
}

// forget drops what was recorded about a closing connection.
func (r *router) forget(pg *pgconn.PgConn) { r.pids.Delete(pg) }

// serverPID returns the pg_backend_pid() last seen on pg.
func (r *router) serverPID(pg *pgconn.PgConn) (uint32, bool) {
	v, ok := r.pids.Load(pg)
	if !ok {
		return 0, false
	}
	return v.(uint32), true
}

// observe records a pg_backend_pid() read on pg. Behind a pooler, a client
// connection that meets a second server process is proof of transaction
// pooling.
func (r *router) observe(pg *pgconn.PgConn, pid uint32) {
	old, had := r.pids.Swap(pg, pid)
	if had && old.(uint32) != pid {
		r.update(func(rt *Route) { rt.Pooler, rt.PoolerMode = true, TransactionPooling })
	}
}

// detectMode tells session from transaction pooling, once, right after the
// first connection worked: it holds that connection (a), opens a second
// client connection (b) and asks both for their server process. A
// transaction pooler hands a's idle server connection to b (PgBouncer
// reuses the most recently released one) or gives a another one; a session
// pooler keeps a's for a and opens or waits for another for b. b waits at
// most twice PoolerWaitNotice: a session pooler whose pool is full makes it
// wait, a transaction pooler never does while a is idle.
func (p *Pool) detectMode(ctx context.Context) {
	if !p.router.get().Pooler {
		return
	}
	a, err := p.pool.Acquire(ctx)
	if err != nil {
		return
	}
	defer a.Release()
	pga := a.Conn().PgConn()
	pidA, err := backendPID(ctx, pga)
	if err != nil {
		return
	}
	p.router.observe(pga, pidA)

	cc := p.pool.Config().ConnConfig.Copy()
	_ = p.router.beforeConnect(ctx, cc)
	bctx, cancel := context.WithTimeout(ctx, cc.ConnectTimeout+2*PoolerWaitNotice)
	defer cancel()
	b, err := pgconn.ConnectConfig(bctx, &cc.Config)
	if err != nil {
		return
	}
	defer b.Close(context.WithoutCancel(ctx))
	qctx, qcancel := context.WithTimeout(bctx, 2*PoolerWaitNotice)
	defer qcancel()
	stop := context.AfterFunc(qctx, func() { _ = b.Conn().SetDeadline(time.Now()) })
	pidB, errB := backendPID(qctx, b)
	stop()
	pidA2, errA := backendPID(ctx, pga)
	if errA == nil {
		p.router.observe(pga, pidA2) // a second server process for a: transaction pooling
	}
	if errB == nil && pidB == pidA {
		p.router.update(func(rt *Route) { rt.PoolerMode = TransactionPooling })
	}
}

// acquire is pgxpool's Acquire, except that behind a pooler a caller whose
// new connection is still being opened takes a connection that another
// caller released meanwhile. A session pooler whose pool is smaller than
// Tusk's holds a new connection's first query until one of its server
// connections is free, which may be never (each idle Tusk connection keeps
// one); pgxpool would keep the caller waiting for that new connection even
// when an older one became free. The new connection is still opened in
// the background and joins the pool if the pooler lets it in.
func (p *Pool) acquire(ctx context.Context) (*pgxpool.Conn, error) {
	if !p.router.get().Pooler {
		return p.pool.Acquire(ctx)
	}
	type result struct {
		c   *pgxpool.Conn
		err error
	}
	actx, cancel := context.WithCancel(ctx)
	ch := make(chan result, 1)
	go func() {
		c, err := p.pool.Acquire(actx)
		ch <- result{c, err}
	}()
	tick := time.NewTicker(idleCheckInterval)
	defer tick.Stop()
	for {
		select {
		case r := <-ch:
			cancel()
			return r.c, r.err
		case <-tick.C:
			if st := p.pool.Stat(); st.ConstructingConns() == 0 || st.IdleConns() == 0 {
				continue
			}
			idle := p.pool.AcquireAllIdle(ctx)
			if len(idle) == 0 {
				continue
			}
			for _, c := range idle[1:] {
				c.Release()
			}
			cancel()
			go func() {
				if r := <-ch; r.c != nil {
					r.c.Release()
				}
			}()
			return idle[0], nil
		}
	}
}

// idleCheckInterval is how often a caller waiting for a new connection
// behind a pooler looks for one released meanwhile.
const idleCheckInterval = 50 * time.Millisecond

// backendPID asks the server for its process ID.
func backendPID(ctx context.Context, pg *pgconn.PgConn) (uint32, error) {
	res, err := pg.Exec(ctx, "select pg_backend_pid()").ReadAll()
	if err != nil {
		return 0, err
	}
	if len(res) != 1 || len(res[0].Rows) != 1 {
		return 0, errors.New("pg_backend_pid: unexpected answer")
	}
	v, err := strconv.ParseUint(string(res[0].Rows[0][0]), 10, 32)
	return uint32(v), err
}

// Route returns what sits between Tusk and the server (see Route). Safe for
// concurrent use.
func (p *Pool) Route() Route { return p.router.get() }

// ServerPID returns the server process ID last seen on c's connection: read
// when it was opened, or reported by ObserveServerPID. Without a pooler it
// equals c.PgConn().PID(). Behind a transaction pooler it says which server
// process served that connection last, not which serves it next.
func (c *Conn) ServerPID() (uint32, bool) {
	pg := c.PgConn()
	if pg == nil {
		return 0, false
	}
	return c.pool.router.serverPID(pg)
}

// ObserveServerPID records the pg_backend_pid() a caller read on c's
// connection. A client connection behind a pooler that meets a second
// server process shows transaction pooling, and the Route says so from
// then on.
func (c *Conn) ObserveServerPID(pid uint32) {
	if pg := c.PgConn(); pg != nil {
		c.pool.router.observe(pg, pid)
	}
}
