package connection_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/connection"
	"github.com/tusk-app/tusk/backend/internal/pgtest"
)

// TestSessionSettings: the options reach every session as server settings.
func TestSessionSettings(t *testing.T) {
	pgtest.Need(t)
	cfg := trustConfig()
	cfg.Options.ApplicationName = "Tusk report"
	cfg.Options.StatementTimeout = 1500 * time.Millisecond
	cfg.Options.IdleInTransactionTimeout = 2 * time.Minute
	p := openPool(t, cfg, "", connection.PoolOptions{MaxConns: 2})
	// Both the test connection and one opened later.
	c1, c2 := acquire(t, p), acquire(t, p)
	for _, c := range []*connection.Conn{c1, c2} {
		for setting, want := range map[string]string{
			"application_name":                    "Tusk report",
			"statement_timeout":                   "1500ms",
			"idle_in_transaction_session_timeout": "2min",
			"default_transaction_read_only":       "off",
		} {
			if got := queryString(t, c, "select current_setting($1)", setting); got != want {
				t.Errorf("%s = %q, want %q", setting, got, want)
			}
		}
	}
}

// TestServerDefaults: zero timeouts leave the server's settings alone.
func TestServerDefaults(t *testing.T) {
	pgtest.Need(t)
	if err := cluster.Exec(testCtx(t), "alter role "+cluster.TrustUser+" in database "+cluster.Database+" set statement_timeout = '42s'"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cluster.Exec(context.Background(), "alter role "+cluster.TrustUser+" in database "+cluster.Database+" reset statement_timeout")
	})
	cfg := trustConfig()
	cfg.Options.StatementTimeout, cfg.Options.IdleInTransactionTimeout = 0, 0
	c := acquire(t, openPool(t, cfg, "", connection.PoolOptions{}))
	if got := queryString(t, c, "select current_setting('statement_timeout')"); got != "42s" {
		t.Errorf("statement_timeout = %q, want the role's 42s", got)
	}
	if got := queryString(t, c, "select current_setting('idle_in_transaction_session_timeout')"); got != "0" {
		t.Errorf("idle_in_transaction_session_timeout = %q", got)
	}
}

// TestReadOnly: the server rejects writes on a read-only connection.
func TestReadOnly(t *testing.T) {
	pgtest.Need(t)
	cfg := trustConfig()
	cfg.Options.ReadOnly = true
	c := acquire(t, openPool(t, cfg, "", connection.PoolOptions{}))
	if got := queryString(t, c, "select current_setting('default_transaction_read_only')"); got != "on" {
		t.Errorf("default_transaction_read_only = %q", got)
	}
	_, err := c.Exec(testCtx(t), "insert into items values (1000, 'nope')")
	e := expectKind(t, err, apperr.Query)
	if e.Pg == nil || e.Pg.Code != "25006" {
		t.Fatalf("SQLSTATE = %+v, want 25006 read_only_sql_transaction", e.Pg)
	}
	// Also inside an explicit transaction.
	tx, err := c.Begin(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	_, err = tx.Exec(testCtx(t), "create table t_ro (x int)")
	if pgCode(err) != "25006" {
		t.Errorf("CREATE TABLE in a transaction: %v, want 25006", err)
	}
	_ = tx.Rollback(testCtx(t))
	// Reads work.
	if got := queryString(t, c, "select count(*)::text from items"); got == "" {
		t.Error("no count")
	}
}

// TestStatementTimeout: the server cancels a statement that runs too long;
// that is a Query error (57014), not a user's cancel, and the connection
// survives.
func TestStatementTimeout(t *testing.T) {
	pgtest.Need(t)
	cfg := trustConfig()
	cfg.Options.StatementTimeout = 100 * time.Millisecond
	p := openPool(t, cfg, "", connection.PoolOptions{MaxConns: 1})
	c := acquire(t, p)
	ctx := testCtx(t)
	start := time.Now()
	_, err := c.Exec(ctx, "select pg_sleep(5)")
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %v", d)
	}
	e := expectKind(t, err, apperr.Query)
	if e.Pg == nil || e.Pg.Code != "57014" {
		t.Fatalf("Pg = %+v, want 57014", e.Pg)
	}
	if k := apperr.ClassifyContext(ctx, err).Kind; k != apperr.Query {
		t.Errorf("ClassifyContext kind = %s, want query (nobody cancelled ctx)", k)
	}
	if got := queryString(t, c, "select 'still here'"); got != "still here" {
		t.Error(got)
	}
}

// TestIdleInTransactionTimeout: the server ends a session left idle in a
// transaction; the pool then replaces the connection.
func TestIdleInTransactionTimeout(t *testing.T) {
	pgtest.Need(t)
	cfg := trustConfig()
	cfg.Options.IdleInTransactionTimeout = 200 * time.Millisecond
	p := openPool(t, cfg, "", connection.PoolOptions{MaxConns: 1})
	c, err := p.Acquire(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	tx, err := c.Begin(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(600 * time.Millisecond)
	_, err = tx.Exec(testCtx(t), "select 1")
	if err == nil {
		t.Fatal("the session survived idling in a transaction")
	}
	t.Logf("after idling: %v (kind %s)", err, apperr.KindOf(err))
	c.Release()
	if got := queryString(t, acquire(t, p), "select 'replaced'"); got != "replaced" {
		t.Error(got)
	}
}

func TestTransactions(t *testing.T) {
	pgtest.Need(t)
	p := openPool(t, trustConfig(), "", connection.PoolOptions{})
	c := acquire(t, p)
	ctx := testCtx(t)
	if _, err := c.Exec(ctx, "delete from items where id between 1 and 2"); err != nil {
		t.Fatal(err)
	}

	tx, err := c.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tag, err := tx.Exec(ctx, "insert into items values ($1, $2)", 1, "kept")
	if err != nil || tag.RowsAffected() != 1 {
		t.Fatalf("insert: %v %v", tag, err)
	}
	rows, err := tx.Query(ctx, "select name from items where id = 1")
	if err != nil {
		t.Fatal(err)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil || len(names) != 1 || names[0] != "kept" {
		t.Fatalf("inside the transaction: %v %v", names, err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if err := tx.Rollback(ctx); !errors.Is(err, pgx.ErrTxClosed) {
		t.Errorf("Rollback after Commit = %v, want ErrTxClosed", err)
	}

	tx, err = c.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, "insert into items values (2, 'gone')"); err != nil {
		t.Fatal(err)
	}
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	if got := queryString(t, c, "select string_agg(name, ',' order by id) from items where id between 1 and 2"); got != "kept" {
		t.Errorf("after commit and rollback: %q", got)
	}

	// A failed transaction cannot commit.
	tx, err = c.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, "insert into items values (1, 'duplicate')"); pgCode(err) != "23505" {
		t.Fatalf("duplicate insert: %v", err)
	}
	if err := tx.Commit(ctx); !errors.Is(err, pgx.ErrTxCommitRollback) {
		t.Errorf("Commit of a failed transaction = %v", err)
	}

	// A connection released inside a transaction is not reused.
	c2, err := p.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	pid := c2.PgConn().PID()
	if _, err := c2.Begin(ctx); err != nil {
		t.Fatal(err)
	}
	c2.Release()
	for range 3 {
		c3 := acquire(t, p)
		if c3.PgConn().PID() == pid {
			t.Fatal("a connection left in a transaction went back into the pool")
		}
		c3.Release()
	}
}

func TestPrepare(t *testing.T) {
	pgtest.Need(t)
	c := acquire(t, openPool(t, trustConfig(), "", connection.PoolOptions{}))
	ctx := testCtx(t)
	desc, err := c.Prepare(ctx, "add_one", "select $1::int + 1 as next, 'x'::text as label")
	if err != nil {
		t.Fatal(err)
	}
	if len(desc.ParamOIDs) != 1 || len(desc.Fields) != 2 || desc.Fields[0].Name != "next" || desc.Fields[1].Name != "label" {
		t.Fatalf("description = %+v", desc)
	}
	for i := range 3 {
		rows, err := c.Query(ctx, "add_one", i)
		if err != nil {
			t.Fatal(err)
		}
		type row struct {
			Next  int
			Label string
		}
		got, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByPos[row])
		if err != nil || got.Next != i+1 {
			t.Fatalf("add_one(%d) = %+v, %v", i, got, err)
		}
	}
	if tag, err := c.Exec(ctx, "add_one", 41); err != nil || tag.String() != "SELECT 1" {
		t.Fatalf("Exec prepared: %v %v", tag, err)
	}
	if _, err := c.Prepare(ctx, "bad", "select from nowhere_table"); pgCode(err) != "42P01" {
		t.Errorf("preparing bad SQL: %v", err)
	}
}

// TestReleasedConn: a released Conn refuses work instead of touching a
// connection someone else may hold.
func TestReleasedConn(t *testing.T) {
	pgtest.Need(t)
	p := openPool(t, trustConfig(), "", connection.PoolOptions{})
	c, err := p.Acquire(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	c.Release()
	c.Release() // idempotent
	ctx := testCtx(t)
	if _, err := c.Query(ctx, "select 1"); !errors.Is(err, connection.ErrReleased) {
		t.Errorf("Query = %v", err)
	}
	if _, err := c.Exec(ctx, "select 1"); !errors.Is(err, connection.ErrReleased) {
		t.Errorf("Exec = %v", err)
	}
	if _, err := c.Prepare(ctx, "p", "select 1"); !errors.Is(err, connection.ErrReleased) {
		t.Errorf("Prepare = %v", err)
	}
	if _, err := c.Begin(ctx); !errors.Is(err, connection.ErrReleased) {
		t.Errorf("Begin = %v", err)
	}
	if c.PgConn() != nil {
		t.Error("PgConn after Release")
	}
	if st := p.Status(); st.Available != 1 || st.Size != 1 {
		t.Errorf("double release corrupted the pool: %+v", st)
	}
}
