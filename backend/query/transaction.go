package query

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/connection"
)

// Transaction states of a session, as Summary.Transaction and
// EndTransaction report them (OpenWork lists the sessions inside one).
const (
	TxIdle   = "idle"
	TxOpen   = "in transaction"
	TxFailed = "failed transaction"
	TxClosed = "closed"
)

// endTimeout bounds COMMIT and ROLLBACK sent on the user's behalf.
const endTimeout = 30 * time.Second

// EndTransaction commits (commit true) or rolls back the open transaction
// of a session, for manual-commit mode's Commit and Rollback, and returns
// the session's transaction state afterwards. A session without a
// connection or transaction is left as it is (TxIdle). It fails while a
// query runs in the session; a failed COMMIT (a deferred constraint, a
// serialization failure) is a Query error and leaves the session idle, as
// the server rolled the transaction back. Committing a transaction in
// which a statement failed rolls it back and says so with a Query error.
func (e *Engine) EndTransaction(ctx context.Context, sessionID string, commit bool) (string, error) {
	e.mu.Lock()
	s := e.sessions[sessionID]
	e.mu.Unlock()
	if s == nil {
		return TxIdle, nil
	}
	if !s.busy.TryLock() {
		return "", apperr.ValidationError(apperr.FieldError{Field: "sessionId", Message: "a query is running in this tab; wait for it or cancel it first"})
	}
	defer s.busy.Unlock()
	if s.conn == nil {
		return TxIdle, nil
	}
	pg := s.conn.PgConn()
	if pg.IsClosed() {
		e.dropSessionConn(s)
		return TxClosed, nil
	}
	if pg.TxStatus() == 'I' {
		return TxIdle, nil
	}
	failed := pg.TxStatus() == 'E'
	sql := "rollback"
	if commit && !failed {
		sql = "commit"
	}
	ctx, cancel := context.WithTimeout(ctx, endTimeout)
	defer cancel()
	_, err := pg.Exec(ctx, sql).ReadAll()
	state := txState(pg)
	if pg.IsClosed() {
		e.dropSessionConn(s)
	} else {
		e.settle(s, pg) // the transaction ended: the connection may go back to the pool
	}
	switch {
	case err != nil:
		return state, apperr.Classify(err)
	case commit && failed:
		return state, apperr.New(apperr.Query, "the transaction had failed, so it was rolled back, not committed").
			WithHint("A statement in it failed; run the statements again once the error is fixed.")
	}
	return state, nil
}

// autoBegin opens a transaction before st when the connection is in
// manual-commit mode and the session has none, as psql does with
// AUTOCOMMIT off. Statements that end or manage transactions, and those
// PostgreSQL refuses inside one (VACUUM, CREATE DATABASE, … CONCURRENTLY),
// run as they are. A failed BEGIN is only logged: it means the connection
// broke, which the statement itself then reports.
func (e *Engine) autoBegin(ctx context.Context, pg *pgconn.PgConn, pool *connection.Pool, st Statement) {
	if !pool.Config().Options.ManualCommit || pg.TxStatus() != 'I' || !needsTransaction(st.SQL) {
		return
	}
	if _, err := pg.Exec(ctx, "begin").ReadAll(); err != nil {
		e.deps.Log.WithError(err).Warn("manual commit: begin failed")
	}
}

// needsTransaction reports whether manual-commit mode opens a transaction
// for sql: false for transaction control (except savepoints), for
// statements that cannot run inside a transaction block, and for empty
// statements.
func needsTransaction(sql string) bool {
	toks := significant(sql, nil)
	if len(toks) == 0 {
		return false
	}
	kw := func(i int, w string) bool { return i < len(toks) && toks[i].IsKeyword(w) }
	has := func(w string) bool {
		for i := range toks {
			if toks[i].IsKeyword(w) {
				return true
			}
		}
		return false
	}
	switch {
	case kw(0, "begin"), kw(0, "start"), kw(0, "commit"), kw(0, "end"), kw(0, "abort"),
		kw(0, "rollback") && !kw(1, "to"), kw(0, "prepare") && kw(1, "transaction"),
		kw(0, "vacuum"), kw(0, "checkpoint"),
		kw(0, "cluster") && (len(toks) == 1 || len(toks) == 2 && kw(1, "verbose")),
		kw(0, "create") && (kw(1, "database") || kw(1, "tablespace") || kw(1, "subscription")),
		kw(0, "drop") && (kw(1, "database") || kw(1, "tablespace") || kw(1, "subscription")),
		kw(0, "alter") && (kw(1, "system") || kw(1, "subscription")),
		kw(0, "discard") && kw(1, "all"),
		kw(0, "reindex") && (kw(1, "database") || kw(1, "system") || has("concurrently")),
		(kw(0, "create") || kw(0, "drop")) && has("index") && has("concurrently"):
		return false
	}
	return true
}

// rollbackScope opens the transaction an EXPLAIN ANALYZE of a statement
// that changes data runs in (req.rollback): BEGIN in an idle session, a
// savepoint inside an open transaction (a failed one is left alone: the
// statement fails there without running). The returned function rolls
// back to where the session was; call it once the statement has ended.
func (e *Engine) rollbackScope(ctx context.Context, pg *pgconn.PgConn, req Request) (func(), error) {
	if !req.rollback {
		return func() {}, nil
	}
	var open, undo string
	switch pg.TxStatus() {
	case 'I':
		open, undo = "begin", "rollback"
	case 'T':
		open, undo = "savepoint tusk_explain", "rollback to savepoint tusk_explain; release savepoint tusk_explain"
	default:
		return func() {}, nil
	}
	if _, err := pg.Exec(ctx, open).ReadAll(); err != nil {
		return nil, err
	}
	return func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), endTimeout)
		defer cancel()
		if _, err := pg.Exec(ctx, undo).ReadAll(); err != nil {
			e.deps.Log.WithError(err).Warn("explain: rolling back failed; closing the connection")
			_ = pg.Close(ctx) // never leave the changes in an open transaction
		}
	}, nil
}
