package query

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// CancelRequestTimeout bounds the CancelRequest a Cancel sends.
const CancelRequestTimeout = 2 * time.Second

// Handle is a running query (T053, T057): created by Engine.Execute with a
// backend-issued ID, registered in the state while it runs, and unregistered
// when it completes, fails or is cancelled. Safe for concurrent use.
type Handle struct {
	id           string
	connectionID string
	sessionID    string
	sql          string
	statements   int // how many statements the query runs
	startedAt    time.Time

	cancelled atomic.Bool
	done      chan struct{} // closed when the query has finished
	// ctx is cancelled by Cancel; it bounds waiting for a pooled
	// connection (never a statement: those are cancelled on the server).
	ctx       context.Context
	cancelCtx context.CancelFunc

	stmt     atomic.Int32 // index of the statement being prepared or run
	timedOut atomic.Bool  // the engine cancelled the statement on the wire for its statement timeout
	ending   atomic.Bool  // Terminate or Drop was asked: the query never runs again

	mu         sync.Mutex // guards the fields below
	conn       *pgconn.PgConn
	running    bool            // a statement is on the wire
	ended      chan struct{}   // closed when the statement on the wire ends
	cancelDone chan struct{}   // closed when the CancelRequest returned; nil if none was sent
	signalled  bool            // cancel requests were sent for the statement on the wire
	fences     []chan struct{} // other cancel signals in flight (escalation)
	target     target          // the server process running the statement on the wire
}

// target names the server process of a statement: certain when read in the
// statement's own transaction (or without a pooler), else a candidate to
// be confirmed in pg_stat_activity by the statement's text.
type target struct {
	pid     uint32
	certain bool
	sql     string
}

func newHandle(id, connectionID, sessionID, sql string) *Handle {
	ctx, cancel := context.WithCancel(context.Background())
	return &Handle{id: id, connectionID: connectionID, sessionID: sessionID, sql: sql, startedAt: time.Now(),
		done: make(chan struct{}), ctx: ctx, cancelCtx: cancel}
}

// ID is the query's backend-issued identifier.
func (h *Handle) ID() string { return h.id }

// ConnectionID is the saved connection the query runs on.
func (h *Handle) ConnectionID() string { return h.connectionID }

// SessionID is the editor tab the query runs in.
func (h *Handle) SessionID() string { return h.sessionID }

// SQL is the text the query runs.
func (h *Handle) SQL() string { return h.sql }

// StartedAt is when Execute accepted the query.
func (h *Handle) StartedAt() time.Time { return h.startedAt }

// Elapsed is the time since StartedAt.
func (h *Handle) Elapsed() time.Duration { return time.Since(h.startedAt) }

// IsCancelled reports whether Cancel was called.
func (h *Handle) IsCancelled() bool { return h.cancelled.Load() }

// Done is closed when the query has finished (in any way).
func (h *Handle) Done() <-chan struct{} { return h.done }

// Cancel asks the server to stop the query: a PostgreSQL CancelRequest for
// the statement on the wire (SC-004), and no further statements of a
// script. The connection and its session survive. Calling it again, or after
// the query finished, does nothing.
func (h *Handle) Cancel() { h.cancel() }

// cancel is Cancel reporting whether this call was the one that cancelled.
func (h *Handle) cancel() bool {
	if !h.cancelled.CompareAndSwap(false, true) {
		return false
	}
	h.cancelCtx()
	h.signal()
	return true
}

// interrupt cancels the statement on the wire because it ran past the
// connection's statement timeout, which the engine enforces itself when a
// pooler refused to pass it to the server. The query is not marked
// cancelled: the statement fails as a timeout.
func (h *Handle) interrupt() {
	h.timedOut.Store(true)
	h.signal()
}

// signal sends the server CancelRequests for the statement on the wire, once
// per statement.
func (h *Handle) signal() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.running || h.conn == nil || h.signalled {
		return
	}
	h.signalled = true
	ch := make(chan struct{})
	h.cancelDone = ch
	conn, ended := h.conn, h.ended
	go func() {
		defer close(ch)
		// A CancelRequest that reaches the server before the backend has
		// started the statement is ignored (it was idle), so repeat it
		// while the statement runs on; escalation takes over after that.
		for range CancelRetries {
			ctx, cancel := context.WithTimeout(context.Background(), CancelRequestTimeout)
			_ = conn.CancelRequest(ctx) // a failure shows as a query that does not stop
			cancel()
			select {
			case <-ended:
				return
			case <-time.After(CancelRetryInterval):
			}
		}
	}()
}

// A cancel is retried CancelRetries times, CancelRetryInterval apart, while
// the statement keeps running.
const (
	CancelRetries       = 5
	CancelRetryInterval = 100 * time.Millisecond
)

// begin marks a statement as on the wire on conn, run by the server process
// tg names; it reports false when the query was cancelled before it could
// start.
func (h *Handle) begin(conn *pgconn.PgConn, tg target) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.cancelled.Load() {
		return false
	}
	h.conn, h.running, h.ended, h.signalled, h.target = conn, true, make(chan struct{}), false, tg
	h.timedOut.Store(false)
	return true
}

// end marks the statement as finished and waits until a CancelRequest (or
// an escalation signal) sent for it has returned, so that the server's
// cancel signal can never hit the next statement on this connection
// (RECIPES: the stray 57014).
//
// A connection that is closed runs nothing next, so then end does not wait:
// a CancelRequest to a server behind a silent network may take its whole
// timeout to fail.
func (h *Handle) end() {
	h.mu.Lock()
	h.running = false
	close(h.ended)
	waits := append([]chan struct{}{h.cancelDone}, h.fences...)
	h.fences = nil
	closed := h.conn != nil && h.conn.IsClosed()
	h.mu.Unlock()
	if closed {
		return
	}
	for _, ch := range waits {
		if ch != nil {
			<-ch
		}
	}
}

// fence returns a channel the caller closes once it has delivered a signal
// to the backend, or false when no statement is on the wire (then no signal
// may be sent: it could hit whatever runs next).
func (h *Handle) fence() (chan struct{}, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.running {
		return nil, false
	}
	ch := make(chan struct{})
	h.fences = append(h.fences, ch)
	return ch, true
}

// runningTarget returns the server process of the statement on the wire.
func (h *Handle) runningTarget() target {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.target
}
