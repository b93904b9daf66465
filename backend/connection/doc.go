// Package connection describes PostgreSQL connections and pools them
// (user story 3: FR-010–FR-013a, SC-003, SC-010; seed tasks T034–T052).
//
// A Config is what the user edits and the store saves (without the
// password); a Pool is the open connections to one server; a Conn is one of
// them, acquired for a while.
//
// # Describing a connection
//
// NewConfig returns a Config with the defaults filled in (port 5432, SSL
// mode prefer, 10 s connect timeout, application name "Tusk"). Validate
// reports every problem at once as an apperr Validation error whose fields
// carry the JSON names the form uses. FromRecord and Config.Record convert
// to and from storage.ConnectionRecord; the password never enters either —
// it lives in the keychain and reaches NewPool as a secret.String.
//
// There is no builder (seed T040): the fields are exported, NewConfig fills
// the defaults, and a composite literal or a few assignments say the rest.
//
//	cfg := connection.NewConfig("Production", "db.example.com", 5432, "shop", "alice")
//	cfg.SSLMode = connection.SSLVerifyFull
//	cfg.Options.StatementTimeout = 30 * time.Second
//	if err := cfg.Validate(); err != nil { ... show apperr.Info(err).Fields ... }
//
// # Importing a connection string
//
// ParseURL reads postgres:// URLs and libpq keyword/value strings. The
// password comes back separately (Imported.Password, for the keychain);
// parameters Tusk has no place for are listed in Imported.Unknown instead of
// being dropped silently.
//
// # Opening a pool
//
// NewPool validates the Config, builds a pgxpool and proves it works by
// opening a first connection and pinging the server, all within the connect
// timeout (SC-003); a pool that NewPool returns is connected. Sessions start
// with application_name, statement_timeout,
// idle_in_transaction_session_timeout and, for a read-only connection,
// default_transaction_read_only=on, so the server itself enforces them —
// unless a pooler refuses or drops them (see "Through a connection
// pooler").
// Direct connections use TCP keepalive; an SSH tunnel plugs in through
// PoolOptions.Dial and PoolOptions.Lookup.
//
//	pool, err := connection.NewPool(ctx, cfg, password, connection.PoolOptions{OnStatus: emit})
//	if err != nil { return err } // apperr.Classify: Connection, Authentication, SSL, …
//	defer pool.Close()
//	conn, err := pool.Acquire(ctx)
//	if err != nil { return err } // PoolTimeout after 30 s of waiting
//	defer conn.Release()
//	rows, err := conn.Query(ctx, "select …")
//
// # Through a connection pooler
//
// Managed services usually put PgBouncer (or a look-alike) between client
// and server, often in transaction mode, where each transaction may run on
// another server connection. Every query a Pool runs is therefore sent as
// the unnamed statement in one round trip (pgx.QueryExecModeExec, with the
// statement and description caches off): no named prepared statement can
// be missing (26000) or taken (42P05) on the server connection the pooler
// picks.
//
// Every new connection is probed once (route.go): pg_backend_pid() against
// the process ID the protocol reported tells a pooler from the server;
// pg_settings tells whether the startup parameters took effect; on a
// read-only connection a BEGIN READ ONLY transaction shows the server
// enforces it. Right after connecting, two client connections asking for
// their server process tell transaction from session pooling. The findings
// are the Route, in every PoolStatus.
//
// PgBouncer refuses statement_timeout, idle_in_transaction_session_timeout
// and default_transaction_read_only at login unless its
// ignore_startup_parameters lists them, in which case it drops them
// silently. NewPool connects without them after a refusal, and stops
// sending them when the probe finds them dropped; Route.Settings is then
// SettingsPerTransaction and the query engine applies them itself. A pooler
// with no free server connection makes the first query of a new connection
// wait: such connections count in PoolStatus.PoolerWaiting after
// PoolerWaitNotice, a cancelled Acquire returns at once (the waiting socket
// is closed: a pooler ignores cancel requests for a client that has no
// server connection), and running out of time is a PoolTimeout naming the
// pooler.
//
// # Watching the pool
//
// Pool.Status is exact at every moment: MaxSize, Size, Available (idle
// connections) and Waiting (callers blocked in Acquire), defined precisely
// on PoolStatus. PoolOptions.OnStatus receives every change from a single
// goroutine, for the UI's status bar.
//
// # Dead connections and a bounded Close
//
// A pooled connection idle for more than PingAfterIdle, or idle since any
// connection of the pool broke (a server restart ends them all at once), is
// pinged before Acquire hands it out; a dead one is discarded and the next
// one tried, so callers never receive a connection the server has already
// closed. PoolOptions.OnBroken hears of every broken connection. Dedicated
// opens a connection outside the pool for control statements and probes.
// Close never waits more than CloseTimeout: it closes the sockets of
// connections still in use after CloseGrace.
//
// # Cancelling a statement
//
// Cancel the ctx of a running statement. Every connection uses
// pgconn.CancelRequestContextWatcherHandler: the cancel request is sent at
// once (CancelRequestDelay 0, so it reaches the server within milliseconds,
// SC-004), the statement fails with SQLSTATE 57014, and the connection and
// its session state (SET variables, temporary tables, prepared statements)
// survive. The call returns about 100 ms after the cancel: pgx waits that
// long after a cancel request before reusing the connection, so the server
// cannot deliver the cancel to the next statement (a stray cancel). If the
// server does not react within CancelDeadlineDelay (2 s), the socket is
// broken instead and the pool discards the connection.
//
// # What the environment does not change
//
// libpq and pgx merge PG* environment variables, ~/.pgpass, service files
// and ~/.postgresql/{root.crt,postgresql.crt,postgresql.key} into every
// connection. Tusk does not: a saved connection behaves the same whoever
// starts the app and from wherever. The connection string handed to pgx
// names every setting those sources could supply, so the Config wins —
// in particular a root.crt in ~/.postgresql does not silently turn
// SSLRequire into verify-ca, and no password is read from ~/.pgpass. The
// one exception is PGSERVICE, which cannot be switched off from a
// connection string: it is read, but every setting it could make is
// overridden; a PGSERVICE naming a missing service makes NewPool fail with a
// Validation error.
//
// # Errors
//
// Errors are wrapped with the target ("connect to host:port/db: …") and %w,
// never with the password, and classify with apperr.Classify. Acquire's
// pool-exhaustion error is an apperr PoolTimeout error; a closed pool gives
// an error matching ErrClosed.
//
// # Concurrency
//
// Config, Options and PoolStatus are plain values. Pool is safe for
// concurrent use. A Conn and its Tx serve one goroutine at a time, like the
// pgx connection under them.
package connection
