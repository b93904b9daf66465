package query

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/sirupsen/logrus"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/connection"
)

// Tunables of sessions.
const (
	// ReclaimAfter is how long a query waits for a pooled connection before
	// the engine gives up the session of an idle tab that keeps one (for its
	// SET values, temporary tables, …), never one in a transaction.
	ReclaimAfter = 500 * time.Millisecond
	// RetireGrace is how long closing a tab lets its running query stop on
	// a cancel before its network connection is closed.
	RetireGrace = 500 * time.Millisecond
	// SettleTimeout bounds reading what an idle session holds.
	SettleTimeout = 2 * time.Second
)

// session is an editor tab's server session. Between runs it keeps a
// pooled connection only while the server session holds something a fresh
// one would not (Holdings); otherwise the connection goes back to the pool,
// so idle tabs never starve the others.
type session struct {
	id, connectionID string
	busy             sync.Mutex // held while a query runs in the session; guards the fields below

	conn      *connection.Conn // pinned connection; nil when the session holds nothing
	held      Holdings         // what the server session holds, as last seen
	lastQuery string           // ID of the query whose results the session shows
	lastUsed  time.Time
	broken    uint64       // the pool's Broken count when the session last used conn
	lost      *SessionLost // the session was given up while idle: reported by the next run
	tx        txCheck      // what the engine set up in conn's open transaction (readonly.go)

	pg atomic.Pointer[pgconn.PgConn] // the pinned connection, for closing its socket from outside
}

// SessionLost is the payload of session:lost, and Summary.SessionLost: a
// tab's server session ended and a fresh one takes its place on the next
// run.
type SessionLost struct {
	SessionID    string `json:"sessionId"`
	ConnectionID string `json:"connectionId"`
	// Lost names what went with the session (Holdings.Describe); empty
	// when it held nothing.
	Lost []string `json:"lost"`
	// Cause is "connection" (the connection broke or the server ended the
	// session) or "reclaimed" (it was given up so that another tab could
	// get a connection).
	Cause string `json:"cause"`
	// Error is the failure that ended it, nil when it was reclaimed.
	Error *apperr.ErrorInfo `json:"error,omitempty"`
}

// Causes of SessionLost.
const (
	LostConnection = "connection"
	LostReclaimed  = "reclaimed"
)

func (e *Engine) session(id, connectionID string) *session {
	e.mu.Lock()
	defer e.mu.Unlock()
	s := e.sessions[id]
	if s == nil || s.connectionID != connectionID {
		if s != nil {
			e.retireLater(s) // the tab switched connection
		}
		s = &session{id: id, connectionID: connectionID}
		e.sessions[id] = s
	}
	return s
}

// attach returns the connection the run uses: the session's own, checked
// first when it sat idle (or a connection of the pool broke meanwhile), or
// one from the pool. A pinned connection that turns out dead means the
// session is lost: that is an error naming what went with it, and the next
// run starts afresh.
func (e *Engine) attach(pool *connection.Pool, sess *session, h *Handle) (*pgconn.PgConn, error) {
	if sess.conn != nil {
		pg := sess.conn.PgConn()
		if time.Since(sess.lastUsed) < connection.PingAfterIdle && pool.Broken() == sess.broken && !pg.IsClosed() {
			return pg, nil
		}
		ctx, cancel := context.WithTimeout(h.ctx, connection.PingTimeout)
		err := pg.Ping(ctx)
		cancel()
		switch {
		case err == nil:
			return pg, nil
		case h.IsCancelled():
			return nil, apperr.New(apperr.Cancelled, "the query was cancelled before it started")
		}
		held := sess.held
		e.dropSessionConn(sess)
		if !held.Empty() {
			lost := e.sessionLost(sess, held, err, LostConnection)
			return nil, lostError(err, lost)
		}
		// The session held nothing and nothing was sent: simply run on a
		// fresh connection.
	}
	w := e.waitNotice(h, acquireReason(pool))
	c, err := e.acquire(h.ctx, pool, sess)
	w.stop()
	if err != nil {
		return nil, err
	}
	sess.conn = c
	sess.pg.Store(c.PgConn())
	sess.broken = pool.Broken()
	return c.PgConn(), nil
}

// acquire takes a pooled connection for sess. While it waits, idle tabs
// that keep a connection without a transaction give theirs up, one every
// ReclaimAfter.
func (e *Engine) acquire(ctx context.Context, pool *connection.Pool, sess *session) (*connection.Conn, error) {
	waiting := make(chan struct{})
	defer close(waiting)
	go func() {
		t := time.NewTimer(ReclaimAfter)
		defer t.Stop()
		for {
			select {
			case <-waiting:
				return
			case <-t.C:
				e.reclaim(sess.connectionID, sess.id)
				t.Reset(ReclaimAfter)
			}
		}
	}()
	c, err := pool.Acquire(ctx)
	if err != nil && apperr.KindOf(err) == apperr.PoolTimeout {
		if n := e.sessionsInTransaction(sess.connectionID); n > 0 {
			err = apperr.Classify(err).WithHint(fmt.Sprintf(
				"%d other tab(s) hold a connection for an open transaction: commit or roll it back there, or close the tab, or allow more connections in the connection settings.", n))
		}
	}
	return c, err
}

// reclaim gives up the session of the idle tab on connectionID (other than
// except) that keeps a connection without a transaction and was used least
// recently; the tab is told on its next run.
func (e *Engine) reclaim(connectionID, except string) {
	e.mu.Lock()
	var candidates []*session
	for _, s := range e.sessions {
		if s.connectionID == connectionID && s.id != except {
			candidates = append(candidates, s)
		}
	}
	e.mu.Unlock()
	var pick *session
	var oldest time.Time
	for _, s := range candidates {
		if !s.busy.TryLock() {
			continue
		}
		if s.conn != nil && s.held.Transaction == "" && (pick == nil || s.lastUsed.Before(oldest)) {
			pick, oldest = s, s.lastUsed
		}
		s.busy.Unlock()
	}
	if pick == nil || !pick.busy.TryLock() {
		return
	}
	defer pick.busy.Unlock()
	if pick.conn == nil || pick.held.Transaction != "" {
		return
	}
	held := pick.held
	e.dropSessionConn(pick)
	pick.lost = e.sessionLost(pick, held, nil, LostReclaimed)
	e.deps.Log.WithFields(logrus.Fields{"session": pick.id, "lost": strings.Join(held.Describe(), "; ")}).
		Info("gave up an idle tab's session so that another tab could run")
}

// sessionsInTransaction counts the tabs of a connection that keep a
// connection for an open transaction.
func (e *Engine) sessionsInTransaction(connectionID string) int {
	e.mu.Lock()
	var list []*session
	for _, s := range e.sessions {
		if s.connectionID == connectionID {
			list = append(list, s)
		}
	}
	e.mu.Unlock()
	n := 0
	for _, s := range list {
		if s.busy.TryLock() {
			if s.conn != nil && s.held.Transaction != "" {
				n++
			}
			s.busy.Unlock()
		}
	}
	return n
}

// settle looks at the session after a run: in a transaction it keeps its
// connection; otherwise it asks the server what the session holds and
// gives the connection back to the pool when it holds nothing.
func (e *Engine) settle(sess *session, pg *pgconn.PgConn) {
	switch pg.TxStatus() {
	case 'T':
		sess.held.Transaction = "in transaction"
		return
	case 'E':
		sess.held.Transaction = "failed transaction"
		return
	}
	// Behind a transaction-mode pooler the question would run on whatever
	// server connection the pooler lends next, and nothing outside a
	// transaction stays with the tab anyway: the session holds nothing.
	route := e.route(sess.connectionID)
	txPooled := route.PoolerMode == connection.TransactionPooling
	var held Holdings
	var err error
	if !txPooled {
		ctx, cancel := context.WithTimeout(context.Background(), SettleTimeout)
		held, err = readHoldings(ctx, pg)
		cancel()
		if route.Pooler {
			held.Settings = withoutPoolerSettings(held.Settings)
		}
	}
	if err != nil {
		if pg.IsClosed() {
			// It ended right after the run (an administrator's terminate,
			// say): the next run starts on a fresh session.
			held := sess.held
			e.dropSessionConn(sess)
			if !held.Empty() {
				sess.lost = e.sessionLost(sess, held, err, LostConnection)
			}
			return
		}
		// Keep the connection (and what it may hold); look again next time.
		sess.held.Transaction = ""
		e.deps.Log.WithError(err).Warn("could not read what the session holds; it keeps its connection")
		return
	}
	if !txPooled {
		held.keepCustomSettings(sess.held)
	}
	sess.held = held
	if held.Empty() {
		sess.conn.Release()
		sess.conn, sess.tx = nil, txCheck{}
		sess.pg.Store(nil)
	}
}

// route is what sits between Tusk and the server of connectionID; the zero
// Route (no pooler) when the connection is gone.
func (e *Engine) route(connectionID string) connection.Route {
	if pool, ok := e.deps.Pool(connectionID); ok {
		return pool.Route()
	}
	return connection.Route{}
}

// poolerSettings are the parameters PgBouncer itself SETs on a server
// connection to match its client's (they show as source 'session'): they
// say nothing about what the tab set, so they never keep a connection.
var poolerSettings = map[string]bool{
	"client_encoding": true, "datestyle": true, "timezone": true, "intervalstyle": true,
	"standard_conforming_strings": true, "application_name": true,
}

// withoutPoolerSettings drops poolerSettings from names.
func withoutPoolerSettings(names []string) []string {
	var out []string
	for _, n := range names {
		if !poolerSettings[strings.ToLower(n)] {
			out = append(out, n)
		}
	}
	return out
}

// sessionLost records and announces that sess's server session ended,
// holding held; err is why (nil when it was reclaimed).
func (e *Engine) sessionLost(sess *session, held Holdings, err error, cause string) *SessionLost {
	lost := &SessionLost{SessionID: sess.id, ConnectionID: sess.connectionID, Lost: held.Describe(), Cause: cause}
	if err != nil {
		info := apperr.Info(err)
		lost.Error = &info
	}
	e.deps.Emit.Emit(EventSessionLost, *lost)
	return lost
}

// lostError is the error of a run whose session was found dead before
// anything was sent: the cause, saying what went with the session.
func lostError(cause error, lost *SessionLost) error {
	e := apperr.Classify(cause)
	c := *e
	if len(lost.Lost) > 0 {
		c.Message = e.Message + " — lost with the session: " + strings.Join(lost.Lost, "; ")
		c.Hint = "The tab's server session ended, and with it what it held. Nothing of this run was sent; run it again on a fresh session (repeat the SET, CREATE TEMP or BEGIN it needs)."
	}
	return &c
}

// CloseSession releases a tab: cancels its query, frees its results and
// gives its connection back. It returns at once; a query that does not stop
// within RetireGrace has its network connection closed.
func (e *Engine) CloseSession(id string) {
	e.mu.Lock()
	s := e.sessions[id]
	delete(e.sessions, id)
	if s != nil {
		e.retireLater(s)
	}
	e.mu.Unlock()
}

// Disconnected releases every session of a connection whose pool is about
// to close (state.OnDisconnect); it returns at once, and the pool's Close
// bounds what remains.
func (e *Engine) Disconnected(connectionID string) {
	e.types.forget(connectionID)
	e.mu.Lock()
	defer e.mu.Unlock()
	for id, s := range e.sessions {
		if s.connectionID == connectionID {
			delete(e.sessions, id)
			e.retireLater(s)
		}
	}
}

// retireLater cancels s's query and retires s in the background. Callers
// hold e.mu.
func (e *Engine) retireLater(s *session) {
	if res := e.results[s.lastQuery]; res != nil {
		res.handle.Cancel()
	}
	if !e.deps.Go(func(context.Context) { e.retire(s) }) {
		go e.retire(s)
	}
}

// retire waits (bounded) for s's query to stop, frees its results and
// gives its connection back.
func (e *Engine) retire(s *session) {
	e.mu.Lock()
	res := e.results[s.lastQuery]
	delete(e.results, s.lastQuery)
	e.mu.Unlock()
	if res != nil {
		res.handle.Cancel()
		select {
		case <-res.handle.done:
		case <-time.After(RetireGrace):
			if pg := s.pg.Load(); pg != nil {
				_ = pg.Conn().Close() // a silent network or a server that ignores the cancel
			}
			<-res.handle.done
		}
		e.closeResults(res)
	}
	s.busy.Lock()
	defer s.busy.Unlock()
	e.dropSessionConn(s)
}

// dropSessionConn gives up the session's connection: back to the pool when
// the session holds nothing, otherwise closed, so that its transaction,
// temporary tables and settings never reach another tab. The caller holds
// s.busy.
func (e *Engine) dropSessionConn(s *session) {
	c := s.conn
	if c == nil {
		return
	}
	pg := c.PgConn()
	clean := s.held.Empty() && !pg.IsClosed() && pg.TxStatus() == 'I'
	s.conn, s.held, s.tx = nil, Holdings{}, txCheck{}
	s.pg.Store(nil)
	if clean {
		c.Release()
	} else {
		c.Discard()
	}
}
