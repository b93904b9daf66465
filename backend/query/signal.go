package query

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/connection"
	"github.com/tusk-app/tusk/backend/resultset"
)

// WaitReason is why a query waits before its statement reaches the server
// (Progress.Waiting); "" when it does not wait.
type WaitReason string

// Reasons a query waits.
const (
	// NotWaiting: the wait is over (or never began).
	NotWaiting WaitReason = ""
	// WaitingPool: every connection of the connection's own pool is in use
	// (other tabs, the schema browser); it gets the next one released.
	WaitingPool WaitReason = "pool"
	// WaitingPooler: a connection pooler in front of the server has no
	// free server connection for it. Cancelling ends the wait at once.
	WaitingPooler WaitReason = "pooler"
)

// WaitReasonEnum pairs a WaitReason with its TypeScript name.
type WaitReasonEnum struct {
	Value  WaitReason
	TSName string
}

// WaitReasons lists the WaitReasons for options.App.EnumBind.
func WaitReasons() []WaitReasonEnum {
	return []WaitReasonEnum{{NotWaiting, "NotWaiting"}, {WaitingPool, "Pool"}, {WaitingPooler, "Pooler"}}
}

// waiter announces, after connection.PoolerWaitNotice, that a query waits
// (Progress.Waiting), follows changes of the reason, and announces the end
// of the wait.
type waiter struct {
	e      *Engine
	h      *Handle
	reason func() WaitReason

	mu      sync.Mutex // guards the fields below
	timer   *time.Timer
	shown   WaitReason // the reason last announced
	stopped bool
}

// waitNotice starts a waiter; reason is asked for the cause when the wait
// is announced and every second after.
func (e *Engine) waitNotice(h *Handle, reason func() WaitReason) *waiter {
	w := &waiter{e: e, h: h, reason: reason}
	w.mu.Lock()
	w.timer = time.AfterFunc(connection.PoolerWaitNotice, w.tick)
	w.mu.Unlock()
	return w
}

func (w *waiter) tick() {
	r := w.reason()
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.stopped {
		return
	}
	if r != w.shown {
		w.shown = r
		w.emit(r)
	}
	w.timer = time.AfterFunc(time.Second, w.tick)
}

func (w *waiter) emit(reason WaitReason) {
	w.e.deps.Emit.Emit(EventProgress, Progress{QueryID: w.h.id, SessionID: w.h.sessionID, Statement: int(w.h.stmt.Load()),
		Statements: w.h.statements, Columns: []resultset.Column{}, ElapsedMs: ms(w.h.Elapsed()), Waiting: reason})
}

// stop ends the wait; if it was announced, the UI hears that it is over.
func (w *waiter) stop() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.stopped = true
	w.timer.Stop()
	if w.shown != "" {
		w.emit("")
	}
}

// acquireReason tells a wait for the connection's own pool from a wait at
// a pooler (a new connection whose first query the pooler holds).
func acquireReason(pool *connection.Pool) func() WaitReason {
	return func() WaitReason {
		if pool.Status().PoolerWaiting > 0 {
			return WaitingPooler
		}
		return WaitingPool
	}
}

// findBackendSQL finds the server process running a statement by its text
// when the process ID is not known for certain (behind a pooler, outside a
// transaction): an active client backend of the same user and database,
// other than the asking one, whose query is the statement (or, when
// pg_stat_activity truncated it, starts it), optionally only process $1.
// It signals (with %s) only when exactly one process matches.
const findBackendSQL = `with m as (
  select a.pid from pg_stat_activity a
   where a.state = 'active' and a.backend_type = 'client backend'
     and a.datname = current_database() and a.usename = current_user
     and a.pid <> pg_backend_pid() and ($1 = 0 or a.pid = $1)
     and (a.query = $2 or (octet_length(a.query) >= (select setting::int - 4 from pg_settings where name = 'track_activity_query_size')
                             and starts_with($2, a.query)))
)
select pid, %s from m where (select count(*) from m) = 1`

// errNoTarget: the server process of a statement behind a pooler could not
// be found.
var errNoTarget = errors.New("the server process running the statement could not be identified")

// signalBackend sends fn (pg_cancel_backend or pg_terminate_backend, or ""
// to only look) to the server process running h's statement, and returns
// its process ID. It uses a connection of its own, outside the pool: the
// pool may be exhausted by the very tabs the user is trying to stop.
// Bounded by EscalateAfter. Without a pooler,
// and inside a transaction whose server process the engine read, the
// process is known; otherwise it is looked up by the statement's text, in
// the same query that signals it, so a pooler cannot hand that process to
// someone else in between.
func (e *Engine) signalBackend(ctx context.Context, h *Handle, fn string) (uint32, error) {
	tg := h.runningTarget()
	pool, ok := e.deps.Pool(h.connectionID)
	if !ok || tg.sql == "" && tg.pid == 0 {
		return 0, errors.New("the query's connection is gone")
	}
	ctx, cancel := context.WithTimeout(ctx, EscalateAfter)
	defer cancel()
	c, err := pool.Dedicated(ctx)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", fn, err)
	}
	defer c.Close(context.Background())
	call := "true"
	if fn != "" {
		call = fn + "(pid)"
	}
	var sql string
	var args [][]byte
	if tg.certain {
		sql, args = fmt.Sprintf("select pid, %s from (select $1::int as pid) t", call), [][]byte{[]byte(strconv.FormatUint(uint64(tg.pid), 10))}
	} else {
		sql, args = fmt.Sprintf(findBackendSQL, call), [][]byte{[]byte(strconv.FormatUint(uint64(tg.pid), 10)), []byte(tg.sql)}
	}
	res := c.ExecParams(ctx, sql, args, nil, nil, nil).Read()
	switch {
	case res.Err != nil:
		return 0, fmt.Errorf("%s: %w", fn, res.Err)
	case len(res.Rows) == 0:
		return 0, errNoTarget
	}
	pid, err := strconv.ParseUint(string(res.Rows[0][0]), 10, 32)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", fn, err)
	}
	return uint32(pid), nil
}

// noTargetError is what Terminate says when the server process cannot be
// identified behind a pooler.
func noTargetError(err error) *apperr.Error {
	return apperr.Wrap(apperr.Pooler, "Tusk cannot tell which server process runs this query behind the connection pooler, so it cannot terminate it", err).
		WithHint("The cancel request was sent. If the query does not stop, drop the connection: the pooler then ends its server connection.")
}
