package query

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/connection"
)

// How a session's statements are wrapped, by connection:
//
// Read-only is verified, never assumed. On a read-only connection every
// statement runs inside a transaction that the server has confirmed, in
// that same transaction, to be READ ONLY: when the tab has no transaction
// open, Tusk opens one first ("begin read only; … select
// current_setting('transaction_read_only')" in one message, which also
// takes the transaction's snapshot, after which nothing can make it
// read-write); inside the user's own transaction it runs "set transaction
// read only" and the same check before the statement that follows a
// BEGIN, COMMIT AND CHAIN or any other transaction control. A statement
// whose check fails is not run. It holds whatever sits in front of the
// server: the check travels with the statement's transaction, which a
// pooler in any mode keeps on one server connection, and user statements
// go through the extended protocol, which carries exactly one statement
// per message, so no second statement can slip past the check. It does
// not depend on default_transaction_read_only, which a pooler may drop
// and a user may switch off (SET, SET SESSION CHARACTERISTICS, RESET,
// set_config in a SELECT). Consequences the user can see: a procedure
// cannot COMMIT, and statements that refuse to run in a transaction block
// (VACUUM, CREATE DATABASE, CREATE INDEX CONCURRENTLY) fail with 25001.
//
// Options a pooler refused at login (connection.SettingsPerTransaction)
// are set with SET LOCAL inside every transaction the engine opens or sees
// start; outside a transaction the engine enforces statement_timeout by
// cancelling the statement itself.
//
// Behind a pooler the process ID the protocol reports is the pooler's. The
// engine reads pg_backend_pid() in the transaction the statement runs in
// whenever it checks or sets something there anyway (and inside a user's
// transaction behind a pooler), so Terminate and the escalating cancel can
// target the real server process.

// txCheck is what the engine set up in the transaction open on a
// session's connection. Guarded by the session's busy lock.
type txCheck struct {
	own       bool   // the open transaction is Tusk's, opened for the next statement
	locked    bool   // checked (read-only), settings applied and PID read in the open transaction
	serverPID uint32 // pg_backend_pid() read in the open transaction; 0 when unknown
}

// policy is how a connection's statements are wrapped.
type policy struct {
	readOnly bool
	perTx    bool // options applied per transaction by the engine
	pooled   bool
	mode     connection.PoolerMode
	stmt     time.Duration // statement_timeout, 0 none
	idle     time.Duration // idle_in_transaction_session_timeout, 0 none
}

func policyOf(pool *connection.Pool) policy {
	rt, o := pool.Route(), pool.Config().Options
	return policy{readOnly: o.ReadOnly, perTx: rt.Settings == connection.SettingsPerTransaction,
		pooled: rt.Pooler, mode: rt.PoolerMode, stmt: o.StatementTimeout, idle: o.IdleInTransactionTimeout}
}

// settings is the SET LOCAL of the options a pooler refused; "" when the
// server applies them itself.
func (p policy) settings() string {
	if !p.perTx {
		return ""
	}
	var b strings.Builder
	for _, s := range []struct {
		name string
		d    time.Duration
	}{{"statement_timeout", p.stmt}, {"idle_in_transaction_session_timeout", p.idle}} {
		if s.d > 0 {
			fmt.Fprintf(&b, "set local %s = %d; ", s.name, max(s.d.Milliseconds(), 1))
		}
	}
	return b.String()
}

// clientTimeoutGrace is how much longer than statement_timeout the engine
// lets a statement run before it cancels it itself.
const clientTimeoutGrace = time.Second

// clientTimeout is how long after which the engine cancels a statement
// itself: when the server was not given statement_timeout at login. The
// grace lets a statement_timeout set in the transaction fire first.
func (p policy) clientTimeout() time.Duration {
	if !p.perTx || p.stmt <= 0 {
		return 0
	}
	return p.stmt + clientTimeoutGrace
}

// The checks the engine runs in a statement's transaction.
const (
	checkSQL      = "select current_setting('transaction_read_only'), pg_backend_pid()"
	beginGuardSQL = "begin read only; "
	lockSQL       = "set transaction read only; "
)

// prepare readies the session's transaction for statement st: opens or
// renews Tusk's read-only transaction, or checks the user's, applies the
// options a pooler refused, and records the server process. A non-nil
// error means st must not run.
func (e *Engine) prepare(pol policy, sess *session, h *Handle, pg *pgconn.PgConn, st Statement) *apperr.Error {
	g := &sess.tx
	status := pg.TxStatus()
	begins := beginsTransaction(st.SQL)
	if status == 'I' || status == 'E' && g.own {
		if status == 'E' {
			if _, err := e.exchange(h, pg, "rollback"); err != nil {
				return apperr.Classify(err)
			}
		}
		*g = txCheck{}
		status = 'I'
	}
	switch {
	case !pol.readOnly && !pol.perTx && !pol.pooled:
		return nil
	case status == 'E':
		return nil // the server refuses everything but ending the transaction
	case !pol.readOnly:
		if status == 'T' && !g.locked {
			return e.lock(pol, g, h, pg, pol.settings()+"select 'on', pg_backend_pid()", false)
		}
		return nil
	case begins && g.own:
		// The user's BEGIN: end Tusk's transaction first; the user's is
		// checked right after it opened (settleTx).
		if _, err := e.exchange(h, pg, "commit"); err != nil {
			return apperr.Classify(err)
		}
		*g = txCheck{}
		return nil
	case begins && status == 'I':
		return nil
	case status == 'I':
		return e.lock(pol, g, h, pg, beginGuardSQL+pol.settings()+checkSQL, true)
	case g.own:
		return e.lock(pol, g, h, pg, "commit; "+beginGuardSQL+pol.settings()+checkSQL, true)
	case !g.locked:
		return e.lock(pol, g, h, pg, lockSQL+pol.settings()+checkSQL, false)
	}
	return nil
}

// lock runs a check message whose last result is (transaction_read_only,
// pg_backend_pid) and records it; own says the message opens Tusk's
// transaction.
func (e *Engine) lock(pol policy, g *txCheck, h *Handle, pg *pgconn.PgConn, sql string, own bool) *apperr.Error {
	res, err := e.exchange(h, pg, sql)
	ro, pid, perr := lastRow(res, err)
	problem := ""
	switch {
	case perr != nil && !isServerRefusal(perr):
		return apperr.ClassifyContext(h.ctx, perr) // the connection, the pooler, a cancel: not read-only's fault
	case perr != nil:
		problem = "the server refused a read-only transaction: " + apperr.Info(perr).Message
	case pol.readOnly && ro != "on":
		problem = "the server reports the transaction as read-write although Tusk asked for READ ONLY"
	}
	if problem != "" {
		// Never leave a transaction open that may write.
		if !pg.IsClosed() && pg.TxStatus() != 'I' {
			_, _ = e.exchange(h, pg, "rollback")
		}
		*g = txCheck{}
		ae := apperr.New(apperr.ReadOnly, "the connection is read-only, but "+problem+"; the statement was not run")
		if perr != nil {
			ae.Err = perr
		}
		return ae
	}
	g.locked, g.serverPID = true, pid
	if own {
		g.own = true
	}
	return nil
}

// settleTx records what statement st left behind: a transaction that started
// or ended, or transaction control that may have started a new one (COMMIT
// AND CHAIN). A transaction the user opened is checked at once, so it is
// never left open unchecked between runs; when the check fails the
// transaction has been rolled back and the error says so.
func (e *Engine) settleTx(pol policy, sess *session, h *Handle, pg *pgconn.PgConn, st Statement, tag pgconn.CommandTag) *apperr.Error {
	g := &sess.tx
	if pg.IsClosed() || pg.TxStatus() == 'I' {
		*g = txCheck{}
		return nil
	}
	if st.Kind == Transaction || isTransactionTag(tag) {
		g.locked = false
		if beginsTransaction(st.SQL) {
			g.own = false
		}
	}
	if g.own || g.locked || pg.TxStatus() != 'T' || !pol.readOnly && !pol.perTx && !pol.pooled {
		return nil
	}
	return e.prepare(pol, sess, h, pg, Statement{SQL: "select"})
}

// endRun ends Tusk's own transaction after the last statement of a run.
func (e *Engine) endRun(sess *session, h *Handle, pg *pgconn.PgConn) {
	g := &sess.tx
	if !g.own || pg.IsClosed() {
		return
	}
	sql := "commit"
	if pg.TxStatus() == 'E' {
		sql = "rollback"
	}
	if pg.TxStatus() != 'I' {
		if _, err := e.exchange(h, pg, sql); err != nil {
			e.deps.Log.WithError(err).Warn("could not end the read-only transaction")
		}
	}
	*g = txCheck{}
}

// exchange sends a simple-protocol message of Tusk's own on the session's
// connection. Behind a pooler it may wait for a server connection; after
// connection.PoolerWaitNotice the UI hears that the query waits for the
// pooler. Cancelling the query while it waits closes the connection: a
// pooler ignores cancel requests for a client that has no server
// connection, and such a client has nothing to lose. The handle's context
// is only cancelled when the query is.
func (e *Engine) exchange(h *Handle, pg *pgconn.PgConn, sql string) ([]*pgconn.Result, error) {
	answered := make(chan struct{})
	// A check the server is running answers within milliseconds of a
	// cancel; one still silent after exchangeCancelGrace waits for the
	// pooler.
	stop := context.AfterFunc(h.ctx, func() {
		select {
		case <-answered:
		case <-time.After(exchangeCancelGrace):
			_ = pg.Conn().SetDeadline(time.Now())
		}
	})
	defer stop()
	w := e.waitNotice(h, func() WaitReason { return WaitingPooler })
	defer w.stop()
	res, err := pg.Exec(context.WithoutCancel(h.ctx), sql).ReadAll()
	close(answered)
	if err != nil && h.IsCancelled() {
		return res, apperr.Wrap(apperr.Cancelled, "the query was cancelled before it started", err)
	}
	return res, err
}

// exchangeCancelGrace is how long a cancelled query's check may take to
// answer before the engine breaks the connection (see exchange).
const exchangeCancelGrace = 250 * time.Millisecond

// targetOf names the server process that will run st on pg.
func (e *Engine) targetOf(pol policy, sess *session, pg *pgconn.PgConn, st Statement) target {
	switch {
	case !pol.pooled:
		return target{pid: pg.PID(), certain: true, sql: st.SQL}
	case sess.tx.serverPID != 0 && pg.TxStatus() != 'I':
		sess.conn.ObserveServerPID(sess.tx.serverPID)
		return target{pid: sess.tx.serverPID, certain: true, sql: st.SQL}
	case pol.mode == connection.SessionPooling:
		pid, _ := sess.conn.ServerPID() // a candidate, confirmed by the statement's text
		return target{pid: pid, sql: st.SQL}
	}
	return target{sql: st.SQL}
}

// lastServerPID is the server process that ran the query's last statement,
// 0 when it is not known for certain (behind a pooler, outside a
// transaction): the process ID a pooler reports is never shown.
func lastServerPID(h *Handle) uint32 {
	if tg := h.runningTarget(); tg.certain {
		return tg.pid
	}
	return 0
}

// changesSessionState reports whether sql changes session state that a
// transaction-mode pooler does not keep past the transaction: SET and
// RESET (not SET LOCAL, SET TRANSACTION or SET CONSTRAINTS), PREPARE,
// CREATE TEMP…, DECLARE (a cursor WITH HOLD), LISTEN and LOAD. A lexical
// hint for the UI's notice; set_config() inside a query goes unnoticed.
func changesSessionState(sql string) bool {
	toks := significant(sql, nil)
	if len(toks) == 0 {
		return false
	}
	at := func(i int, kw string) bool { return i < len(toks) && toks[i].IsKeyword(kw) }
	switch {
	case at(0, "set"):
		return !at(1, "local") && !at(1, "transaction") && !at(1, "constraints")
	case at(0, "reset"), at(0, "declare"), at(0, "listen"), at(0, "load"):
		return true
	case at(0, "prepare"):
		return !at(1, "transaction")
	case at(0, "create"):
		i := 1
		if at(i, "or") { // CREATE OR REPLACE TEMP VIEW
			i += 2
		}
		if at(i, "global") || at(i, "local") {
			i++
		}
		return at(i, "temp") || at(i, "temporary")
	}
	return false
}

// lastRow reads (text, pid) from the last result of a check.
func lastRow(res []*pgconn.Result, err error) (string, uint32, error) {
	if err != nil {
		return "", 0, err
	}
	for _, r := range res {
		if r.Err != nil {
			return "", 0, r.Err
		}
	}
	if len(res) == 0 || len(res[len(res)-1].Rows) != 1 || len(res[len(res)-1].Rows[0]) != 2 {
		return "", 0, errors.New("the check returned no row")
	}
	row := res[len(res)-1].Rows[0]
	pid, err := strconv.ParseUint(string(row[1]), 10, 32)
	if err != nil {
		return "", 0, fmt.Errorf("pg_backend_pid: %w", err)
	}
	return string(row[0]), uint32(pid), nil
}

// isServerRefusal reports whether err is the server (not the network, the
// pooler or a cancel) refusing one of the check's statements.
func isServerRefusal(err error) bool {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || apperr.IsPoolerError(err) {
		return false
	}
	return !strings.HasPrefix(pe.Code, "08") && !strings.HasPrefix(pe.Code, "57")
}

// isTransactionTag reports whether a command tag is transaction control
// that may have ended or started a transaction.
func isTransactionTag(tag pgconn.CommandTag) bool {
	switch tag.String() {
	case "BEGIN", "START TRANSACTION", "COMMIT", "ROLLBACK", "PREPARE TRANSACTION":
		return true
	}
	return false
}

// beginsTransaction reports whether sql is BEGIN or START TRANSACTION. The
// server's grammar has no other statement starting with either word, and
// the extended protocol runs exactly one statement, so this is not a
// guess.
func beginsTransaction(sql string) bool {
	toks := significant(sql, nil)
	return len(toks) > 0 && (toks[0].IsKeyword("begin") || toks[0].IsKeyword("start"))
}
