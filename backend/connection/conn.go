package connection

import (
	"context"
	"errors"
	"sync/atomic"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// ErrReleased is returned by the methods of a Conn used after Release.
var ErrReleased = errors.New("connection already released to the pool")

// Conn is a connection acquired from a Pool (T050). Like a pgx connection it
// runs one statement at a time: use it from one goroutine at a time (Release
// may be called from any goroutine, and more than once).
//
// Cancelling the ctx of a running statement sends the server a
// CancelRequest; the statement fails with SQLSTATE 57014 (classify it with
// apperr.ClassifyContext to get Cancelled) and the connection, with its
// session state, stays usable. Errors are the driver's, unwrapped, so
// apperr.Classify sees the server's fields (code, position, …).
type Conn struct {
	pc   *pgxpool.Conn
	pool *Pool

	released atomic.Bool
}

// Release returns the connection to the pool. A connection left in a
// transaction, busy, or broken is closed instead of reused. Calls after the
// first do nothing. When Release returns, Pool.Status counts the connection
// as available — or, if it is being closed, still in Size until its socket
// is shut.
func (c *Conn) Release() {
	if c.released.Swap(true) {
		return
	}
	c.pool.releasing(c.pc.Conn().IsClosed())
	c.pc.Release()
	c.pool.released()
}

// Discard closes the connection and gives its slot back to the pool,
// instead of returning it for reuse: for a session whose state (an open
// transaction, temporary tables, SET values) must not reach whoever
// acquires next. The server ends the session (rolling back a transaction);
// nothing waits for its answer. Closing it does not count as a broken
// connection; one that was already closed (the server or the network
// ended it) does, as on Release. Like Release, calls after the first do
// nothing.
func (c *Conn) Discard() {
	if c.released.Swap(true) {
		return
	}
	pc := c.pc.Conn()
	broken := pc.PgConn().IsClosed()
	ctx, cancel := context.WithTimeout(context.Background(), CloseGrace)
	_ = pc.PgConn().Close(ctx)
	cancel()
	c.pool.releasing(broken)
	c.pc.Release()
	c.pool.released()
}

// conn returns the pgx connection, nil after Release.
func (c *Conn) conn() *pgx.Conn {
	if c.released.Load() {
		return nil
	}
	return c.pc.Conn()
}

// Query runs sql with args and returns its rows; the caller must Close them
// (or read them to the end) and then check Rows.Err. As in pgx, args may
// start with a pgx.QueryExecMode (e.g. pgx.QueryExecModeSimpleProtocol) to
// choose how the statement is sent. The default, pgx.QueryExecModeExec,
// sends it as the unnamed statement in one round trip, so it works through
// a connection pooler in transaction mode; the caching modes are disabled
// (they fail) because their named statements do not survive one.
func (c *Conn) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	pc := c.conn()
	if pc == nil {
		return nil, ErrReleased
	}
	return pc.Query(ctx, sql, args...)
}

// Exec runs sql with args, discarding rows, and returns the command tag.
func (c *Conn) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	pc := c.conn()
	if pc == nil {
		return pgconn.CommandTag{}, ErrReleased
	}
	return pc.Exec(ctx, sql, args...)
}

// SendBatch sends every query of b in one round trip (as pgx.Conn.SendBatch
// does); the caller must Close the results before using the connection
// again.
func (c *Conn) SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults {
	pc := c.conn()
	if pc == nil {
		return errBatch{}
	}
	return pc.SendBatch(ctx, b)
}

// errBatch is the BatchResults of a released connection.
type errBatch struct{}

func (errBatch) Exec() (pgconn.CommandTag, error) { return pgconn.CommandTag{}, ErrReleased }
func (errBatch) Query() (pgx.Rows, error)         { return nil, ErrReleased }
func (errBatch) QueryRow() pgx.Row                { return errRow{} }
func (errBatch) Close() error                     { return ErrReleased }
func (errBatch) Tx() pgx.Tx                       { return nil }

type errRow struct{}

func (errRow) Scan(...any) error { return ErrReleased }

// Prepare creates a prepared statement called name on this connection and
// describes its parameters and result columns. Query and Exec then run it
// when given name as their sql. Preparing the same name and sql again is a
// no-op; the statement lives as long as the connection — or, behind a
// connection pooler in transaction mode, only as long as the server
// connection the pooler lent for it, so Tusk's own code never uses it.
func (c *Conn) Prepare(ctx context.Context, name, sql string) (*pgconn.StatementDescription, error) {
	pc := c.conn()
	if pc == nil {
		return nil, ErrReleased
	}
	return pc.Prepare(ctx, name, sql)
}

// Begin starts a transaction (BEGIN, with the session's defaults: on a
// ReadOnly connection it is read-only). The caller must Commit or Rollback
// it before releasing the connection, or the pool closes the connection.
func (c *Conn) Begin(ctx context.Context) (*Tx, error) {
	pc := c.conn()
	if pc == nil {
		return nil, ErrReleased
	}
	tx, err := pc.Begin(ctx)
	if err != nil {
		return nil, err
	}
	return &Tx{tx: tx}, nil
}

// PgConn returns the low-level connection, e.g. for CancelRequest, the
// backend's process ID or streaming a result with raw values; nil after
// Release. It stays owned by the pool.
func (c *Conn) PgConn() *pgconn.PgConn {
	pc := c.conn()
	if pc == nil {
		return nil
	}
	return pc.PgConn()
}

// Tx is a transaction on a Conn (T051). Like its Conn, use it from one
// goroutine at a time.
type Tx struct {
	tx pgx.Tx
}

// Commit commits the transaction. If the transaction failed earlier, the
// server rolls it back and Commit returns pgx.ErrTxCommitRollback.
func (t *Tx) Commit(ctx context.Context) error { return t.tx.Commit(ctx) }

// Rollback rolls the transaction back. After Commit or Rollback it returns
// pgx.ErrTxClosed, so `defer tx.Rollback(ctx)` is safe.
func (t *Tx) Rollback(ctx context.Context) error { return t.tx.Rollback(ctx) }

// Query runs sql inside the transaction; see Conn.Query.
func (t *Tx) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	return t.tx.Query(ctx, sql, args...)
}

// Exec runs sql inside the transaction; see Conn.Exec.
func (t *Tx) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	return t.tx.Exec(ctx, sql, args...)
}
